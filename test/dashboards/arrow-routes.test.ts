/**
 * The table-shaped routes answer `Accept: application/vnd.apache.arrow.stream` with the same rows as their JSON:
 * each stream is decoded with apache-arrow and compared, row by row and field by field, with the JSON answer
 * (Int64 back to numbers, JSON-encoded nested columns parsed), and the other top-level fields travel in the
 * schema metadata. Over a small demo warehouse run through the whole pipeline, so every route has rows.
 */
import { tableFromIPC, type Table } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp, type App } from '../../api/app.ts';
import { ARROW_STREAM, JSON_ENCODING_KEY } from '../../api/plugins/arrow.ts';
import type { TestWarehouse } from '../helpers/warehouse.ts';
import { demoWarehouse } from './demo-warehouse.ts';

vi.setConfig({ testTimeout: 120_000 });

let t: TestWarehouse & { asOf: string };
let app: App;

beforeAll(async () => {
  t = await demoWarehouse(() => undefined, 60);
  app = await buildApp({ warehouse: t.wh, config: t.config }, { logger: false });
  await app.ready();
}, 600_000);

afterAll(async () => {
  await app?.close();
  t?.cleanup();
});

/** The stream's rows as plain objects shaped like the JSON rows. */
function rowsOf(table: Table): Record<string, unknown>[] {
  const json = new Set(table.schema.fields.filter((f) => f.metadata.get(JSON_ENCODING_KEY) === 'json').map((f) => f.name));
  return table.toArray().map((r: { toJSON(): Record<string, unknown> }) =>
    Object.fromEntries(
      Object.entries(r.toJSON()).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : json.has(k) && typeof v === 'string' ? JSON.parse(v) : v]),
    ),
  );
}

async function both(url: string, table: string, minRows = 1) {
  const jsonRes = await app.inject({ url, headers: { accept: 'application/json' } });
  expect(jsonRes.statusCode, url).toBe(200);
  const body = jsonRes.json() as Record<string, unknown>;
  const arrowRes = await app.inject({ url, headers: { accept: ARROW_STREAM } });
  expect(arrowRes.statusCode, url).toBe(200);
  expect(arrowRes.headers['content-type']).toBe(ARROW_STREAM);
  const decoded = tableFromIPC(arrowRes.rawPayload);
  const rows = body[table] as Record<string, unknown>[];
  expect(rows.length, `${url} has rows to compare`).toBeGreaterThanOrEqual(minRows);
  expect(decoded.numRows).toBe(rows.length);
  expect(rowsOf(decoded)).toEqual(rows);
  const rest = Object.fromEntries(Object.entries(body).filter(([k]) => k !== table));
  expect(JSON.parse(decoded.schema.metadata.get('ar-intel:meta') ?? '{}')).toEqual(rest);
  return { body, decoded };
}

describe('Arrow streams equal the JSON answers', () => {
  it('aging (nested buckets as JSON columns, filters in the metadata)', async () => {
    const { decoded } = await both(`/api/v1/metrics/aging?groupBy=customer&asOf=${t.asOf}`, 'items');
    expect(decoded.schema.fields.find((f) => f.name === 'buckets')?.metadata.get(JSON_ENCODING_KEY)).toBe('json');
    expect(String(decoded.schema.fields.find((f) => f.name === 'count')?.type)).toBe('Int64');
    const segment = (await app.inject(`/api/v1/metrics/filters`)).json().segments[0] as string;
    await both(`/api/v1/metrics/aging?groupBy=collector&segment=${segment}`, 'items');
  });

  it('trend, stored and filtered', async () => {
    await both('/api/v1/metrics/trend?metric=total_ar', 'points');
    await both('/api/v1/metrics/trend?metric=dso_countback', 'points');
    await both('/api/v1/metrics/trend?metric=cei&documentCurrency=USD', 'points');
  });

  it('worklists (team and a collector), and CSV stays CSV', async () => {
    // the team queue (overflow and customers without a collector) may be empty on a small book
    await both('/api/v1/worklists/team?pageSize=200', 'items', 0);
    const collector = await t.wh.one<{ id: string }>(
      `select collector_id as id from customers where collector_id is not null group by 1 order by count(*) desc limit 1`,
    );
    await both(`/api/v1/worklists/${collector!.id}?pageSize=200`, 'items');
    const csv = await app.inject({ url: '/api/v1/worklists/team?format=csv', headers: { accept: ARROW_STREAM } });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body.split('\n')[0]).toMatch(/^rank,customer_id/);
  });

  it('forecast weeks', async () => {
    const { decoded } = await both(`/api/v1/forecast/cash?asOf=${t.asOf}&weeks=13`, 'weeks');
    expect(decoded.numRows).toBe(13);
  });

  it('scores of customers and of invoices', async () => {
    await both('/api/v1/scores/customers?limit=10000', 'items');
    const { body } = await both('/api/v1/scores/invoices?limit=300', 'items');
    expect(typeof body.total).toBe('number');
  });
});
