/**
 * Loads one bank file: parse (any supported format) → balance check → payments, in one transaction
 * with its load_runs row (ingest/load-run.ts). A file that cannot be parsed, or whose own control
 * totals do not tie, is refused whole (status failed, reason in the message and rejected_rows).
 * A statement whose balances do not tie is still loaded; the difference goes to balance_mismatch.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { FileError } from '../../core/errors.ts';
import type { Warehouse } from '../../core/warehouse.ts';
import { recordRejectedRows, runLoad, type IngestResult } from '../load-run.ts';
import { units, unitsToCents } from './decimal.ts';
import { detectBankFormat } from './detect.ts';
import { parseBankFile, type ParseOptions } from './parse.ts';
import { checkFile } from './reconcile.ts';
import { toPayments, type BankPaymentRow } from './to-payments.ts';
import { formatMoney } from '../../core/money.ts';

export interface BankIngestOptions extends ParseOptions {
  /** Name recorded in load_runs.file_name and payments.source_file (defaults to the base name). */
  readonly fileName?: string;
}

const COLUMNS = [
  'payment_id', 'payer_name', 'received_date', 'value_date', 'amount', 'currency', 'method', 'reference',
  'remittance_text', 'bank_account', 'bank_reference', 'source', 'source_file', 'source_line', 'load_run_id',
] as const;
const CASTS: Partial<Record<(typeof COLUMNS)[number], string>> = {
  received_date: '::date',
  value_date: '::date',
  amount: '::decimal(18, 2)',
  source_line: '::integer',
  load_run_id: '::bigint',
};
const CHUNK = 500;

async function existingIds(conn: DuckDBConnection, ids: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const reader = await conn.runAndReadAll(
      `select payment_id from payments where payment_id in (${chunk.map((_, k) => `$${k + 1}`).join(', ')})`,
      chunk,
    );
    for (const r of reader.getRowObjectsJson()) found.add(String(r.payment_id));
  }
  return found;
}

async function insertPayments(conn: DuckDBConnection, rows: BankPaymentRow[], fileName: string, loadRunId: string): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    const params: (string | number | null)[] = [];
    const tuples = chunk.map((r) => {
      const values = [
        r.paymentId, r.payerName, r.receivedDate, r.valueDate, r.amount, r.currency, r.method, r.reference,
        r.remittanceText, r.bankAccount, r.bankReference, r.source, fileName, r.sourceLine, loadRunId,
      ];
      const placeholders = values.map((v, k) => {
        params.push(v);
        return `$${params.length}${CASTS[COLUMNS[k] ?? 'payment_id'] ?? ''}`;
      });
      return `(${placeholders.join(', ')})`;
    });
    await conn.run(`insert into payments (${COLUMNS.join(', ')}) values ${tuples.join(', ')}`, params);
  }
}

/** Cents for load_runs.balance_mismatch (DECIMAL(18,2)); a sub-cent difference is rounded half up. */
function toCentsText(decimal: string): string {
  const u = units(decimal);
  const exact = unitsToCents(u);
  if (exact !== undefined) return formatMoney(exact);
  return formatMoney((u + 500n) / 1000n);
}

/** Whether the file's first bytes look like a supported bank format (content, never the name). */
export function isBankFile(path: string): boolean {
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(8192);
    const n = readSync(fd, head, 0, head.length, 0);
    return detectBankFormat(head.subarray(0, n)) !== null;
  } catch {
    return false;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

export async function ingestBankFile(wh: Warehouse, path: string, opts: BankIngestOptions = {}): Promise<IngestResult> {
  const fileName = opts.fileName ?? basename(path);
  let bytes: Buffer | null = null;
  let readError: Error | null = null;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    readError = err as Error;
  }
  const family = bytes ? detectBankFormat(bytes) : null;
  const kind = `bank:${family ?? 'unknown'}`;
  const sha256 = bytes ? createHash('sha256').update(bytes).digest('hex') : '';
  return runLoad(wh, { path, fileName, kind, profile: null, sha256 }, async (conn, run) => {
    if (!bytes) throw new FileError(`cannot read the file: ${readError?.message ?? 'unknown error'}`, { file: fileName });
    const parsed = parseBankFile(bytes, fileName, opts);
    const check = checkFile(parsed);
    const conv = toPayments(parsed, fileName);
    const present = await existingIds(conn, conv.rows.map((r) => r.paymentId));
    const fresh = conv.rows.filter((r) => !present.has(r.paymentId));
    await insertPayments(conn, fresh, run.fileName, run.loadRunId);
    await recordRejectedRows(conn, run.loadRunId, conv.rejected);
    const entries = parsed.statements.reduce((n, s) => n + s.entries.length, 0);
    const parts = [
      `${parsed.format}${parsed.version ? ` (${parsed.version})` : ''}: ${parsed.statements.length} statement(s), ${entries} entr${entries === 1 ? 'y' : 'ies'}`,
      `${conv.receipts} receipt(s), ${conv.returns} return(s)/reversal(s) recorded as negative payments`,
      `skipped ${conv.skipped.debits} debit(s), ${conv.skipped.returnedOutgoing} returned outgoing item(s), ${conv.skipped.notBooked} not-booked entr${conv.skipped.notBooked === 1 ? 'y' : 'ies'}`,
    ];
    if (present.size > 0) parts.push(`${present.size} payment(s) already loaded`);
    if (check.problems.length > 0) parts.push(`balances do not reconcile: ${check.problems.join('; ')}`);
    else if (check.totalMismatch !== null) parts.push('balances reconcile');
    if (parsed.warnings.length > 0) parts.push(`warnings: ${parsed.warnings.join('; ')}`);
    return {
      // A row is a payment candidate: an entry, or one itemised part of a batch credit.
      rowsRead: conv.rows.length + conv.rejected.length + conv.skipped.debits + conv.skipped.returnedOutgoing + conv.skipped.notBooked,
      rowsLoaded: fresh.length,
      rowsUpdated: 0,
      rowsRejected: conv.rejected.length,
      rowsDuplicate: present.size,
      message: parts.join('. '),
      balanceMismatch: check.totalMismatch === null ? null : toCentsText(check.totalMismatch),
    };
  });
}
