import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dropStage, ingestDropFolder } from '../../jobs/drop-stage.ts';
import { runPipeline } from '../../jobs/pipeline.ts';
import { stages } from '../../jobs/stages.ts';
import { tempWarehouse, type TestWarehouse } from '../helpers/warehouse.ts';

let t: TestWarehouse | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});

const CUSTOMERS =
  'customer_id,name,country,currency,payment_terms_days,credit_limit,segment,industry,collector_id\n' +
  'C1,Acme,US,USD,30,1000.00,smb,retail,K1\nC2,Beta,US,USD,45,5000.00,mid_market,retail,K1\n';
const COLLECTORS = 'collector_id,name,daily_capacity,email\nK1,Kim,40,kim@example.com\n';
const INVOICES = 'invoice_id,customer_id,invoice_date,due_date,amount,currency\nI1,C1,2024-05-02,2024-06-01,100.00,USD\nI2,C2,2024-05-03,2024-06-17,250.50,USD\n';

const count = async (table: string) => Number((await t!.wh.one<{ n: string }>(`select count(*)::bigint as n from ${table}`))?.n);

describe('drop-folder stage', () => {
  it('runs first in the pipeline', () => {
    expect(stages[0]).toBe(dropStage);
  });

  it('loads every dropped file in dependency order, moves good ones to processed/ and bad ones to failed/ with a reason', async () => {
    t = await tempWarehouse();
    const dropDir = join(t.dir, 'drop');
    mkdirSync(dropDir);
    // Named so that alphabetical order would load invoices before their customers.
    writeFileSync(join(dropDir, 'a-invoices.csv'), INVOICES);
    writeFileSync(join(dropDir, 'b-customers.csv'), CUSTOMERS);
    writeFileSync(join(dropDir, 'e-collectors.csv'), COLLECTORS);
    writeFileSync(join(dropDir, 'c-garbage.csv'), 'this,is\nnot,"an export\n');
    writeFileSync(join(dropDir, 'd-binary.bin'), Buffer.from([0, 255, 1, 254, 0, 0, 7]));
    const config = { ...t.config, dropDir };
    const r = await runPipeline(t.wh, config, { asOf: '2024-05-31', stages: [dropStage] });
    expect(r.status).toBe('succeeded');
    expect(r.stages[0]).toMatchObject({ name: 'drop-folder', rows: 5 });
    expect(await count('customers')).toBe(2);
    expect(await count('invoices')).toBe(2);
    expect(readdirSync(join(dropDir, 'processed')).sort()).toEqual(['a-invoices.csv', 'b-customers.csv', 'e-collectors.csv']);
    const failed = readdirSync(join(dropDir, 'failed')).sort();
    expect(failed).toEqual(['c-garbage.csv', 'c-garbage.csv.reason.txt', 'd-binary.bin', 'd-binary.bin.reason.txt']);
    expect(readFileSync(join(dropDir, 'failed', 'c-garbage.csv.reason.txt'), 'utf8').trim().length).toBeGreaterThan(5);
    expect(readdirSync(dropDir).sort()).toEqual(['failed', 'processed']);
    const runs = await t.wh.all<{ status: string }>(`select status from load_runs order by load_run_id`);
    expect(runs.map((x) => x.status).sort()).toEqual(['failed', 'failed', 'loaded', 'loaded', 'loaded']);
  });

  it('treats a re-dropped file as a duplicate (processed, nothing loaded twice) and never overwrites an earlier copy', async () => {
    t = await tempWarehouse();
    const dropDir = join(t.dir, 'drop');
    mkdirSync(dropDir);
    const ctx = { wh: t.wh, config: { ...t.config, dropDir }, asOf: '2024-05-31', runId: '1', log: () => undefined };
    writeFileSync(join(dropDir, 'collectors.csv'), COLLECTORS);
    expect((await ingestDropFolder(ctx)).outcomes).toEqual([{ file: 'collectors.csv', to: 'processed' }]);
    writeFileSync(join(dropDir, 'collectors.csv'), COLLECTORS);
    const second = await ingestDropFolder(ctx);
    expect(second).toEqual({ rows: 0, outcomes: [{ file: 'collectors.csv', to: 'processed' }] });
    expect(readdirSync(join(dropDir, 'processed')).sort()).toEqual(['collectors.csv', 'collectors.csv.1']);
    expect(await count('collectors')).toBe(1);
    const runs = await t.wh.all<{ status: string }>(`select status from load_runs order by load_run_id`);
    expect(runs.map((x) => x.status)).toEqual(['loaded', 'duplicate']);
  });

  it('is a no-op when the drop folder does not exist', async () => {
    t = await tempWarehouse();
    const dropDir = join(t.dir, 'nowhere');
    const ctx = { wh: t.wh, config: { ...t.config, dropDir }, asOf: '2024-05-31', runId: '1', log: () => undefined };
    expect(await ingestDropFolder(ctx)).toEqual({ rows: 0, outcomes: [] });
    expect(existsSync(dropDir)).toBe(false);
  });
});
