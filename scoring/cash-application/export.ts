/** The audit export: one CSV row per application, on-account amount or queued best candidate. */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Warehouse } from '../../core/warehouse.ts';
import { EXPORT_SQL } from './queries.ts';

/** Public contract: these names, in this order. */
export const EXPORT_COLUMNS = ['payment_id', 'bank_reference', 'invoice_id', 'credit_note_id', 'amount', 'rule', 'confidence', 'status'] as const;

export type ExportStatus = 'auto' | 'confirmed' | 'exception' | 'on_account';

export interface ExportRow {
  readonly payment_id: string;
  readonly bank_reference: string | null;
  readonly invoice_id: string | null;
  readonly credit_note_id: string | null;
  readonly amount: string;
  readonly rule: string | null;
  readonly confidence: number | null;
  readonly status: ExportStatus;
}

export async function exportRows(wh: Warehouse): Promise<ExportRow[]> {
  const rows = await wh.all<ExportRow & Record<string, unknown>>(EXPORT_SQL);
  return rows.map((r) => ({ ...r, confidence: r.confidence === null ? null : Number(r.confidence) }));
}

/** RFC 4180: quote a field only when it holds a comma, quote or line break. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  const s = typeof value === 'number' ? String(Math.round(value * 1000) / 1000) : value;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(row: ExportRow): string {
  return EXPORT_COLUMNS.map((c) => csvField(row[c])).join(',');
}

export async function writeExport(wh: Warehouse, file: string): Promise<number> {
  const rows = await exportRows(wh);
  const out = createWriteStream(file, { encoding: 'utf8' });
  const write = async (line: string) => {
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  };
  await write(EXPORT_COLUMNS.join(','));
  for (const r of rows) await write(csvLine(r));
  out.end();
  await once(out, 'finish');
  return rows.length;
}
