import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../core/warehouse.ts';
import { testApp } from '../helpers/app.ts';
import { runCashApplication } from '../../scoring/cash-application/run.ts';
import { EXPORT_COLUMNS, writeExport } from '../../scoring/cash-application/export.ts';
import { runPipeline } from '../../jobs/pipeline.ts';

const AS_OF = '2026-04-30';

async function seed(wh: Warehouse): Promise<void> {
  await wh.run(`insert into customers (customer_id, name, currency) values
    ('C1', 'Northwind Traders Ltd', 'USD'), ('C2', 'Contoso Pharmaceuticals Inc.', 'USD'), ('C3', 'Fabrikam Holdings', 'USD')`);
  await wh.run(`insert into invoices (invoice_id, customer_id, invoice_date, due_date, amount, currency) values
    ('INV-2001', 'C1', '2026-03-01', '2026-03-31', 1000.00, 'USD'),
    ('INV-2002', 'C1', '2026-03-05', '2026-04-04', 250.00, 'USD'),
    ('INV-2003', 'C2', '2026-03-10', '2026-04-09', 500.00, 'USD'),
    ('INV-2004', 'C2', '2026-03-12', '2026-04-11', 700.00, 'USD'),
    ('INV-2005', 'C1', '2026-05-02', '2026-06-01', 300.00, 'USD'),
    ('INV-1999', 'C2', '2026-01-10', '2026-02-09', 90.00, 'USD'),
    ('INV-2006', 'C3', '2026-03-20', '2026-04-19', 410.00, 'USD'),
    ('INV-2007', 'C1', '2026-03-22', '2026-04-21', 180.00, 'USD')`);
  // Dated after the as-of date: must not reduce INV-2003 in a run at AS_OF.
  await wh.run(`insert into credit_notes (credit_note_id, customer_id, invoice_id, credit_date, amount, currency, reason) values
    ('CN-9', 'C2', 'INV-2003', '2026-05-03', 100.00, 'USD', 'pricing')`);
  await wh.run(`insert into payments (payment_id, customer_id, payer_name, received_date, amount, currency, reference, remittance_text, bank_account, bank_reference) values
    ('P0', null, 'CONTOSO PHARMA', '2026-02-01', 90.00, 'USD', 'INV-1999', null, 'US11 2222 3333', 'BR-0'),
    ('P1', null, 'NORTHWIND TRADERS', '2026-04-02', 1000.00, 'USD', 'PAYMENT', 'Inv 2001 thank you', 'GB00 NWBK 1111', 'BR-1'),
    ('P2', null, 'ACH CREDIT', '2026-04-10', 700.00, 'USD', 'SUPPLIER PAYMENT', null, 'US1122223333', 'BR-2'),
    ('P3', null, 'FABRIKM', '2026-04-12', 410.00, 'USD', 'PAYMENT', null, 'DE99 0000 7777', 'BR-3'),
    ('P6', null, 'Contoso Pharmaceuticals', '2026-04-15', 500.00, 'USD', 'INV-2003', null, 'US1122223333', 'BR-6'),
    ('P4', null, 'NORTHWIND TRADERS', '2026-05-05', 300.00, 'USD', 'INV-2005', null, 'GB00 NWBK 1111', 'BR-4')`);
  // The imported history: P0 paid INV-1999, which teaches account US11… → C2.
  await wh.run(`insert into payment_applications (application_id, payment_id, invoice_id, amount, applied_date, method) values
    ('A0', 'P0', 'INV-1999', 90.00, '2026-02-02', 'imported')`);
}

let ctx: Awaited<ReturnType<typeof testApp>>;
beforeAll(async () => {
  ctx = await testApp((t) => seed(t.wh));
});
afterAll(async () => ctx.close());

async function applications(wh: Warehouse) {
  return wh.all<{ payment_id: string; invoice_id: string | null; amount: string; method: string; rule: string | null; confidence: number | null; evidence: string | null }>(
    `select payment_id, invoice_id, amount::varchar as amount, method, rule, confidence, evidence
     from payment_applications where method <> 'imported' order by payment_id, invoice_id`,
  );
}

