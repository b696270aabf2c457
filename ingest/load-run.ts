/**
 * Load bookkeeping shared by every connector (canonical CSV, ERP profiles, bank statements).
 *
 * A load is one transaction: the `load_runs` row, its `rejected_rows` and the canonical rows it writes
 * commit together or not at all. A file that cannot be read (FileError) rolls everything back and is then
 * recorded on its own as a `failed` load_run with the reason, so the failure stays visible.
 *
 * Typical use by a connector:
 *
 *   const result = await runLoad(wh, { path, kind: 'bank:camt053', profile: null }, async (conn, run) => {
 *     // parse; throw new FileError(reason, { file, line, field }) if the file is structurally broken
 *     // write canonical rows with run.loadRunId / run.fileName as load_run_id / source_file
 *     await recordRejectedRows(conn, run.loadRunId, [{ line: 12, field: 'amount', value: 'x', reason: '...' }]);
 *     return { rowsRead, rowsLoaded, rowsUpdated, rowsRejected, rowsDuplicate, balanceMismatch: null };
 *   });
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { ArIntelError, FileError } from '../core/errors.ts';
import type { Warehouse } from '../core/warehouse.ts';

export type LoadStatus = 'loaded' | 'partial' | 'duplicate' | 'failed';

/** What `ingestFiles` and every connector report per file (public contract, see docs/data-format.md). */
export interface IngestResult {
  file: string;
  loadRunId: string;
  kind: string;
  profile: string | null;
  status: LoadStatus;
  rowsRead: number;
  rowsLoaded: number;
  rowsUpdated: number;
  rowsRejected: number;
  rowsDuplicate: number;
  message: string | null;
  /** Control-total difference as a decimal string (bank statements), null where the source has none. */
  balanceMismatch: string | null;
}

export interface RejectedRow {
  /** Line number in the source file (header = line 1), null when the problem is not about one line. */
  line: number | null;
  field: string | null;
  value: string | null;
  /** Says what is wrong in words a person understands, e.g. "amount: '12,50' is not a number with '.' decimals". */
  reason: string;
}

/** Counts a connector returns from its load callback; rows are counted once each (not per problem). */
export interface LoadCounts {
  rowsRead: number;
  rowsLoaded: number;
  rowsUpdated: number;
  rowsRejected: number;
  rowsDuplicate: number;
  message?: string | null;
  balanceMismatch?: string | null;
  /** Overrides the status derived from the counts (rarely needed). */
  status?: LoadStatus;
}

export interface LoadMeta {
  /** Path of the file being loaded (hashed unless sha256 is given). */
  path: string;
  /** Name recorded in load_runs.file_name and canonical source_file; defaults to the file's base name. */
  fileName?: string;
  kind: string;
  profile?: string | null;
  /** sha256 of the profile's definition (see profileSha256 in profiles/load.ts); null without a profile. */
  profileSha256?: string | null;
  /** Precomputed sha256 (hex) of the file's bytes; computed from `path` when omitted. */
  sha256?: string;
}

export interface LoadRunHandle {
  readonly loadRunId: string;
  readonly fileName: string;
  readonly kind: string;
  readonly profile: string | null;
  readonly sha256: string;
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch (err) {
    throw new FileError(`cannot read the file: ${(err as Error).message}`, { file: path });
  }
  return hash.digest('hex');
}

function nowTimestamp(): string {
  // Bound as a parameter (never current_timestamp in SQL) so bookkeeping uses the process clock, in UTC.
  return new Date().toISOString().replace('Z', '');
}

/** Status from counts: rejected rows make a load partial; a load that changed nothing at all is a duplicate. */
export function deriveStatus(c: LoadCounts): LoadStatus {
  if (c.status) return c.status;
  if (c.rowsRejected > 0) return 'partial';
  if (c.rowsLoaded === 0 && c.rowsUpdated === 0 && c.rowsDuplicate > 0) return 'duplicate';
  return 'loaded';
}

/**
 * An earlier successful load of exactly these bytes as this kind read the same way (same profile name and
 * definition), if any.
 */
export async function findPreviousLoad(
  conn: DuckDBConnection,
  sha256: string,
  kind: string,
  profile: string | null = null,
  /** 'any': any definition of the profile (the latest reading is returned). */
  profileSha256: string | null | 'any' = null,
): Promise<{ loadRunId: string; fileName: string; rowsRead: number; rowsRejected: number } | undefined> {
  const anyDefinition = profileSha256 === 'any';
  const reader = await conn.runAndReadAll(
    `select load_run_id::varchar as id, file_name, rows_read, rows_rejected from load_runs
     where file_sha256 = $1 and kind = $2 and status in ('loaded', 'partial')
       and profile is not distinct from $3 and ($5 or profile_sha256 is not distinct from $4)
     order by load_run_id ${anyDefinition ? 'desc' : ''} limit 1`,
    [sha256, kind, profile, anyDefinition ? null : profileSha256, anyDefinition],
  );
  const row = reader.getRowObjectsJson()[0] as
    | { id: string; file_name: string; rows_read: number; rows_rejected: number }
    | undefined;
  return row
    ? {
        loadRunId: row.id,
        fileName: row.file_name,
        rowsRead: Number(row.rows_read),
        rowsRejected: Number(row.rows_rejected),
      }
    : undefined;
}

