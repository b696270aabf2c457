/**
 * WideWorldImporters Sales.CustomerTransactions (2019) end to end into a temp warehouse: the figures
 * stated in test/fixtures/erp/SOURCES.md must come out of the loaded tables.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { ingestFiles, type IngestResult } from '../../ingest/index.ts';
import { tempWarehouse, type TestWarehouse } from '../helpers/warehouse.ts';

const FILE = fileURLToPath(new URL('../fixtures/erp/wideworldimporters/customer-transactions-2019.csv', import.meta.url));

let t: TestWarehouse;
let results: IngestResult[];
beforeAll(async () => {
  t = await tempWarehouse();
  results = await ingestFiles(t.wh, [FILE]);
});
afterAll(() => t?.cleanup());

describe('WideWorldImporters customer transactions', () => {
  it('is detected and loads every row', () => {
    expect(results.map((r) => [r.kind, r.profile, r.status, r.rowsLoaded, r.rowsRejected])).toEqual([
      ['customers', 'wwi-customer-transactions', 'loaded', 296, 0],
      ['invoices', 'wwi-customer-transactions', 'loaded', 2052, 0],
      ['payments', 'wwi-customer-transactions', 'loaded', 1360, 0],
    ]);
  });

  it('reproduces the stated totals', async () => {
    expect(
      await t.wh.one(`select count(*)::int as n, sum(amount)::varchar as total, sum(tax_amount)::varchar as tax from invoices`),
    ).toEqual({ n: 2052, total: '5608847.96', tax: expect.any(String) });
    // Stored as positive receipts: the ledger's −5,605,458.39.
    expect(await t.wh.one(`select count(*)::int as n, sum(amount)::varchar as total, min(amount)::varchar as smallest from payments`)).toMatchObject({
      n: 1360,
      total: '5605458.39',
    });
    expect(await t.wh.one(`select count(*)::int as n from customers`)).toEqual({ n: 296 });
    expect(
      await t.wh.one(`select count(distinct customer_id)::int as n from (select customer_id from invoices union all select customer_id from payments)`),
    ).toEqual({ n: 296 });
  });

  it('keeps the quirks: .00 amounts, ids, dates and source lines', async () => {
    expect(await t.wh.one(`select payment_id, customer_id, received_date, amount, method, source_line from payments where source_line = 2`)).toEqual({
      payment_id: 'WWI-CT-369816',
      customer_id: '401',
      received_date: '2019-01-01',
      amount: '5536.10',
      method: 'eft',
      source_line: 2,
    });
    const inv = await t.wh.one<{ invoice_date: string; due_date: string; amount: string; tax_amount: string }>(
      `select invoice_date, due_date, amount, tax_amount from invoices where invoice_id = '76621'`,
    );
    expect(inv).toEqual({ invoice_date: '2019-01-01', due_date: '2019-01-08', amount: '1987.20', tax_amount: '259.20' });
    expect(await t.wh.one(`select count(*)::int as n from invoices where amount <= 0`)).toEqual({ n: 0 });
    expect(await t.wh.one(`select min(invoice_date) as first, max(invoice_date) as last from invoices`)).toEqual({ first: '2019-01-01', last: '2019-12-31' });
  });
});
