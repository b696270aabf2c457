import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../core/warehouse.ts';
import { testApp } from '../helpers/app.ts';
import { runCashApplication } from '../../scoring/cash-application/run.ts';

const AS_OF = '2026-04-30';

async function seed(wh: Warehouse): Promise<void> {
  await wh.run(`insert into customers (customer_id, name, currency) values
    ('C1', 'Northwind Traders Ltd', 'USD'), ('C2', 'Contoso Pharmaceuticals Inc.', 'EUR')`);
  await wh.run(`insert into invoices (invoice_id, customer_id, invoice_date, due_date, amount, currency) values
    ('INV-3001', 'C1', '2026-03-01', '2026-03-31', 500.00, 'USD'),
    ('INV-3002', 'C1', '2026-03-02', '2026-04-01', 500.00, 'USD'),
    ('INV-3003', 'C2', '2026-03-03', '2026-04-02', 80.00, 'EUR')`);
  // Two invoices of 500: a payment of 500 with no reference cannot choose between them.
  await wh.run(`insert into payments (payment_id, payer_name, received_date, amount, currency, reference, bank_account, bank_reference) values
    ('Q1', 'Northwind Traders', '2026-04-10', 500.00, 'USD', 'PAYMENT', 'ACC-1', 'BR-Q1'),
    ('Q2', 'Unknown Payer', '2026-04-11', 75.00, 'USD', 'PAYMENT', null, 'BR-Q2')`);
}

let ctx: Awaited<ReturnType<typeof testApp>>;
beforeAll(async () => {
  ctx = await testApp((t) => seed(t.wh));
  await runCashApplication(ctx.t.wh, AS_OF);
});
afterAll(async () => ctx.close());

type Queue = { total: number; items: { paymentId: string; candidates: { rank: number; rule: string; allocations: { invoiceId: string | null }[] }[] }[] };

describe('GET /api/v1/cash-application/exceptions', () => {
  it('lists queued payments with ranked candidates, largest first', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/cash-application/exceptions' });
    expect(res.statusCode).toBe(200);
    const body = res.json<Queue>();
    expect(body.items.map((i) => i.paymentId)).toEqual(['Q1', 'Q2']);
    const q1 = body.items[0];
    expect(q1?.candidates[0]).toMatchObject({ rank: 1, rule: 'amount_exact_oldest', allocations: [{ invoiceId: 'INV-3001' }] });
  });

  it('filters by customer and pages', async () => {
    const one = await ctx.app.inject({ method: 'GET', url: '/api/v1/cash-application/exceptions?customerId=C1&limit=1' });
    expect(one.json<Queue>()).toMatchObject({ total: 1, items: [{ paymentId: 'Q1' }] });
    const none = await ctx.app.inject({ method: 'GET', url: '/api/v1/cash-application/exceptions?offset=5' });
    expect(none.json<Queue>().items).toEqual([]);
  });

  it('rejects a bad query with the field path', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/cash-application/exceptions?limit=0' });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ fields: { path: string }[] }>().fields[0]?.path).toBe('querystring.limit');
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await ctx.app.inject({ method: 'GET', url: '/docs/json' })).json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/cash-application/exceptions', '/api/v1/cash-application/matches']));
  });
});

describe('POST /api/v1/cash-application/matches', () => {
  const post = (payload: unknown) => ctx.app.inject({ method: 'POST', url: '/api/v1/cash-application/matches', payload: payload as Record<string, unknown> });

  it('validates the body', async () => {
    const noChoice = await post({ paymentId: 'Q1', action: 'confirm' });
    expect(noChoice.statusCode).toBe(400);
    const badAmount = await post({ paymentId: 'Q1', action: 'confirm', allocations: [{ invoiceId: 'INV-3001', amount: '1,000' }] });
    expect(badAmount.statusCode).toBe(400);
    expect(badAmount.json<{ fields: { path: string }[] }>().fields[0]?.path).toBe('body.allocations.0.amount');
    const both = await post({ paymentId: 'Q1', action: 'confirm', allocations: [{ invoiceId: 'INV-3001', creditNoteId: 'CN', amount: '1.00' }] });
    expect(both.statusCode).toBe(400);
  });

  it('answers 404 for unknown payments, candidates and invoices', async () => {
    expect((await post({ paymentId: 'NOPE', action: 'confirm', candidate: 1 })).statusCode).toBe(404);
    expect((await post({ paymentId: 'Q1', action: 'confirm', candidate: 9 })).statusCode).toBe(404);
    expect((await post({ paymentId: 'Q1', action: 'confirm', allocations: [{ invoiceId: 'INV-NONE', amount: '1.00' }] })).statusCode).toBe(404);
  });

  it('refuses to over-apply a payment or an invoice, or to cross currencies', async () => {
    const tooMuch = await post({ paymentId: 'Q2', action: 'confirm', allocations: [{ invoiceId: 'INV-3001', amount: '100.00' }] });
    expect(tooMuch.statusCode).toBe(409);
    expect(tooMuch.json<{ message: string }>().message).toMatch(/75\.00 unapplied/);
    const currency = await post({ paymentId: 'Q2', action: 'confirm', allocations: [{ invoiceId: 'INV-3003', amount: '75.00' }] });
    expect(currency.statusCode).toBe(400);
    expect(currency.json<{ message: string }>().message).toMatch(/EUR/);
  });

  it('rejects a candidate for good: the queue and later runs no longer offer it', async () => {
    const res = await post({ paymentId: 'Q1', action: 'reject', candidate: 1 });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'rejected', applications: [] });
    await runCashApplication(ctx.t.wh, AS_OF);
    const queue = (await ctx.app.inject({ method: 'GET', url: '/api/v1/cash-application/exceptions?customerId=C1' })).json<Queue>();
    const ids = queue.items[0]?.candidates.flatMap((c) => c.allocations.map((a) => a.invoiceId));
    expect(ids).not.toContain('INV-3001');
    expect(queue.items[0]?.candidates[0]?.allocations[0]?.invoiceId).toBe('INV-3002');
  });

  it('confirms an allocation of ones own with part on account', async () => {
    const res = await post({ paymentId: 'Q2', action: 'confirm', allocations: [{ invoiceId: 'INV-3002', amount: '70.00' }], onAccount: '5.00', note: 'phoned AP' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'confirmed', applications: [{ invoiceId: 'INV-3002', amount: '70.00' }], onAccount: '5.00', learnedAccount: null });
    const row = await ctx.t.wh.one<{ method: string; rule: string; evidence: string }>(`select method, rule, evidence from payment_applications where payment_id = 'Q2'`);
    expect(row).toMatchObject({ method: 'manual', rule: 'manual' });
    expect(JSON.parse(row?.evidence ?? '{}')).toMatchObject({ note: 'phoned AP' });
    const again = await post({ paymentId: 'Q2', action: 'confirm', allocations: [{ invoiceId: 'INV-3002', amount: '0.01' }] });
    expect(again.statusCode).toBe(409);
  });
});