describe('cash application end to end', () => {
  it('auto-applies what it is sure of, point-in-time, and queues the rest', async () => {
    const r = await runCashApplication(ctx.t.wh, AS_OF);
    expect(r.payments).toBe(4); // P4 arrives after the as-of date
    const apps = await applications(ctx.t.wh);
    expect(apps.map((a) => [a.payment_id, a.invoice_id, a.amount, a.method])).toEqual([
      ['P1', 'INV-2001', '1000.00', 'auto'],
      ['P2', 'INV-2004', '700.00', 'auto'],
      ['P6', 'INV-2003', '500.00', 'auto'],
    ]);
    const p1 = apps.find((a) => a.payment_id === 'P1');
    expect(p1?.rule).toMatch(/^reference_/);
    expect(p1?.confidence).toBeGreaterThanOrEqual(0.85);
    expect(JSON.parse(p1?.evidence ?? '{}').evidence.join(' ')).toMatch(/2001→INV-2001/);
    const p2 = apps.find((a) => a.payment_id === 'P2');
    expect(JSON.parse(p2?.evidence ?? '{}').evidence.join(' ')).toMatch(/payer account/);

    const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/cash-application/exceptions' });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ total: number; items: { paymentId: string; bankReference: string; amount: string; candidates: { rank: number; customerId: string; allocations: { invoiceId: string }[] }[] }[] }>();
    expect(body.total).toBe(1);
    expect(body.items[0]).toMatchObject({ paymentId: 'P3', bankReference: 'BR-3', amount: '410.00' });
    expect(body.items[0]?.candidates[0]).toMatchObject({ rank: 1, customerId: 'C3', allocations: [{ invoiceId: 'INV-2006' }] });
  });

  it('is idempotent: a re-run applies nothing twice and keeps one open exception per payment', async () => {
    const before = await applications(ctx.t.wh);
    const r = await runCashApplication(ctx.t.wh, AS_OF);
    expect(r.payments).toBe(1);
    expect(r.applications).toBe(0);
    expect(await applications(ctx.t.wh)).toEqual(before);
    const open = await ctx.t.wh.all(`select payment_id from cash_app_exceptions where status = 'open'`);
    expect(open).toEqual([{ payment_id: 'P3' }]);
  });

  it('confirms a candidate via POST, which applies it and learns the payer account', async () => {
    const res = await ctx.app.inject({ method: 'POST', url: '/api/v1/cash-application/matches', payload: { paymentId: 'P3', action: 'confirm', candidate: 1 } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'confirmed',
      applications: [{ invoiceId: 'INV-2006', amount: '410.00' }],
      learnedAccount: { bankAccount: 'DE99 0000 7777', customerId: 'C3' },
    });
    const apps = await applications(ctx.t.wh);
    expect(apps.find((a) => a.payment_id === 'P3')).toMatchObject({ invoice_id: 'INV-2006', method: 'manual' });
    const again = await ctx.app.inject({ method: 'GET', url: '/api/v1/cash-application/exceptions' });
    expect(again.json()).toMatchObject({ total: 0, items: [] });

    // A later payment from the same account with a useless payer name now applies on its own.
    await ctx.t.wh.run(`insert into invoices (invoice_id, customer_id, invoice_date, due_date, amount, currency) values ('INV-2010', 'C3', '2026-04-20', '2026-05-20', 333.33, 'USD')`);
    await ctx.t.wh.run(`insert into payments (payment_id, payer_name, received_date, amount, currency, reference, bank_account, bank_reference)
      values ('P7', 'TRANSFER', '2026-04-28', 333.33, 'USD', 'PAYMENT', 'DE9900007777', 'BR-7')`);
    const r = await runCashApplication(ctx.t.wh, AS_OF);
    expect(r.autoApplied).toBe(1);
    const p7 = (await applications(ctx.t.wh)).find((a) => a.payment_id === 'P7');
    expect(p7).toMatchObject({ invoice_id: 'INV-2010', method: 'auto' });
    expect(JSON.parse(p7?.evidence ?? '{}').evidence.join(' ')).toMatch(/payer account DE9900007777 paid C3/);
  });

  it('exports every application with the contract columns', async () => {
    const file = join(ctx.t.dir, 'applications.csv');
    await ctx.t.wh.run(`insert into payments (payment_id, payer_name, received_date, amount, currency, reference, bank_reference)
      values ('P8', 'SOMEONE', '2026-04-29', 12.34, 'USD', 'X', 'BR-8')`);
    await runCashApplication(ctx.t.wh, AS_OF);
    const n = await writeExport(ctx.t.wh, file);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('payment_id,bank_reference,invoice_id,credit_note_id,amount,rule,confidence,status');
    expect(EXPORT_COLUMNS).toHaveLength(8);
    expect(lines).toHaveLength(n + 1);
    const rows = lines.slice(1).map((l) => l.split(','));
    const status = Object.fromEntries(rows.map((r) => [r[0], r[7]]));
    expect(status).toMatchObject({ P1: 'auto', P2: 'auto', P3: 'confirmed', P6: 'auto', P7: 'auto', P8: 'exception' });
    expect(rows.find((r) => r[0] === 'P1')?.slice(0, 5)).toEqual(['P1', 'BR-1', 'INV-2001', '', '1000.00']);
    expect(rows.find((r) => r[0] === 'P8')?.slice(2, 5)).toEqual(['', '', '12.34']);
    expect(rows.some((r) => r[0] === 'P0')).toBe(false);
  });

  it('runs as a pipeline stage before the models', async () => {
    const { stages } = await import('../../jobs/stages.ts');
    const names = stages.map((st) => st.name);
    const mine = names.indexOf('cash-application');
    expect(mine).toBeGreaterThanOrEqual(0);
    expect(names.indexOf('models')).toBeGreaterThan(mine);
    const result = await runPipeline(ctx.t.wh, ctx.t.config, { asOf: AS_OF, stages: stages.filter((st) => st.name === 'cash-application') });
    expect(result.status).toBe('succeeded');
    expect(result.stages.map((st) => st.name)).toEqual(['cash-application']);
  });
});
