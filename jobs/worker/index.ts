/**
 * `serve` runs the pipeline in a worker thread, so the stages' CPU-heavy JavaScript (matching, model training,
 * simulation, ranking) never holds the API's event loop. The worker opens no database: its statements run
 * here, on the process's one DuckDB instance (DuckDBInstance.fromCache keeps its cache per thread, so a worker
 * opening the file itself would get a second instance of it). Everything that relies on the run happening in
 * this process keeps working: the run lock (runInProgress → 409 on match decisions, stale-run takeover)
 * is held here for the worker's whole life, and the run's bookkeeping and publish commit on the same
 * instance the API's data stamp reads. `ar-intel run` keeps running in-thread (runPipeline).
 */
import { MessageChannel, Worker } from 'node:worker_threads';
import type { Config } from '../../core/config.ts';
import type { Warehouse } from '../../core/warehouse.ts';
import type { RunResult } from '../pipeline.ts';
import { markStaleRuns, withRunLock } from '../run-lock.ts';
import { DatabaseHost } from './host.ts';
import { Request, type Reply, type WorkerInput } from './protocol.ts';

export interface WorkerRunOptions {
  readonly asOf?: string | undefined;
  readonly log?: (message: string) => void;
  /** Stages to run instead of the default ones (tests): an export of a module, named by file and export. */
  readonly stagesFrom?: { readonly module: string; readonly exportName: string };
}

/** Runs in flight per warehouse, so shutdown can stop them. */
const active = new WeakMap<Warehouse, Set<{ stop(): Promise<void> }>>();

/** A pipeline run in a worker thread, under the same lock and with the same records as runPipeline. */
export function runPipelineInWorker(wh: Warehouse, config: Config, options: WorkerRunOptions = {}): Promise<RunResult> {
  return withRunLock(wh, () => runInWorker(wh, config, options));
}

/**
 * Stops every worker run of the warehouse and waits for it: the worker is terminated, the run's open
 * transaction rolled back (nothing of it is published) and its row marked abandoned, as the next start
 * would otherwise do. Called when the server closes, before the warehouse is.
 */
export async function stopWorkerRuns(wh: Warehouse): Promise<void> {
  await Promise.all([...(active.get(wh) ?? [])].map((r) => r.stop()));
}

/**
 * Started workers with nothing to do. Starting one (a thread, tsx, the pipeline's whole module graph) costs
 * ~1 s of CPU and 2–3 s on a busy machine, and under request load it held the serving thread back for
 * seconds; so a worker is started ahead of the first run (`prestartPipelineWorker`, called by the scheduler)
 * and kept for the next run when a run ends normally. An idle worker is unref'd: it never keeps the process
 * alive. A worker that failed or was stopped is not reused.
 */
const idle: Worker[] = [];

function startWorker(): Worker {
  const worker = new Worker(new URL('./entry.mjs', import.meta.url));
  worker.unref();
  worker.on('exit', () => {
    const i = idle.indexOf(worker);
    if (i >= 0) idle.splice(i, 1);
  });
  worker.on('error', () => undefined); // an idle worker's failure surfaces as its exit; a run's, through its own listener
  return worker;
}

/** Starts a worker for the next run now (if none is waiting), so the run does not pay for the start-up. */
export function prestartPipelineWorker(): void {
  if (idle.length === 0) idle.push(startWorker());
}

function runInWorker(wh: Warehouse, config: Config, options: WorkerRunOptions): Promise<RunResult> {
  const log = options.log ?? (() => undefined);
  const syncFlag = new SharedArrayBuffer(4);
  const flag = new Int32Array(syncFlag);
  const { port1: syncHere, port2: syncThere } = new MessageChannel();
  const input: WorkerInput = { config: { ...config }, asOf: options.asOf, stagesFrom: options.stagesFrom, syncFlag, syncPort: syncThere };
  const worker = idle.pop() ?? startWorker();
  // While it runs, the worker keeps the process alive (the serving thread may have nothing else pending).
  worker.ref();
  const host = new DatabaseHost(
    wh,
    (r: Reply) => worker.postMessage(r),
    (r: Reply) => {
      syncHere.postMessage(r);
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
    },
  );
  const runs = active.get(wh) ?? new Set();
  active.set(wh, runs);

  return new Promise<RunResult>((resolve, reject) => {
    let ended = false;
    // Whatever ends the run, its connections are rolled back and closed here before the lock is released.
    const end = async (outcome: { result: RunResult } | { error: Error }) => {
      if (ended) return;
      ended = true;
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      if ('result' in outcome) {
        worker.unref();
        idle.push(worker);
      } else {
        await worker.terminate();
      }
      await host.closeAll();
      syncHere.close();
      if ('error' in outcome) {
        // A run that ended without a result left its row 'running': it is abandoned now, not at the next start.
        await markStaleRuns(wh).catch(() => undefined);
      }
      runs.delete(handle);
      if ('result' in outcome) resolve(outcome.result);
      else reject(outcome.error);
    };
    const handle = { stop: () => end({ error: new Error('pipeline run stopped: the server is shutting down') }) };
    runs.add(handle);

    const onMessage = (raw: unknown) => {
      const parsed = Request.safeParse(raw);
      if (!parsed.success) {
        void end({ error: new Error(`pipeline worker sent an unknown message: ${parsed.error.message}`) });
        return;
      }
      const m = parsed.data;
      if (m.t === 'log') log(m.message);
      else if (m.t === 'result') void end({ result: m.result });
      else if (m.t === 'crashed') void end({ error: new Error(m.message) });
      else host.handle(m);
    };
    const onError = (err: Error) => void end({ error: err });
    const onExit = (code: number) => void end({ error: new Error(`pipeline worker exited (code ${code}) before the run finished`) });
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage({ t: 'start', input }, [syncThere]);
  });
}
