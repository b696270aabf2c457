/** A small demo warehouse (150 customers unless told) loaded through the normal ingest path and run through the pipeline. */
import { join } from 'node:path';
import { generateDemo } from '../../ingest/demo/index.ts';
import { loadDemo } from '../../ingest/demo/load.ts';
import { runPipeline } from '../../jobs/pipeline.ts';
import { tempWarehouse, type TestWarehouse } from '../helpers/warehouse.ts';

export const DEMO_CUSTOMERS = 150;

export async function demoWarehouse(log: (m: string) => void = () => undefined, customers = DEMO_CUSTOMERS): Promise<TestWarehouse & { asOf: string }> {
  const t = await tempWarehouse();
  try {
    const demo = await generateDemo({ customers, seed: 7, out: join(t.dir, 'demo'), months: 26 });
    const load = await loadDemo(t.wh, demo);
    if (load.problems.length) throw new Error(`demo did not load cleanly: ${load.problems.join('; ')}`);
    const run = await runPipeline(t.wh, t.config, { log });
    if (run.status !== 'succeeded') throw new Error(`pipeline failed: ${run.stages.map((s) => `${s.name} ${s.status} ${s.error ?? ''}`).join('; ')}`);
    return { ...t, asOf: run.asOf };
  } catch (err) {
    t.cleanup();
    throw err;
  }
}
