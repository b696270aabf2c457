/**
 * Loads one canonical CSV file into its warehouse table, set-wise in DuckDB, inside the caller's load
 * transaction: read_csv (every cell as text) → one pass producing typed values and a passed-all-checks
 * flag → reasons (line, field, value) for the failing rows only → repeated keys → upsert by natural key
 * → derived records (cleared-item payments, placeholder disputes).
 *
 * For other connectors:
 *   - `loadCanonicalFile(wh, csvPath, { kind, fileName, sha256, profile })` loads a canonical CSV as its
 *     own load run (one transaction, duplicate/failed bookkeeping included) and returns an IngestResult.
 *     ERP profiles that convert another export write canonical CSV (optionally with a `source_line`
 *     column carrying the original line number) and call this with the ORIGINAL file's name and sha256.
 *   - `mergeCanonicalCsv(conn, run, csvPath, { kind })` does the same inside a load run the caller already
 *     opened with runLoad (e.g. a bank connector writing payments and reporting a balance mismatch).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { basename } from 'node:path';
import { ArIntelError, FileError } from '../../core/errors.ts';
import type { Warehouse } from '../../core/warehouse.ts';
import { recordFailedLoad, recordRejectedRows, runLoad, type IngestResult, type LoadCounts, type RejectedRow } from '../load-run.ts';
import { cell, columnOk, columnReason, ident, lit, rowChecks, trimmedCell, trimmedCells, typedValue } from './checks.ts';
import { LayoutError, resolveLayout, type ResolvedLayout } from './detect.ts';
import { applyDerivedRecords, derivedAlreadyStoredSql, type DerivedCounts } from './derived.ts';
import { linesAtOffsets, parseHeader, readHead, recordStarts, scanFile, type FileScan } from './file-scan.ts';
import { SOURCE_LINE_COLUMN, kindSpec, type ColumnSpec } from './kinds.ts';
import { importedApplicationIdSql, mergeInto } from './merge.ts';

export interface PreparedFile {
  path: string;
  scan: FileScan;
  layout: ResolvedLayout;
}

/** Reads the file's bytes once (sha256, line count) and checks its header; FileError if structurally broken. */
export async function prepareCanonicalFile(path: string, kind?: string): Promise<PreparedFile> {
  return prepareScanned(path, await scanFile(path), kind);
}

function prepareScanned(path: string, scan: FileScan, kind?: string): PreparedFile {
  return { path, scan, layout: resolveLayout(parseHeader(scan.head).names, path, kind) };
}

/** The kind a file's header names (reads only its first bytes); FileError if the header is broken. */
export function detectKind(path: string): string {
  return resolveLayout(parseHeader(readHead(path)).names, path).spec.kind;
}

export interface LoadCanonicalOptions {
  /** Kind of the file; detected from the header when omitted. */
  kind?: string;
  /** Name recorded in load_runs.file_name / source_file (default: base name of csvPath). */
  fileName?: string;
  /** sha256 to record and to detect duplicates with (default: of csvPath's bytes). */
  sha256?: string;
  profile?: string | null;
  /** Called with 0..1 as the load advances. */
  onProgress?: (fraction: number) => void;
}

/** Loads one canonical CSV file as its own load run. Never throws for problems in the file. */
export async function loadCanonicalFile(wh: Warehouse, csvPath: string, opts: LoadCanonicalOptions = {}): Promise<IngestResult> {
  const fileName = opts.fileName ?? basename(csvPath);
  const profile = opts.profile ?? null;
  let prepared: PreparedFile;
  let scan: FileScan | undefined;
  try {
    scan = await scanFile(csvPath);
    prepared = prepareScanned(csvPath, scan, opts.kind);
  } catch (err) {
    if (!(err instanceof ArIntelError)) throw err;
    const kind = opts.kind ?? (err instanceof LayoutError ? err.kind : guessKind(csvPath));
    return recordFailedLoad(wh, { fileName, sha256: opts.sha256 ?? scan?.sha256 ?? '', kind, profile }, err);
  }
  opts.onProgress?.(0.2);
  return runLoad(
    wh,
    { path: csvPath, fileName, kind: prepared.layout.spec.kind, profile, sha256: opts.sha256 ?? prepared.scan.sha256 },
    (conn, run) =>
      mergePrepared(conn, { loadRunId: run.loadRunId, fileName, profile }, prepared, (f) => opts.onProgress?.(0.2 + 0.8 * f)),
  );
}

