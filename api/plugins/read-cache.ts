/**
 * The API's read cache: finished answers of the read routes listed in CACHED_READS, keyed by the URL, the
 * caller's scope (role and collector) and the Accept header, valid for one warehouse state (the published
 * run, the last finished run and the API's writes; see data-version.ts). A hit answers in onRequest,
 * straight after authentication and authorisation — no query, no serialisation.
 *
 * Invalidation: a pipeline run that finishes (published or not) and any API write other than a
 * collector's drop everything; a collector's activity, promise or dispute drops only the answers that
 * read that table for that customer (see response-cache.ts). Answers are never stale beyond what the
 * published run and the acknowledged writes say.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, onSendHookHandler } from 'fastify';
import { sourceTables } from '../../models/dag.ts';
import { requestStamp } from './data-version.ts';
import { ResponseCache, type CachedResponse, type Dependencies, type Slot } from './response-cache.ts';
import { StampedCache } from './stamped-cache.ts';

declare module 'fastify' {
  interface FastifyInstance {
    readCache: ResponseCache;
    stateMemo: StateMemo;
  }
  interface FastifyRequest {
    readCacheSlot: Slot | null;
  }
}

export const CACHE_HEADER = 'x-ar-intel-cache';

/** The tables collectors write through the API, by route; every other API write invalidates everything. */
const COLLECTOR_WRITES: Readonly<Record<string, string>> = {
  'POST /api/v1/activities': 'activities',
  'POST /api/v1/promises': 'promises_to_pay',
  'POST /api/v1/disputes': 'disputes',
  'PATCH /api/v1/disputes/:id': 'disputes',
};
const COLLECTOR_TABLES = [...new Set(Object.values(COLLECTOR_WRITES))];

type Reads = (req: FastifyRequest, payload: string | Buffer, contentType: string) => Dependencies;

/** A worklist page shows last contacts, open promises and open disputes of the customers on it. */
const worklistPage: Reads = (_req, payload, contentType) => {
  if (typeof payload !== 'string' || !contentType.startsWith('application/json')) return { tables: COLLECTOR_TABLES, customers: 'all' };
  try {
    const body = JSON.parse(payload) as { items?: { customerId?: unknown }[] };
    return { tables: COLLECTOR_TABLES, customers: (body.items ?? []).map((i) => String(i.customerId)) };
  } catch {
    // CSV export: its customers are not worth parsing out; any collector write drops it
    return { tables: COLLECTOR_TABLES, customers: 'all' };
  }
};
const oneCustomer: Reads = (req) => ({ tables: COLLECTOR_TABLES, customers: [String((req.params as { id?: string }).id)] });
/** Read from the model DAG, so a model that starts reading promises or activities is invalidated by them. */
const summaryTables = COLLECTOR_TABLES.filter((t) =>
  ['mart_ar_snapshot', 'mart_ar_totals_at_dates', 'int_credit_sales_monthly'].some((m) => sourceTables(m).includes(t)),
);
const summary: Reads = () => ({ tables: summaryTables, customers: 'all' });
/** Anything else: any collector write to any of the tables drops it. */
const anyCollectorWrite: Reads = () => ({ tables: COLLECTOR_TABLES, customers: 'all' });

/**
 * Read routes whose answer is a function of the warehouse state, the URL and the caller's scope alone (no
 * clock, no in-progress state). Runs, load runs and data-quality freshness show progress and are not here.
 */
export const CACHED_READS: Readonly<Record<string, Reads>> = {
  '/api/v1/worklists/:collectorId': worklistPage,
  '/api/v1/worklists/team': worklistPage,
  '/api/v1/customers/:id': oneCustomer,
  '/api/v1/customers': anyCollectorWrite,
  '/api/v1/metrics/summary': summary,
  '/api/v1/metrics/aging': anyCollectorWrite,
  '/api/v1/metrics/trend': anyCollectorWrite,
  '/api/v1/metrics/filters': anyCollectorWrite,
  '/api/v1/metrics/payment-behaviour': anyCollectorWrite,
  '/api/v1/metrics/reserve': anyCollectorWrite,
  '/api/v1/metrics/roll-rates': anyCollectorWrite,
  '/api/v1/promises/stats': anyCollectorWrite,
  '/api/v1/disputes/causes': anyCollectorWrite,
  '/api/v1/forecast/cash': anyCollectorWrite,
  '/api/v1/forecast/cash/week/:weekStart': anyCollectorWrite,
  '/api/v1/forecast/accuracy': anyCollectorWrite,
  '/api/v1/forecast/bad-debt': anyCollectorWrite,
  '/api/v1/scores/customers': anyCollectorWrite,
  '/api/v1/scores/customers/:id/history': anyCollectorWrite,
  '/api/v1/scores/invoices': anyCollectorWrite,
  '/api/v1/scores/models': anyCollectorWrite,
};

/**
 * Parts of answers that no collector write changes (the customer 360's ledger and scores), kept for as long
 * as the warehouse state: when a collector's note drops a customer's 360, only the cheap part is read again.
 */
export class StateMemo {
  // a 360's ledger part can be large (two years of paid invoices): a few hundred customers are enough for the hot ones
  private readonly values = new StampedCache<object>({ max: 500 });
  private readonly running = new Map<string, Promise<object | undefined>>();

