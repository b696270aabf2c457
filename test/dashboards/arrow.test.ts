import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { testApp } from '../helpers/app.ts';
import { ARROW_STREAM, arrowNegotiation, prefersArrow } from '../../api/plugins/arrow.ts';

type Harness = Awaited<ReturnType<typeof testApp>>;

describe('Accept negotiation', () => {
  it('keeps JSON unless Arrow is preferred', () => {
    expect(prefersArrow(undefined)).toBe(false);
    expect(prefersArrow('*/*')).toBe(false);
    expect(prefersArrow('application/json')).toBe(false);
    expect(prefersArrow(ARROW_STREAM)).toBe(true);
    expect(prefersArrow(`${ARROW_STREAM}, application/json;q=0.5`)).toBe(true);
    expect(prefersArrow(`application/json, ${ARROW_STREAM};q=0.2`)).toBe(false);
    expect(prefersArrow(`${ARROW_STREAM};q=0`)).toBe(false);
    expect(prefersArrow(`application/json;q=0.5, ${ARROW_STREAM};q=0.9`)).toBe(true);
  });
});

describe('GET /api/v1/load-runs as Arrow', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await testApp(async (t) => {
      await t.wh.run(
        `insert into load_runs (file_name, file_sha256, kind, profile, status, rows_read, rows_loaded, rows_rejected, balance_mismatch, started_at, finished_at)
         values ('inv.csv', 'abc', 'invoices', null, 'partial', 10, 8, 2, 12.34, timestamp '2026-01-02 03:04:05', timestamp '2026-01-02 03:04:09'),
                ('pay.csv', 'def', 'payments', 'sap', 'loaded', 5, 5, 0, null, timestamp '2026-01-03 00:00:00', null)`,
      );
      await t.wh.run(`insert into rejected_rows values (1, 4, 'amount', 'x', 'not a number'), (1, 7, 'due_date', '2026-13-01', 'not a date')`);
    });
  });
  afterAll(async () => h.close());

  it('answers JSON by default and says it varies by Accept', async () => {
    const res = await h.app.inject({ url: '/api/v1/load-runs' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.headers.vary).toMatch(/Accept/i);
    expect(res.json().items).toHaveLength(2);
  });

  it('answers an Arrow stream with the same rows and typed columns', async () => {
    const json = (await h.app.inject({ url: '/api/v1/load-runs' })).json() as { items: Record<string, unknown>[] };
    const res = await h.app.inject({ url: '/api/v1/load-runs', headers: { accept: ARROW_STREAM } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(ARROW_STREAM);
    const table = tableFromIPC(res.rawPayload);
    expect(table.numRows).toBe(2);
    const types = Object.fromEntries(table.schema.fields.map((f) => [f.name, `${String(f.type)}${f.nullable ? '?' : ''}`]));
    expect(types).toMatchObject({ loadRunId: 'Utf8', rowsRead: 'Int64', balanceMismatch: 'Utf8?', profile: 'Utf8?', finishedAt: 'Utf8?' });
    const rows = table.toArray().map((r: { toJSON(): Record<string, unknown> }) => r.toJSON());
    expect(rows.map((r) => r.fileName)).toEqual(json.items.map((r) => r.fileName));
    expect(rows.map((r) => r.balanceMismatch)).toEqual(json.items.map((r) => r.balanceMismatch));
    expect(rows.map((r) => r.balanceMismatch)).toEqual([null, '12.34']);
    expect(rows.map((r) => Number(r.rowsRejected))).toEqual(json.items.map((r) => r.rowsRejected));
  });

  it('serves nested table routes and empty results with the full schema', async () => {
    const res = await h.app.inject({ url: '/api/v1/load-runs/99/rejected-rows', headers: { accept: ARROW_STREAM } });
    const table = tableFromIPC(res.rawPayload);
    expect(table.numRows).toBe(0);
    expect(table.schema.fields.map((f) => f.name)).toEqual(['line', 'field', 'value', 'reason']);
    const full = tableFromIPC((await h.app.inject({ url: '/api/v1/load-runs/1/rejected-rows', headers: { accept: ARROW_STREAM } })).rawPayload);
    expect(full.getChild('reason')?.toArray()).toEqual(['not a number', 'not a date']);
  });

  it('keeps errors as JSON', async () => {
    const res = await h.app.inject({ url: '/api/v1/load-runs?limit=0', headers: { accept: ARROW_STREAM } });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.json().code).toBe('VALIDATION');
  });

  it('documents the Arrow representation in the OpenAPI description', async () => {
    const spec = (await h.app.inject({ url: '/docs/json' })).json() as { paths: Record<string, { get: { description?: string } }> };
    expect(spec.paths['/api/v1/load-runs']?.get.description).toContain(ARROW_STREAM);
  });
});

describe('opting in', () => {
  it('carries the other top-level fields in the schema metadata', async () => {
    const app = Fastify().withTypeProvider<ZodTypeProvider>();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    await app.register(arrowNegotiation);
    app.get(
      '/t',
      {
        config: { arrowTable: 'rows' },
        schema: { response: { 200: z.object({ asOf: z.string(), rows: z.array(z.object({ x: z.number(), ok: z.boolean(), tags: z.array(z.string()) })) }) } },
      },
      async () => ({ asOf: '2026-01-31', rows: [{ x: 1.5, ok: true, tags: ['a'] }] }),
    );
    const res = await app.inject({ url: '/t', headers: { accept: ARROW_STREAM } });
    const table = tableFromIPC(res.rawPayload);
    expect(JSON.parse(table.schema.metadata.get('ar-intel:meta') ?? '{}')).toEqual({ asOf: '2026-01-31' });
    expect(table.getChild('x')?.get(0)).toBe(1.5);
    expect(table.getChild('ok')?.get(0)).toBe(true);
    expect(table.getChild('tags')?.get(0)).toBe('["a"]');
    await app.close();
  });

  it('rejects at start-up a route whose arrowTable is not an array of rows', async () => {
    const app = Fastify().withTypeProvider<ZodTypeProvider>();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    await app.register(arrowNegotiation);
    expect(() =>
      app.get('/bad', { config: { arrowTable: 'total' }, schema: { response: { 200: z.object({ total: z.string() }) } } }, async () => ({ total: '1' })),
    ).toThrow(/arrowTable 'total' must name an array of objects/);
    await app.close();
  });
});
