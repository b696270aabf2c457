import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import { testApp } from '../helpers/app.ts';
import { ARROW_STREAM } from '../../api/plugins/arrow.ts';

type Harness = Awaited<ReturnType<typeof testApp>>;

describe('GET /api/v1/data-quality/freshness', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await testApp(async (t) => {
      await t.wh.run(
        `insert into load_runs (file_name, file_sha256, kind, status, started_at, finished_at) values
           ('c.csv', 'x', 'customers', 'loaded', timestamp '2026-02-01 10:00:00', timestamp '2026-02-01 10:00:05'),
           ('i.csv', 'y', 'invoices', 'loaded', timestamp '2026-02-03 10:00:00', null)`,
      );
      await t.wh.run(`insert into customers (customer_id, name, currency, created_date, load_run_id) values ('C1', 'A', 'EUR', date '2020-01-01', 1)`);
      await t.wh.run(
        `insert into invoices (invoice_id, customer_id, invoice_date, due_date, amount, currency, load_run_id) values
           ('I1', 'C1', date '2026-01-31', date '2026-03-01', 10, 'EUR', 2), ('I2', 'C1', date '2026-01-05', date '2026-02-04', 5, 'EUR', 2)`,
      );
      await t.wh.run(`insert into payments (payment_id, received_date, amount, currency) values ('P1', date '2026-01-21', 5, 'EUR')`);
    });
  });
  afterAll(async () => h.close());

  it('reports rows, latest date, days behind the newest transaction date and the last load per table', async () => {
    const res = await h.app.inject({ url: '/api/v1/data-quality/freshness' });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { newestDate: string; items: Record<string, unknown>[] };
    expect(body.newestDate).toBe('2026-01-31');
    const by = Object.fromEntries(body.items.map((i) => [i.table, i]));
    expect(by.invoices).toEqual({ table: 'invoices', master: false, dateColumn: 'invoice_date', rows: 2, latestDate: '2026-01-31', daysBehind: 0, lastLoadedAt: '2026-02-03T10:00:00' });
    expect(by.payments).toMatchObject({ rows: 1, latestDate: '2026-01-21', daysBehind: 10, lastLoadedAt: null });
    expect(by.customers).toMatchObject({ master: true, rows: 1, latestDate: '2020-01-01', daysBehind: null, lastLoadedAt: '2026-02-01T10:00:05' });
    expect(by.disputes).toMatchObject({ rows: 0, latestDate: null, daysBehind: null });
    expect(by.collectors).toMatchObject({ dateColumn: null, latestDate: null });
  });

  it('is also available as an Arrow stream', async () => {
    const res = await h.app.inject({ url: '/api/v1/data-quality/freshness', headers: { accept: ARROW_STREAM } });
    const table = tableFromIPC(res.rawPayload);
    expect(table.numRows).toBe(12);
    expect(JSON.parse(table.schema.metadata.get('ar-intel:meta') ?? '{}')).toEqual({ newestDate: '2026-01-31' });
  });
});