/**
 * An earlier successful load of these bytes under ANOTHER profile (or without one, e.g. as a canonical CSV).
 * Loading them again that way is refused: the other reading may give the same transactions other ids
 * (a payment keyed by its reference number in one profile, by customer+date+amount in another), and merging
 * by id could then count them twice. The same profile with an edited definition is not a conflict: it keeps
 * its ids, so its rows merge onto the earlier reading's.
 */
export async function findProfileConflict(
  conn: DuckDBConnection,
  sha256: string,
  profile: string | null,
): Promise<{ loadRunId: string; fileName: string; profile: string | null } | undefined> {
  const reader = await conn.runAndReadAll(
    `select load_run_id::varchar as id, file_name, profile from load_runs
     where file_sha256 = $1 and status in ('loaded', 'partial') and profile is distinct from $2
     order by load_run_id limit 1`,
    [sha256, profile],
  );
  const row = reader.getRowObjectsJson()[0] as { id: string; file_name: string; profile: string | null } | undefined;
  return row ? { loadRunId: row.id, fileName: row.file_name, profile: row.profile } : undefined;
}

export async function startLoadRun(
  conn: DuckDBConnection,
  meta: { fileName: string; sha256: string; kind: string; profile: string | null; profileSha256?: string | null },
): Promise<LoadRunHandle> {
  const reader = await conn.runAndReadAll(
    `insert into load_runs (file_name, file_sha256, kind, profile, profile_sha256, status, started_at)
     values ($1, $2, $3, $4, $5, 'running', $6::timestamp) returning load_run_id::varchar as id`,
    [meta.fileName, meta.sha256, meta.kind, meta.profile, meta.profileSha256 ?? null, nowTimestamp()],
  );
  const row = reader.getRowObjectsJson()[0] as { id: string } | undefined;
  if (!row) throw new ArIntelError('DATABASE', 'could not create a load_runs row', {}, 500);
  return { loadRunId: row.id, fileName: meta.fileName, sha256: meta.sha256, kind: meta.kind, profile: meta.profile };
}

