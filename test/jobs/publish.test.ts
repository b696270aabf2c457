/**
 * Atomic publish: a run's outputs (and the cash it applies) become visible all at once when the run is
 * published; until then every other reader sees the previous published run; a failed run leaves nothing;
 * and two runs over unchanged data produce the same outputs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { addDays, latestDataDate } from '../../core/as-of.ts';
import { runPipeline, publishedAsOf } from '../../jobs/pipeline.ts';
import { stages, type Stage, type StageContext } from '../../jobs/stages.ts';
import { tempWarehouse, type TestWarehouse } from '../helpers/warehouse.ts';
import { testApp } from '../helpers/app.ts';
import { seedDemo } from '../robustness/seed.ts';
import { duplicateRows, outputFingerprint, outputStats, publishedRun } from './outputs.ts';

let t: TestWarehouse | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});

/** A demo ledger with one run published three weeks before the latest data date, so the next run has new cash to apply. */
async function ledgerWithEarlierRun(): Promise<{ t: TestWarehouse; earlier: string; latest: string }> {
  const tw = await tempWarehouse();
  await seedDemo(tw, { customers: 12, months: 3, run: false });
  const latest = await latestDataDate(tw.wh);
  const earlier = addDays(latest, -21);
  const r = await runPipeline(tw.wh, tw.config, { asOf: earlier });
  if (r.status !== 'succeeded') throw new Error(JSON.stringify(r.stages));
  return { t: tw, earlier, latest };
}

/** The default stages, each followed (still inside the run) by `after`. */
function observed(after: (stage: string, ctx: StageContext) => Promise<void>): Stage[] {
  return stages.map((s) => ({
    ...s,
    async run(ctx: StageContext) {
      const out = await s.run(ctx);
      await after(s.name, ctx);
      return out;
    },
  }));
}

