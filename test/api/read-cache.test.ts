import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey } from '../../api/access/keys.ts';
import { CACHE_HEADER } from '../../api/plugins/read-cache.ts';
import { runPipeline } from '../../jobs/pipeline.ts';
import type { Stage } from '../../jobs/stages.ts';
import { loadStrategy } from '../../scoring/strategy.ts';
import { buildAndStoreWorklists } from '../../scoring/worklist/build.ts';
import type { Warehouse } from '../../core/warehouse.ts';
import { testApp } from '../helpers/app.ts';

const AS_OF = '2026-10-30';
let ctx: Awaited<ReturnType<typeof testApp>>;
const keys = new Map<string, string>();

async function seed(wh: Warehouse) {
  await wh.run(`insert into collectors (collector_id, name, daily_capacity) values ('A', 'Ann', 5), ('B', 'Bob', 5)`);
  await wh.run(`insert into customers (customer_id, name, currency, collector_id, segment, credit_limit) values
    ('CU1', 'Acme', 'USD', 'A', 'mid', 50000), ('CU2', 'Globex', 'USD', 'B', 'smb', 9000), ('CU3', 'Initech', 'USD', 'A', 'mid', 90000)`);
  await wh.run(`insert into invoices (invoice_id, customer_id, invoice_date, due_date, amount, currency) values
    ('I1', 'CU1', '2026-08-01', '2026-08-31', 20000, 'USD'),
    ('I2', 'CU1', '2026-09-15', '2026-10-15', 5000, 'USD'),
    ('I3', 'CU2', '2026-09-01', '2026-10-01', 3000, 'USD'),
    ('I4', 'CU3', '2026-09-01', '2026-10-01', 8000, 'USD')`);
  for (const [inv, cu, amt, due] of [['I1', 'CU1', 20000, '2026-08-31'], ['I2', 'CU1', 5000, '2026-10-15'], ['I3', 'CU2', 3000, '2026-10-01'], ['I4', 'CU3', 8000, '2026-10-01']] as const) {
    await wh.run(
      `insert into invoice_scores values ($1, $2, $3, $4, 'USD', $5, 0.9, 0.5, 0.01, 0, '2027-01', 20, 45, 90, '2026-11-20', '[]', 'test')`,
      [AS_OF, inv, cu, amt, due],
    );
  }
  await wh.run(`insert into customer_scores values ('${AS_OF}', 'CU1', 40, 'D', 'behavioural', 10, 25, 2, 0.8, '[]'),
    ('${AS_OF}', 'CU2', 60, 'C', 'behavioural', 10, 10, 1, 0.5, '[]'), ('${AS_OF}', 'CU3', 55, 'C', 'behavioural', 10, 12, 1, 0.7, '[]')`);
  await buildAndStoreWorklists(wh, AS_OF, 'USD', loadStrategy(), '2026-10-30T06:00:00');
}

