import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStrategy } from '../../scoring/strategy.ts';
import { buildAndStoreWorklists } from '../../scoring/worklist/build.ts';
import { createKey } from '../../api/access/keys.ts';
import { testApp } from '../helpers/app.ts';
import type { Warehouse } from '../../core/warehouse.ts';

const AS_OF = '2026-10-30';
let ctx: Awaited<ReturnType<typeof testApp>>;
const rebuild = (wh: Warehouse) => buildAndStoreWorklists(wh, AS_OF, 'USD', loadStrategy(), '2026-10-30T06:00:00');

async function seed(wh: Warehouse) {
  await wh.run(`insert into collectors (collector_id, name, daily_capacity) values ('A', 'Ann', 5), ('B', 'Bob', 5)`);
  await wh.run(`insert into customers (customer_id, name, currency, collector_id, segment, credit_limit, email) values
    ('CU1', 'Acme', 'USD', 'A', 'mid', 50000, 'ap@acme.test'), ('CU2', 'Globex', 'USD', 'B', 'smb', 1000, null), ('CU3', 'Initech', 'USD', 'A', 'mid', 90000, null)`);
  await wh.run(`insert into invoices (invoice_id, customer_id, invoice_date, due_date, amount, currency) values
    ('I1', 'CU1', '2026-08-01', '2026-08-31', 20000, 'USD'),
    ('I2', 'CU1', '2026-09-15', '2026-10-15', 5000, 'USD'),
    ('I3', 'CU2', '2026-09-01', '2026-10-01', 3000, 'USD'),
    ('I4', 'CU3', '2026-09-01', '2026-10-01', 8000, 'USD'),
    ('I5', 'CU3', '2026-06-01', '2026-07-01', 1000, 'USD')`);
  await wh.run(`insert into payments (payment_id, customer_id, received_date, amount, currency) values ('P5', 'CU3', '2026-07-15', 1000, 'USD')`);
  await wh.run(`insert into payment_applications (application_id, payment_id, invoice_id, amount, applied_date, method) values ('A5', 'P5', 'I5', 1000, '2026-07-15', 'imported')`);
  await wh.run(`insert into disputes (dispute_id, invoice_id, customer_id, opened_date, amount, cause, owner) values ('D3', 'I3', 'CU2', '2026-10-05', 3000, 'pricing', 'Billing')`);
  for (const [inv, cu, amt, due, pl, pl30] of [
    ['I1', 'CU1', 20000, '2026-08-31', 0.99, 0.8], ['I2', 'CU1', 5000, '2026-10-15', 0.9, 0.4],
    ['I3', 'CU2', 3000, '2026-10-01', 0.9, 0.5], ['I4', 'CU3', 8000, '2026-10-01', 0.95, 0.7],
  ] as const) {
    // days to pay (from the invoice date) fall after the as-of date, as the scorer conditions them on the invoice being open
    await wh.run(
      `insert into invoice_scores values ($1, $2, $3, $4, 'USD', $5, $6, $7, 0.01, 0, '2027-01', 100, 130, 200, '2026-12-20', '[]', 'test')`,
      [AS_OF, inv, cu, amt, due, pl, pl30],
    );
  }
  await wh.run(`insert into customer_scores values ('${AS_OF}', 'CU1', 40, 'D', 'behavioural', 10, 25, 2, 0.8, '[]'),
    ('${AS_OF}', 'CU2', 60, 'C', 'behavioural', 10, 10, 1, 0.5, '[]'), ('${AS_OF}', 'CU3', 55, 'C', 'behavioural', 10, 12, 1, 0.7, '[]')`);
  await rebuild(wh);
}

beforeAll(async () => {
  ctx = await testApp(async (t) => seed(t.wh));
});
afterAll(async () => ctx.close());