describe('atomic publish', () => {
  it('readers see the previous published run until the whole run commits, then all of it', async () => {
    const seeded = await ledgerWithEarlierRun();
    t = seeded.t;
    const before = await outputFingerprint(t.wh);
    const wh = t.wh;
    const seen: string[] = [];
    const inside: Record<string, number> = {};
    const r = await runPipeline(wh, t.config, {
      stages: observed(async (stage, ctx) => {
        // another connection (the API's) still sees exactly the published state…
        expect(await outputFingerprint(wh), `after ${stage}`).toEqual(before);
        expect(await publishedAsOf(wh)).toBe(seeded.earlier);
        // …while the run reads its own writes
        const n = await ctx.wh.one<{ n: string }>(`select count(*)::bigint as n from invoice_scores where as_of = $1::date`, [ctx.asOf]);
        inside[stage] = Number(n?.n);
        seen.push(stage);
      }),
    });
    expect(r.status, JSON.stringify(r.stages)).toBe('succeeded');
    expect(r.asOf).toBe(seeded.latest);
    expect(seen).toEqual(stages.map((s) => s.name));
    expect(inside['models']).toBe(0);
    expect(inside['scores']).toBeGreaterThan(0);
    expect(await publishedAsOf(wh)).toBe(seeded.latest);
    const after = await outputStats(wh);
    const prior = await wh.one<{ n: string }>(`select count(*)::bigint as n from invoice_scores where as_of = $1::date`, [seeded.latest]);
    expect(Number(prior?.n)).toBe(inside['scores']);
    expect(after.worklist_items?.rows).toBeGreaterThan(0);
    expect(await outputFingerprint(wh)).not.toEqual(before);
    expect(duplicateRows(after)).toBe(0);
  }, 120_000);

  it('a run failing in its last stage leaves nothing behind, not even the cash it applied', async () => {
    const seeded = await ledgerWithEarlierRun();
    t = seeded.t;
    const before = await outputFingerprint(t.wh);
    let appliedInside = 0;
    const failing = observed(async (stage, ctx) => {
      if (stage === 'cash-application') {
        const n = await ctx.wh.one<{ n: string }>(`select count(*)::bigint as n from payment_applications where applied_date > $1::date`, [seeded.earlier]);
        appliedInside = Number(n?.n);
      }
      if (stage === 'worklists') throw new Error('disk full');
    });
    const r = await runPipeline(t.wh, t.config, { stages: failing });
    expect(r.status).toBe('failed');
    expect(appliedInside).toBeGreaterThan(0);
    expect(await outputFingerprint(t.wh)).toEqual(before);
    expect(await publishedAsOf(t.wh)).toBe(seeded.earlier);
    expect(await t.wh.one(`select status, published, error from pipeline_runs where run_id = $1`, [r.runId])).toEqual({
      status: 'failed',
      published: false,
      error: 'worklists: disk full',
    });
  }, 120_000);

  it('a stage that swallows a failed write does not get its other writes published', async () => {
    t = await tempWarehouse();
    await t.wh.run(`insert into invoices (invoice_id, customer_id, invoice_date, due_date, amount, currency) values ('I1', 'C1', '2024-05-02', '2024-06-01', 100, 'USD')`);
    const sloppy: Stage = {
      name: 'sloppy',
      async run({ wh }) {
        await wh
          .transaction(async (conn) => {
            await conn.run(`insert into mart_metric_history (month_end, metric, amount) values ('2024-05-31', 'open_ar', 1)`);
            throw new Error('half-way');
          })
          .catch(() => undefined);
        return { rows: 1 };
      },
    };
    const r = await runPipeline(t.wh, t.config, { stages: [sloppy] });
    expect(r.status).toBe('failed');
    expect((await t.wh.one<{ error: string }>(`select error from pipeline_runs where run_id = $1`, [r.runId]))?.error).toBe('publish: half-way');
    expect(await t.wh.all(`select * from mart_metric_history`)).toEqual([]);
  });

  it('collector writes made while a run is open are kept, and the run publishes', async () => {
    const seeded = await ledgerWithEarlierRun();
    t = seeded.t;
    const wh = t.wh;
    const customer = (await wh.one<{ c: string }>(`select min(customer_id) as c from customers`))?.c ?? '';
    const r = await runPipeline(wh, t.config, {
      stages: observed(async (stage) => {
        if (stage === 'scores') {
          await wh.run(
            `insert into activities (activity_id, customer_id, collector_id, activity_type, outcome, activity_at, note) values ('during-run', $1, null, 'call', 'left voicemail', $2::timestamp, 'logged mid-run')`,
            [customer, `${seeded.latest} 10:00:00`],
          );
        }
      }),
    });
    expect(r.status).toBe('succeeded');
    expect(await wh.all(`select activity_id from activities where activity_id = 'during-run'`)).toEqual([{ activity_id: 'during-run' }]);
  }, 120_000);

  it('a cash-application decision sent while a run is open is refused with 409 and nothing is written; after the publish it goes through', async () => {
    const h = await testApp(async (tw) => {
      await seedDemo(tw, { customers: 12, months: 3, run: false });
    });
    try {
      const wh = h.t.wh;
      const post = () => h.app.inject({ method: 'POST', url: '/api/v1/cash-application/matches', payload: { paymentId: pending.payment_id, action: 'confirm', onAccount: '1.00', note: 'parked while the run was open' } });
      let pending = { payment_id: '' };
      let during: { statusCode: number; body: string } | undefined;
      const r = await runPipeline(wh, h.t.config, {
        stages: observed(async (stage, ctx) => {
          if (stage !== 'cash-application') return;
          // an exception this very run queued (visible inside the run only)
          pending = (await ctx.wh.one<{ payment_id: string }>(`select payment_id from cash_app_exceptions where status = 'open' order by payment_id limit 1`)) ?? pending;
          during = await post();
        }),
      });
      expect(r.status, JSON.stringify(r.stages)).toBe('succeeded');
      expect(pending.payment_id).not.toBe('');
      expect(during?.statusCode, during?.body).toBe(409);
      expect(during?.body).toContain('pipeline run');
      expect(await wh.all(`select * from cash_app_on_account where method = 'manual'`)).toEqual([]);
      const after = await post();
      expect(after.statusCode, after.body).toBe(200);
      expect(await wh.all(`select payment_id, amount::varchar as amount from cash_app_on_account where method = 'manual'`)).toEqual([{ payment_id: pending.payment_id, amount: '1.00' }]);
    } finally {
      await h.close();
    }
  }, 120_000);

  it('two consecutive runs over unchanged data produce identical outputs', async () => {
    t = await tempWarehouse();
    await seedDemo(t, { customers: 12, months: 3, run: false });
    const first = await runPipeline(t.wh, t.config);
    expect(first.status).toBe('succeeded');
    const a = await outputStats(t.wh);
    const second = await runPipeline(t.wh, t.config);
    expect(second.status).toBe('succeeded');
    const b = await outputStats(t.wh);
    expect(a.payment_applications?.rows).toBeGreaterThan(0);
    expect(b).toEqual(a);
    expect(duplicateRows(b)).toBe(0);
    // the second run found nothing more to apply: every pending payment stayed an exception
    expect(second.stages.find((s) => s.name === 'cash-application')?.rows).toBe(a.open_exceptions?.rows);
    expect((await publishedRun(t.wh))?.runId).toBe(second.runId);
  }, 120_000);
});
