/** A small but real ledger for robustness tests: the demo generator through the ingest path, then one run. */
import { fillWithDemo } from '../../jobs/bootstrap.ts';
import { runPipeline } from '../../jobs/pipeline.ts';
import type { TestWarehouse } from '../helpers/warehouse.ts';

export async function seedDemo(t: TestWarehouse, options: { customers?: number; months?: number; run?: boolean } = {}): Promise<void> {
  await fillWithDemo(t.wh, { ...t.config, demoCustomers: options.customers ?? 30, demoSeed: 7 }, () => undefined, {
    months: options.months ?? 4,
  });
  if (options.run !== false) {
    const r = await runPipeline(t.wh, t.config);
    if (r.status !== 'succeeded') throw new Error(`seed run failed: ${JSON.stringify(r.stages)}`);
  }
}

/** Order-independent fingerprint of a table, to show it came through untouched. */
export async function fingerprint(t: TestWarehouse, table: 'invoices'): Promise<{ n: string; h: string }> {
  const row = await t.wh.one<{ n: string; h: string }>(
    `select count(*)::bigint as n, coalesce(sum(hash(invoice_id, customer_id, amount, due_date)), 0)::varchar as h from ${table}`,
  );
  return row ?? { n: '0', h: '0' };
}
