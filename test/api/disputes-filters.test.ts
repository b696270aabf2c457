/** The CFO filters (segment, collectorId, documentCurrency) on GET /api/v1/disputes/causes, over a small ledger. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../api/app.ts';
import { testApp } from '../helpers/app.ts';
import { Ledger } from '../models/ledger.ts';

let app: App;
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
    await l.invoice({ id: 'C', customer: 'C2', date: '2017-01-25', due: '2017-02-24', amount: 400 });
    await l.invoice({ id: 'E', customer: 'C3', date: '2017-01-10', due: '2017-02-09', amount: 200, currency: 'EUR' });
    await l.dispute({ id: 'D1', invoice: 'A', customer: 'C1', opened: '2017-01-05', amount: 40, cause: 'pricing' });
    await l.dispute({ id: 'D2', invoice: 'C', customer: 'C2', opened: '2017-01-26', amount: 100, cause: 'damaged_goods', resolved: '2017-01-30', status: 'resolved' });
    // EUR 50 at the invoice-date rate 1.10 = USD 55.00
    await l.dispute({ id: 'D3', invoice: 'E', customer: 'C3', opened: '2017-01-15', amount: 50, cause: 'pricing' });
  });
  app = built.app;
  close = built.close;
});
afterAll(async () => close());

interface Causes {
  disputes: number;
  disputedAmount: string;
  invoicesIssued: number;
  resolvedDisputes: number;
  openDisputedAr: string;
  causes: { cause: string; count: number; amount: string }[];
  months: { month: string; cause: string; amount: string }[];
  filters: Record<string, string | null>;
}
const causes = async (q = '') => {
  const res = await app.inject({ method: 'GET', url: `/api/v1/disputes/causes?from=2016-12-01&to=2017-01-31${q}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Causes;
};
const pareto = (c: Causes) => c.causes.map((x) => [x.cause, x.count, x.amount]);

describe('filtered dispute causes', () => {
  it('the whole book, and says no filter was applied', async () => {
    const all = await causes();
    expect(all.filters).toEqual({ segment: null, collectorId: null, documentCurrency: null });
    expect([all.disputes, all.disputedAmount, all.invoicesIssued, all.resolvedDisputes]).toEqual([3, '195.00', 4, 1]);
    expect(pareto(all)).toEqual([
      ['damaged_goods', 1, '100.00'],
      ['pricing', 2, '95.00'],
    ]);
  });

  it("narrows the Pareto, months, rate and open disputed AR to a segment's customers", async () => {
    const smb = await causes('&segment=smb');
    expect(smb.filters).toEqual({ segment: 'smb', collectorId: null, documentCurrency: null });
    expect(pareto(smb)).toEqual([['pricing', 2, '95.00']]);
    expect(smb.months.map((m) => [m.month, m.cause, m.amount])).toEqual([['2017-01-01', 'pricing', '95.00']]);
    expect([smb.disputes, smb.invoicesIssued, smb.resolvedDisputes]).toEqual([2, 3, 0]);
    // A: 40 of 100 open under dispute; E: 50 of EUR 200 = 55.00 of its 220.00 base
    expect(smb.openDisputedAr).toBe('95.00');
    const enterprise = await causes('&segment=enterprise');
    expect(pareto(enterprise)).toEqual([['damaged_goods', 1, '100.00']]);
    expect([enterprise.invoicesIssued, enterprise.resolvedDisputes, enterprise.openDisputedAr]).toEqual([1, 1, '0.00']);
  });

  it('cuts by collector and by the invoice document currency, alone and combined', async () => {
    expect(pareto(await causes('&collectorId=K1'))).toEqual([['pricing', 1, '40.00']]);
    expect(pareto(await causes('&collectorId=K2'))).toEqual([['pricing', 1, '55.00']]);
    const eur = await causes('&documentCurrency=EUR');
    expect([pareto(eur), eur.invoicesIssued]).toEqual([[['pricing', 1, '55.00']], 1]);
    expect(pareto(await causes('&documentCurrency=USD'))).toEqual([
      ['damaged_goods', 1, '100.00'],
      ['pricing', 1, '40.00'],
    ]);
    const none = await causes('&segment=smb&documentCurrency=USD&collectorId=K2');
    expect([none.disputes, none.disputedAmount, none.causes]).toEqual([0, '0.00', []]);
  });

  it('refuses values the data does not have with a 400 naming the field, as /metrics/summary does', async () => {
    const bad = async (q: string) => {
      const res = await app.inject({ method: 'GET', url: `/api/v1/disputes/causes?${q}` });
      return [res.statusCode, (res.json() as { fields?: { path: string }[] }).fields?.[0]?.path];
    };
    expect(await bad('segment=retail')).toEqual([400, 'querystring.segment']);
    expect(await bad('collectorId=K9')).toEqual([400, 'querystring.collectorId']);
    expect(await bad('documentCurrency=JPY')).toEqual([400, 'querystring.documentCurrency']);
    expect(await bad('documentCurrency=eur')).toEqual([400, 'querystring.documentCurrency']);
    const message = (await app.inject({ method: 'GET', url: '/api/v1/disputes/causes?segment=retail' })).json() as { message: string };
    expect(message.message).toContain('enterprise, smb');
  });
});
