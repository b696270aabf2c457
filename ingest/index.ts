/**
 * File ingest entry point: loads canonical CSV exports (one kind per file) into the warehouse, each file
 * in one transaction with its load_runs row. Files given together are loaded in dependency order
 * (collectors, fx_rates, customers, … write_offs) whatever order they were named in.
 * Layout and rules: docs/data-format.md.
 */
import { ArIntelError } from '../core/errors.ts';
import type { Warehouse } from '../core/warehouse.ts';
import { basename } from 'node:path';
import { statSync } from 'node:fs';
import { detectKind, loadCanonicalFile } from './canonical/load.ts';
import { loadOrderIndex } from './canonical/kinds.ts';
import type { IngestResult } from './load-run.ts';
import { ingestWithProfile, profileRoute } from './profiles/load.ts';
import { ingestBankFile, isBankFile } from './bank/load.ts';

export type { IngestResult, LoadStatus, RejectedRow } from './load-run.ts';
export { detectKind, loadCanonicalFile, mergeCanonicalCsv, type LoadCanonicalOptions } from './canonical/load.ts';
export { KINDS, LOAD_ORDER, kindNames } from './canonical/kinds.ts';

export interface IngestOptions {
  /** Kind of every file given (normally used with a single file); detected from each header otherwise. */
  kind?: string;
  /**
   * ERP/CRM export profile (built-in name or mapping .json path) converting every file given; without it
   * a workbook, or a file whose headers fit a built-in profile, goes through that profile (ingest/profiles/).
   */
  profile?: string;
  /** Progress in bytes of input: done, total. */
  onProgress?: (done: number, total: number) => void;
}

interface Planned {
  path: string;
  kindOrder: number;
  argIndex: number;
  size: number;
  viaProfile: boolean;
  /** Bank statement/remittance file (camt, MT940, BAI2, OFX, NACHA), detected from content: ingest/bank/. */
  bank: boolean;
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Kind from the header, only to order the files; a file whose header is broken sorts last and fails on load. */
function orderKey(path: string, kind: string | undefined): number {
  if (kind !== undefined) return loadOrderIndex(kind);
  try {
    return loadOrderIndex(detectKind(path));
  } catch (err) {
    if (err instanceof ArIntelError) return Number.MAX_SAFE_INTEGER;
    throw err;
  }
}

export async function ingestFiles(wh: Warehouse, paths: string[], opts: IngestOptions = {}): Promise<IngestResult[]> {
  const planned: Planned[] = [];
  for (const [argIndex, path] of paths.entries()) {
    if (opts.profile === undefined && (opts.kind === undefined ? isBankFile(path) : opts.kind === 'bank')) {
      planned.push({ path, kindOrder: loadOrderIndex('payments'), argIndex, size: sizeOf(path), viaProfile: false, bank: true });
      continue;
    }
    const route = await profileRoute(path, opts.profile);
    const kindOrder = route ? route.order : paths.length > 1 ? await orderKey(path, opts.kind) : 0;
    planned.push({ path, kindOrder, argIndex, size: sizeOf(path), viaProfile: route !== undefined, bank: false });
  }
  planned.sort((a, b) => a.kindOrder - b.kindOrder || a.argIndex - b.argIndex);
  const total = planned.reduce((s, p) => s + Math.max(1, p.size), 0);
  let done = 0;
  opts.onProgress?.(0, total);
  const results: IngestResult[] = [];
  for (const p of planned) {
    const weight = Math.max(1, p.size);
    if (p.bank) {
      results.push(await ingestBankFile(wh, p.path, { fileName: basename(p.path) }));
      done += weight;
      opts.onProgress?.(done, total);
      continue;
    }
    if (p.viaProfile) {
      results.push(...(await ingestWithProfile(wh, p.path, { profile: opts.profile, fileName: basename(p.path) })));
      done += weight;
      opts.onProgress?.(done, total);
      continue;
    }
    const result = await loadCanonicalFile(wh, p.path, {
      kind: opts.kind,
      profile: opts.profile ?? null,
      fileName: basename(p.path),
      onProgress: (f) => opts.onProgress?.(done + Math.round(weight * f), total),
    });
    done += weight;
    opts.onProgress?.(done, total);
    results.push(result);
  }
  return results;
}
