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

const STAGE_COLUMNS = [
  'payment_id', 'payer_name', 'received_date', 'value_date', 'amount', 'currency', 'method', 'reference',
  'remittance_text', 'bank_account', 'bank_reference', 'source', 'source_line',
] as const;

/**
 * Writes the candidate rows through DuckDB's appender into a connection-local staging table (typed by the
 * table: the appender casts the text values), then inserts the ones not already in payments in one
 * statement. Parameterised multi-row INSERTs ran at a few hundred rows per second. Returns how many
 * candidates already existed.
 */
async function writePayments(conn: DuckDBConnection, rows: readonly BankPaymentRow[], fileName: string, loadRunId: string): Promise<number> {
  await conn.run(`create or replace temp table bank_payment_stage (
    payment_id varchar, payer_name varchar, received_date date, value_date date, amount decimal(18, 2), currency varchar,
    method varchar, reference varchar, remittance_text varchar, bank_account varchar, bank_reference varchar,
    source varchar, source_line integer)`);
  const appender = await conn.createAppender('bank_payment_stage', 'main', 'temp');
  try {
    const text = (v: string | null) => (v === null ? appender.appendNull() : appender.appendVarchar(v));
    for (const r of rows) {
      text(r.paymentId);
      text(r.payerName);
      text(r.receivedDate);
      text(r.valueDate);
      text(r.amount);
      text(r.currency);
      text(r.method);
      text(r.reference);
      text(r.remittanceText);
      text(r.bankAccount);
      text(r.bankReference);
      text(r.source);
      if (r.sourceLine === null) appender.appendNull();
      else appender.appendInteger(r.sourceLine);
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  const dup = await conn.runAndReadAll(
    'select count(*)::integer as n from bank_payment_stage s where exists (select 1 from payments p where p.payment_id = s.payment_id)',
  );
  const duplicates = Number((dup.getRowObjectsJson()[0] as { n: number } | undefined)?.n ?? 0);
  await conn.run(
    `insert into payments (${STAGE_COLUMNS.join(', ')}, source_file, load_run_id)
     select ${STAGE_COLUMNS.map((c) => `s.${c}`).join(', ')}, $1, $2::bigint from bank_payment_stage s
     where not exists (select 1 from payments p where p.payment_id = s.payment_id)`,
    [fileName, loadRunId],
  );
  await conn.run('drop table bank_payment_stage');
  return duplicates;
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
    const duplicates = await writePayments(conn, conv.rows, run.fileName, run.loadRunId);
    await recordRejectedRows(conn, run.loadRunId, conv.rejected);
    const entries = parsed.statements.reduce((n, s) => n + s.entries.length, 0);
    const parts = [
      `${parsed.format}${parsed.version ? ` (${parsed.version})` : ''}: ${parsed.statements.length} statement(s), ${entries} entr${entries === 1 ? 'y' : 'ies'}`,
      `${conv.receipts} receipt(s), ${conv.returns} return(s)/reversal(s) recorded as negative payments`,
      `skipped ${conv.skipped.debits} debit(s), ${conv.skipped.returnedOutgoing} returned outgoing item(s), ${conv.skipped.notBooked} not-booked entr${conv.skipped.notBooked === 1 ? 'y' : 'ies'}`,
    ];
    if (duplicates > 0) parts.push(`${duplicates} payment(s) already loaded`);
    if (check.problems.length > 0) parts.push(`balances do not reconcile: ${check.problems.join('; ')}`);
    else if (check.totalMismatch !== null) parts.push('balances reconcile');
    if (parsed.warnings.length > 0) parts.push(`warnings: ${parsed.warnings.join('; ')}`);
    return {
      // A row is a payment candidate: an entry, or one itemised part of a batch credit.
      rowsRead: conv.rows.length + conv.rejected.length + conv.skipped.debits + conv.skipped.returnedOutgoing + conv.skipped.notBooked,
      rowsLoaded: conv.rows.length - duplicates,
      rowsUpdated: 0,
      rowsRejected: conv.rejected.length,
      rowsDuplicate: duplicates,
      message: parts.join('. '),
      balanceMismatch: check.totalMismatch === null ? null : toCentsText(check.totalMismatch),
    };
  });
}