describe('worklist API and collector workflow', () => {
  it("serves a collector's ranked list with reasons, actions, contacts and items", async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/worklists/A' });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ date: string; strategyVersion: string; total: number; items: { customerId: string; rank: number; reasons: string[]; action: string; totalAtRisk: string; items: { invoiceId: string }[]; contact: { email: string | null } }[] }>();
    expect(body.date).toBe(AS_OF);
    expect(body.strategyVersion).toBe('default-2026.2');
    expect(body.items.map((i) => i.customerId)).toEqual(['CU1', 'CU3']);
    expect(body.items.map((i) => i.rank)).toEqual([1, 2]);
    expect(body.items[0]?.reasons[0]).toMatch(/overdue on 2 invoices, oldest 60 days past due/);
    expect(body.items[0]?.contact.email).toBe('ap@acme.test');
    expect(body.items[0]?.items.map((i) => i.invoiceId)).toEqual(['I1', 'I2']);
    expect(body.items[0]?.totalAtRisk).toMatch(/^\d+\.\d{2}$/);
  });

  it('routes a disputed customer to the dispute owner instead of the collector', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/worklists/B' });
    expect(res.json<{ total: number }>().total).toBe(0);
    const row = await ctx.t.wh.one(`select queue, suppressed_by from worklist_items where customer_id = 'CU2'`);
    expect(row).toMatchObject({ queue: 'dispute_owner' });
  });

  it('exports the list as CSV for an outside agency, filtered by amount at risk', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/worklists/A?format=csv&minAtRisk=10000' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    const lines = res.body.trim().split('\n');
    expect(lines[0]).toBe('rank,customer_id,name,total_open,total_overdue,total_at_risk,currency,max_days_past_due,action,channel,contact_name,email,phone,reasons,invoice_ids');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^1,CU1,Acme,25000.00,25000.00,/);
  });

  it('shows the customer 360 on one screen', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: `/api/v1/customers/CU3?asOf=${AS_OF}` });
    expect(res.statusCode).toBe(200);
    const v = res.json<{ profile: { name: string }; risk: { score: number; riskClass: string }; openItems: { invoiceId: string; openAmount: string }[]; paymentHistory: { invoiceId: string; daysLate: number }[]; metrics: { weightedAverageDaysLate: number } }>();
    expect(v.profile.name).toBe('Initech');
    expect(v.risk).toMatchObject({ score: 55, riskClass: 'C' });
    expect(v.openItems).toEqual([expect.objectContaining({ invoiceId: 'I4', openAmount: '8000.00' })]);
    expect(v.paymentHistory).toEqual([expect.objectContaining({ invoiceId: 'I5', daysLate: 14 })]);
    expect(v.metrics.weightedAverageDaysLate).toBe(14);
    const search = await ctx.app.inject({ method: 'GET', url: '/api/v1/customers?query=glob' });
    expect(search.json<{ items: { customerId: string }[] }>().items.map((i) => i.customerId)).toEqual(['CU2']);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/v1/customers/NOPE' })).statusCode).toBe(404);
  });

  it('a logged promise takes the customer off the list until the promised date; idempotent on retry', async () => {
    const body = { customerId: 'CU3', invoiceIds: ['I4'], promisedDate: '2026-11-06', note: 'AP run on Friday' };
    const headers = { 'idempotency-key': 'ptp-1' };
    const first = await ctx.app.inject({ method: 'POST', url: '/api/v1/promises', payload: body, headers });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ items: [{ customerId: 'CU3', invoiceId: 'I4', amount: '8000.00', createdDate: AS_OF, status: 'open' }] });
    const again = await ctx.app.inject({ method: 'POST', url: '/api/v1/promises', payload: body, headers });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());
    expect(await ctx.t.wh.one(`select count(*)::int as n from promises_to_pay where customer_id = 'CU3'`)).toEqual({ n: 1 });
    const clash = await ctx.app.inject({ method: 'POST', url: '/api/v1/promises', payload: { ...body, note: 'other' }, headers });
    expect(clash.statusCode).toBe(422);
    await rebuild(ctx.t.wh);
    const list = await ctx.app.inject({ method: 'GET', url: '/api/v1/worklists/A' });
    expect(list.json<{ items: { customerId: string }[] }>().items.map((i) => i.customerId)).toEqual(['CU1']);
    expect(await ctx.t.wh.one(`select suppressed_by from worklist_items where customer_id = 'CU3'`)).toEqual({ suppressed_by: 'promise to pay due 2026-11-06' });
  });

  it('a broken promise raises the customer', async () => {
    const before = await ctx.t.wh.one<{ score: number }>(`select score from worklist_items where customer_id = 'CU1'`);
    await ctx.t.wh.run(`insert into promises_to_pay (promise_id, customer_id, invoice_id, created_date, promised_date, amount, status) values ('OLD', 'CU1', 'I2', '2026-10-10', '2026-10-20', 5000, 'open')`);
    await rebuild(ctx.t.wh);
    const after = await ctx.t.wh.one<{ score: number; reasons: string }>(`select score, reasons from worklist_items where customer_id = 'CU1'`);
    expect(Number(after?.score)).toBeGreaterThan(Number(before?.score));
    expect(after?.reasons).toMatch(/broke a promise to pay due 2026-10-20/);
  });

  it('logs activities and disputes, validates them, and keeps collectors to their own customers', async () => {
    const act = await ctx.app.inject({ method: 'POST', url: '/api/v1/activities', payload: { customerId: 'CU1', type: 'call', outcome: 'left voicemail' } });
    expect(act.statusCode).toBe(201);
    expect(act.json()).toMatchObject({ customerId: 'CU1', type: 'call', at: expect.stringMatching(/^2026-10-30T/) });
    const bad = await ctx.app.inject({ method: 'POST', url: '/api/v1/activities', payload: { customerId: 'CU1', type: 'fax' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ fields: { path: string }[] }>().fields[0]?.path).toBe('body.type');
    const dsp = await ctx.app.inject({ method: 'POST', url: '/api/v1/disputes', payload: { invoiceId: 'I2', amount: '500.00', cause: 'damaged_goods' } });
    expect(dsp.statusCode).toBe(201);
    const id = dsp.json<{ disputeId: string }>().disputeId;
    const tooMuch = await ctx.app.inject({ method: 'POST', url: '/api/v1/disputes', payload: { invoiceId: 'I2', amount: '99999.00', cause: 'pricing' } });
    expect(tooMuch.statusCode).toBe(400);
    const patch = await ctx.app.inject({ method: 'PATCH', url: `/api/v1/disputes/${id}`, payload: { status: 'resolved', resolution: 'credit note issued' } });
    expect(patch.json()).toMatchObject({ status: 'resolved', resolvedDate: AS_OF, resolution: 'credit note issued' });
    const audit = await ctx.t.wh.one<{ before_json: string; after_json: string }>(`select before_json, after_json from audit_log where entity = 'dispute' and entity_id = $1 and method = 'PATCH'`, [id]);
    expect(JSON.parse(audit?.before_json ?? '{}')).toMatchObject({ status: 'open' });
    expect(JSON.parse(audit?.after_json ?? '{}')).toMatchObject({ status: 'resolved' });

    const bob = await createKey(ctx.t.wh, { role: 'collector', collectorId: 'B' }, '2026-10-30T00:00:00');
    const h = { authorization: `Bearer ${bob.secret}` };
    expect((await ctx.app.inject({ method: 'GET', url: '/api/v1/worklists/A', headers: h })).statusCode).toBe(403);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/v1/customers/CU1', headers: h })).statusCode).toBe(403);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/v1/worklists/B', headers: h })).statusCode).toBe(200);
    const foreign = await ctx.app.inject({ method: 'POST', url: '/api/v1/activities', payload: { customerId: 'CU1', type: 'note' }, headers: h });
    expect(foreign.statusCode).toBe(403);
    const search = await ctx.app.inject({ method: 'GET', url: '/api/v1/customers?query=e', headers: h });
    expect(search.json<{ items: { customerId: string }[] }>().items.map((i) => i.customerId)).toEqual(['CU2']);
  });
});
