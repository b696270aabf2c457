/**
 * Records the loader derives: cleared-item payments from invoices.paid_date/paid_amount and placeholder
 * disputes from invoices.disputed — idempotent on re-load, corrected without double counting.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ingestFiles } from '../../ingest/index.ts';
import type { Warehouse } from '../../core/warehouse.ts';
import { tempWarehouse, type TestWarehouse } from '../helpers/warehouse.ts';

const DIR = fileURLToPath(new URL('../fixtures/canonical/derived/', import.meta.url));

let t: TestWarehouse | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});

async function payments(wh: Warehouse) {
  return wh.all(
    `select payment_id, customer_id, received_date, amount::varchar as amount, currency, method
     from payments order by payment_id`,
  );
}

async function applications(wh: Warehouse) {
  return wh.all(
    `select payment_id, invoice_id, amount::varchar as amount, applied_date, method
     from payment_applications order by payment_id`,
  );
}

async function disputes(wh: Warehouse) {
  return wh.all(
    `select dispute_id, invoice_id, customer_id, opened_date, amount::varchar as amount, cause, status
     from disputes order by dispute_id`,
  );
}

describe('canonical invoices: derived records', () => {
  it('records PAID-<invoice_id> payments with imported applications, once, and corrects them in place', async () => {
    t = await tempWarehouse();
    const { wh } = t;
    const [first] = await ingestFiles(wh, [join(DIR, 'invoices.csv')]);
    // P-5 has a paid_date but no paid_amount: rejected, naming the missing field.
    expect(first).toMatchObject({ status: 'partial', rowsLoaded: 4, rowsRejected: 1 });
    expect(await wh.all('select line, field, reason from rejected_rows where load_run_id = $1', [BigInt(first?.loadRunId ?? 0)])).toEqual([
      { line: 6, field: 'paid_amount', reason: 'paid_amount is required when paid_date is given' },
    ]);
    expect(await payments(wh)).toEqual([
      { payment_id: 'PAID-P-1', customer_id: 'CUST-1', received_date: '2024-02-01', amount: '1200.00', currency: 'USD', method: 'cleared-item' },
      { payment_id: 'PAID-P-2', customer_id: 'CUST-1', received_date: '2024-02-10', amount: '250.00', currency: 'USD', method: 'cleared-item' },
    ]);
    expect(await applications(wh)).toEqual([
      { payment_id: 'PAID-P-1', invoice_id: 'P-1', amount: '1200.00', applied_date: '2024-02-01', method: 'imported' },
      { payment_id: 'PAID-P-2', invoice_id: 'P-2', amount: '250.00', applied_date: '2024-02-10', method: 'imported' },
    ]);

    const [again] = await ingestFiles(wh, [join(DIR, 'invoices.csv')]);
    expect(again?.status).toBe('duplicate');
    expect(await wh.all('select count(*)::integer as n from payments')).toEqual([{ n: 2 }]);

    const [corrected] = await ingestFiles(wh, [join(DIR, 'invoices-corrected.csv')]);
    // P-2 (paid differently) and P-4 (now paid and disputed) changed; P-1 and P-3 did not.
    expect(corrected).toMatchObject({ status: 'loaded', rowsLoaded: 0, rowsUpdated: 2, rowsDuplicate: 2 });
    expect(await payments(wh)).toEqual([
      { payment_id: 'PAID-P-1', customer_id: 'CUST-1', received_date: '2024-02-01', amount: '1200.00', currency: 'USD', method: 'cleared-item' },
      { payment_id: 'PAID-P-2', customer_id: 'CUST-1', received_date: '2024-02-12', amount: '300.00', currency: 'USD', method: 'cleared-item' },
      { payment_id: 'PAID-P-4', customer_id: 'CUST-2', received_date: '2024-02-20', amount: '90.00', currency: 'EUR', method: 'cleared-item' },
    ]);
    // Applied cash per invoice equals what the latest export says was paid: nothing counted twice.
    expect(
      await wh.all('select invoice_id, sum(amount)::varchar as applied from payment_applications group by all order by all'),
    ).toEqual([
      { invoice_id: 'P-1', applied: '1200.00' },
      { invoice_id: 'P-2', applied: '300.00' },
      { invoice_id: 'P-4', applied: '90.00' },
    ]);
    expect(corrected?.message).toContain('1 new and 1 changed cleared-item payment(s)');
  });

  it('opens DISP-<invoice_id> for invoices marked disputed, once, and lets a real dispute replace it', async () => {
    t = await tempWarehouse();
    const { wh } = t;
    await ingestFiles(wh, [join(DIR, 'invoices.csv')]);
    expect(await disputes(wh)).toEqual([
      { dispute_id: 'DISP-P-3', invoice_id: 'P-3', customer_id: 'CUST-2', opened_date: '2024-01-07', amount: '80.00', cause: 'unspecified', status: 'open' },
    ]);
    await ingestFiles(wh, [join(DIR, 'invoices-corrected.csv')]);
    expect((await disputes(wh)).map((d) => d.dispute_id)).toEqual(['DISP-P-3', 'DISP-P-4']);

    const [real] = await ingestFiles(wh, [join(DIR, 'disputes.csv')]);
    expect(real?.message).toContain('replaced 1 placeholder dispute(s)');
    expect((await disputes(wh)).map((d) => [d.dispute_id, d.invoice_id, d.cause])).toEqual([
      ['D-31', 'P-3', 'pricing'],
      ['DISP-P-4', 'P-4', 'unspecified'],
    ]);
  });

  it('opens no placeholder when the invoice already has a dispute', async () => {
    t = await tempWarehouse();
    const { wh } = t;
    await ingestFiles(wh, [join(DIR, 'disputes.csv')]);
    await ingestFiles(wh, [join(DIR, 'invoices.csv')]);
    expect((await disputes(wh)).map((d) => d.dispute_id)).toEqual(['D-31']);
  });
});
