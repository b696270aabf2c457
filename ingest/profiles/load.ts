/**
 * Loading an ERP/CRM export through a profile: convert it to canonical rows, write one canonical CSV
 * per kind (with a source_line column carrying the ORIGINAL line) and hand each to the canonical
 * loader as its own load run under the original file's name and sha256. Rows the conversion itself
 * rejects go to the same load run's rejected_rows, and every rejected row names the source column
 * (e.g. `Amount in doc. curr. (amount)`), so a user can find it in the file they exported.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, openSync, readSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ArIntelError } from '../../core/errors.ts';
import type { Warehouse } from '../../core/warehouse.ts';
import { mergeCanonicalCsv } from '../canonical/load.ts';
import { recordFailedLoad, recordRejectedRows, runLoad, sha256File, type IngestResult, type RejectedRow } from '../load-run.ts';
import type { CanonicalRecord, Conversion, RowIssue } from './apply.ts';
import { fieldsOf, LOAD_ORDER } from './canonical-fields.ts';
import { convertFile, readSource } from './index.ts';
import { builtinProfiles, detectProfile, loadProfile } from './registry.ts';
import type { MappingProfile } from './schema.ts';

const SOURCE_LINE = 'source_line';

function csvCell(v: string): string {
  return /[",\r\n]/.test(v) || v !== v.trim() ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Canonical CSV text of one kind's records, every optional field the profile maps included. */
export function canonicalCsv(kind: string, records: readonly CanonicalRecord[], withSourceLine = true): string {
  const used = new Set(records.flatMap((r) => Object.keys(r.values)));
  const columns = fieldsOf(kind).filter((f) => used.has(f));
  const head = withSourceLine ? [...columns, SOURCE_LINE] : columns;
  const lines = [head.join(',')];
  for (const r of records) {
    const cells = columns.map((c) => csvCell(r.values[c] ?? ''));
    if (withSourceLine) cells.push(String(r.line));
    lines.push(cells.join(','));
  }
  return `${lines.join('\n')}\n`;
}

const order = (kind: string): number => {
  const i = LOAD_ORDER.indexOf(kind);
  return i === -1 ? LOAD_ORDER.length : i;
};

/** Source column(s) each canonical field of a kind was read from, for naming fields in rejected rows. */
function sourceColumns(records: readonly CanonicalRecord[]): Map<string, string> {
  const byField = new Map<string, Set<string>>();
  for (const r of records) {
    for (const [field, cols] of Object.entries(r.columns)) {
      if (cols === '') continue;
      const set = byField.get(field) ?? new Set<string>();
      set.add(cols);
      byField.set(field, set);
    }
  }
  return new Map([...byField].map(([f, set]) => [f, `${[...set].join(' / ')} (${f})`]));
}

/**
 * Identity of a profile's definition as parsed (defaults filled in), so the same mapping written in JSON
 * or YAML, or with other whitespace, is the same reading of a file, and an edited mapping is another one.
 */
export function profileSha256(p: MappingProfile): string {
  return createHash('sha256').update(JSON.stringify(p)).digest('hex');
}

function issueRow(i: RowIssue): RejectedRow {
  return { line: i.line, field: i.column, value: i.value, reason: i.reason };
}

export interface ProfileIngestOptions {
  /** Built-in profile name or mapping .json/.yaml path; detected from the headers when omitted. */
  profile?: string;
  /** Name recorded in load_runs.file_name (default: base name of the path). */
  fileName?: string;
}

