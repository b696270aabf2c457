/**
 * Short payments → deductions → disputes, end to end: a short pay within tolerance is applied, its rest is
 * opened as a deduction candidate with a cause guess, listed by GET /api/v1/disputes/deductions, and a person's
 * "dispute" turns it into a dispute that the dispute analytics count; accept/dismiss only close it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../core/warehouse.ts';
import { runCashApplication } from '../../scoring/cash-application/run.ts';
import { testApp } from '../helpers/app.ts';

const AS_OF = '2026-04-30';

async function seed({ wh }: { wh: Warehouse }): Promise<void> {
  await wh.run(`insert into customers (customer_id, name, currency) values ('C1', 'Northwind Traders Ltd', 'USD'), ('C2', 'Contoso Pharmaceuticals Inc.', 'USD')`);
  await wh.run(`insert into invoices (invoice_id, customer_id, invoice_date, due_date, amount, tax_amount, currency) values
    ('INV-3001', 'C1', '2026-03-01', '2026-03-31', 1000.00, 0.00, 'USD'),
    ('INV-3002', 'C2', '2026-03-05', '2026-04-04', 1070.00, 70.00, 'USD'),
    ('INV-3003', 'C1', '2026-03-06', '2026-04-05', 400.00, 0.00, 'USD')`);
  await wh.run(`insert into payments (payment_id, customer_id, payer_name, received_date, amount, currency, reference, remittance_text, bank_account, bank_reference) values
    ('P1', null, 'NORTHWIND TRADERS', '2026-04-02', 950.00, 'USD', 'INV-3001', 'INV-3001 less 50.00 damaged pallets', 'GB00 NWBK 1111', 'BR-1'),
    ('P2', null, 'Contoso Pharmaceuticals', '2026-04-06', 1000.00, 'USD', 'INV-3002', null, 'US1122223333', 'BR-2'),
    ('P3', null, 'NORTHWIND TRADERS', '2026-04-08', 390.00, 'USD', 'INV-3003', null, 'GB00 NWBK 1111', 'BR-3')`);
}

let ctx: Awaited<ReturnType<typeof testApp>>;
beforeAll(async () => {
  ctx = await testApp(seed);
  await runCashApplication(ctx.t.wh, AS_OF);
}, 60_000);
afterAll(async () => ctx?.close());

type Item = { deductionId: string; invoiceId: string; amount: string; causeGuess: string; evidence: string | null; status: string; disputeId: string | null; customerName: string | null; currency: string | null };

async function list(status = 'candidate'): Promise<{ items: Item[]; total: number; byCause: { cause: string; count: number; amount: string }[] }> {
  const res = await ctx.app.inject({ method: 'GET', url: `/api/v1/disputes/deductions?status=${status}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

describe('deductions from short payments', () => {
  it('applies short pays within tolerance and lists the rest as dispute candidates with a cause guess', async () => {
    const applied = await ctx.t.wh.all(`select payment_id, invoice_id, amount::varchar as amount, rule from payment_applications order by 1`);
    expect(applied).toEqual([
      { payment_id: 'P1', invoice_id: 'INV-3001', amount: '950.00', rule: 'reference_short_pay' },
      { payment_id: 'P2', invoice_id: 'INV-3002', amount: '1000.00', rule: 'reference_short_pay' },
      { payment_id: 'P3', invoice_id: 'INV-3003', amount: '390.00', rule: 'reference_short_pay' },
    ]);
    const { items, total, byCause } = await list();
    expect(total).toBe(3);
    const byInvoice = Object.fromEntries(items.map((i) => [i.invoiceId, i]));
    expect(byInvoice['INV-3001']).toMatchObject({ amount: '50.00', causeGuess: 'damaged_goods', status: 'candidate', disputeId: null, customerName: 'Northwind Traders Ltd', currency: 'USD' });
    expect(byInvoice['INV-3001']?.evidence).toMatch(/damaged/);
    // Short by exactly the invoice's tax.
    expect(byInvoice['INV-3002']).toMatchObject({ amount: '70.00', causeGuess: 'tax' });
    expect(byInvoice['INV-3003']).toMatchObject({ amount: '10.00', causeGuess: 'unspecified' });
    expect(byCause).toEqual([
      { cause: 'tax', count: 1, amount: '70.00' },
      { cause: 'damaged_goods', count: 1, amount: '50.00' },
      { cause: 'unspecified', count: 1, amount: '10.00' },
    ]);
  });

  it('opens a dispute from a candidate, which the dispute analytics then count; a second decision is refused', async () => {
    const before = await ctx.app.inject({ method: 'GET', url: `/api/v1/disputes/causes?from=2026-01-01&to=${AS_OF}` });
    expect(before.json().disputes).toBe(0);
    const { items } = await list();
    const damaged = items.find((i) => i.invoiceId === 'INV-3001') as Item;
    const res = await ctx.app.inject({ method: 'POST', url: `/api/v1/disputes/deductions/${damaged.deductionId}`, payload: { action: 'dispute' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'disputed', disputeId: `DSP-${damaged.deductionId}` });
    expect(await ctx.t.wh.all(`select invoice_id, customer_id, opened_date::varchar as opened, amount::varchar as amount, cause, status from disputes`)).toEqual([
      { invoice_id: 'INV-3001', customer_id: 'C1', opened: '2026-04-02', amount: '50.00', cause: 'damaged_goods', status: 'open' },
    ]);
    const after = await ctx.app.inject({ method: 'GET', url: `/api/v1/disputes/causes?from=2026-01-01&to=${AS_OF}` });
    expect(after.json()).toMatchObject({ disputes: 1, disputedAmount: '50.00' });
    expect(after.json().causes).toEqual([expect.objectContaining({ cause: 'damaged_goods', count: 1, amount: '50.00' })]);
    const again = await ctx.app.inject({ method: 'POST', url: `/api/v1/disputes/deductions/${damaged.deductionId}`, payload: { action: 'dismiss' } });
    expect(again.statusCode).toBe(409);
    expect(again.body).toMatch(/already decided \(disputed\)/);
  });

  it('accepts or dismisses without opening disputes; unknown ids and actions are refused', async () => {
    const { items } = await list();
    const tax = items.find((i) => i.invoiceId === 'INV-3002') as Item;
    const small = items.find((i) => i.invoiceId === 'INV-3003') as Item;
    expect((await ctx.app.inject({ method: 'POST', url: `/api/v1/disputes/deductions/${tax.deductionId}`, payload: { action: 'accept' } })).json()).toMatchObject({ status: 'accepted', disputeId: null });
    expect((await ctx.app.inject({ method: 'POST', url: `/api/v1/disputes/deductions/${small.deductionId}`, payload: { action: 'dismiss' } })).json()).toMatchObject({ status: 'dismissed' });
    expect((await list()).total).toBe(0);
    expect((await list('all')).total).toBe(3);
    expect((await list('disputed')).items.map((i) => i.invoiceId)).toEqual(['INV-3001']);
    expect(Number((await ctx.t.wh.one<{ n: number }>(`select count(*)::int as n from disputes`))?.n)).toBe(1);
    expect((await ctx.app.inject({ method: 'POST', url: '/api/v1/disputes/deductions/ded-nope', payload: { action: 'accept' } })).statusCode).toBe(404);
    expect((await ctx.app.inject({ method: 'POST', url: `/api/v1/disputes/deductions/${tax.deductionId}`, payload: { action: 'write-off' } })).statusCode).toBe(400);
  });
});
