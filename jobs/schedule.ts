/**
 * node-cron wiring only: the nightly run and the drop-folder watcher inside `serve`. Both run the pipeline in
 * a worker thread (runPipelineInWorker, so the API stays responsive), under the run lock, which makes a tick
 * that lands during a run a no-op instead of a second run.
 */
import cron from 'node-cron';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../core/config.ts';
import { ConfigError } from '../core/errors.ts';
import type { Warehouse } from '../core/warehouse.ts';
import { RunInProgressError, runInProgress } from './run-lock.ts';
import { prestartPipelineWorker, runPipelineInWorker, stopWorkerRuns } from './worker/index.ts';

export interface Scheduler {
  /** No more ticks; a run in progress in a worker (this scheduler's or the first start's) is stopped and awaited. */
  stop(): Promise<void>;
}

/** Regular files waiting in the drop folder (sub-folders such as processed/ and failed/ are not inputs). */
export function pendingDropFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => !f.startsWith('.'))
    .map((f) => join(dir, f))
    .filter((p) => statSync(p).isFile())
    .sort();
}

export function startScheduler(wh: Warehouse, config: Config, log: (m: string) => void): Scheduler {
  const stoppers: (() => void)[] = [];
  // The worker's start-up happens now, with the server, rather than inside the first run.
  prestartPipelineWorker();
  const trigger = async (why: string) => {
    if (runInProgress(wh)) return;
    try {
      log(`pipeline run started (${why})`);
      const r = await runPipelineInWorker(wh, config, { log });
      log(`pipeline run ${r.runId} as of ${r.asOf}: ${r.status}`);
    } catch (err) {
      if (!(err instanceof RunInProgressError)) log(`pipeline run failed: ${(err as Error).message}`);
    }
  };
  if (config.schedule !== 'off') {
    if (!cron.validate(config.schedule)) throw new ConfigError(`AR_INTEL_SCHEDULE: "${config.schedule}" is not a cron expression`);
    const task = cron.schedule(config.schedule, () => trigger('schedule'), { name: 'nightly-run', noOverlap: true });
    stoppers.push(() => void task.destroy());
  }
  if (config.dropPollSeconds > 0) {
    const timer = setInterval(() => {
      if (pendingDropFiles(config.dropDir).length > 0) void trigger(`new files in ${config.dropDir}`);
    }, config.dropPollSeconds * 1000);
    timer.unref();
    stoppers.push(() => clearInterval(timer));
  }
  return {
    stop: async () => {
      stoppers.forEach((s) => s());
      await stopWorkerRuns(wh);
    },
  };
}
