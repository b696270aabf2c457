/**
 * Never two runs at once. Across processes DuckDB's own file lock already guarantees one writer per
 * warehouse file; inside a process (the scheduler, the drop-folder watcher and an API call can all ask
 * for a run) this mutex serialises them. A run left 'running' by a process that died (SIGKILL, power
 * loss) is stale: the next run marks it failed so the bookkeeping stays truthful.
 */
import type { Warehouse } from '../core/warehouse.ts';

const held = new WeakMap<Warehouse, Promise<unknown>>();

export class RunInProgressError extends Error {
  constructor() {
    super('a pipeline run is already in progress for this warehouse');
    this.name = 'RunInProgressError';
  }
}

/** Runs fn exclusively per warehouse; a second caller fails fast instead of queueing a duplicate run. */
export async function withRunLock<T>(wh: Warehouse, fn: () => Promise<T>): Promise<T> {
  if (held.has(wh)) throw new RunInProgressError();
  const p = (async () => {
    await markStaleRuns(wh);
    return fn();
  })();
  held.set(wh, p);
  try {
    return await p;
  } finally {
    held.delete(wh);
  }
}

export function runInProgress(wh: Warehouse): boolean {
  return held.has(wh);
}

/** Any 'running' row when no run holds the lock belongs to a dead process. */
export async function markStaleRuns(wh: Warehouse): Promise<number> {
  const stale = await wh.all<{ run_id: string }>(`select run_id::varchar as run_id from pipeline_runs where status = 'running'`);
  if (stale.length === 0) return 0;
  await wh.transaction(async (conn) => {
    await conn.run(
      `update pipeline_stage_runs set status = 'failed', error = 'abandoned: the process running it stopped'
       where status = 'running'`,
    );
    await conn.run(
      `update pipeline_runs set status = 'failed', published = false, error = 'abandoned: the process running it stopped'
       where status = 'running'`,
    );
  });
  return stale.length;
}
