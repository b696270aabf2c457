import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, daysBetween } from '../../core/as-of.ts';
import { DEFAULT_DAYS_PARAMS, daysLateDistribution, widenBand, type DaysLateDistribution, type DaysToPayParams } from '../../scoring/days-to-pay.ts';
import { decided, enrich, predictTarget, scoreRows, trainBundle, trainingSnapshots, type RiskModelBundle } from '../../scoring/delinquency.ts';
import { loadFeatures, type FeatureSet } from '../../scoring/features/load.ts';
import { toVector } from '../../scoring/features/vector.ts';
import { fitGbt, gbtContributions, gbtLogit, packedContributions, packTrees, sumTreesBatch } from '../../scoring/models/gbt.ts';
import { logisticContributions } from '../../scoring/models/logistic.ts';
import { fitQuantileGbt, predictQuantileGbt } from '../../scoring/models/quantile-gbt.ts';
import { topReasons } from '../../scoring/reasons.ts';
import { predictDays } from '../../scoring/risk/days-model.ts';
import { PhaseClock } from '../../scoring/risk/phases.ts';
import { writeInvoiceScores } from '../../scoring/score-invoices.ts';
import { tempWarehouse, type TestWarehouse } from '../helpers/warehouse.ts';
import { loadLedger, makeLedger, type Ledger } from './ledger.ts';

// The reuse path scores all rows in passes (packed trees over a feature matrix, prefix-sum CDFs, per-customer
// history lists read once, appender writes). Every test here compares it with the one-row-at-a-time
// computation it replaced and demands the same bits, not "close enough".
const TRAINING_TIMEOUT_MS = 180_000;
const same = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));

function lcg(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1664525 + 1013904223) % 4294967296;
    return s / 4294967296;
  };
}

describe('packed trees', () => {
  const r = lcg(3);
  const width = 5;
  const rows: number[][] = Array.from({ length: 1500 }, () => Array.from({ length: width }, () => Math.round((r() * 8 - 4) * 100) / 100));
  const y = rows.map((x) => ((x[0] as number) * (x[1] as number) + (x[2] as number) > 0.5 ? 1 : 0));
  const matrix = Float64Array.from(rows.flat());

  it('give exactly the logits and contributions of the node objects, row by row', () => {
    const m = fitGbt(rows, y, { trees: 40, depth: 3, learningRate: 0.1, minLeaf: 20, lambda: 1, bins: 16 });
    const packed = packTrees(m);
    const z = sumTreesBatch(packed, matrix, width);
    expect(same(z, rows.map((x) => gbtLogit(m, x)))).toBe(true);
    rows.forEach((x, i) => expect(same(packedContributions(packed, matrix, width, i), gbtContributions(m, x))).toBe(true));
  });

  it('give exactly the quantile GBT predictions', () => {
    const target = rows.map((x) => (x[0] as number) * 3 + (x[3] as number));
    const m = fitQuantileGbt(rows, target, 0.9, { trees: 30, depth: 3, learningRate: 0.15, minLeaf: 30, lambda: 1, bins: 16 });
    expect(same(sumTreesBatch(packTrees(m), matrix, width), rows.map((x) => predictQuantileGbt(m, x)))).toBe(true);
  });
});

