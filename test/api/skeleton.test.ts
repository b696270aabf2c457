import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app.ts';

let ctx: Awaited<ReturnType<typeof testApp>>;
beforeAll(async () => {
  ctx = await testApp();
});
afterAll(async () => ctx.close());

describe('API skeleton', () => {
  it('answers /healthz on an empty warehouse', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'empty', invoices: 0, latestDataDate: null });
  });

  it('publishes an OpenAPI 3 document and the Swagger UI', async () => {
    const spec = await ctx.app.inject({ method: 'GET', url: '/docs/json' });
    expect(spec.statusCode).toBe(200);
    const doc = spec.json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toContain('/healthz');
    expect(Object.keys(doc.paths)).toContain('/api/v1/load-runs');
    const ui = await ctx.app.inject({ method: 'GET', url: '/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toMatch(/html/);
  });

  it('rejects bad input with 400 and the failing field path', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/load-runs?limit=abc' });
    expect(res.statusCode).toBe(400);
    const body = res.json<{ code: string; fields: { path: string }[] }>();
    expect(body.code).toBe('VALIDATION');
    expect(body.fields[0]?.path).toBe('querystring.limit');
  });

  it('answers unknown routes with a 404 body', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('hides internal errors behind a generic 500', async () => {
    ctx.t.wh.close();
    const res = await ctx.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ statusCode: 500, code: 'INTERNAL', message: 'internal error; the server log has the details' });
  });
});
