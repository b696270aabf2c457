/**
 * The monthly history (set-wise month-end balances) must agree with the point-in-time summary at
 * every month-end, and the models stage must rebuild it and evaluate promises.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeMetricHistory, rebuildMetricHistory } from '../../models/history.ts';
import { arSummary } from '../../models/metrics.ts';
import { modelsStage } from '../../models/stage.ts';
import { tempWarehouse, type TestWarehouse } from '../helpers/warehouse.ts';
import { Ledger } from './ledger.ts';

let t: TestWarehouse;
beforeAll(async () => {
  t = await tempWarehouse();
  const l = new Ledger(t.wh);
  await l.customer('C1');
  await l.customer('E1', { currency: 'EUR' });
  await l.rate('2016-10-01', 'EUR', '1.10');
  await l.rate('2017-01-15', 'EUR', '1.25');
  await l.invoice({ id: 'A', date: '2016-10-05', due: '2016-11-04', amount: 1000 });
  await l.invoice({ id: 'B', date: '2016-11-10', due: '2016-12-10', amount: 2500 });
  await l.invoice({ id: 'E', customer: 'E1', date: '2016-12-01', due: '2016-12-31', amount: 800, currency: 'EUR' });
  await l.invoice({ id: 'C', date: '2017-01-20', due: '2017-02-19', amount: 400 });
  await l.invoice({ id: 'S', date: '2016-12-01', due: '2016-12-31', amount: 300 });
  await l.instalment('S', 1, '2016-12-31', 100);
  await l.instalment('S', 2, '2017-01-31', 200);
  await l.pay('A', 600, '2016-11-20');
  await l.pay('B', 2500, '2017-01-05');
  await l.pay('E', 300, '2017-01-10', 'E1', 'EUR');
  await l.credit({ invoice: 'A', date: '2016-12-15', amount: 100 });
  await l.credit({ id: 'CN', date: '2017-01-25', amount: 50 });
  await l.payment({ id: 'ADV', date: '2017-02-10', amount: 75 });
  await l.writeOff('A', 300, '2017-02-20');
});
afterAll(() => t.cleanup());

describe('monthly metric history', () => {
  it('matches the point-in-time summary at every month-end', async () => {
    const rows = await computeMetricHistory(t.wh, '2017-03-15', 'USD');
    const monthEnds = [...new Set(rows.map((r) => r.monthEnd))];
    expect(monthEnds).toEqual(['2016-10-31', '2016-11-30', '2016-12-31', '2017-01-31', '2017-02-28']);
    for (const me of monthEnds) {
      const s = await arSummary(t.wh, { asOf: me, baseCurrency: 'USD' });
      const get = (m: string) => rows.find((r) => r.monthEnd === me && r.metric === m);
      expect(get('total_ar')?.amount, me).toBe(s.totalAr);
      expect(get('current_ar')?.amount, me).toBe(s.currentAr);
      expect(get('unapplied_cash')?.amount, me).toBe(s.unappliedCash);
      expect(get('unapplied_credits')?.amount, me).toBe(s.unappliedCredits);
      expect(['aging_current', 'aging_1_30', 'aging_31_60', 'aging_61_90', 'aging_91_120', 'aging_120_plus'].map((m) => get(m)?.amount)).toEqual(
        s.buckets.map((b) => b.amount),
      );
      expect(get('dso_simple')?.value, me).toBe(s.dso.simple);
      expect(get('dso_countback')?.value, me).toBe(s.dso.countback);
      expect(get('dso_average')?.value, me).toBe(s.dso.average);
      expect(get('dso_true')?.value, me).toBe(s.dso.true);
      expect(get('cei')?.value, me).toBe(s.cei);
      expect(get('percent_over_90')?.value, me).toBe(s.percentOver90);
    }
  });

  it('rebuilds the mart whole on each run', async () => {
    const n1 = await rebuildMetricHistory(t.wh, '2017-03-15', 'USD', '1');
    const n2 = await rebuildMetricHistory(t.wh, '2017-03-15', 'USD', '2');
    const count = await t.wh.one<{ n: string; runs: string }>('select count(*)::varchar as n, count(distinct run_id)::varchar as runs from mart_metric_history');
    expect(n1).toBe(n2);
    expect(count).toEqual({ n: String(n2), runs: '1' });
  });
});

describe('models stage', () => {
  it('evaluates promises whose promised date + tolerance has passed and rebuilds the history', async () => {
    const l = new Ledger(t.wh, 'USD', 'stage-');
    await l.invoice({ id: 'P1', date: '2017-02-01', due: '2017-02-20', amount: 500 });
    await l.invoice({ id: 'P2', date: '2017-02-01', due: '2017-02-20', amount: 500 });
    await l.invoice({ id: 'P3', date: '2017-02-01', due: '2017-02-20', amount: 500 });
    await l.promise({ id: 'K', invoice: 'P1', created: '2017-02-21', promised: '2017-02-28', amount: 500 });
    await l.promise({ id: 'PK', invoice: 'P2', created: '2017-02-21', promised: '2017-02-28', amount: 500 });
    await l.promise({ id: 'BR', invoice: 'P3', created: '2017-02-21', promised: '2017-02-28', amount: 500 });
    await l.promise({ id: 'LATER', invoice: 'P3', created: '2017-03-01', promised: '2017-03-14', amount: 500 });
    await l.pay('P1', 500, '2017-03-03'); // within the 3-day tolerance
    await l.pay('P2', 200, '2017-02-27');
    await l.pay('P3', 500, '2017-03-04'); // one day too late
    const out = await modelsStage.run({ wh: t.wh, config: t.config, asOf: '2017-03-15', runId: '9', log: () => undefined });
    expect(out.rows).toBeGreaterThan(0);
    const statuses = await t.wh.all<{ promise_id: string; status: string }>('select promise_id, status from promises_to_pay order by promise_id');
    expect(statuses).toEqual([
      { promise_id: 'BR', status: 'broken' },
      { promise_id: 'K', status: 'kept' },
      { promise_id: 'LATER', status: 'open' },
      { promise_id: 'PK', status: 'partially_kept' },
    ]);
  });
});
