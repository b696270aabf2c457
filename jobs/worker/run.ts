/**
 * Inside the pipeline's worker thread: one run of the pipeline against the serving thread's DuckDB instance
 * (through RemoteDatabase), reporting its log lines and its result by message; the serving thread starts
 * this thread ahead of time and sends `{ t: 'start', input }` for each run. The run lock is held by the
 * serving thread for as long as a run is in this thread.
 */
import { parentPort } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { Warehouse } from '../../core/warehouse.ts';
import { runWhileLocked } from '../pipeline.ts';
import type { Stage } from '../stages.ts';
import type { Request, WorkerInput } from './protocol.ts';
import { RemoteDatabase } from './remote-database.ts';

const port = parentPort;
if (!port) throw new Error('jobs/worker/run.ts runs only in a worker thread (see index.ts)');
const post = (m: Request) => port.postMessage(m);

/** One run, as the serving thread asked; the worker then waits for the next one. */
async function run(input: WorkerInput): Promise<void> {
  const db = new RemoteDatabase(port!, input.syncPort, new Int32Array(input.syncFlag));
  const wh = Warehouse.over(input.config.dbPath, db);
  try {
    const from = input.stagesFrom;
    const stages = from === undefined ? undefined : ((await import(pathToFileURL(from.module).href)) as Record<string, readonly Stage[]>)[from.exportName];
    if (from && !Array.isArray(stages)) throw new Error(`${from.module} has no stage list ${from.exportName}`);
    const result = await runWhileLocked(wh, input.config, {
      asOf: input.asOf,
      stages,
      log: (message) => post({ t: 'log', message }),
    });
    post({ t: 'result', result });
  } catch (err) {
    post({ t: 'crashed', message: (err as Error).message });
  } finally {
    db.closeSync();
    input.syncPort.close();
  }
}

port.on('message', (m: { t?: unknown; input?: WorkerInput }) => {
  if (m.t === 'start' && m.input) void run(m.input);
});
