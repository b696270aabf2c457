/** What `serve` does around listening: make sure there is data, then a published run to show. */
import { dirname, join } from 'node:path';
import type { Config } from '../core/config.ts';
import type { Warehouse } from '../core/warehouse.ts';
import { generateDemo } from '../ingest/demo/index.ts';
import { loadDemo } from '../ingest/demo/load.ts';
import { publishedAsOf } from './pipeline.ts';
import { runPipelineInWorker } from './worker/index.ts';

export interface PrepareOptions {
  readonly demo: boolean;
  readonly log: (message: string) => void;
}

export async function prepareWarehouse(wh: Warehouse, config: Config, options: PrepareOptions): Promise<void> {
  const row = await wh.one<{ n: string }>('select count(*)::bigint as n from invoices');
  const empty = Number(row?.n ?? 0) === 0;
  if (empty) {
    if (!options.demo || config.demoCustomers === 0) {
      options.log('warehouse is empty; load exports with `ar-intel ingest FILE…`');
      return;
    }
    await fillWithDemo(wh, config, options.log);
  }
}

/**
 * Runs the pipeline once when nothing has been published yet. `serve` calls it after it starts
 * listening, so /healthz and /docs answer while the first scores are computed (in a worker thread,
 * so they answer promptly); pages show "no published run yet" until it finishes.
 */
export async function ensurePublishedRun(wh: Warehouse, config: Config, log: (message: string) => void): Promise<void> {
  const row = await wh.one<{ n: string }>('select count(*)::bigint as n from invoices');
  if (Number(row?.n ?? 0) === 0 || (await publishedAsOf(wh)) !== undefined) return;
  log('no published run yet; running the pipeline once');
  const r = await runPipelineInWorker(wh, config, { log });
  log(`first pipeline run ${r.runId} as of ${r.asOf}: ${r.status} in ${(r.ms / 1000).toFixed(1)} s`);
}

/** Logs at most every quarter of the work, so a first start shows it is alive without flooding the log. */
function quarterLogger(log: (message: string) => void, label: string): (done: number, total: number) => void {
  let shown = -1;
  return (done, total) => {
    const quarter = total > 0 ? Math.floor((4 * done) / total) : 4;
    if (quarter > shown && quarter > 0) {
      shown = quarter;
      log(`  ${label}: ${quarter * 25}%`);
    }
  };
}

/** First start: the deterministic demo set, generated beside the warehouse and loaded through ingestFiles. */
export async function fillWithDemo(
  wh: Warehouse,
  config: Config,
  log: (message: string) => void,
  overrides: { readonly months?: number } = {},
): Promise<void> {
  const out = join(dirname(config.dbPath), 'demo');
  log(`warehouse is empty; generating the demo dataset (${config.demoCustomers} customers, seed ${config.demoSeed}) into ${out}`);
  const demo = await generateDemo(
    { customers: config.demoCustomers, seed: config.demoSeed, out, ...overrides },
    { onProgress: quarterLogger(log, 'generating') },
  );
  const c = demo.counts;
  log(
    `generated ${c.invoices ?? 0} invoices, ${c.payments ?? 0} payments, ${c.orders ?? 0} orders for ` +
      `${demo.startDate} … ${demo.endDate} in ${(demo.ms / 1000).toFixed(1)} s; loading`,
  );
  const load = await loadDemo(wh, demo, { onProgress: quarterLogger(log, 'loading') });
  log(`loaded ${load.results.length} demo files in ${(load.ms / 1000).toFixed(1)} s`);
  for (const problem of load.problems) log(`  demo load problem: ${problem}`);
}
