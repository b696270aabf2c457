/**
 * Authentication, authorisation, audit and transport hardening, installed on the root instance so
 * every route — including ones added later — passes through it. A route's roles come from the one
 * policy table (api/access/policy.ts), resolved when the route is registered.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import { findPrincipal, hashKey, type Principal } from '../access/keys.ts';
import { accessFor, type ResolvedAccess } from '../access/policy.ts';
import { requestStamp } from './data-version.ts';
import { StampedCache } from './stamped-cache.ts';

export const SESSION_COOKIE = 'ar_intel_key';

export interface AuditEntry {
  entity: string;
  entityId: string | null;
  before?: unknown;
  after?: unknown;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    audit: AuditEntry | null;
  }
  interface FastifyContextConfig {
    access?: ResolvedAccess;
  }
}

const ADMIN_WHEN_OFF: Principal = Object.freeze({ keyId: 'auth-off', role: 'admin', collectorId: null });

function credentialOf(req: FastifyRequest): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim() || undefined;
  const header = req.headers['x-api-key'];
  if (typeof header === 'string' && header) return header;
  const cookie = req.cookies[SESSION_COOKIE];
  return cookie || undefined;
}

function deny(reply: FastifyReply, status: 401 | 403, message: string): FastifyReply {
  return reply.code(status).send({ statusCode: status, code: status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN', message });
}

/**
 * Key lookups and portfolio checks are asked on every request, with the same few answers: they are kept
 * for as long as the keys (any creation or revocation changes the stamp) and the data stay as they were.
 * Only found keys are kept, so a key created a moment ago is never refused from memory.
 */
function principalLookup(app: FastifyInstance) {
  const memo = new StampedCache<Principal>({ max: 10_000 });
  return async (req: FastifyRequest, secret: string): Promise<Principal | undefined> => {
    const stamp = await requestStamp(app, req);
    const hash = hashKey(secret);
    const known = stamp ? memo.get(stamp.seq, stamp.keys, hash) : undefined;
    if (known) return known;
    const found = await findPrincipal(app.warehouse, secret);
    if (found && stamp) memo.set(stamp.seq, stamp.keys, hash, found);
    return found;
  };
}

function portfolioCheck(app: FastifyInstance) {
  const memo = new StampedCache<boolean>({ max: 100_000 });
  return async (req: FastifyRequest, collectorId: string, customerId: string): Promise<boolean> => {
    const stamp = await requestStamp(app, req);
    const key = `${collectorId}\u0000${customerId}`;
    const known = stamp ? memo.get(stamp.seq, stamp.data, key) : undefined;
    if (known !== undefined) return known;
    const row = await app.warehouse.one('select 1 as ok from customers where customer_id = $1 and collector_id = $2', [customerId, collectorId]);
    if (stamp) memo.set(stamp.seq, stamp.data, key, row !== undefined);
    return row !== undefined;
  };
}

export async function installAuth(app: FastifyInstance): Promise<void> {
  await app.register(fastifyCookie);
  const principalOf = principalLookup(app);
  const ownsCustomer = portfolioCheck(app);
  app.decorateRequest('principal', null);
  app.decorateRequest('audit', null);

  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    // Resolve once per route; a route answering several methods takes the strictest (write) rule.
    const resolved = methods.map((m) => accessFor(String(m), route.url));
    const access = resolved.find((r) => r.access !== 'public') ?? resolved[0] ?? { access: 'public' as const };
    route.config = { ...(route.config ?? {}), access };
  });

  if (app.config.rateLimitPerMinute > 0) {
    await app.register(fastifyRateLimit, {
      global: true,
      max: app.config.rateLimitPerMinute,
      timeWindow: '1 minute',
      keyGenerator: (req) => credentialOf(req) ?? req.ip,
    });
  }

  app.addHook('onRequest', async (req, reply) => {
    const access = req.routeOptions.config.access ?? accessFor(req.method, req.routeOptions.url ?? req.url);
    if (access.access === 'public') return;
    if (app.config.auth === 'off') {
      req.principal = ADMIN_WHEN_OFF;
      return;
    }
    const secret = credentialOf(req);
    if (!secret) return deny(reply, 401, 'an API key is required: send "Authorization: Bearer <key>" or sign in on the dashboard');
    const principal = await principalOf(req, secret);
    if (!principal) return deny(reply, 401, 'unknown or revoked API key');
    if (!access.access.includes(principal.role)) {
      return deny(reply, 403, `role ${principal.role} may not ${req.method} ${req.routeOptions.url}`);
    }
    req.principal = principal;
    if (principal.role !== 'collector' || !principal.collectorId) return;
    const params = (req.params ?? {}) as Record<string, string | undefined>;
    if (access.ownership === 'collectorParam' && params.collectorId !== principal.collectorId) {
      return deny(reply, 403, `collector ${principal.collectorId} may only read their own worklist`);
    }
    if (access.ownership === 'customerParam' && params.id && !(await ownsCustomer(req, principal.collectorId, params.id))) {
      return deny(reply, 403, `customer ${params.id} is not in collector ${principal.collectorId}'s portfolio`);
    }
  });

  app.addHook('onSend', async (req, reply, payload) => {
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('referrer-policy', 'no-referrer');
    void reply.header('x-frame-options', 'DENY');
    if (!req.url.startsWith('/docs')) {
      void reply.header(
        'content-security-policy',
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
      );
    }
    return payload;
  });

  // Every write through the API is recorded — who, what, when, and the before/after a route reports —
  // before the response leaves, so a client that saw the answer can also find it in the audit log.
  app.addHook('onSend', async (req, reply, payload) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return payload;
    const url = req.routeOptions.url;
    if (!url?.startsWith('/api/')) return payload;
    const a = req.audit;
    const after = a?.after ?? (reply.statusCode < 400 ? req.body : undefined);
    const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v).slice(0, 100_000));
    try {
      await app.warehouse.run(
        `insert into audit_log (occurred_at, key_id, role, method, route, status, entity, entity_id, before_json, after_json)
         values ($1::timestamp, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          new Date().toISOString(),
          req.principal?.keyId ?? null,
          req.principal?.role ?? null,
          req.method,
          url,
          reply.statusCode,
          a?.entity ?? null,
          a?.entityId ?? null,
          json(a?.before),
          json(url === '/api/v1/session' ? undefined : after),
        ],
      );
    } catch (err) {
      req.log.error({ err }, 'audit log write failed');
    }
    return payload;
  });
}
