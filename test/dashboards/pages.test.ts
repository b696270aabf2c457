/**
 * The dashboards in a real browser against the real API: every page loads without console errors or foreign
 * requests, every chart draws one mark per datum the API returned, and a screenshot of each page (desktop and
 * tablet width) lands in test/artifacts/dashboards/ for a person to look at.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../api/app.ts';
import { tempWarehouse, type TestWarehouse } from '../helpers/warehouse.ts';
import { runCashApplication } from '../../scoring/cash-application/run.ts';
import { launchBrowser, listenEphemeral, markCount, openPage, screenshots, type Browser } from './browser.ts';

let t: TestWarehouse;
let app: App;
let origin: string;
let browser: Browser;

async function api<T>(path: string): Promise<T> {
  const res = await fetch(origin + path);
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

async function seedLoads(wh: TestWarehouse['wh']): Promise<void> {
  await wh.run(
    `insert into load_runs (file_name, file_sha256, kind, profile, status, rows_read, rows_loaded, rows_updated, rows_rejected, rows_duplicate, message, started_at, finished_at)
     values ('customers.csv', 'a1', 'customers', 'canonical', 'loaded', 3, 3, 0, 0, 0, null, timestamp '2026-03-01 08:00:00', timestamp '2026-03-01 08:00:02'),
            ('invoices-march.csv', 'b2', 'invoices', 'canonical', 'partial', 6, 3, 0, 3, 0, '3 rows rejected', timestamp '2026-03-02 08:00:00', timestamp '2026-03-02 08:00:03'),
            ('invoices-march.csv', 'b2', 'invoices', 'canonical', 'duplicate', 6, 0, 0, 0, 6, 'same file as load 2', timestamp '2026-03-02 09:00:00', timestamp '2026-03-02 09:00:01'),
            ('payments.csv', 'c3', 'payments', 'canonical', 'loaded', 2, 1, 1, 0, 0, null, timestamp '2026-03-03 08:00:00', timestamp '2026-03-03 08:00:01')`,
  );
  await wh.run(
    `insert into rejected_rows values (2, 3, 'amount', 'twelve', 'amount is not a decimal number'),
       (2, 5, 'due_date', '2026-02-30', 'due_date is not a calendar date'), (2, 6, 'amount', '', 'amount is required')`,
  );
  await wh.run(
    `insert into customers (customer_id, name, currency, created_date, load_run_id) values
       ('C1', 'Acme', 'USD', date '2024-01-10', 1), ('C2', 'Globex', 'USD', date '2025-06-01', 1), ('C3', 'Initech', 'USD', null, 1)`,
  );
  await wh.run(
    `insert into invoices (invoice_id, customer_id, invoice_date, due_date, amount, currency, load_run_id) values
       ('I1', 'C1', date '2026-02-01', date '2026-03-03', 100.00, 'USD', 2), ('I2', 'C2', date '2026-02-20', date '2026-03-22', 250.50, 'USD', 2),
       ('I3', 'C3', date '2026-02-27', date '2026-03-29', 75.25, 'USD', 2)`,
  );
  await wh.run(
    `insert into payments (payment_id, customer_id, received_date, amount, currency, load_run_id) values ('P1', 'C1', date '2026-01-15', 100.00, 'USD', 4)`,
  );
}

/** Payments the matcher cannot apply alone, so the exceptions queue has entries with and without candidates. */
async function seedCashApplication(wh: TestWarehouse['wh']): Promise<void> {
  await wh.run(
    `insert into invoices (invoice_id, customer_id, invoice_date, due_date, amount, currency) values
       ('INV-3', 'C3', date '2026-02-05', date '2026-03-07', 1200.00, 'USD'), ('INV-4', 'C3', date '2026-02-06', date '2026-03-08', 300.00, 'USD')`,
  );
  await wh.run(
    `insert into payments (payment_id, payer_name, received_date, amount, currency, reference) values
       ('PAY-1', null, date '2026-03-04', 500.00, 'USD', null), ('PAY-2', 'INITECH', date '2026-03-06', 1450.00, 'USD', 'remit march'),
       ('PAY-3', 'Unknown Trading', date '2026-03-06', 77.00, 'USD', null)`,
  );
  await runCashApplication(wh, '2026-03-10', {});
}