function guessKind(path: string): string {
  const stem = basename(path).replace(/\.[^.]*$/, '').toLowerCase();
  return kindSpec(stem) ? stem : 'unknown';
}

export interface RunContext {
  loadRunId: string;
  fileName: string;
  profile?: string | null;
}

/** Loads a canonical CSV inside an already opened load run (see runLoad); throws FileError if broken. */
export async function mergeCanonicalCsv(
  conn: DuckDBConnection,
  run: RunContext,
  csvPath: string,
  opts: { kind?: string } = {},
): Promise<LoadCounts> {
  return mergePrepared(conn, run, await prepareCanonicalFile(csvPath, opts.kind));
}

interface StructuralReject {
  offset: number;
  expected: number;
  found: number;
  csvLine: string;
}

const ROW_LEVEL_ERRORS = new Set(['MISSING COLUMNS', 'TOO MANY COLUMNS']);

function fatalReason(errorType: string, message: string): string {
  switch (errorType) {
    case 'INVALID ENCODING':
      return 'the file is not UTF-8 encoded (invalid byte sequence on this line); re-export it as UTF-8';
    case 'UNQUOTED VALUE':
      return 'a quoted value is never closed (unterminated quote) or text follows a closing quote';
    case 'LINE SIZE OVER MAXIMUM':
      return 'the line is longer than the 2 MB limit; this usually means an unterminated quote';
    default:
      return message;
  }
}

/**
 * Reads the CSV with DuckDB (every column as text) straight into `table`, through `project` (a SELECT over
 * the file's rows as alias r, written `{csv}`). Row-level structural errors come back as rejects; the
 * ones that make the file unreadable throw a FileError.
 */
async function readCsv(
  conn: DuckDBConnection,
  p: PreparedFile,
  table: string,
  project: string,
  projectParams: string[],
  rej: string,
  scanTable: string,
): Promise<StructuralReject[]> {
  const columns = `{${p.layout.columns.map((c) => `${lit(c)}: 'VARCHAR'`).join(', ')}}`;
  const pathParam = `$${projectParams.length + 1}`;
  const csv = `read_csv(${pathParam}, auto_detect = false, header = true, delim = ',',
         quote = '"', escape = '"', strict_mode = true, null_padding = false, store_rejects = true,
         rejects_table = '${rej}', rejects_scan = '${scanTable}', columns = ${columns})`;
  try {
    await conn.run(`create temp table ${table} as ${project.replace('{csv}', csv)}`, [...projectParams, p.path]);
  } catch (err) {
    const text = (err as Error).message;
    const line = /CSV Error on Line: (\d+)/.exec(text)?.[1];
    const first = text.split('\n').find((l) => l.trim() !== '' && !l.startsWith('CSV Error') && !l.startsWith('Original Line'));
    throw new FileError(`the file cannot be read as CSV: ${first ?? text}`, line ? { line: Number(line) } : {});
  }
  const rows = (
    await conn.runAndReadAll(
      `select line_byte_position::bigint as off, error_type, error_message, csv_line
       from ${rej} order by line_byte_position`,
    )
  ).getRowObjectsJson() as { off: string; error_type: string; error_message: string; csv_line: string | null }[];
  const fatal = rows.find((r) => !ROW_LEVEL_ERRORS.has(r.error_type));
  if (fatal) {
    const lines = await linesAtOffsets(p.path, [Number(fatal.off)]);
    throw new FileError(fatalReason(fatal.error_type, fatal.error_message), { line: lines.get(Number(fatal.off)) });
  }
  const byOffset = new Map<number, StructuralReject>();
  for (const r of rows) {
    const off = Number(r.off);
    if (byOffset.has(off)) continue;
    const m = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(r.error_message);
    byOffset.set(off, {
      offset: off,
      expected: Number(m?.[1] ?? p.layout.columns.length),
      found: Number(m?.[2] ?? 0),
      csvLine: (r.csv_line ?? '').replace(/^[\r\n]+/, ''),
    });
  }
  return [...byOffset.values()];
}

/**
 * SQL for each output row's physical line. DuckDB keeps file order but drops blank lines and rejected
 * records, and a quoted value may span lines; the cheap arithmetic is used whenever records and lines
 * line up one to one (the normal case), a byte scan of the file otherwise.
 */
