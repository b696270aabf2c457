/**
 * Every built-in profile on a sample export written in that system's layout (test/fixtures/erp/SOURCES.md),
 * loaded through the normal ingest entry point with the profile detected from the headers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ingestFiles, type IngestResult } from '../../ingest/index.ts';
import { tempWarehouse, type TestWarehouse } from '../helpers/warehouse.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/erp/', import.meta.url));
const fixture = (p: string) => join(FIXTURES, p);

let t: TestWarehouse;
beforeAll(async () => {
  t = await tempWarehouse();
});
afterAll(() => t?.cleanup());

const byKind = (results: IngestResult[]) => Object.fromEntries(results.map((r) => [r.kind, r]));

async function rejected(loadRunId: string) {
  return t.wh.all<{ line: number; field: string | null; value: string | null; reason: string }>(
    'select line, field, value, reason from rejected_rows where load_run_id = $1::bigint order by line, field',
    [loadRunId],
  );
}

describe('NetSuite transaction saved search', () => {
  it('loads invoices, credit memos and payments and rejects bad rows by source line and column', async () => {
    const results = await ingestFiles(t.wh, [fixture('netsuite/transactions.csv')]);
    const r = byKind(results);
    expect(results.map((x) => [x.kind, x.profile, x.status])).toEqual([
      ['invoices', 'netsuite-transactions', 'partial'],
      ['credit_notes', 'netsuite-transactions', 'loaded'],
      ['payments', 'netsuite-transactions', 'loaded'],
    ]);
    expect(r.invoices).toMatchObject({ rowsLoaded: 3, rowsRejected: 2 });
    expect(await rejected(r.invoices!.loadRunId)).toEqual([
      { line: 7, field: 'Type', value: null, reason: `row belongs to none of the profile's outputs (Type="Journal")` },
      { line: 8, field: 'Date', value: '13/45/2026', reason: 'invoices.invoice_date: "13/45/2026" is not a date in the format "M/d/yyyy" or "yyyy-MM-dd"' },
    ]);
    expect(await t.wh.all(`select invoice_id, customer_id, invoice_date, due_date, amount, currency, terms_days, source_line from invoices where invoice_id like 'INV%' order by 1`)).toEqual([
      { invoice_id: 'INV10452', customer_id: 'Acme Industrial Supply', invoice_date: '2026-01-05', due_date: '2026-02-04', amount: '12500.00', currency: 'USD', terms_days: 30, source_line: 2 },
      { invoice_id: 'INV10453', customer_id: 'Birch & Sons, LLC', invoice_date: '2026-01-12', due_date: '2026-02-11', amount: '3240.50', currency: 'USD', terms_days: 30, source_line: 3 },
      { invoice_id: 'INV10461', customer_id: 'Northwind Traders', invoice_date: '2026-02-09', due_date: '2026-03-11', amount: '1000.00', currency: 'EUR', terms_days: 60, source_line: 9 },
    ]);
    expect(await t.wh.all(`select credit_note_id, amount, reason from credit_notes where credit_note_id = 'CM1007'`)).toEqual([
      { credit_note_id: 'CM1007', amount: '450.00', reason: 'Damaged pallets returned' },
    ]);
    expect(await t.wh.all(`select payment_id, customer_id, amount, reference, source, source_file from payments where payment_id in ('PYMT2201', 'NS-10999') order by 1`)).toEqual([
      { payment_id: 'NS-10999', customer_id: 'Birch & Sons, LLC', amount: '3240.50', reference: null, source: 'netsuite-transactions', source_file: 'transactions.csv' },
      { payment_id: 'PYMT2201', customer_id: 'Acme Industrial Supply', amount: '12050.00', reference: 'CHK 58812', source: 'netsuite-transactions', source_file: 'transactions.csv' },
    ]);
  });
});

describe('SAP FBL5N line items', () => {
  it('loads open and cleared items with clearing, reason codes and German formats from a latin-1 file', async () => {
    const r = byKind(await ingestFiles(t.wh, [fixture('sap/fbl5n-line-items.csv')]));
    expect(Object.keys(r)).toEqual(['invoices', 'credit_notes', 'payments']);
    expect(r.invoices).toMatchObject({ rowsLoaded: 3, rowsRejected: 1, status: 'partial', profile: 'sap-fbl5n' });
    expect(r.invoices!.message).toContain('1 row(s) skipped');
    expect(r.invoices!.message).toContain('read as Windows-1252/latin-1');
    expect(await rejected(r.invoices!.loadRunId)).toEqual([
      { line: 8, field: 'Document Type', value: null, reason: `row belongs to none of the profile's outputs (Document Type="AB", Clearing Document="")` },
    ]);
    expect(await t.wh.all(`select invoice_id, customer_id, invoice_date, due_date, amount, currency, po_number from invoices where invoice_id like '9000%' order by 1`)).toEqual([
      { invoice_id: '90001234', customer_id: '100234', invoice_date: '2026-01-15', due_date: '2026-02-14', amount: '11900.00', currency: 'EUR', po_number: '4500012345' },
      { invoice_id: '90001301', customer_id: '100234', invoice_date: '2026-01-20', due_date: '2026-02-19', amount: '2380.00', currency: 'EUR', po_number: '4500012399' },
      { invoice_id: '90001322', customer_id: '100587', invoice_date: '2026-01-28', due_date: '2026-02-27', amount: '1785.00', currency: 'EUR', po_number: '4500012401' },
    ]);
    // The cleared invoice's settlement, the open payment on account, and the disputed open invoice.
    expect(await t.wh.all(`select payment_id, received_date, amount, remittance_text from payments where currency = 'EUR' order by 1`)).toEqual([
      { payment_id: '1400000602', received_date: '2026-02-12', amount: '500.00', remittance_text: 'Anzahlung Müller GmbH' },
      { payment_id: 'PAID-90001234', received_date: '2026-02-10', amount: '11900.00', remittance_text: null },
    ]);
    expect(await t.wh.all(`select invoice_id, amount::varchar as amount from payment_applications where payment_id = 'PAID-90001234'`)).toEqual([
      { invoice_id: '90001234', amount: '11900.00' },
    ]);
    expect(await t.wh.all(`select invoice_id, cause from disputes where invoice_id like '9000%'`)).toEqual([{ invoice_id: '90001322', cause: 'unspecified' }]);
    expect(await t.wh.all(`select credit_note_id, customer_id, amount, reason from credit_notes where currency = 'EUR'`)).toEqual([
      { credit_note_id: '1700000045', customer_id: '100587', amount: '238.00', reason: '003' },
    ]);
  });
});

describe('QuickBooks Online A/R Aging Detail', () => {
  it('skips the title block, section captions and totals', async () => {
    const r = byKind(await ingestFiles(t.wh, [fixture('quickbooks/ar-aging-detail.csv')]));
    expect(Object.keys(r)).toEqual(['invoices', 'credit_notes', 'payments']);
    expect(r.invoices).toMatchObject({ status: 'loaded', rowsLoaded: 2, rowsRejected: 0 });
    expect(r.invoices!.message).toContain('6 row(s) skipped');
    expect(await t.wh.all(`select invoice_id, customer_id, invoice_date, due_date, amount from invoices where invoice_id in ('1021', '1037') order by 1`)).toEqual([
      { invoice_id: '1021', customer_id: "Amy's Bird Sanctuary", invoice_date: '2026-01-15', due_date: '2026-02-14', amount: '1250.00' },
      { invoice_id: '1037', customer_id: 'Sonnenschein Family Store', invoice_date: '2026-02-10', due_date: '2026-03-12', amount: '362.07' },
    ]);
    expect(await t.wh.all(`select credit_note_id, amount from credit_notes where credit_note_id = '1030'`)).toEqual([{ credit_note_id: '1030', amount: '100.00' }]);
    expect(await t.wh.all(`select payment_id, amount, source_line from payments where customer_id = 'Freeman Sporting Goods'`)).toEqual([
      { payment_id: 'QBO-PMT-Freeman Sporting Goods-02/01/2026--85.00', amount: '85.00', source_line: 12 },
    ]);
  });
});

describe('Xero', () => {
  it('loads contacts before invoices, folds line items and skips drafts', async () => {
    // Given invoices first: the contacts file still loads first (customers precede invoices).
    const results = await ingestFiles(t.wh, [fixture('xero/invoices.csv'), fixture('xero/contacts.csv')]);
    expect(results.map((x) => [x.file, x.kind, x.status])).toEqual([
      ['contacts.csv', 'customers', 'partial'],
      ['invoices.csv', 'invoices', 'partial'],
      ['invoices.csv', 'credit_notes', 'loaded'],
    ]);
    const [contacts, invoices] = results;
    expect(await rejected(contacts!.loadRunId)).toEqual([
      { line: 5, field: 'DueDateSalesDay', value: 'x14', reason: 'customers.payment_terms_days: "x14" is not a number (decimal mark ".")' },
    ]);
    expect(await rejected(invoices!.loadRunId)).toEqual([
      { line: 7, field: 'InvoiceDate', value: '31/2/2026', reason: 'invoices.invoice_date: "31/2/2026" is not a date in the format "d/M/yyyy" or "yyyy-MM-dd"' },
    ]);
    expect(invoices!.message).toContain('1 further row(s) with an already seen invoice_id folded into the first');
    expect(await t.wh.all(`select customer_id, country, payment_terms_days, contact_name, email from customers where customer_id in ('Ridgeway University', 'Bayside Club', 'Marine Systems') order by 1`)).toEqual([
      { customer_id: 'Bayside Club', country: 'United Kingdom', payment_terms_days: 30, contact_name: 'Tom', email: 'accounts@bayside.example' },
      { customer_id: 'Marine Systems', country: 'Australia', payment_terms_days: 30, contact_name: null, email: null },
      { customer_id: 'Ridgeway University', country: 'United Kingdom', payment_terms_days: 30, contact_name: 'Priya Shah', email: 'ap@ridgeway.example' },
    ]);
    expect(await t.wh.all(`select invoice_id, invoice_date, due_date, amount, tax_amount, currency, po_number from invoices where currency = 'GBP' order by 1`)).toEqual([
      { invoice_id: 'INV-0041', invoice_date: '2026-01-05', due_date: '2026-02-04', amount: '1440.00', tax_amount: '240.00', currency: 'GBP', po_number: 'PO 88213' },
      { invoice_id: 'INV-0042', invoice_date: '2026-01-12', due_date: '2026-02-11', amount: '594.00', tax_amount: '99.00', currency: 'GBP', po_number: null },
    ]);
    expect(await t.wh.all(`select credit_note_id, amount from credit_notes where currency = 'GBP'`)).toEqual([{ credit_note_id: 'CN-0007', amount: '96.00' }]);
  });
});

describe('Salesforce', () => {
  it('loads accounts and turns won and open opportunities and orders into orders', async () => {
    const results = await ingestFiles(t.wh, [fixture('salesforce/opportunities.csv'), fixture('salesforce/orders.csv'), fixture('salesforce/accounts.csv')]);
    expect(results.map((x) => [x.file, x.kind, x.status, x.rowsLoaded])).toEqual([
      ['accounts.csv', 'customers', 'loaded', 3],
      ['opportunities.csv', 'orders', 'partial', 2],
      ['orders.csv', 'orders', 'loaded', 2],
    ]);
    expect(await rejected(results[1]!.loadRunId)).toEqual([
      { line: 5, field: 'Amount', value: '', reason: 'orders.amount is required but column "Amount" is empty' },
    ]);
    expect(await t.wh.all(`select customer_id, name, parent_id, country, currency, segment, industry, created_date from customers where customer_id like '0015%' order by 1`)).toEqual([
      { customer_id: '0015g00000AbCdEAAV', name: 'Global Media Holdings', parent_id: null, country: 'USA', currency: 'USD', segment: 'Customer - Direct', industry: 'Media', created_date: '2024-03-14' },
      { customer_id: '0015g00000AbCdFAAV', name: 'Global Media, West', parent_id: '0015g00000AbCdEAAV', country: 'USA', currency: 'USD', segment: 'Customer - Channel', industry: 'Media', created_date: '2024-06-02' },
      { customer_id: '0015g00000AbCdGAAV', name: 'Edge Communications GmbH', parent_id: null, country: 'Germany', currency: 'EUR', segment: 'unassigned', industry: 'unknown', created_date: '2025-01-09' },
    ]);
    expect(await t.wh.all(`select order_id, customer_id, order_date, amount, expected_invoice_date, status, po_number from orders order by 1`)).toEqual([
      { order_id: '00000100', customer_id: '0015g00000AbCdEAAV', order_date: '2026-02-02', amount: '48000.00', expected_invoice_date: null, status: 'booked', po_number: 'GM-PO-5512' },
      { order_id: '00000101', customer_id: '0015g00000AbCdFAAV', order_date: '2026-02-20', amount: '1250.50', expected_invoice_date: null, status: 'draft', po_number: null },
      { order_id: '0065g00000Qq1AAAAZ', customer_id: '0015g00000AbCdEAAV', order_date: '2025-11-03', amount: '48000.00', expected_invoice_date: '2026-01-30', status: 'booked', po_number: null },
      { order_id: '0065g00000Qq1BAAAZ', customer_id: '0015g00000AbCdFAAV', order_date: '2026-01-12', amount: '12500.00', expected_invoice_date: '2026-03-31', status: 'pipeline', po_number: null },
    ]);
  });
});

describe('a user mapping file (no code)', () => {
  it('loads a ledger with document types, Soll/Haben, debit/credit columns and clearing through --profile path.json', async () => {
    const results = await ingestFiles(t.wh, [fixture('generic/ledger.csv')], { profile: fixture('generic/ledger-mapping.json') });
    expect(results.map((x) => [x.kind, x.profile, x.status, x.rowsLoaded, x.rowsRejected])).toEqual([
      ['invoices', 'example-ledger', 'partial', 2, 1],
      ['credit_notes', 'example-ledger', 'partial', 1, 1],
      ['payments', 'example-ledger', 'loaded', 1, 0],
    ]);
    // Converted fine but refused by the canonical checks: still named by source line and source columns.
    expect(await rejected(results[1]!.loadRunId)).toEqual([{ line: 8, field: 'Soll+Haben (amount)', value: '-5.00', reason: expect.stringMatching(/amount/) }]);
    expect(await rejected(results[0]!.loadRunId)).toEqual([
      // due_date is computed from the same cell, so the one bad date is reported for both fields.
      { line: 7, field: 'Datum', value: '2026-01-12', reason: 'invoices.invoice_date: "2026-01-12" is not a date in the format "dd.MM.yyyy" or "yyyyMMdd"' },
      { line: 7, field: 'Datum', value: '2026-01-12', reason: 'invoices.due_date: "2026-01-12" is not a date in the format "dd.MM.yyyy" or "yyyyMMdd"' },
    ]);
    expect(await t.wh.all(`select invoice_id, due_date, amount, currency, po_number from invoices where customer_id = 'K100' order by 1`)).toEqual([
      { invoice_id: '4711', due_date: '2026-02-04', amount: '1190.00', currency: 'EUR', po_number: 'PO-B-77' },
      { invoice_id: '4712', due_date: '2026-01-21', amount: '50.00', currency: 'CHF', po_number: null },
    ]);
    expect(await t.wh.all(`select payment_id, received_date, amount from payments where customer_id in ('K100', 'K200') order by 1`)).toEqual([
      { payment_id: '9002', received_date: '2026-02-03', amount: '300.00' },
      { payment_id: 'PAID-4711', received_date: '2026-02-02', amount: '1190.00' },
    ]);
    expect(await t.wh.all(`select invoice_id from disputes where invoice_id in ('4711', '4712')`)).toEqual([{ invoice_id: '4712' }]);
    expect(await t.wh.all(`select credit_note_id, amount, reason from credit_notes where customer_id = 'K200'`)).toEqual([
      { credit_note_id: '7001', amount: '119.00', reason: 'Preisnachlass' },
    ]);
  });
});

describe('profile selection errors', () => {
  it('throws for an unknown --profile and records a failed load for a file the profile does not fit', async () => {
    await expect(ingestFiles(t.wh, [fixture('xero/contacts.csv')], { profile: 'xero' })).rejects.toThrow(/unknown profile "xero"/);
    const [failed] = await ingestFiles(t.wh, [fixture('xero/contacts.csv')], { profile: 'sap-fbl5n' });
    expect(failed).toMatchObject({ status: 'failed', profile: 'sap-fbl5n', kind: 'invoices', file: 'contacts.csv' });
    expect(failed!.message).toMatch(/profile sap-fbl5n: no header row found in the first 30 rows; closest is line 1, which lacks "Document Type" or "Doc. Type" or "Type", .*"Document Number" or "DocumentNo"/);
  });

  it('marks a re-ingested export as a duplicate for every kind', async () => {
    const again = await ingestFiles(t.wh, [fixture('netsuite/transactions.csv')]);
    expect(again.map((x) => x.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);
  });
});
