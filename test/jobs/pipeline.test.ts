import { afterEach, describe, expect, it } from 'vitest';
import { runPipeline } from '../../jobs/pipeline.ts';
import { markStaleRuns, RunInProgressError } from '../../jobs/run-lock.ts';
import type { Stage } from '../../jobs/stages.ts';
import { tempWarehouse, type TestWarehouse } from '../helpers/warehouse.ts';
import { testApp } from '../helpers/app.ts';

let t: TestWarehouse | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});

async function seedInvoice(tw: TestWarehouse) {
  await tw.wh.run(`insert into invoices (invoice_id, customer_id, invoice_date, due_date, amount, currency)
    values ('I1', 'C1', '2024-05-02', '2024-06-01', 100, 'USD')`);
}

const counting = (name: string, rows: number, seen: string[]): Stage => ({
  name,
  async run(ctx) {
    seen.push(`${name}@${ctx.asOf}`);
    return { rows };
  },
});

describe('pipeline', () => {
  it('runs stages in order under one run id and publishes the run', async () => {
    t = await tempWarehouse();
    await seedInvoice(t);
    const seen: string[] = [];
    const r = await runPipeline(t.wh, t.config, { stages: [counting('a', 3, seen), counting('b', 5, seen)] });
    expect(r.asOf).toBe('2024-05-02');
    expect(r.status).toBe('succeeded');
    expect(seen).toEqual(['a@2024-05-02', 'b@2024-05-02']);
    const stages = await t.wh.all(`select stage, seq, status, rows::int as rows from pipeline_stage_runs where run_id = $1 order by seq`, [r.runId]);
    expect(stages).toEqual([
      { stage: 'a', seq: 0, status: 'succeeded', rows: 3 },
      { stage: 'b', seq: 1, status: 'succeeded', rows: 5 },
    ]);
    expect(await t.wh.one(`select status, published from pipeline_runs where run_id = $1`, [r.runId])).toEqual({ status: 'succeeded', published: true });
  });

  it('stops at a failing stage, records the error and does not publish', async () => {
    t = await tempWarehouse();
    await seedInvoice(t);
    const seen: string[] = [];
    const boom: Stage = { name: 'boom', run: async () => { throw new Error('disk full'); } };
    const r = await runPipeline(t.wh, t.config, { asOf: '2024-05-31', stages: [counting('a', 1, seen), boom, counting('c', 1, seen)] });
    expect(r.status).toBe('failed');
    expect(seen).toEqual(['a@2024-05-31']);
    expect(await t.wh.one(`select status, published, error from pipeline_runs where run_id = $1`, [r.runId])).toEqual({
      status: 'failed',
      published: false,
      error: 'boom: disk full',
    });
  });

  it('refuses a second concurrent run instead of interleaving two', async () => {
    t = await tempWarehouse();
    await seedInvoice(t);
    let release: () => void = () => undefined;
    let started: () => void = () => undefined;
    const inStage = new Promise<void>((r) => { started = r; });
    const slow: Stage = { name: 'slow', run: () => new Promise((res) => { release = () => res({ rows: 0 }); started(); }) };
    const first = runPipeline(t.wh, t.config, { stages: [slow] });
    await inStage;
    await expect(runPipeline(t.wh, t.config, { stages: [] })).rejects.toBeInstanceOf(RunInProgressError);
    release();
    expect((await first).status).toBe('succeeded');
  });

  it('marks a run abandoned by a dead process as failed before the next run', async () => {
    t = await tempWarehouse();
    await seedInvoice(t);
    await t.wh.run(`insert into pipeline_runs (as_of, status, started_at) values ('2024-05-01', 'running', '2024-05-01 02:00:00')`);
    expect(await markStaleRuns(t.wh)).toBe(1);
    const r = await runPipeline(t.wh, t.config, { stages: [] });
    const rows = await t.wh.all(`select status, error from pipeline_runs order by run_id`);
    expect(rows[0]).toEqual({ status: 'failed', error: 'abandoned: the process running it stopped' });
    expect(r.status).toBe('succeeded');
  });

  it('exposes runs and their stages through the API', async () => {
    const ctx = await testApp(async (tw) => {
      await seedInvoice(tw);
      await runPipeline(tw.wh, tw.config, { stages: [counting('a', 2, [])] });
    });
    try {
      const list = await ctx.app.inject({ method: 'GET', url: '/api/v1/runs' });
      expect(list.statusCode).toBe(200);
      const items = list.json<{ items: { runId: string; status: string }[] }>().items;
      expect(items).toHaveLength(1);
      const one = await ctx.app.inject({ method: 'GET', url: `/api/v1/runs/${items[0]?.runId}` });
      expect(one.json()).toMatchObject({ status: 'succeeded', asOf: '2024-05-02', stages: [{ stage: 'a', rows: 2, status: 'succeeded' }] });
      expect((await ctx.app.inject({ method: 'GET', url: '/api/v1/runs/999' })).statusCode).toBe(404);
    } finally {
      await ctx.close();
    }
  });
});
