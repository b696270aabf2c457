import type { Warehouse } from '../../core/warehouse.ts';

interface LoadRunRow extends Record<string, unknown> {
  load_run_id: string;
  file_name: string;
  file_sha256: string;
  kind: string;
  profile: string | null;
  status: string;
  rows_read: number;
  rows_loaded: number;
  rows_updated: number;
  rows_rejected: number;
  rows_duplicate: number;
  balance_mismatch: string | null;
  message: string | null;
  started_at: string;
  finished_at: string | null;
}

export async function listLoadRuns(wh: Warehouse, limit: number) {
  const rows = await wh.all<LoadRunRow>(
    `select load_run_id::varchar as load_run_id, file_name, file_sha256, kind, profile, status,
            rows_read, rows_loaded, rows_updated, rows_rejected, rows_duplicate,
            balance_mismatch::varchar as balance_mismatch, message,
            strftime(started_at, '%Y-%m-%dT%H:%M:%S') as started_at,
            strftime(finished_at, '%Y-%m-%dT%H:%M:%S') as finished_at
     from load_runs order by load_run_id desc limit $1`,
    [limit],
  );
  return rows.map((r) => ({
    loadRunId: r.load_run_id,
    fileName: r.file_name,
    fileSha256: r.file_sha256,
    kind: r.kind,
    profile: r.profile,
    status: r.status,
    rowsRead: Number(r.rows_read),
    rowsLoaded: Number(r.rows_loaded),
    rowsUpdated: Number(r.rows_updated),
    rowsRejected: Number(r.rows_rejected),
    rowsDuplicate: Number(r.rows_duplicate),
    balanceMismatch: r.balance_mismatch,
    message: r.message,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  }));
}

export async function listRejectedRows(wh: Warehouse, loadRunId: number, limit: number) {
  const rows = await wh.all<{ line: number | null; field: string | null; value: string | null; reason: string }>(
    'select line, field, value, reason from rejected_rows where load_run_id = $1 order by line nulls first limit $2',
    [loadRunId, limit],
  );
  return rows.map((r) => ({ line: r.line === null ? null : Number(r.line), field: r.field, value: r.value, reason: r.reason }));
}