/** Appends rejected rows (one per problem; a row with two bad fields gives two entries). */
export async function recordRejectedRows(
  conn: DuckDBConnection,
  loadRunId: string,
  rows: readonly RejectedRow[],
): Promise<void> {
  if (rows.length === 0) return;
  const appender = await conn.createAppender('rejected_rows');
  try {
    for (const r of rows) {
      appender.appendBigInt(BigInt(loadRunId));
      if (r.line === null) appender.appendNull();
      else appender.appendInteger(r.line);
      if (r.field === null) appender.appendNull();
      else appender.appendVarchar(r.field);
      if (r.value === null) appender.appendNull();
      else appender.appendVarchar(r.value);
      appender.appendVarchar(r.reason);
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

export async function finishLoadRun(
  conn: DuckDBConnection,
  loadRunId: string,
  status: LoadStatus,
  counts: Omit<LoadCounts, 'status'>,
): Promise<void> {
  await conn.run(
    `update load_runs set status = $2, rows_read = $3, rows_loaded = $4, rows_updated = $5, rows_rejected = $6,
       rows_duplicate = $7, message = $8, balance_mismatch = $9::decimal(18, 2), finished_at = $10::timestamp
     where load_run_id = $1`,
    [
      BigInt(loadRunId),
      status,
      counts.rowsRead,
      counts.rowsLoaded,
      counts.rowsUpdated,
      counts.rowsRejected,
      counts.rowsDuplicate,
      counts.message ?? null,
      counts.balanceMismatch ?? null,
      nowTimestamp(),
    ],
  );
}

/** The load_runs message for a failure (where: line, field — plus what) and the bare reason for rejected_rows. */
export function describeFailure(err: unknown): {
  message: string;
  reason: string;
  line: number | null;
  field: string | null;
} {
  if (err instanceof ArIntelError) {
    const { line, field } = err.location;
    const where = [line !== undefined ? `line ${line}` : undefined, field !== undefined ? `field ${field}` : undefined]
      .filter((p): p is string => p !== undefined)
      .join(', ');
    return {
      message: where ? `${where}: ${err.message}` : err.message,
      reason: err.message,
      line: line ?? null,
      field: field ?? null,
    };
  }
  const text = (err as Error).message ?? String(err);
  return { message: text, reason: text, line: null, field: null };
}

/**
 * Records a `failed` load_run (plus one rejected_rows entry carrying the reason and location) in a
 * transaction of its own. Used after the load's own transaction was rolled back.
 */
export async function recordFailedLoad(
  wh: Warehouse,
  meta: { fileName: string; sha256: string; kind: string; profile: string | null; profileSha256?: string | null },
  err: unknown,
  rowsRead = 0,
): Promise<IngestResult> {
  const { message, reason, line, field } = describeFailure(err);
  const run = await wh.transaction(async (conn) => {
    const handle = await startLoadRun(conn, meta);
    await recordRejectedRows(conn, handle.loadRunId, [{ line, field, value: null, reason }]);
    await finishLoadRun(conn, handle.loadRunId, 'failed', {
      rowsRead,
      rowsLoaded: 0,
      rowsUpdated: 0,
      rowsRejected: 0,
      rowsDuplicate: 0,
      message,
    });
    return handle;
  });
  return resultOf(run, 'failed', { rowsRead, rowsLoaded: 0, rowsUpdated: 0, rowsRejected: 0, rowsDuplicate: 0, message });
}

function resultOf(run: LoadRunHandle, status: LoadStatus, c: Omit<LoadCounts, 'status'>): IngestResult {
  return {
    file: run.fileName,
    loadRunId: run.loadRunId,
    kind: run.kind,
    profile: run.profile,
    status,
    rowsRead: c.rowsRead,
    rowsLoaded: c.rowsLoaded,
    rowsUpdated: c.rowsUpdated,
    rowsRejected: c.rowsRejected,
    rowsDuplicate: c.rowsDuplicate,
    message: c.message ?? null,
    balanceMismatch: c.balanceMismatch ?? null,
  };
}

/**
 * Runs one file's load in one transaction with its load_runs row.
 * - Same bytes already loaded as this kind → a `duplicate` load_run, fn is not called, nothing changes.
 * - fn throws an ArIntelError (e.g. FileError) → rollback, then a `failed` load_run with the reason.
 * - Otherwise the status follows from the counts (see deriveStatus).
 * Errors that are not ArIntelError (bugs, database failures) are also recorded as failed and re-thrown.
 */
export async function runLoad(
  wh: Warehouse,
  meta: LoadMeta,
  fn: (conn: DuckDBConnection, run: LoadRunHandle) => Promise<LoadCounts>,
): Promise<IngestResult> {
  const fileName = meta.fileName ?? basename(meta.path);
  const profile = meta.profile ?? null;
  let sha256: string;
  try {
    sha256 = meta.sha256 ?? (await sha256File(meta.path));
  } catch (err) {
    return recordFailedLoad(wh, { fileName, sha256: '', kind: meta.kind, profile }, err);
  }
  const profileSha256 = meta.profileSha256 ?? null;
  const base = { fileName, sha256, kind: meta.kind, profile, profileSha256 };
  try {
    return await wh.transaction(async (conn) => {
      const previous = await findPreviousLoad(conn, sha256, meta.kind, profile, profileSha256);
      if (!previous) {
        const other = await findProfileConflict(conn, sha256, profile);
        if (other) {
          const was = other.profile === null ? 'without a profile' : `under profile ${other.profile}`;
          throw new FileError(
            `the same file was already loaded ${was} (load run ${other.loadRunId}, ${other.fileName}); ` +
              `loading it again ${profile === null ? 'without a profile' : `under profile ${profile}`} could count its rows twice under other ids, so nothing was loaded`,
            { file: fileName, field: 'profile' },
          );
        }
      }
      // Same profile, edited definition: read again (rows merge by id); the message says which reading it replaces.
      const earlier = previous || profileSha256 === null ? undefined : await findPreviousLoad(conn, sha256, meta.kind, profile, 'any');
      const run = await startLoadRun(conn, base);
      if (previous) {
        // Nothing is re-read or re-checked: every row the earlier load accepted counts as a duplicate.
        const counts = {
          rowsRead: previous.rowsRead,
          rowsLoaded: 0,
          rowsUpdated: 0,
          rowsRejected: 0,
          rowsDuplicate: previous.rowsRead - previous.rowsRejected,
          message: `same content as load run ${previous.loadRunId} (${previous.fileName}); nothing changed`,
        };
        await finishLoadRun(conn, run.loadRunId, 'duplicate', counts);
        return resultOf(run, 'duplicate', counts);
      }
      const read = await fn(conn, run);
      const counts = earlier
        ? { ...read, message: [`re-read with an edited definition of profile ${profile ?? ''} (earlier reading: load run ${earlier.loadRunId})`, read.message].filter(Boolean).join('; ') }
        : read;
      const status = deriveStatus(counts);
      await finishLoadRun(conn, run.loadRunId, status, counts);
      return resultOf(run, status, counts);
    });
  } catch (err) {
    const failed = await recordFailedLoad(wh, base, err);
    if (err instanceof ArIntelError) return failed;
    throw err;
  }
}