/** The days-late distribution as it was computed before the prefix sums: the CDF re-summed over every own value. */
function naiveDistribution(own: readonly number[], sortedPool: readonly number[], minDaysLate: number, params: DaysToPayParams): DaysLateDistribution {
  const lowerBound = (v: number) => sortedPool.filter((x) => x < v).length;
  const upperBound = (v: number) => sortedPool.filter((x) => x <= v).length;
  const mine: [number, number][] = [];
  let ownWeight = 0;
  own.slice(0, params.maxHistory).forEach((x, k) => {
    if (x >= minDaysLate) {
      const w = params.decay ** k;
      mine.push([x, w]);
      ownWeight += w;
    }
  });
  mine.sort((a, b) => a[0] - b[0]);
  const start = lowerBound(minDaysLate);
  const wp = sortedPool.length > 0 ? params.priorWeight / sortedPool.length : 0;
  const total = ownWeight + (sortedPool.length - start) * wp;
  if (total <= 1e-9) {
    const base = { p50: minDaysLate + 14, raw10: minDaysLate, raw90: minDaysLate + 60, minDaysLate };
    return { ...base, ...widenBand(base, params.widen), pLate: minDaysLate > 0 ? 1 : 0.5, pLate30: minDaysLate > 30 ? 1 : 0.5, ownWeight: 0 };
  }
  const cdf = (v: number) => (upperBound(v) - start) * wp + mine.reduce((acc, [x, w]) => acc + (x <= v ? w : 0), 0);
  const quantile = (q: number): number => {
    const target = q * total - 1e-9;
    let best = Infinity;
    for (const [x] of mine) if (x < best && cdf(x) >= target) best = x;
    for (let i = start; i < sortedPool.length; i++) {
      if (cdf(sortedPool[i] as number) >= target) {
        best = Math.min(best, sortedPool[i] as number);
        break;
      }
    }
    const last = sortedPool.length ? (sortedPool[sortedPool.length - 1] as number) : -Infinity;
    return Number.isFinite(best) ? best : Math.max(last, mine.length ? (mine[mine.length - 1] as [number, number])[0] : minDaysLate);
  };
  const above = (v: number) => (sortedPool.length - Math.max(start, upperBound(v))) * wp + mine.reduce((s, [x, w]) => s + (x > v ? w : 0), 0);
  const base = { raw10: quantile(0.1), p50: quantile(0.5), raw90: quantile(0.9), minDaysLate };
  return { ...base, ...widenBand(base, params.widen), pLate: above(0) / total, pLate30: above(30) / total, ownWeight };
}

describe('days-late distribution', () => {
  it('is the same to the last bit as re-summing the CDF over every own value', () => {
    const r = lcg(17);
    for (let t = 0; t < 3000; t++) {
      // small integer ranges so own values tie with each other and with the pool
      const own = Array.from({ length: Math.floor(r() * 30) }, () => Math.round(r() * 60 - 15));
      const pool = Array.from({ length: Math.floor(r() * 60) }, () => Math.round(r() * 90 - 20)).sort((a, b) => a - b);
      const minDaysLate = Math.round(r() * 80 - 30);
      const params = { ...DEFAULT_DAYS_PARAMS, priorWeight: [1, 3, 8][t % 3] as number, decay: t % 2 ? 0.9 : 0.97, widen: 1 + (t % 5) / 10 };
      const got = daysLateDistribution(own, pool, minDaysLate, params);
      const want = naiveDistribution(own, pool, minDaysLate, params);
      for (const k of Object.keys(want) as (keyof DaysLateDistribution)[]) expect(Object.is(got[k], want[k]), `${k} (case ${t})`).toBe(true);
    }
  });
});

// A ledger plus one customer with many invoices paid on the same few days: its recent days-late list
// must keep the 24 newest (ties by invoice id, descending) out of more than 24 candidates.
function ledgerWithBusyPayer(): Ledger {
  const L = makeLedger({ customers: 40, months: 22, seed: 5 });
  const base = L.customers[0];
  if (!base) throw new Error('empty ledger');
  L.customers.push({ ...base, customer_id: 'CBUSY', name: 'Busy payer' });
  for (let k = 0; k < 40; k++) {
    const invoiceDate = addDays('2025-03-01', k * 3);
    const id = `CBUSY-I${String(k).padStart(2, '0')}`;
    L.invoices.push({ invoice_id: id, customer_id: 'CBUSY', invoice_date: invoiceDate, due_date: addDays(invoiceDate, 30), amount: '100.00', currency: 'USD', terms_days: 30 });
    // paid in batches: every five invoices close on the same day
    const paid = addDays('2025-05-01', Math.floor(k / 5) * 20);
    L.payments.push({ payment_id: `P-${id}`, customer_id: 'CBUSY', received_date: paid, amount: '100.00', currency: 'USD' });
    L.applications.push({ application_id: `A-${id}`, payment_id: `P-${id}`, invoice_id: id, amount: '100.00', applied_date: paid });
  }
  // and one invoice still open at D, so the customer has a feature row carrying the list
  L.invoices.push({ invoice_id: 'CBUSY-OPEN', customer_id: 'CBUSY', invoice_date: '2025-08-20', due_date: '2025-09-19', amount: '100.00', currency: 'USD', terms_days: 30 });
  return L;
}