beforeAll(async () => {
  browser = await launchBrowser();
  t = await tempWarehouse();
  await seedLoads(t.wh);
  await seedCashApplication(t.wh);
  app = await buildApp({ warehouse: t.wh, config: t.config }, { logger: false });
  origin = await listenEphemeral(app);
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  t?.cleanup();
});

describe('data quality page', () => {
  it('shows freshness, recent loads, the rows chart and the rejected rows of the latest partial load', async () => {
    const { page, problems } = await openPage(browser, origin, '/data-quality.html');
    const runs = await api<{ items: { loadRunId: string; rowsLoaded: number; rowsUpdated: number; rowsDuplicate: number; rowsRejected: number }[] }>('/api/v1/load-runs?limit=100');
    const nonZero = runs.items.slice(0, 20).reduce((n, r) => n + [r.rowsLoaded, r.rowsUpdated, r.rowsDuplicate, r.rowsRejected].filter((v) => v > 0).length, 0);
    expect(nonZero).toBe(6);
    expect(await markCount(page, 'load-rows', 'load rows bars')).toBe(nonZero);

    const fresh = await api<{ items: { table: string }[] }>('/api/v1/data-quality/freshness');
    await expect.poll(() => page.locator('[data-table="freshness"] tbody tr').count()).toBe(fresh.items.length);
    expect(await page.locator('[data-table="load-runs"] tbody tr').count()).toBe(runs.items.length);

    // The newest load with rejects is selected first; its three rejected rows and two fields are shown.
    expect(await page.locator('[data-table="rejected-rows"] tbody tr').count()).toBe(3);
    expect(await markCount(page, 'rejects-by-field', 'rejects bars')).toBe(2);
    await expect.poll(() => page.locator('[data-table="rejected-rows"]').textContent()).toContain('due_date is not a calendar date');

    // Keyboard: focus another load and press Enter.
    await page.locator('[data-table="load-runs"] tbody tr', { hasText: 'payments.csv' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('main').textContent()).toContain('This load rejected no rows.');

    await screenshots(browser, page, 'data-quality');
    expect(problems).toEqual([]);
    await page.close();
  });
});

interface Exceptions {
  total: number;
  items: { paymentId: string; candidates: { rank: number }[] }[];
}

describe('cash application page', () => {
  it('lists the exceptions, shows ranked candidates and confirms one through the API', async () => {
    const before = await api<Exceptions>('/api/v1/cash-application/exceptions?limit=50');
    expect(before.total).toBeGreaterThan(0);
    const { page, problems } = await openPage(browser, origin, '/cash-application.html');
    expect(await page.locator('[data-table="exceptions"] tbody tr').count()).toBe(before.items.length);

    const first = before.items[0]!;
    expect(first.candidates.length).toBeGreaterThan(0);
    expect(await page.locator(`[data-exception="${first.paymentId}"] [data-candidate]`).count()).toBe(first.candidates.length);
    expect(await markCount(page, 'candidate-confidence', 'confidence bars')).toBe(first.candidates.length);
    await screenshots(browser, page, 'cash-application');

    await page.getByRole('button', { name: 'Confirm #1' }).click();
    await expect.poll(() => page.locator('.notice.ok').textContent()).toContain(`Payment ${first.paymentId} applied`);
    const after = await api<Exceptions>('/api/v1/cash-application/exceptions?limit=50');
    expect(after.total).toBe(before.total - 1);
    expect(after.items.map((i) => i.paymentId)).not.toContain(first.paymentId);
    await expect.poll(() => page.locator('[data-table="exceptions"] tbody tr').count()).toBe(after.items.length);
    expect(problems).toEqual([]);
    await page.close();
  });
});
