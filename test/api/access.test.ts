import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey, type Role } from '../../api/access/keys.ts';
import { testApp } from '../helpers/app.ts';

/**
 * Walks every route of the OpenAPI spec with no key and with each role, and checks the answer against
 * the table below (written by hand, not derived from the policy, so a policy slip shows up here).
 */
const ROLES: Role[] = ['collector', 'credit', 'cfo', 'admin'];
const EXPECTED: [RegExp, 'public' | Role[]][] = [
  [/^GET \/healthz$/, 'public'],
  [/^(GET|POST|DELETE) \/api\/v1\/session$/, 'public'],
  [/^GET \/api\/v1\/worklists\/team$/, ['cfo', 'admin']],
  [/^GET \/api\/v1\/worklists\/\{collectorId\}$/, ['collector', 'cfo', 'admin']],
  [/^GET \/api\/v1\/customers(\/.*)?$/, ['collector', 'credit', 'cfo', 'admin']],
  [/^(POST \/api\/v1\/(activities|promises|disputes)|PATCH \/api\/v1\/disputes\/\{id\})$/, ['collector', 'admin']],
  [/^POST \/api\/v1\/credit\/assess$/, ['credit', 'admin']],
  [/^GET \/api\/v1\/scores\//, ['credit', 'cfo', 'admin']],
  [/^GET \/api\/v1\/forecast\/bad-debt$/, ['credit', 'cfo', 'admin']],
  [/^(POST|PUT|PATCH|DELETE) \/api\/v1\//, ['admin']],
  [/^GET \/api\/v1\//, ['cfo', 'admin']],
];

function expectedFor(route: string): 'public' | Role[] {
  const hit = EXPECTED.find(([re]) => re.test(route));
  if (!hit) throw new Error(`no expectation for ${route}`);
  return hit[1];
}

let ctx: Awaited<ReturnType<typeof testApp>>;
const keys = new Map<Role, string>();
let routes: { method: string; path: string; url: string }[] = [];

beforeAll(async () => {
  ctx = await testApp(
    async (t) => {
      await t.wh.run(`insert into collectors (collector_id, name) values ('C1', 'Ann'), ('C2', 'Bob')`);
      await t.wh.run(`insert into customers (customer_id, name, currency, collector_id) values ('CU1', 'Acme', 'USD', 'C1'), ('CU2', 'Globex', 'USD', 'C2')`);
    },
    { raw: true },
  );
  for (const role of ROLES) {
    const k = await createKey(ctx.t.wh, { role, collectorId: role === 'collector' ? 'C1' : undefined }, '2024-01-01T00:00:00');
    keys.set(role, k.secret);
  }
  const spec = (await ctx.app.inject({ method: 'GET', url: '/docs/json' })).json<{ paths: Record<string, Record<string, unknown>> }>();
  routes = Object.entries(spec.paths).flatMap(([path, ops]) =>
    Object.keys(ops).map((m) => ({
      method: m.toUpperCase(),
      path,
      url: path.replace('{collectorId}', 'C1').replace('{id}', 'CU1').replace(/\{[^}]+\}/g, '1'),
    })),
  );
});
afterAll(async () => ctx.close());

describe('access control', () => {
  it('has an expectation for every route in the spec', () => {
    expect(routes.length).toBeGreaterThan(5);
    for (const r of routes) expect(() => expectedFor(`${r.method} ${r.path}`)).not.toThrow();
  });

  it('answers 401 without a key, 403 for roles outside the table, and lets allowed roles through', async () => {
    const mismatches: string[] = [];
    for (const r of routes) {
      const expected = expectedFor(`${r.method} ${r.path}`);
      const payload = r.method === 'GET' || r.method === 'DELETE' ? undefined : {};
      const anon = await ctx.app.inject({ method: r.method as 'GET', url: r.url, payload });
      if (expected !== 'public' && anon.statusCode !== 401) mismatches.push(`${r.method} ${r.path} no key → ${anon.statusCode}`);
      if (expected === 'public') continue;
      for (const role of ROLES) {
        const res = await ctx.app.inject({ method: r.method as 'GET', url: r.url, payload, headers: { authorization: `Bearer ${keys.get(role)}` } });
        const allowed = expected.includes(role);
        if (allowed && (res.statusCode === 401 || res.statusCode === 403)) mismatches.push(`${r.method} ${r.path} ${role} → ${res.statusCode}`);
        if (!allowed && res.statusCode !== 403) mismatches.push(`${r.method} ${r.path} ${role} → ${res.statusCode}, expected 403`);
        if (res.statusCode >= 500) mismatches.push(`${r.method} ${r.path} ${role} → ${res.statusCode}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('rejects unknown and revoked keys', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/runs', headers: { authorization: 'Bearer ari_nope' } });
    expect(res.statusCode).toBe(401);
    const k = await createKey(ctx.t.wh, { role: 'cfo' }, '2024-01-01T00:00:00');
    await ctx.t.wh.run(`update api_keys set revoked_at = '2024-01-02' where key_id = $1`, [k.keyId]);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/v1/runs', headers: { authorization: `Bearer ${k.secret}` } })).statusCode).toBe(401);
  });

  it('signs dashboards in with an HttpOnly, SameSite=Strict cookie', async () => {
    const bad = await ctx.app.inject({ method: 'POST', url: '/api/v1/session', payload: { key: 'ari_wrong_key' } });
    expect(bad.statusCode).toBe(401);
    const res = await ctx.app.inject({ method: 'POST', url: '/api/v1/session', payload: { key: keys.get('cfo') } });
    expect(res.statusCode).toBe(200);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const jar = cookie.split(';')[0] ?? '';
    const withCookie = await ctx.app.inject({ method: 'GET', url: '/api/v1/runs', headers: { cookie: jar } });
    expect(withCookie.statusCode).toBe(200);
    const who = await ctx.app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie: jar } });
    expect(who.json()).toEqual({ signedIn: true, role: 'cfo', collectorId: null });
  });

  it('keeps a collector out of another collector\'s worklist and customers', async () => {
    const h = { authorization: `Bearer ${keys.get('collector')}` };
    const other = await ctx.app.inject({ method: 'GET', url: '/api/v1/worklists/C2', headers: h });
    const otherCustomer = await ctx.app.inject({ method: 'GET', url: '/api/v1/customers/CU2', headers: h });
    // Routes that do not exist yet answer 404 before auth; once they exist they must answer 403.
    expect([403, 404]).toContain(other.statusCode);
    expect([403, 404]).toContain(otherCustomer.statusCode);
  });

  it('records every write in the audit log with who made it', async () => {
    await ctx.app.inject({ method: 'POST', url: '/api/v1/session', payload: { key: keys.get('admin') } });
    const rows = await ctx.t.wh.all<{ method: string; route: string; after_json: string | null }>(
      `select method, route, after_json from audit_log where route = '/api/v1/session' order by audit_id desc limit 1`,
    );
    expect(rows[0]).toMatchObject({ method: 'POST', route: '/api/v1/session', after_json: null });
  });

  it('sends security headers', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(String(res.headers['content-security-policy'])).toContain("default-src 'self'");
  });
});