const D = '2025-08-31';
let t: TestWarehouse;
let bundle: RiskModelBundle;
let features: FeatureSet;

beforeAll(async () => {
  t = await tempWarehouse();
  await loadLedger(t.wh, t.dir, ledgerWithBusyPayer());
  const { train, calib } = trainingSnapshots(D);
  bundle = trainBundle(await loadFeatures(t.wh, [...train, ...calib, D]), D);
  features = await loadFeatures(t.wh, [D]);
}, TRAINING_TIMEOUT_MS);

afterAll(() => t?.cleanup());

describe('the reuse path on a warehouse', () => {
  it('reads each customer’s recent days late as the per-row list of structs did', async () => {
    const dir = join(import.meta.dirname, '../../scoring/features');
    const expected = await t.wh.withConnection(async (conn) => {
      await conn.run(readFileSync(join(dir, 'snapshots.sql'), 'utf8'), [D]);
      await conn.run(readFileSync(join(dir, 'ev_cum.sql'), 'utf8'));
      await conn.run(readFileSync(join(dir, 'inv_life.sql'), 'utf8'));
      // the old per-customer list: every closed, not written-off invoice of the 12 months, sorted by the loader
      const reader = await conn.runAndReadAll(
        `select l.customer_id, list(struct_pack(d := l.close_date::varchar, i := l.invoice_id, x := date_diff('day', l.due_date, l.close_date))) as xs
         from score_inv_life l join score_snaps s on l.close_date <= s.s and l.close_date > s.s - interval 365 day
         where not (l.first_wo_date is not null and l.first_wo_date <= l.close_date)
         group by l.customer_id`,
      );
      const out = new Map<string, number[]>();
      for (const row of reader.getRowObjectsJson() as { customer_id: string; xs: { d: string; i: string; x: string }[] }[]) {
        const sorted = [...row.xs].sort((a, b) => (a.d !== b.d ? (a.d < b.d ? 1 : -1) : a.i < b.i ? 1 : a.i > b.i ? -1 : 0));
        out.set(row.customer_id, sorted.slice(0, 24).map((e) => Number(e.x)));
      }
      for (const tbl of ['score_snaps', 'score_inv_life', 'score_ev_cum']) await conn.run(`drop table if exists ${tbl}`);
      return out;
    });
    expect(features.rows.length).toBeGreaterThan(20);
    for (const r of features.rows) expect(r.daysLateList).toEqual(expected.get(r.customerId) ?? []);
    // the busy payer has more than 24 candidates, on shared closing days: the cut and the tie order matter
    const busy = await t.wh.one<{ n: string }>(
      `select count(*)::varchar as n from payment_applications where invoice_id like 'CBUSY-%' and applied_date > $1::date - interval 365 day`,
      [D],
    );
    expect(Number(busy?.n)).toBeGreaterThan(24);
    expect(expected.get('CBUSY')?.length).toBe(24);
    expect(features.rows.find((r) => r.customerId === 'CBUSY')?.daysLateList).toEqual(expected.get('CBUSY'));
  });

  it('scores every row exactly as predicting it alone does, and records its phases', () => {
    const clock = new PhaseClock();
    const scores = scoreRows(bundle, features, features.rows, clock);
    expect(clock.timings.map((p) => p.phase)).toEqual(['score: days-to-pay distributions', 'score: feature vectors', 'score: models', 'score: reasons and rows']);
    const enriched = enrich(features, features.rows, bundle.days);
    expect(bundle.late.algorithm === 'gbt' || bundle.late30.algorithm === 'gbt').toBe(true);
    enriched.forEach((e, i) => {
      const s = scores[i];
      const x = toVector(e);
      const pLate = decided('late', e.row.daysPastDue) ? 1 : predictTarget(bundle.late, e, x);
      const pLate30 = decided('late30', e.row.daysPastDue) ? 1 : Math.min(pLate, predictTarget(bundle.late30, e, x));
      expect(s?.pLate).toBe(Math.round(pLate * 10_000) / 10_000);
      expect(s?.pLate30).toBe(Math.round(pLate30 * 10_000) / 10_000);
      const q = bundle.daysModel ? predictDays(bundle.daysModel, e, x) : e.days;
      const terms = daysBetween(e.row.invoiceDate, e.row.dueDate);
      expect([s?.daysToPayP10, s?.daysToPayP50, s?.daysToPayP90]).toEqual([terms + q.p10, terms + q.p50, terms + q.p90]);
      const model = decided('late', e.row.daysPastDue) ? bundle.late30 : bundle.late;
      const contrib = model.algorithm === 'gbt' && model.gbt ? gbtContributions(model.gbt, x) : model.algorithm === 'logistic' && model.logistic ? logisticContributions(model.logistic, x) : null;
      if (contrib) {
        const p = model === bundle.late ? pLate : pLate30;
        const modelReasons = topReasons(e, contrib, decided('late', e.row.daysPastDue) ? 2 : 3, p >= 0.5 ? 1 : -1);
        expect(s?.reasons.slice(decided('late', e.row.daysPastDue) ? 1 : 0)).toEqual(modelReasons);
      }
    });
  });

  it('stores exactly the computed scores through the appender', async () => {
    const scores = scoreRows(bundle, features, features.rows);
    const written = await writeInvoiceScores(t.wh, { asOf: D, bundle, scores, features, modelNote: 'test' });
    expect(written).toBe(scores.length);
    const rows = await t.wh.all<Record<string, string | number>>(
      `select invoice_id, open_amount::varchar as open_amount, p_late, p_late30, p_write_off, expected_loss::varchar as expected_loss,
              days_to_pay_p10, days_to_pay_p50, days_to_pay_p90, due_date::varchar as due_date, expected_pay_date::varchar as expected_pay_date,
              expected_write_off_month, reasons
       from invoice_scores where as_of = $1::date order by invoice_id`,
      [D],
    );
    const byId = new Map(scores.map((s) => [s.invoiceId, s]));
    expect(rows.length).toBe(scores.length);
    for (const r of rows) {
      const s = byId.get(String(r.invoice_id));
      expect(s).toBeDefined();
      if (!s) continue;
      expect(r).toEqual({
        invoice_id: s.invoiceId,
        open_amount: s.openAmount.toFixed(2),
        p_late: s.pLate,
        p_late30: s.pLate30,
        p_write_off: s.pWriteOff,
        expected_loss: s.expectedLoss.toFixed(2),
        days_to_pay_p10: s.daysToPayP10,
        days_to_pay_p50: s.daysToPayP50,
        days_to_pay_p90: s.daysToPayP90,
        due_date: s.dueDate,
        expected_pay_date: s.expectedPayDate,
        expected_write_off_month: s.expectedWriteOffMonth,
        reasons: JSON.stringify(s.reasons),
      });
    }
    // a second write of the same date replaces, never duplicates
    await writeInvoiceScores(t.wh, { asOf: D, bundle, scores, features, modelNote: 'test' });
    const n = await t.wh.one<{ n: string }>(`select count(*)::varchar as n from invoice_scores where as_of = $1::date`, [D]);
    expect(Number(n?.n)).toBe(scores.length);
  });
});