async function lineMapping(
  conn: DuckDBConnection,
  p: PreparedFile,
  rejectLines: readonly number[],
  rejectOffsets: readonly number[],
  rowsOut: number,
  tmp: string,
): Promise<{ expr: string; join: string; rejectLines?: number[] }> {
  if (p.scan.lines === 1 + rowsOut + rejectLines.length) {
    if (rejectLines.length === 0) return { expr: 'r.__i + 2', join: '' };
    // Output row i sits after every rejected line whose threshold (its position among output rows) is ≤ i.
    await conn.run(`create temp table ${tmp} (t bigint, j integer)`);
    const sorted = [...rejectLines].sort((a, b) => a - b);
    const values = sorted.map((line, k) => [line - 2 - k, k + 1] as const);
    const app = await conn.createAppender(tmp);
    for (const [t, j] of values) {
      app.appendBigInt(BigInt(t));
      app.appendInteger(j);
      app.endRow();
    }
    app.flushSync();
    app.closeSync();
    await conn.run(`create or replace temp table ${tmp} as select t, max(j) as j from ${tmp} group by t`);
    return { expr: 'r.__i + 2 + coalesce(th.j, 0)', join: `asof left join ${tmp} th on r.__i >= th.t` };
  }
  const starts = await recordStarts(p.path);
  // A rejected record is the last record starting at or before the offset DuckDB reports for it (after
  // blank lines and multi-line values that offset can be a byte or so past the record's start).
  const rejected = new Set<number>();
  const rejectedLines: number[] = [];
  for (const off of rejectOffsets) {
    let lo = 0;
    let hi = starts.offsets.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((starts.offsets[mid] ?? 0) <= off) lo = mid + 1;
      else hi = mid;
    }
    let k = Math.max(0, lo - 1);
    while (rejected.has(k)) k++;
    rejected.add(k);
    rejectedLines.push(starts.lines[k] ?? 0);
  }
  const lines = starts.lines.filter((_, k) => !rejected.has(k));
  if (lines.length !== rowsOut) {
    // Should not happen; fall back to record numbers rather than inventing lines.
    return { expr: 'r.__i + 2', join: '' };
  }
  await conn.run(`create temp table ${tmp} (i bigint, line integer)`);
  const app = await conn.createAppender(tmp);
  lines.forEach((line, i) => {
    app.appendBigInt(BigInt(i));
    app.appendInteger(line);
    app.endRow();
  });
  app.flushSync();
  app.closeSync();
  return { expr: 'th.line', join: `join ${tmp} th on th.i = r.__i`, rejectLines: rejectedLines };
}

function targetOf(c: ColumnSpec): string {
  return c.target ?? c.name;
}

async function count(conn: DuckDBConnection, sql: string): Promise<number> {
  const row = (await conn.runAndReadAll(sql)).getRowObjectsJson()[0] as { n: string | number } | undefined;
  return Number(row?.n ?? 0);
}

