/**
 * QuickBooks Online Invoice List report (profile quickbooks-invoice-list): the hand-written sample in the
 * report's layout (test/fixtures/erp/SOURCES.md), loaded together with the A/R Aging Detail of the same
 * company, and the demo writer's output read back through the detected profile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ingestFiles } from '../../ingest/index.ts';
import { convertFile } from '../../ingest/profiles/index.ts';
import { renderQuickbooksInvoiceList } from '../../ingest/profiles/writers/quickbooks.ts';
import { renderFormat } from '../../ingest/profiles/writers/index.ts';
import { tempWarehouse, type TestWarehouse } from '../helpers/warehouse.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/erp/quickbooks/', import.meta.url));

let t: TestWarehouse;
beforeAll(async () => {
  t = await tempWarehouse();
});
afterAll(() => t?.cleanup());

describe('QuickBooks Online Invoice List', () => {
  it('loads open invoices, skips paid-off ones and the report furniture, rejects a bad date by line and column', async () => {
    const [r, ...more] = await ingestFiles(t.wh, [join(FIXTURES, 'invoice-list.csv')]);
    expect(more).toEqual([]);
    expect(r).toMatchObject({ kind: 'invoices', profile: 'quickbooks-invoice-list', status: 'partial', rowsLoaded: 4, rowsRejected: 1 });
    // TOTAL, the footer line and the paid-off invoice 1027.
    expect(r!.message).toContain('3 row(s) skipped');
    expect(await t.wh.all(`select line, field, value, reason from rejected_rows where load_run_id = $1::bigint`, [r!.loadRunId])).toEqual([
      { line: 11, field: 'Due Date', value: '02/31/2026', reason: 'invoices.due_date: "02/31/2026" is not a date in the format "MM/dd/yyyy" or "M/d/yyyy"' },
    ]);
    expect(await t.wh.all(`select invoice_id, customer_id, invoice_date, due_date, amount, currency, source_line from invoices order by 1`)).toEqual([
      { invoice_id: '1021', customer_id: "Amy's Bird Sanctuary", invoice_date: '2026-01-15', due_date: '2026-02-14', amount: '1250.00', currency: 'USD', source_line: 6 },
      { invoice_id: '1031', customer_id: 'Freeman Sporting Goods', invoice_date: '2026-02-03', due_date: '2026-03-05', amount: '85.00', currency: 'USD', source_line: 8 },
      { invoice_id: '1037', customer_id: 'Sonnenschein Family Store', invoice_date: '2026-02-10', due_date: '2026-03-12', amount: '362.07', currency: 'USD', source_line: 9 },
      // No due date on the report: due on the invoice date.
      { invoice_id: '1038', customer_id: 'Geeta Kalapatapu', invoice_date: '2026-02-12', due_date: '2026-02-12', amount: '4100.50', currency: 'USD', source_line: 10 },
    ]);
  });

  it('shares invoices with the A/R Aging Detail of the same company without counting them twice', async () => {
    const results = await ingestFiles(t.wh, [join(FIXTURES, 'ar-aging-detail.csv')]);
    const invoices = results.find((x) => x.kind === 'invoices');
    expect(invoices).toMatchObject({ profile: 'quickbooks-ar-aging-detail', rowsLoaded: 0, rowsDuplicate: 2 });
    expect(await t.wh.one(`select count(*)::int as n, sum(amount)::varchar as total from invoices`)).toEqual({ n: 4, total: '5797.57' });
  });

  it('is what the demo writer emits for --format quickbooks, and reads back to the same invoices', async () => {
    const set = {
      invoices: [
        { invoice_id: 'INV-1', customer_id: 'C1', invoice_date: '2026-01-05', due_date: '2026-02-04', amount: '1234.50', currency: 'USD', po_number: 'PO-9' },
        { invoice_id: 'INV-2', customer_id: 'C2, Inc.', invoice_date: '2026-01-09', due_date: '2026-01-23', amount: '99.00', currency: 'EUR', po_number: '' },
        { invoice_id: 'INV-3', customer_id: 'C1', invoice_date: '2026-01-10', due_date: '2026-02-09', amount: '50.00', currency: 'USD', po_number: '' },
      ],
      applications: [
        { payment_id: 'P1', invoice_id: 'INV-1', amount: '234.50', applied_date: '2026-01-20' },
        { payment_id: 'P2', invoice_id: 'INV-3', amount: '50.00', applied_date: '2026-01-21' },
      ],
    };
    expect(renderFormat('quickbooks', set).map((f) => f.name)).toEqual(['ar-aging-detail.csv', 'invoice-list.csv']);
    const file = renderQuickbooksInvoiceList(set);
    expect(file.content.split('\n').slice(4, 6)).toEqual([
      'Date,Num,Customer,Memo/Description,Due Date,Amount,Open Balance,Currency',
      '01/05/2026,INV-1,C1,PO PO-9,02/04/2026,"1,234.50","1,000.00",USD',
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'ar-intel-qbo-'));
    try {
      writeFileSync(join(dir, file.name), file.content);
      const conv = await convertFile(join(dir, file.name));
      expect(conv.profile).toBe('quickbooks-invoice-list');
      expect(conv.rejected).toEqual([]);
      expect(conv.rowsSkipped).toBe(2); // INV-3 paid off, TOTAL
      expect(conv.records.get('invoices')?.map((r) => r.values)).toEqual([
        { invoice_id: 'INV-1', customer_id: 'C1', invoice_date: '2026-01-05', due_date: '2026-02-04', amount: '1234.50', currency: 'USD' },
        { invoice_id: 'INV-2', customer_id: 'C2, Inc.', invoice_date: '2026-01-09', due_date: '2026-01-23', amount: '99.00', currency: 'EUR' },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
