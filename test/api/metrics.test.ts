/** /api/v1/metrics, /disputes/causes and /promises/stats over a small ledger, through `inject`. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../api/app.ts';
import { runPipeline } from '../../jobs/pipeline.ts';
import { modelsStage } from '../../models/stage.ts';
import { testApp } from '../helpers/app.ts';
import type { TestWarehouse } from '../helpers/warehouse.ts';
import { Ledger } from '../models/ledger.ts';

let app: App;
let t: TestWarehouse;
let close: () => Promise<void>;

beforeAll(async () => {
  const built = await testApp(async (tw) => {
    const l = new Ledger(tw.wh);
    await l.collector('K1');
    await l.customer('C1', { collector: 'K1', segment: 'smb', country: 'US' });
    await l.customer('C2', { segment: 'enterprise', country: 'DE' });
    await l.invoice({ id: 'A', customer: 'C1', date: '2017-01-02', due: '2017-01-02', amount: 100 });
    await l.invoice({ id: 'B', customer: 'C1', date: '2016-12-01', due: '2016-12-31', amount: 250 });
    await l.invoice({ id: 'C', customer: 'C2', date: '2017-01-25', due: '2017-02-24', amount: 400, orderId: 'O1' });
    await l.order({ id: 'O1', customer: 'C2', date: '2017-01-10', amount: 380, promisedShip: '2017-01-15', shipped: '2017-01-20', shippedAmount: 380 });
    await l.pay('B', 50, '2017-01-10');
    await l.payment({ id: 'ADV', customer: 'C2', date: '2017-01-28', amount: 30 });
    await l.dispute({ id: 'D1', invoice: 'C', customer: 'C2', opened: '2017-01-27', amount: 20, cause: 'pricing', resolved: '2017-01-30' });
    await l.credit({ invoice: 'C', customer: 'C2', date: '2017-01-30', amount: 20 });
    await l.dispute({ id: 'D2', invoice: 'B', opened: '2017-01-05', amount: 200, cause: 'damaged_goods' });
    await l.promise({ id: 'P1', invoice: 'B', collector: 'K1', created: '2017-01-05', promised: '2017-01-09', amount: 50 });
    await l.promise({ id: 'P2', invoice: 'A', collector: 'K1', created: '2017-01-05', promised: '2017-01-10', amount: 100 });
  });
  app = built.app;
  t = built.t;
  close = built.close;
});
afterAll(async () => close());

const get = async (url: string) => {
  const res = await app.inject({ method: 'GET', url });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> & { items?: Record<string, unknown>[] } };
};

describe('GET /api/v1/metrics/summary', () => {
  it('answers with exactly the contracted fields, money as decimal strings, as of the latest data date by default', async () => {
    const { status, body } = await get('/api/v1/metrics/summary');
    expect(status).toBe(200);
    for (const f of ['asOf', 'currency', 'totalAr', 'currentAr', 'overdueAr', 'unappliedCash', 'buckets', 'dso', 'cei', 'percentCurrent', 'percentOver90']) {
      expect(body, f).toHaveProperty(f);
    }
    expect(Object.keys(body.dso as object).sort()).toEqual(['add', 'average', 'bestPossible', 'countback', 'simple', 'true']);
    expect(body.asOf).toBe('2017-01-30');
    // 100 + 200 + 380 open invoices, −30 unapplied cash (aged from its receipt on 28 Jan, so in 1–30)
    expect([body.totalAr, body.unappliedCash, body.currentAr, body.overdueAr, body.disputedAr]).toEqual(['650.00', '-30.00', '380.00', '270.00', '200.00']);
    const buckets = body.buckets as { label: string; amount: string; count: number; minDays: number | null; maxDays: number | null }[];
    expect(buckets[0]).toEqual({ label: 'current', minDays: null, maxDays: 0, amount: '380.00', count: 1, invoiceAmount: '380.00' });
    expect(buckets.reduce((s, b) => s + Number(b.amount), 0).toFixed(2)).toBe('650.00');
  });

  it('serves the published run date when there is one, and validates asOf', async () => {
    const bad = await get('/api/v1/metrics/summary?asOf=2017-02-30');
    expect(bad.status).toBe(400);
    expect(String(bad.body.message)).toMatch(/asOf/);
    await runPipeline(t.wh, t.config, { asOf: '2017-01-15', stages: [modelsStage] });
    const { body } = await get('/api/v1/metrics/summary');
    expect(body.asOf).toBe('2017-01-15');
    await t.wh.run('delete from pipeline_runs');
  });
});

describe('GET /api/v1/metrics/aging', () => {
  it('groups by customer with buckets in order', async () => {
    const { status, body } = await get('/api/v1/metrics/aging?asOf=2017-01-30&groupBy=customer');
    expect(status).toBe(200);
    const items = body.items as { key: string; total: string; buckets: { amount: string }[] }[];
    expect(items.map((i) => [i.key, i.total])).toEqual([
      ['C1', '300.00'],
      ['C2', '350.00'],
    ]);
  });

  it('groups by collector, segment and country, and ages on invoice date when asked', async () => {
    const byCollector = await get('/api/v1/metrics/aging?asOf=2017-01-30&groupBy=collector');
    expect((byCollector.body.items as { key: string | null }[]).map((i) => i.key)).toEqual(['K1', null]);
    const byInvoice = await get('/api/v1/metrics/aging?asOf=2017-01-30&groupBy=none&basis=invoice&buckets=0,30,60');
    const b = (byInvoice.body.items as { buckets: { label: string; amount: string }[] }[])[0]?.buckets;
    expect(b?.map((x) => [x.label, x.amount])).toEqual([
      ['current', '0.00'],
      ['1-30', '450.00'],
      ['31-60', '200.00'],
      ['60+', '0.00'],
    ]);
  });

  it('rejects bad bucket edges with a 400 naming the field', async () => {
    const { status, body } = await get('/api/v1/metrics/aging?buckets=0,60,30');
    expect(status).toBe(400);
    expect(body.fields).toEqual([{ path: 'querystring.buckets', message: expect.stringMatching(/increase/) }]);
  });
});

describe('GET /api/v1/metrics/trend', () => {
  it('reads the monthly history the models stage built', async () => {
    await runPipeline(t.wh, t.config, { asOf: '2017-01-31', stages: [modelsStage] });
    const { status, body } = await get('/api/v1/metrics/trend?metric=total_ar&from=2016-12-01');
    expect(status).toBe(200);
    expect(body.points).toEqual([
      { date: '2016-12-31', value: '250.00' },
      { date: '2017-01-31', value: '650.00' },
    ]);
    const dso = await get('/api/v1/metrics/trend?metric=dso_countback');
    expect(dso.body.unit).toBe('days');
    expect(typeof (dso.body.points as { value: unknown }[])[1]?.value).toBe('number');
    expect((await get('/api/v1/metrics/trend?metric=nonsense')).status).toBe(400);
  });
});

describe('GET /api/v1/metrics/reserve', () => {
  it('applies the default schedule rates to open invoices by bucket', async () => {
    const { status, body } = await get('/api/v1/metrics/reserve?asOf=2017-01-30');
    expect(status).toBe(200);
    // current 380 @1 %, 1–30 (100 + 200) @5 %
    expect(body.total).toBe('18.80');
    expect(body.cohort).toBeNull();
  });

  it('asks for one rate per bucket', async () => {
    const { status, body } = await get('/api/v1/metrics/reserve?rates=0.1,0.2');
    expect(status).toBe(400);
    expect(String(body.message)).toMatch(/one rate per bucket/);
  });
});

describe('GET /api/v1/metrics/payment-behaviour', () => {
  it('lists customers with paid invoices, their days late and payment index', async () => {
    await t.wh.run(`insert into invoices (invoice_id, customer_id, invoice_date, due_date, amount, currency)
                    values ('PB', 'C2', '2016-11-01', '2016-12-01', 90, 'USD')`);
    await t.wh.run(`insert into payments (payment_id, customer_id, received_date, amount, currency, payer_name, reference)
                    values ('PBP', 'C2', '2016-12-16', 90, 'USD', 'p', 'r')`);
    await t.wh.run(`insert into payment_applications (application_id, payment_id, invoice_id, amount, applied_date, method)
                    values ('PBA', 'PBP', 'PB', 90, '2016-12-16', 'imported')`);
    const { status, body } = await get('/api/v1/metrics/payment-behaviour?asOf=2017-01-30&customerId=C2');
    expect(status).toBe(200);
    expect(body.items).toEqual([
      expect.objectContaining({ customerId: 'C2', paidInvoices: 1, paidAmount: '90.00', weightedDaysLate: 15, averageDaysToPay: 45, paymentIndex: 70 }),
    ]);
  });
});

describe('GET /api/v1/disputes/causes', () => {
  it('gives the Pareto by cause, rate, leakage and upstream causes', async () => {
    const { status, body } = await get('/api/v1/disputes/causes?from=2017-01-01&to=2017-01-31');
    expect(status).toBe(200);
    const causes = body.causes as { cause: string; amount: string; leakage: string; cumulativeShareOfAmount: number; medianDaysToResolve: number | null; upstream: Record<string, number> }[];
    expect(causes.map((c) => [c.cause, c.amount, c.leakage])).toEqual([
      ['damaged_goods', '200.00', '0.00'],
      ['pricing', '20.00', '20.00'],
    ]);
    expect(causes[1]?.medianDaysToResolve).toBe(3);
    expect(causes[1]?.upstream).toEqual({ withOrder: 1, shippedLate: 1, shippedPartially: 0, priceMismatch: 1 });
    expect(causes[1]?.cumulativeShareOfAmount).toBe(100);
    // invoices issued in January: A and C (2), one of them disputed in the period
    expect([body.invoicesIssued, body.disputedInvoices, body.disputeRateByCount]).toEqual([2, 1, 50]);
  });
});

describe('GET /api/v1/promises/stats', () => {
  it('evaluates promises and reports kept rates per collector', async () => {
    const { status, body } = await get('/api/v1/promises/stats?from=2017-01-01&to=2017-01-31&asOf=2017-01-30&groupBy=collector');
    expect(status).toBe(200);
    expect(body.items).toEqual([
      expect.objectContaining({ groupKey: 'K1', promises: 2, kept: 1, broken: 1, keptRateByCount: 50, keptRateByValue: Number(((50 / 150) * 100).toFixed(2)) }),
    ]);
  });
});