export async function mergePrepared(
  conn: DuckDBConnection,
  run: RunContext,
  p: PreparedFile,
  progress: (fraction: number) => void = () => undefined,
): Promise<LoadCounts> {
  const { spec } = p.layout;
  const id = run.loadRunId.replace(/\D/g, '');
  const t = {
    stg: `stg_${id}`,
    rows: `rows_${id}`,
    good: `good_${id}`,
    rej: `rej_${id}`,
    scan: `rejscan_${id}`,
    lines: `lines_${id}`,
    dup: `dup_${id}`,
  };
  const present = new Set(p.layout.columns);
  const cols = spec.columns.filter((c) => present.has(c.name));

  // One pass over the file: typed values plus a flag saying whether every check passed; the text of a
  // row is kept only when it failed, to work out its reasons below (normally few rows).
  const checks = rowChecks(spec, present).filter((rc) => rc.needs.every((n) => present.has(n)));
  // The flag is plain booleans over cells trimmed once (columnOk); the same checks as reason texts run
  // afterwards on the failing rows only.
  const fastChecks = rowChecks(spec, present, 'r', trimmedCell).filter((rc) => rc.needs.every((n) => present.has(n)));
  const okParts = [
    ...cols.map((c) => columnOk(spec, c, trimmedCell(c.name))),
    ...fastChecks.map((rc) => `not coalesce(${rc.failsWhen}, false)`),
  ];
  const stored = cols.filter((c) => !c.derived);
  const derived = cols.filter((c) => c.derived);
  const extra: { name: string; sql: string }[] = [];
  if (spec.kind === 'applications') {
    extra.push({
      name: 'application_id',
      sql: importedApplicationIdSql(
        cell('payment_id'),
        cell('invoice_id'),
        present.has('credit_note_id') ? cell('credit_note_id') : 'null',
      ),
    });
    extra.push({ name: 'method', sql: `'imported'` });
  }
  const sourceLine = present.has(SOURCE_LINE_COLUMN) ? `try_cast(${cell(SOURCE_LINE_COLUMN)} as integer)` : 'null::integer';
  const project = `
    select ${[
      ...stored.map((c) => `${typedValue(c, 'r', trimmedCell(c.name))} as ${ident(targetOf(c))}`),
      ...derived.map((c) => `${typedValue(c, 'r', trimmedCell(c.name))} as ${ident(c.name)}`),
      ...extra.map((e) => `${e.sql} as ${ident(e.name)}`),
    ].join(', ')}, ${sourceLine} as __source_line, r.__ok,
      case when r.__ok then null else struct_pack(${p.layout.columns.map((c) => `${ident(c)} := r.${ident(c)}`).join(', ')}) end as __raw
    from (select r.*, ${okParts.length > 0 ? okParts.join(' and ') : 'true'} as __ok
          from (select r.*${cols.length > 0 ? `, ${trimmedCells(cols.map((c) => c.name))}` : ''} from {csv} r) r) r`;
  const structural = await readCsv(conn, p, t.stg, project, [], t.rej, t.scan);
  progress(0.6);

  // File order is insertion order, so a row's position is its rowid minus the first one.
  // As text: rowids inside a transaction are near 2^55, beyond what a JS number holds exactly.
  const baseRow = (await conn.runAndReadAll(`select coalesce(min(rowid), 0)::varchar as b from ${t.stg}`)).getRowObjectsJson()[0] as
    | { b: string }
    | undefined;
  const base = BigInt(baseRow?.b ?? '0');
  const rowsOut = await count(conn, `select count(*) as n from ${t.stg}`);
  const offsetLines = await linesAtOffsets(
    p.path,
    structural.map((s) => s.offset),
  );
  const offsetLineList = structural.map((s) => offsetLines.get(s.offset) ?? 0);
  const map = await lineMapping(
    conn,
    p,
    offsetLineList,
    structural.map((s) => s.offset),
    rowsOut,
    t.lines,
  );
  const rejectLines = map.rejectLines ?? offsetLineList;
  await conn.run(
    `create temp view ${t.rows} as
     select coalesce(r.__source_line, ${map.expr}) as __line, r.*
     from (select *, rowid - ${base.toString()} as __i from ${t.stg}) r ${map.join}`,
  );

  const key =
    spec.kind === 'applications'
      ? ['application_id']
      : spec.key.map((k) => targetOf(spec.columns.find((c) => c.name === k) ?? { name: k, type: 'id', required: true }));

  // Within one file a natural key may appear once; later copies are rejected naming the first line.
  const keyCols = key.map((k) => `s.${ident(k)}`);
  const keyText = keyCols.map((k) => `coalesce(${k}::varchar, '')`).join(` || ', ' || `);
  await conn.run(
    `create temp table ${t.dup} as
     with firsts as (
       select ${key.map(ident).join(', ')}, min(__line) as first_line
       from ${t.rows} where __ok group by all having count(*) > 1
     )
     select s.__i, s.__line, f.first_line, ${keyText} as key_text
     from ${t.rows} s join firsts f on ${key.map((k) => `s.${ident(k)} is not distinct from f.${ident(k)}`).join(' and ')}
     where s.__ok and s.__line > f.first_line`,
  );

  // Reasons for the rows that failed: per cell, then cross-field checks whose own cells are fine.
  const badRows = await count(conn, `select count(*) as n from ${t.stg} where not __ok`);
  const dupRows = await count(conn, `select count(*) as n from ${t.dup}`);
  const keyLabel = spec.kind === 'applications' ? 'payment_id/invoice_id/credit_note_id' : spec.key.join('/');
  const selects: string[] = [];
  if (badRows > 0) {
    const reasonCols = cols.map((c) => `${columnReason(spec, c)} as ${ident(`__r_${c.name}`)}`);
    const rowReasonCols = checks.map(
      (rc, k) =>
        `case when ${rc.needs.map((n) => `(${columnReason(spec, spec.columns.find((c) => c.name === n) ?? cols[0]!)}) is null`).join(' and ')}
           and coalesce(${rc.failsWhen}, false) then ${rc.reason} end as ${ident(`__x_${k}`)}`,
    );
    const bad = `(select r.__line, r.*, ${[...reasonCols, ...rowReasonCols].join(', ')}
       from (select __line, unnest(__raw) from ${t.rows} where not __ok) r)`;
    selects.push(
      `select __line, field, value, reason from ${bad} unpivot include nulls (
         (value, reason) for field in (${[
           ...cols.map((c) => `(${ident(c.name)}, ${ident(`__r_${c.name}`)}) as ${lit(c.name)}`),
           ...checks.map(
             (rc, k) => `(${present.has(rc.field) ? ident(rc.field) : 'null'}, ${ident(`__x_${k}`)}) as ${lit(`${rc.field}#${k}`)}`,
           ),
         ].join(', ')})
       ) where reason is not null`,
    );
  }
  if (dupRows > 0) {
    selects.push(
      `select __line, ${lit(spec.kind === 'applications' ? 'payment_id' : (spec.key[0] ?? ''))}, key_text,
         ${lit(`${keyLabel} '`)} || key_text || ${lit("' already appears on line ")} || first_line::varchar ||
         ${lit(' of this file; only the first is loaded')}
       from ${t.dup}`,
    );
  }
  if (selects.length > 0) {
    await conn.run(
      `insert into rejected_rows (load_run_id, line, field, value, reason)
       select $1::bigint, __line, split_part(field, '#', 1), value, reason
       from (${selects.map((q) => `select * from (${q}) as q(__line, field, value, reason)`).join('\nunion all\n')})
       order by __line`,
      [run.loadRunId],
    );
  }
  // The rows to store: those that passed every check, minus later copies of a key.
  await conn.run(
    `create temp view ${t.good} as select * from ${t.rows} s
     where ${badRows > 0 ? 's.__ok' : 'true'} ${dupRows > 0 ? `and not exists (select 1 from ${t.dup} d where d.__i = s.__i)` : ''}`,
  );
  const structuralRows: RejectedRow[] = structural.map((s, k) => ({
    line: rejectLines[k] ?? null,
    field: null,
    value: s.csvLine.length > 200 ? `${s.csvLine.slice(0, 200)}…` : s.csvLine,
    reason:
      `the line has ${s.found} field${s.found === 1 ? '' : 's'} but the header has ${s.expected}` +
      (s.found < s.expected && s.csvLine.includes(';') ? " — is it separated by ';' instead of ','?" : '') +
      (s.found > s.expected ? ' — a value containing a comma must be in double quotes' : ''),
  }));
  await recordRejectedRows(conn, run.loadRunId, structuralRows);
  progress(0.7);

  const nonKey = [
    ...stored.map(targetOf).filter((c) => !key.includes(c)),
    ...extra.map((e) => e.name).filter((n) => !key.includes(n)),
  ];
  const merged = await mergeInto(conn, {
    table: spec.table,
    key,
    columns: nonKey,
    source: t.good,
    fileName: run.fileName,
    loadRunId: run.loadRunId,
    alsoSame: derivedAlreadyStoredSql(spec.kind, present),
    constants: spec.kind === 'payments' ? { source: run.profile ?? 'canonical' } : undefined,
  });
  progress(0.9);
  const derivedCounts: DerivedCounts = await applyDerivedRecords(conn, spec.kind, t.good, present, run);
  for (const view of [t.good, t.rows]) await conn.run(`drop view if exists ${view}`);
  for (const table of [t.dup, t.stg, t.lines, t.rej, t.scan]) await conn.run(`drop table if exists ${table}`);
  progress(1);

  const rowsRead = rowsOut + structural.length;
  const rowsRejected = structural.length + badRows + dupRows;
  const notes: string[] = [];
  if (rowsRead === 0) notes.push('the file has a header but no data rows');
  if (rowsRejected > 0) notes.push(`${rowsRejected} of ${rowsRead} rows rejected (see rejected rows); the other rows loaded`);
  notes.push(...derivedCounts.notes);
  return {
    rowsRead,
    rowsLoaded: merged.inserted,
    rowsUpdated: merged.updated,
    rowsRejected,
    rowsDuplicate: merged.same,
    message: notes.length > 0 ? notes.join('; ') : null,
  };
}
