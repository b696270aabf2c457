/**
 * `ar-intel run`: the stages in order under one run id. Each stage records start, end, rows and
 * outcome; a failing stage stops the run and leaves the previously published run serving.
 */
import type { Config } from '../core/config.ts';
import { resolveAsOf } from '../core/as-of.ts';
import type { Warehouse } from '../core/warehouse.ts';
import { stages as defaultStages, type Stage } from './stages.ts';
import { withRunLock } from './run-lock.ts';

export interface RunOptions {
  readonly asOf?: string | undefined;
  readonly log?: (message: string) => void;
  readonly stages?: readonly Stage[];
}

export interface RunResult {
  readonly runId: string;
  readonly asOf: string;
  readonly status: 'succeeded' | 'failed';
  readonly ms: number;
  readonly stages: { name: string; status: 'succeeded' | 'failed'; rows: number; ms: number; error?: string }[];
}

const nowIso = () => new Date().toISOString();

export async function runPipeline(wh: Warehouse, config: Config, options: RunOptions = {}): Promise<RunResult> {
  return withRunLock(wh, () => runStages(wh, config, options));
}

async function runStages(wh: Warehouse, config: Config, options: RunOptions): Promise<RunResult> {
  const log = options.log ?? (() => undefined);
  const started = performance.now();
  let asOf = await resolveAsOf(wh, options.asOf);
  const row = await wh.one<{ run_id: string }>(
    `insert into pipeline_runs (as_of, status, started_at) values ($1::date, 'running', $2::timestamp) returning run_id`,
    [asOf, nowIso()],
  );
  const runId = String(row?.run_id);
  const results: RunResult['stages'] = [];
  let failed: string | undefined;
  const list = options.stages ?? defaultStages;
  for (const [seq, stage] of list.entries()) {
    const t0 = performance.now();
    await wh.run(
      `insert into pipeline_stage_runs (run_id, stage, seq, status, started_at) values ($1, $2, $3, 'running', $4::timestamp)`,
      [runId, stage.name, seq, nowIso()],
    );
    try {
      const out = await stage.run({ wh, config, asOf, runId, log });
      if (stage.name === 'drop-folder' && options.asOf === undefined && out.rows > 0) {
        // Newly dropped files may carry later dates: "latest date in the data" is re-read after them.
        asOf = await resolveAsOf(wh, undefined);
        await wh.run('update pipeline_runs set as_of = $2::date where run_id = $1', [runId, asOf]);
      }
      const ms = performance.now() - t0;
      results.push({ name: stage.name, status: 'succeeded', rows: out.rows, ms });
      await wh.run(
        `update pipeline_stage_runs set status = 'succeeded', rows = $3, finished_at = $4::timestamp where run_id = $1 and stage = $2`,
        [runId, stage.name, out.rows, nowIso()],
      );
      log(`  ${stage.name}: ${out.rows} rows in ${(ms / 1000).toFixed(1)} s`);
    } catch (err) {
      failed = `${stage.name}: ${(err as Error).message}`;
      results.push({ name: stage.name, status: 'failed', rows: 0, ms: performance.now() - t0, error: (err as Error).message });
      await wh.run(
        `update pipeline_stage_runs set status = 'failed', error = $3, finished_at = $4::timestamp where run_id = $1 and stage = $2`,
        [runId, stage.name, (err as Error).message, nowIso()],
      );
      log(`  ${stage.name}: FAILED ${(err as Error).message}`);
      break;
    }
  }
  const status = failed ? 'failed' : 'succeeded';
  await wh.run(
    `update pipeline_runs set status = $2, published = $3, finished_at = $4::timestamp, error = $5 where run_id = $1`,
    [runId, status, !failed, nowIso(), failed ?? null],
  );
  return { runId, asOf, status, ms: performance.now() - started, stages: results };
}

/** The as-of date of the newest published run: what the API serves when a request names no date. */
export async function publishedAsOf(wh: Warehouse): Promise<string | undefined> {
  const row = await wh.one<{ as_of: string }>(
    `select as_of::varchar as as_of from pipeline_runs where published order by run_id desc limit 1`,
  );
  return row?.as_of;
}