/** Loads one export through its profile; one IngestResult per canonical kind the file produced. */
export async function ingestWithProfile(wh: Warehouse, path: string, opts: ProfileIngestOptions = {}): Promise<IngestResult[]> {
  const fileName = opts.fileName ?? basename(path);
  // A wrong --profile or a broken mapping file is the command's mistake, not the file's: it throws.
  const named = opts.profile !== undefined ? loadProfile(opts.profile) : undefined;
  let sha256: string;
  try {
    sha256 = await sha256File(path);
  } catch (err) {
    return [await recordFailedLoad(wh, { fileName, sha256: '', kind: named?.outputs[0]?.kind ?? 'unknown', profile: named?.name ?? null }, err)];
  }
  let conv: Conversion & { profileDef: MappingProfile };
  try {
    conv = await convertFile(path, opts.profile);
  } catch (err) {
    if (!(err instanceof ArIntelError)) throw err;
    return [await recordFailedLoad(wh, { fileName, sha256, kind: named?.outputs[0]?.kind ?? 'unknown', profile: named?.name ?? null }, err)];
  }
  const profile = conv.profile;
  const profileDef = conv.profileDef;
  const definition = profileSha256(profileDef);
  const kinds = [...new Set(profileDef.outputs.map((o) => o.kind))].sort((a, b) => order(a) - order(b));
  const produced = kinds.filter((k) => (conv.records.get(k)?.length ?? 0) > 0 || conv.rejected.some((r) => r.kind === k));
  // Rows no output took (and a file that produced nothing) are reported with the first kind.
  const homeKind = produced[0] ?? kinds[0] ?? 'unknown';
  const runKinds = produced.length > 0 ? produced : [homeKind];
  const dir = mkdtempSync(join(tmpdir(), 'ar-intel-profile-'));
  const results: IngestResult[] = [];
  try {
    for (const kind of runKinds) {
      const records = conv.records.get(kind) ?? [];
      const issues = conv.rejected.filter((r) => r.kind === kind || (kind === homeKind && r.kind === null));
      const csvPath = join(dir, `${kind}.csv`);
      writeFileSync(csvPath, canonicalCsv(kind, records));
      const result = await runLoad(wh, { path, fileName, kind, profile, profileSha256: definition, sha256 }, async (conn, run) => {
        const counts =
          records.length > 0
            ? await mergeCanonicalCsv(conn, { loadRunId: run.loadRunId, fileName, profile }, csvPath, { kind })
            : { rowsRead: 0, rowsLoaded: 0, rowsUpdated: 0, rowsRejected: 0, rowsDuplicate: 0, message: null };
        for (const [field, label] of sourceColumns(records)) {
          await conn.run('update rejected_rows set field = $3 where load_run_id = $1::bigint and field = $2', [run.loadRunId, field, label]);
        }
        await recordRejectedRows(conn, run.loadRunId, issues.map(issueRow));
        const badLines = new Set(issues.map((i) => i.line)).size;
        const notes = [`profile ${profile}: ${records.length} ${kind} row(s) from ${conv.rowsRead} data row(s) of ${conv.file}`];
        if (kind === homeKind) {
          if (conv.rowsSkipped > 0) notes.push(`${conv.rowsSkipped} row(s) skipped by the profile's rules`);
          notes.push(...conv.notes);
        }
        const merged = conv.rowsMerged.get(kind) ?? 0;
        if (merged > 0) {
          const keys = profileDef.outputs.filter((o) => o.kind === kind && o.uniqueBy !== undefined).map((o) => o.uniqueBy);
          notes.push(`${merged} further row(s) with an already seen ${[...new Set(keys)].join('/')} folded into the first`);
        }
        if (counts.message) notes.push(counts.message);
        if (badLines > 0 && records.length === 0) notes.push(`all ${badLines} ${kind} row(s) rejected (see rejected rows)`);
        else if (badLines > 0) notes.push(`${badLines} more row(s) rejected while converting (see rejected rows)`);
        return {
          ...counts,
          rowsRead: counts.rowsRead + badLines,
          rowsRejected: counts.rowsRejected + badLines,
          message: notes.join('; '),
          ...(records.length === 0 && badLines > 0 ? { status: 'failed' as const } : {}),
        };
      });
      results.push(result);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

const HEAD_BYTES = 256 * 1024;

function head(path: string): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const n = readSync(fd, buf, 0, HEAD_BYTES, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/**
 * Whether a file given to `ingest` goes through a profile, and where it sorts in the load order:
 * always with --profile; without it, when it is a workbook or its headers fit one or more built-in
 * profiles (several → the load fails listing them). Anything else is left to the canonical loader.
 */
export async function profileRoute(path: string, profileRef: string | undefined): Promise<{ order: number } | undefined> {
  const orderOf = (p: MappingProfile): number => Math.min(...p.outputs.map((o) => order(o.kind)));
  if (profileRef !== undefined) return { order: orderOf(loadProfile(profileRef)) };
  let bytes: Uint8Array;
  try {
    bytes = head(path);
  } catch {
    return undefined;
  }
  const isZip = bytes[0] === 0x50 && bytes[1] === 0x4b;
  if (/\.xlsx?$|\.xlsm$/i.test(path) || isZip) return { order: LOAD_ORDER.length };
  try {
    // Drop a possibly cut last line before looking at the headers.
    const cut = bytes.lastIndexOf(0x0a);
    const table = await readSource(path, cut > 0 && bytes.length === HEAD_BYTES ? bytes.subarray(0, cut + 1) : bytes);
    return { order: orderOf(detectProfile(table, builtinProfiles())) };
  } catch (err) {
    if (err instanceof ArIntelError && /several profiles match/.test(err.message)) return { order: LOAD_ORDER.length };
    return undefined;
  }
}
