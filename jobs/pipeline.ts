/**
 * `ar-intel run`: the stages in order under one run id. Each stage records start, end, rows and
 * outcome as it goes (committed at once, so GET /runs shows progress).
 *
 * Atomic publish: every stage that computes outputs (cash application, models, scores, forecast,
 * worklists) runs inside ONE DuckDB transaction, on one connection (Warehouse.inTransaction). The run
 * writes its rows apart — in its own transaction, invisible to every other connection — and later
 * stages read them there. The last statement of that transaction marks the run published; the commit
 * then swaps every output (and the cash applications the run made) in at once, replacing the previous
 * run's rows for the as-of date. A reader sees the previous published run or this one, never a mix;
 * a failing stage rolls everything back, and a killed process leaves no trace of the run's outputs
 * (DuckDB drops an uncommitted transaction when it reopens the file). See jobs/README.md.
 */
import type { Config } from '../core/config.ts';
import { resolveAsOf } from '../core/as-of.ts';
import type { Warehouse } from '../core/warehouse.ts';
import { compile, sourceTables } from '../models/dag.ts';
import { ensurePersisted, PERSISTED_MODELS, PERSISTED_ORDER, type PersistedSource } from '../models/persisted.ts';
import { stages as defaultStages, type Stage } from './stages.ts';
import { withRunLock } from './run-lock.ts';

export interface RunOptions {
  readonly asOf?: string | undefined;
  readonly log?: (message: string) => void;
  readonly stages?: readonly Stage[];
}

type StageResult = { name: string; status: 'succeeded' | 'failed'; rows: number; ms: number; error?: string };

export interface RunResult {
  readonly runId: string;
  readonly asOf: string;
  readonly status: 'succeeded' | 'failed';
  readonly ms: number;
  readonly stages: StageResult[];
}

const nowIso = () => new Date().toISOString();

export async function runPipeline(wh: Warehouse, config: Config, options: RunOptions = {}): Promise<RunResult> {
  return withRunLock(wh, () => runStages(wh, config, options));
}

/**
 * The run itself, for a caller that already holds the run lock on the warehouse's owning thread: the
 * pipeline worker (jobs/worker/), whose Warehouse forwards to the serving thread's, where the lock lives.
 */
export function runWhileLocked(wh: Warehouse, config: Config, options: RunOptions = {}): Promise<RunResult> {
  return runStages(wh, config, options);
}

/**
 * Stages that commit their own writes come first (the drop folder moves a file away only once its rows
 * are committed, so its ingest cannot wait for the publish); the rest run inside the publish transaction.
 */
export function splitStages(list: readonly Stage[]): { own: Stage[]; published: Stage[] } {
  const firstInside = list.findIndex((s) => s.commitsOwnWrites !== true);
  const own = firstInside === -1 ? [...list] : list.slice(0, firstInside);
  const published = firstInside === -1 ? [] : list.slice(firstInside);
  const late = published.find((s) => s.commitsOwnWrites === true);
  if (late) throw new Error(`stage ${late.name} commits its own writes and must run before the published stages`);
  return { own, published };
}

/** Every persisted model table, with the model text and sources its freshness is judged by. */
function allPersisted(): PersistedSource[] {
  return Object.entries(PERSISTED_MODELS).map(([model, table]) => ({ model, table, sql: compile(model), sources: sourceTables(model), order: PERSISTED_ORDER[table] }));
}

class StageFailed extends Error {}