type Res = Awaited<ReturnType<typeof ctx.app.inject>>;
const get = (url: string, as = 'admin'): Promise<Res> => ctx.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${keys.get(as)}` } });
const post = (url: string, payload: object, as = 'admin'): Promise<Res> =>
  ctx.app.inject({ method: 'POST', url, payload, headers: { authorization: `Bearer ${keys.get(as)}` } });
const cacheOf = (r: Res) => r.headers[CACHE_HEADER];

beforeAll(async () => {
  ctx = await testApp(async (t) => seed(t.wh));
  keys.set('admin', ctx.key);
  for (const c of ['A', 'B']) keys.set(c, (await createKey(ctx.t.wh, { role: 'collector', collectorId: c }, '2026-10-30T00:00:00')).secret);
  keys.set('cfo', (await createKey(ctx.t.wh, { role: 'cfo' }, '2026-10-30T00:00:00')).secret);
});
afterAll(async () => ctx.close());

describe('read cache', () => {
  it('answers a repeated read from the cache, byte for byte', async () => {
    const first = await get('/api/v1/customers/CU1');
    expect(first.statusCode).toBe(200);
    expect(cacheOf(first)).toBe('miss');
    const second = await get('/api/v1/customers/CU1');
    expect(cacheOf(second)).toBe('hit');
    expect(second.body).toBe(first.body);
    expect(second.headers['content-type']).toBe(first.headers['content-type']);
    expect(second.headers['x-content-type-options']).toBe('nosniff');
  });

  it("a collector's write is visible in the very next read, and drops only what it touches", async () => {
    const page = await get('/api/v1/worklists/A', 'A');
    expect(page.json<{ items: { customerId: string }[] }>().items.map((i) => i.customerId)).toContain('CU1');
    await get(`/api/v1/customers/CU1?asOf=${AS_OF}`, 'A');
    await get('/api/v1/customers/CU2', 'B');
    const summary = await get('/api/v1/metrics/summary', 'cfo');
    expect(cacheOf(await get('/api/v1/worklists/A', 'A'))).toBe('hit');

    const act = await post('/api/v1/activities', { customerId: 'CU1', type: 'call', outcome: 'promised to check', note: 'cache test call' }, 'A');
    expect(act.statusCode).toBe(201);

    const view = await get(`/api/v1/customers/CU1?asOf=${AS_OF}`, 'A');
    expect(cacheOf(view)).toBe('miss');
    expect(view.json<{ activities: { note: string | null }[] }>().activities.map((a) => a.note)).toContain('cache test call');
    const list = await get('/api/v1/worklists/A', 'A');
    expect(cacheOf(list)).toBe('miss');
    const cu1 = list.json<{ items: { customerId: string; lastContacts: { note: string | null }[] }[] }>().items.find((i) => i.customerId === 'CU1');
    expect(cu1?.lastContacts.map((c) => c.note)).toContain('cache test call');
    // another customer's view and the AR summary do not read activities: still served from the cache
    expect(cacheOf(await get('/api/v1/customers/CU2', 'B'))).toBe('hit');
    const again = await get('/api/v1/metrics/summary', 'cfo');
    expect(cacheOf(again)).toBe('hit');
    expect(again.body).toBe(summary.body);

    // a dispute changes the summary's disputed AR: it must not be served from before
    const dsp = await post('/api/v1/disputes', { invoiceId: 'I1', amount: '1000.00', cause: 'pricing' }, 'A');
    expect(dsp.statusCode).toBe(201);
    const after = await get('/api/v1/metrics/summary', 'cfo');
    expect(cacheOf(after)).toBe('miss');
    expect(Number(after.json<{ disputedAr: string }>().disputedAr)).toBeGreaterThan(Number(summary.json<{ disputedAr: string }>().disputedAr));
    const disputes = (await get('/api/v1/customers/CU1', 'A')).json<{ disputes: { disputeId: string }[] }>().disputes;
    expect(disputes.map((d) => d.disputeId)).toContain(dsp.json<{ disputeId: string }>().disputeId);
  });

  it("never hands one collector another's cached worklist, customers or search results", async () => {
    expect((await get('/api/v1/worklists/A', 'A')).statusCode).toBe(200);
    expect(cacheOf(await get('/api/v1/worklists/A', 'A'))).toBe('hit');
    expect((await get('/api/v1/worklists/A', 'B')).statusCode).toBe(403);
    expect((await get('/api/v1/customers/CU1', 'B')).statusCode).toBe(403);
    const mine = await get('/api/v1/worklists/B', 'B');
    expect(mine.statusCode).toBe(200);
    expect(mine.json<{ collectorId: string }>().collectorId).toBe('B');
    // the same URL answers differently per collector: each gets the answer for its own scope
    const a = await get('/api/v1/customers?query=e', 'A');
    const b = await get('/api/v1/customers?query=e', 'B');
    expect(cacheOf(await get('/api/v1/customers?query=e', 'A'))).toBe('hit');
    expect(a.json<{ items: { customerId: string }[] }>().items.map((i) => i.customerId).sort()).toEqual(['CU1', 'CU3']);
    expect(b.json<{ items: { customerId: string }[] }>().items.map((i) => i.customerId)).toEqual(['CU2']);
  });

  it("a newly published run's numbers replace the cached ones", async () => {
    const before = await get('/api/v1/metrics/summary', 'cfo');
    expect(cacheOf(await get('/api/v1/metrics/summary', 'cfo'))).toBe('hit');
    const worklistBefore = (await get('/api/v1/worklists/A', 'A')).body;
    // the run's own output: a new invoice (as a drop-folder file would bring) and a rebuilt worklist
    const newBusiness: Stage = {
      name: 'new-business',
      async run({ wh }) {
        await wh.run(`insert into invoices (invoice_id, customer_id, invoice_date, due_date, amount, currency) values ('I9', 'CU1', '2026-09-01', '2026-10-01', 7000, 'USD')`);
        await wh.run(`insert into invoice_scores values ($1, 'I9', 'CU1', 7000, 'USD', '2026-10-01', 0.9, 0.5, 0.01, 0, '2027-01', 20, 45, 90, '2026-11-20', '[]', 'test')`, [AS_OF]);
        await buildAndStoreWorklists(wh, AS_OF, 'USD', loadStrategy(), '2026-10-30T07:00:00');
        return { rows: 1 };
      },
    };
    const run = await runPipeline(ctx.t.wh, ctx.t.config, { asOf: AS_OF, stages: [newBusiness] });
    expect(run.status).toBe('succeeded');
    const after = await get('/api/v1/metrics/summary', 'cfo');
    expect(cacheOf(after)).toBe('miss');
    expect(Number(after.json<{ totalAr: string }>().totalAr) - Number(before.json<{ totalAr: string }>().totalAr)).toBeCloseTo(7000, 2);
    const view = (await get('/api/v1/customers/CU1', 'A')).json<{ openItems: { invoiceId: string | null }[] }>();
    expect(view.openItems.map((i) => i.invoiceId)).toContain('I9');
    const list = await get('/api/v1/worklists/A', 'A');
    expect(cacheOf(list)).toBe('miss');
    expect(list.body).not.toBe(worklistBefore);
    const stored = await ctx.t.wh.all<{ customer_id: string }>(
      `select customer_id from worklist_items where as_of = $1::date and queue = 'collector' and collector_id = 'A' order by rank`,
      [AS_OF],
    );
    expect(list.json<{ items: { customerId: string }[] }>().items.map((i) => i.customerId)).toEqual(stored.map((r) => r.customer_id));
  });

  it('concurrent identical misses run the read once and share it', async () => {
    await post('/api/v1/activities', { customerId: 'CU3', type: 'note', note: 'drop CU3' }, 'admin');
    const answers = await Promise.all(Array.from({ length: 8 }, () => get('/api/v1/customers/CU3', 'cfo')));
    expect(answers.map((r) => r.statusCode)).toEqual(Array(8).fill(200));
    expect(new Set(answers.map((r) => r.body)).size).toBe(1);
    expect(answers.filter((r) => cacheOf(r) === 'miss')).toHaveLength(1);
  });

  it('a revoked key is refused even after it was served from memory', async () => {
    const k = await createKey(ctx.t.wh, { role: 'cfo' }, '2026-10-30T00:00:00');
    const h = { authorization: `Bearer ${k.secret}` };
    expect((await ctx.app.inject({ method: 'GET', url: '/api/v1/metrics/summary', headers: h })).statusCode).toBe(200);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/v1/metrics/summary', headers: h })).statusCode).toBe(200);
    await ctx.t.wh.run(`update api_keys set revoked_at = '2026-10-30' where key_id = $1`, [k.keyId]);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/v1/metrics/summary', headers: h })).statusCode).toBe(401);
  });

  it('does not cache errors or routes that show progress', async () => {
    expect((await get('/api/v1/customers/NOPE')).statusCode).toBe(404);
    expect(cacheOf(await get('/api/v1/customers/NOPE'))).toBeUndefined();
    await get('/api/v1/runs');
    expect(cacheOf(await get('/api/v1/runs'))).toBeUndefined();
  });
});
