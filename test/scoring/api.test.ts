import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoreAsOfAndStore } from '../../scoring/stage.ts';
import { testApp } from '../helpers/app.ts';
import { loadLedger, makeLedger } from './ledger.ts';

const D = '2025-08-31';
const D2 = '2025-09-30';
let ctx: Awaited<ReturnType<typeof testApp>>;

beforeAll(async () => {
  ctx = await testApp(async (t) => {
    await loadLedger(t.wh, t.dir, makeLedger({ customers: 45, months: 22, seed: 8 }));
    await scoreAsOfAndStore(t.wh, D);
    await scoreAsOfAndStore(t.wh, D2);
  });
});

afterAll(async () => {
  await ctx?.close();
});

describe('GET /api/v1/scores/*', () => {
  it('lists customers riskiest first with class, reasons and the previous score for the trend', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/scores/customers?sort=risk&limit=10' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.asOf).toBe(D2);
    expect(body.items).toHaveLength(10);
    const scores = body.items.map((i: { score: number }) => i.score);
    expect([...scores].sort((a, b) => a - b)).toEqual(scores);
    expect(body.items[0].previousAsOf).toBe(D);
    expect(['A', 'B', 'C', 'D', 'E']).toContain(body.items[0].riskClass);
    expect(body.items[0].reasons.length).toBeGreaterThan(0);
  });

  it('lists the invoice scores of one customer', async () => {
    const customers = (await ctx.app.inject({ method: 'GET', url: `/api/v1/scores/customers?sort=risk&limit=1&asOf=${D}` })).json();
    const customerId = customers.items[0].customerId as string;
    const res = await ctx.app.inject({ method: 'GET', url: `/api/v1/scores/invoices?customerId=${customerId}&asOf=${D}` });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.total).toBeGreaterThan(0);
    for (const item of body.items) {
      expect(item.customerId).toBe(customerId);
      expect(item.openAmount).toMatch(/^\d+\.\d{2}$/);
      expect(item.pLate30).toBeLessThanOrEqual(item.pLate);
      expect(item.reasons.length).toBeGreaterThan(0);
    }
    const history = (await ctx.app.inject({ method: 'GET', url: `/api/v1/scores/customers/${customerId}/history` })).json();
    expect(history.items.map((i: { asOf: string }) => i.asOf)).toEqual([D, D2]);
  });

  it('answers 409 with the command to run for a date never scored, and 400 for a bad date', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/scores/invoices?asOf=2025-01-15' });
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toContain('ar-intel');
    expect((await ctx.app.inject({ method: 'GET', url: '/api/v1/scores/customers?asOf=2025-02-30' })).statusCode).toBe(400);
  });

  it('shows the models behind the scores', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: `/api/v1/scores/models?asOf=${D}` });
    expect(res.statusCode).toBe(200);
    const targets = res.json().items.map((m: { target: string }) => m.target);
    expect(targets).toEqual(['days_to_pay', 'late', 'late30', 'write_off']);
  });
});

describe('POST /api/v1/credit/assess', () => {
  it('assesses an existing customer: exposure includes open AR and the proposed order', async () => {
    const res = await ctx.app.inject({ method: 'POST', url: '/api/v1/credit/assess', payload: { customerId: 'C0003', proposedOrderAmount: '1000.00', asOf: D2 } });
    expect(res.statusCode).toBe(200);
    const a = res.json();
    expect(a.customerId).toBe('C0003');
    expect(['approve', 'review', 'decline']).toContain(a.decision);
    const cents = (s: string) => BigInt(s.replace('.', ''));
    expect(cents(a.exposure.total)).toBe(cents(a.exposure.openAr) + cents(a.exposure.openOrders) + cents(a.exposure.proposedOrder));
    expect(a.reasons.length).toBeGreaterThan(0);
    expect(a.limitBasis.length).toBeGreaterThan(0);
  });

  it('applies the conservative new-customer rule to an applicant', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/credit/assess',
      payload: {
        application: { country: 'DE', industry: 'retail', yearsInBusiness: 1, annualRevenue: '1200000.00', tradeReferences: [{ paysOnTime: false }] },
        proposedOrderAmount: '500000.00',
      },
    });
    expect(res.statusCode).toBe(200);
    const a = res.json();
    expect(a.basis).toBe('new_customer');
    expect(a.score).toBeLessThanOrEqual(75);
    expect(a.decision).toBe('decline');
    expect(a.recommendedPaymentTermsDays).toBeLessThanOrEqual(30);
  });

  it('rejects bodies naming both or neither, bad amounts and unknown customers', async () => {
    const both = await ctx.app.inject({ method: 'POST', url: '/api/v1/credit/assess', payload: { customerId: 'C0001', application: { country: 'DE', industry: 'x', annualRevenue: '1.00' }, proposedOrderAmount: '1.00' } });
    expect(both.statusCode).toBe(400);
    const amount = await ctx.app.inject({ method: 'POST', url: '/api/v1/credit/assess', payload: { customerId: 'C0001', proposedOrderAmount: '12,50' } });
    expect(amount.statusCode).toBe(400);
    expect(amount.json().message).toContain('proposedOrderAmount');
    const unknown = await ctx.app.inject({ method: 'POST', url: '/api/v1/credit/assess', payload: { customerId: 'NOPE', proposedOrderAmount: '1.00' } });
    expect(unknown.statusCode).toBe(404);
  });
});

describe('GET /api/v1/forecast/bad-debt', () => {
  it('sums expected loss by segment, class and month from the stored scores', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: `/api/v1/forecast/bad-debt?asOf=${D}` });
    expect(res.statusCode).toBe(200);
    const f = res.json();
    expect(f.source).toBe('stored');
    const cents = (s: string) => BigInt(s.replace('.', ''));
    const total = f.total.reduce((s: bigint, g: { expectedLoss: string }) => s + cents(g.expectedLoss), 0n);
    const bySeg = f.bySegment.reduce((s: bigint, g: { expectedLoss: string }) => s + cents(g.expectedLoss), 0n);
    const byMonth = f.byMonth.reduce((s: bigint, g: { expectedLoss: string }) => s + cents(g.expectedLoss), 0n);
    expect(bySeg).toBe(total);
    expect(byMonth).toBe(total);
    expect(total).toBeGreaterThan(0n);
  });
});
