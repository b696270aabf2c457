/** What `serve` does before listening: make sure there is data and a published run to show. */
import type { Config } from '../core/config.ts';
import type { Warehouse } from '../core/warehouse.ts';
import { publishedAsOf, runPipeline } from './pipeline.ts';

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
    // Filled in by the demo generator: generate the demo set and ingest it through the normal path.
    options.log('warehouse is empty and no demo generator is wired yet');
    return;
  }
  if ((await publishedAsOf(wh)) === undefined) {
    options.log('no published run yet; running the pipeline once');
    await runPipeline(wh, config, { log: options.log });
  }
}
