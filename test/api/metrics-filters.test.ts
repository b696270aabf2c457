/** The CFO filters (segment, collectorId, documentCurrency) on /api/v1/metrics summary, aging and trend. */
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
    await l.collector('K2');
    await l.customer('C1', { collector: 'K1', segment: 'smb' });
    await l.customer('C2', { segment: 'enterprise' });
    await l.customer('C3', { collector: 'K2', segment: 'smb', currency: 'EUR' });
    await l.rate('2016-01-01', 'EUR', '1.10');
    await l.invoice({ id: 'A', customer: 'C1', date: '2017-01-02', due: '2017-01-02', amount: 100 });
    await l.invoice({ id: 'B', customer: 'C1', date: '2016-12-01', due: '2016-12-31', amount: 250 });
    await l.pay('B', 50, '2017-01-10');
    await l.invoice({ id: 'C', customer: 'C2', date: '2017-01-25', due: '2017-02-24', amount: 400 });
    await l.payment({ id: 'ADV', customer: 'C2', date: '2017-01-28', amount: 30 });
    await l.invoice({ id: 'E', customer: 'C3', date: '2017-01-10', due: '2017-02-09', amount: 200, currency: 'EUR' });
    // cash from nobody we know: in the book's total, in no segment or collector
    await l.payment({ id: 'UNID', customer: null, date: '2017-01-20', amount: 15 });
  });
  app = built.app;
  t = built.t;
  close = built.close;
  await runPipeline(t.wh, t.config, { asOf: '2017-01-31', stages: [modelsStage] });
});
afterAll(async () => close());

interface Summary {
  totalAr: string;
  currentAr: string;
  unappliedCash: string;
  buckets: { label: string; amount: string }[];
  filters: Record<string, string | null>;
}
const get = async <T = Record<string, unknown>>(url: string) => {
  const res = await app.inject({ method: 'GET', url });
  return { status: res.statusCode, body: res.json() as T };
};
const summary = async (q = '') => (await get<Summary>(`/api/v1/metrics/summary?asOf=2017-01-31${q}`)).body;

describe('filtered summary', () => {
  it('narrows open AR, buckets and unapplied cash to the cut, and says which filters it applied', async () => {
    const all = await summary();
    expect(all.totalAr).toBe('875.00'); // 100 + 200 + 400 − 30 + 220 (EUR 200 at 1.10) − 15
    expect(all.filters).toEqual({ segment: null, collectorId: null, documentCurrency: null });
    const smb = await summary('&segment=smb');
    expect(smb.filters).toEqual({ segment: 'smb', collectorId: null, documentCurrency: null });
    expect([smb.totalAr, smb.currentAr, smb.unappliedCash]).toEqual(['520.00', '220.00', '0.00']);
    expect(smb.buckets.map((b) => b.amount)).toEqual(['220.00', '100.00', '200.00', '0.00', '0.00', '0.00']);
    const enterprise = await summary('&segment=enterprise');
    expect([enterprise.totalAr, enterprise.unappliedCash]).toEqual(['370.00', '-30.00']);
    expect((await summary('&collectorId=K1')).totalAr).toBe('300.00');
    expect((await summary('&collectorId=K2')).totalAr).toBe('220.00');
    expect((await summary('&documentCurrency=EUR')).totalAr).toBe('220.00');
    expect((await summary('&documentCurrency=USD')).totalAr).toBe('655.00');
    expect((await summary('&segment=smb&collectorId=K1')).totalAr).toBe('300.00');
  });

  it('refuses a segment, collector or currency the data does not have, naming the field and what exists', async () => {
    const seg = await get<{ code: string; message: string; fields: { path: string }[] }>('/api/v1/metrics/summary?segment=retail');
    expect(seg.status).toBe(400);
    expect(seg.body.fields[0]?.path).toBe('querystring.segment');
    expect(seg.body.message).toContain('enterprise, smb');
    const col = await get<{ fields: { path: string }[] }>('/api/v1/metrics/aging?collectorId=K9');
    expect([col.status, col.body.fields[0]?.path]).toEqual([400, 'querystring.collectorId']);
    const cur = await get<{ fields: { path: string }[] }>('/api/v1/metrics/trend?metric=total_ar&documentCurrency=JPY');
    expect([cur.status, cur.body.fields[0]?.path]).toEqual([400, 'querystring.documentCurrency']);
    expect((await get('/api/v1/metrics/summary?documentCurrency=eur')).status).toBe(400);
  });

  it('lists the values each filter takes', async () => {
    const { body } = await get('/api/v1/metrics/filters');
    expect(body).toEqual({
      segments: ['enterprise', 'smb'],
      collectors: [
        { id: 'K1', name: 'Collector K1' },
        { id: 'K2', name: 'Collector K2' },
      ],
      documentCurrencies: ['EUR', 'USD'],
    });
  });
});

describe('filtered aging', () => {
  it('groups only the cut, and its total is the filtered summary', async () => {
    const { body } = await get<{ items: { key: string; total: string }[]; filters: unknown }>('/api/v1/metrics/aging?asOf=2017-01-31&groupBy=customer&segment=smb');
    expect(body.items.map((i) => [i.key, i.total])).toEqual([
      ['C1', '300.00'],
      ['C3', '220.00'],
    ]);
    const doc = await get<{ items: { key: string; currency: string; total: string }[] }>('/api/v1/metrics/aging?asOf=2017-01-31&groupBy=none&currency=document&documentCurrency=EUR');
    expect(doc.body.items.map((i) => [i.currency, i.total])).toEqual([['EUR', '200.00']]);
  });
});

describe('filtered trend', () => {
  it("computes the cut's monthly history, and follows new data", async () => {
    const smb = await get<{ points: { date: string; value: string }[]; filters: unknown }>('/api/v1/metrics/trend?metric=total_ar&from=2016-12-01&segment=smb');
    expect(smb.status).toBe(200);
    expect(smb.body.points).toEqual([
      { date: '2016-12-31', value: '250.00' },
      { date: '2017-01-31', value: '520.00' },
    ]);
    expect(smb.body.filters).toEqual({ segment: 'smb', collectorId: null, documentCurrency: null });
    const whole = await get<{ points: { value: string }[] }>('/api/v1/metrics/trend?metric=total_ar&from=2017-01-01');
    expect(whole.body.points.map((p) => p.value)).toEqual(['875.00']);
    // a write in this process outside the API tells the API (api/README): the cut's history is recomputed, never served stale
    await new Ledger(t.wh).invoice({ id: 'F', customer: 'C1', date: '2017-01-15', due: '2017-02-14', amount: 80 });
    app.dataVersion.bump();
    const after = await get<{ points: { value: string }[] }>('/api/v1/metrics/trend?metric=total_ar&from=2017-01-01&segment=smb');
    expect(after.body.points.map((p) => p.value)).toEqual(['600.00']);
  });
});