async function runStages(wh: Warehouse, config: Config, options: RunOptions): Promise<RunResult> {
  const log = options.log ?? (() => undefined);
  const started = performance.now();
  let asOf = await resolveAsOf(wh, options.asOf);
  const row = await wh.one<{ run_id: string }>(
    `insert into pipeline_runs (as_of, status, started_at) values ($1::date, 'running', $2::timestamp) returning run_id`,
    [asOf, nowIso()],
  );
  const runId = String(row?.run_id);
  const results: StageResult[] = [];
  const { own, published } = splitStages(options.stages ?? defaultStages);
  let seq = 0;

  // Bookkeeping goes through `wh` (autocommit) whatever handle the stage writes through.
  const runStage = async (stage: Stage, on: Warehouse): Promise<void> => {
    const t0 = performance.now();
    const mySeq = seq++;
    await wh.run(
      `insert into pipeline_stage_runs (run_id, stage, seq, status, started_at) values ($1, $2, $3, 'running', $4::timestamp)`,
      [runId, stage.name, mySeq, nowIso()],
    );
    let out: { rows: number };
    try {
      out = await stage.run({ wh: on, config, asOf, runId, log });
    } catch (err) {
      const message = (err as Error).message;
      results.push({ name: stage.name, status: 'failed', rows: 0, ms: performance.now() - t0, error: message });
      await wh.run(
        `update pipeline_stage_runs set status = 'failed', error = $3, finished_at = $4::timestamp where run_id = $1 and stage = $2`,
        [runId, stage.name, message, nowIso()],
      );
      log(`  ${stage.name}: FAILED ${message}`);
      throw new StageFailed(`${stage.name}: ${message}`);
    }
    const ms = performance.now() - t0;
    results.push({ name: stage.name, status: 'succeeded', rows: out.rows, ms });
    await wh.run(
      `update pipeline_stage_runs set status = 'succeeded', rows = $3, finished_at = $4::timestamp where run_id = $1 and stage = $2`,
      [runId, stage.name, out.rows, nowIso()],
    );
    log(`  ${stage.name}: ${out.rows} rows in ${(ms / 1000).toFixed(1)} s`);
  };

  let failed: string | undefined;
  try {
    let loaded = 0;
    for (const stage of own) {
      await runStage(stage, wh);
      loaded += results.at(-1)?.rows ?? 0;
    }
    if (options.asOf === undefined && loaded > 0) {
      // Newly dropped files may carry later dates: "latest date in the data" is re-read after them.
      asOf = await resolveAsOf(wh, undefined);
      await wh.run('update pipeline_runs set as_of = $2::date where run_id = $1', [runId, asOf]);
    }
    // Bring the persisted model tables up to date with what is committed now, so readers serving the
    // old run never have to rebuild one (and collide with the run rebuilding it) while the run is open.
    await ensurePersisted(wh, allPersisted());
    await wh.inTransaction(async (tx) => {
      for (const stage of published) await runStage(stage, tx);
      log(`  publishing run ${runId}`);
      // The pipeline_runs row is only ever changed before the transaction began or here, so this
      // update cannot conflict; it commits together with every output of the run.
      await tx.run(
        `update pipeline_runs set status = 'succeeded', published = true, finished_at = $2::timestamp, error = null where run_id = $1`,
        [runId, nowIso()],
      );
    });
    log(`  published run ${runId} as of ${asOf}`);
  } catch (err) {
    failed = err instanceof StageFailed ? err.message : `publish: ${(err as Error).message}`;
    if (!(err instanceof StageFailed)) log(`  ${failed}`);
    await wh.run(
      `update pipeline_runs set status = 'failed', published = false, finished_at = $2::timestamp, error = $3 where run_id = $1`,
      [runId, nowIso(), failed],
    );
  }
  if (!failed) {
    // Rows the run appended had transaction-local row ids when it fingerprinted the persisted tables'
    // sources inside the transaction, so those stamps do not match the committed rows: re-check them now,
    // so the first reader after the publish does not pay for the rebuild. The run is published either way.
    await ensurePersisted(wh, allPersisted()).catch((err: Error) => log(`  persisted tables left for the next reader to rebuild: ${err.message}`));
  }
  return { runId, asOf, status: failed ? 'failed' : 'succeeded', ms: performance.now() - started, stages: results };
}

/** The as-of date of the newest published run: what the API serves when a request names no date. */
export async function publishedAsOf(wh: Warehouse): Promise<string | undefined> {
  const row = await wh.one<{ as_of: string }>(
    `select as_of::varchar as as_of from pipeline_runs where published order by run_id desc limit 1`,
  );
  return row?.as_of;
}