  async get<T extends object>(app: FastifyInstance, req: FastifyRequest, key: string, read: () => Promise<T | undefined>): Promise<T | undefined> {
    const stamp = await requestStamp(app, req);
    if (!stamp) return read();
    const kept = this.values.get(stamp.seq, stamp.data, key) as T | undefined;
    if (kept) return kept;
    const id = `${stamp.data}\u0000${key}`;
    const running = this.running.get(id) as Promise<T | undefined> | undefined;
    if (running) return running;
    const reading = read().finally(() => this.running.delete(id));
    this.running.set(id, reading);
    const value = await reading;
    if (value) this.values.set(stamp.seq, stamp.data, key, value);
    return value;
  }
}

function scopeOf(req: FastifyRequest): string {
  const p = req.principal;
  return p ? `${p.role}:${p.collectorId ?? ''}` : 'public';
}

/** Customers a collector write touched, from its body or what the route reported for the audit log. */
function customersOfWrite(req: FastifyRequest): string[] | 'all' {
  const ids = new Set<string>();
  const add = (v: unknown) => {
    if (v && typeof v === 'object' && typeof (v as { customerId?: unknown }).customerId === 'string') ids.add((v as { customerId: string }).customerId);
  };
  add(req.body);
  for (const side of [req.audit?.before, req.audit?.after]) {
    add(side);
    const items = (side as { items?: unknown } | undefined)?.items;
    if (Array.isArray(items)) items.forEach(add);
  }
  // a dispute is addressed by invoice or id: without a customer the route reported, drop the table for all
  return ids.size > 0 ? [...ids] : 'all';
}

function answer(reply: FastifyReply, entry: CachedResponse, how: 'hit' | 'shared'): FastifyReply {
  void reply.code(200).type(entry.contentType).header(CACHE_HEADER, how);
  for (const [name, value] of Object.entries(entry.headers)) void reply.header(name, value);
  return reply.send(entry.body);
}

const KEPT_HEADERS = ['content-disposition', 'vary'];

export function installReadCache(app: FastifyInstance, cache = new ResponseCache()): ResponseCache {
  app.decorate('readCache', cache);
  app.decorate('stateMemo', new StateMemo());
  app.decorateRequest('readCacheSlot', null);

  // Runs last among a cached route's onSend hooks (route hooks follow the instance's), so what is stored
  // is exactly what was sent: the JSON after the serializer, or the Arrow stream / CSV built from it.
  const storeAnswer: onSendHookHandler = async (req, reply, payload) => {
    const slot = req.readCacheSlot;
    if (!slot) return payload;
    if (reply.statusCode !== 200 || !(typeof payload === 'string' || Buffer.isBuffer(payload))) {
      cache.release(slot);
      return payload;
    }
    const reads = CACHED_READS[req.routeOptions.url ?? ''];
    const headers: Record<string, string> = {};
    for (const name of KEPT_HEADERS) {
      const v = reply.getHeader(name);
      if (v !== undefined) headers[name] = String(v);
    }
    const contentType = String(reply.getHeader('content-type') ?? 'application/json; charset=utf-8');
    cache.store(slot, {
      // kept encoded: a hit then costs no UTF-8 pass over a page of JSON
      body: typeof payload === 'string' ? Buffer.from(payload) : payload,
      contentType,
      headers,
      deps: reads ? reads(req, payload, contentType) : { tables: COLLECTOR_TABLES, customers: 'all' },
    });
    void reply.header(CACHE_HEADER, 'miss');
    return payload;
  };

  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.includes('GET') || !(route.url in CACHED_READS)) return;
    const own = route.onSend === undefined ? [] : Array.isArray(route.onSend) ? route.onSend : [route.onSend];
    route.onSend = [...own, storeAnswer];
  });

  // After installAuth's onRequest: the caller is known and allowed before anything is looked up.
  app.addHook('onRequest', async (req, reply) => {
    const route = req.routeOptions.url;
    if (req.method !== 'GET' || route === undefined || !(route in CACHED_READS)) return;
    const stamp = await requestStamp(app, req);
    if (!stamp) return;
    const key = `${req.url}\u0000${scopeOf(req)}\u0000${req.headers.accept ?? ''}`;
    const hit = cache.get(stamp, key);
    if (hit) return answer(reply, hit, 'hit');
    const shared = await cache.shared(stamp, key);
    if (shared) return answer(reply, shared, 'shared');
    req.readCacheSlot = cache.lead(stamp, key);
  });

  // A miss that ends without reaching storeAnswer (an error thrown, the client gone) must not leave
  // the requests waiting for it hanging.
  const releaseSlot = async (req: FastifyRequest) => {
    if (req.readCacheSlot) cache.release(req.readCacheSlot);
  };
  app.addHook('onResponse', releaseSlot);
  app.addHook('onRequestAbort', releaseSlot);

  // Writes: invalidated after the handler committed and before the client hears about it.
  app.addHook('onSend', async (req, _reply, payload) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return payload;
    const table = COLLECTOR_WRITES[`${req.method} ${req.routeOptions.url ?? ''}`];
    if (table) cache.invalidate(table, customersOfWrite(req));
    else app.dataVersion.bump();
    return payload;
  });
  return cache;
}
