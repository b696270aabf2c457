/**
 * Who may call what, in one table so it can be audited at a glance. Every route resolves to exactly
 * one rule (first match wins); `public` routes need no key. A test walks every route of the OpenAPI
 * spec with every role and checks the answer against this table.
 *
 * Roles: collector (own worklist and customers, logs activities/promises/disputes), credit (assess,
 * scores), cfo (metrics, forecasts, every read), admin (everything, incl. ingest, runs, keys).
 */
import type { Role } from './keys.ts';

export type Access = 'public' | readonly Role[];

interface Rule {
  readonly methods: readonly string[];
  readonly pattern: RegExp;
  readonly access: Access;
  /** Collector keys only see rows of their own portfolio on these routes. */
  readonly ownership?: 'collectorParam' | 'customerParam' | 'filtered';
}

const READ = ['GET', 'HEAD'];
const WRITE = ['POST', 'PUT', 'PATCH', 'DELETE'];
const ALL_READERS: readonly Role[] = ['cfo', 'admin'];

export const RULES: readonly Rule[] = [
  { methods: READ, pattern: /^\/healthz$/, access: 'public' },
  { methods: READ, pattern: /^\/docs(\/.*)?$/, access: 'public' },
  { methods: [...READ, 'POST', 'DELETE'], pattern: /^\/api\/v1\/session$/, access: 'public' },
  { methods: READ, pattern: /^\/api\/v1\/worklists\/team$/, access: ['cfo', 'admin'] },
  { methods: READ, pattern: /^\/api\/v1\/worklists\/:collectorId$/, access: ['collector', 'cfo', 'admin'], ownership: 'collectorParam' },
  { methods: READ, pattern: /^\/api\/v1\/customers\/:id(\/.*)?$/, access: ['collector', 'credit', 'cfo', 'admin'], ownership: 'customerParam' },
  { methods: READ, pattern: /^\/api\/v1\/customers$/, access: ['collector', 'credit', 'cfo', 'admin'], ownership: 'filtered' },
  { methods: ['POST'], pattern: /^\/api\/v1\/(activities|promises|disputes)$/, access: ['collector', 'admin'], ownership: 'filtered' },
  { methods: ['PATCH'], pattern: /^\/api\/v1\/disputes\/:id$/, access: ['collector', 'admin'], ownership: 'filtered' },
  { methods: ['POST'], pattern: /^\/api\/v1\/credit\/assess$/, access: ['credit', 'admin'] },
  { methods: READ, pattern: /^\/api\/v1\/scores\//, access: ['credit', 'cfo', 'admin'] },
  { methods: READ, pattern: /^\/api\/v1\/forecast\/bad-debt$/, access: ['credit', 'cfo', 'admin'] },
  { methods: WRITE, pattern: /^\/api\/v1\//, access: ['admin'] },
  { methods: READ, pattern: /^\/api\/v1\//, access: ALL_READERS },
];

export interface ResolvedAccess {
  readonly access: Access;
  readonly ownership?: Rule['ownership'];
}

/** Routes outside the API (dashboards' static files, the root page) are public: pages hold no data. */
export function accessFor(method: string, url: string): ResolvedAccess {
  for (const rule of RULES) {
    if (rule.methods.includes(method) && rule.pattern.test(url)) {
      return rule.ownership ? { access: rule.access, ownership: rule.ownership } : { access: rule.access };
    }
  }
  if (url.startsWith('/api/')) return { access: ['admin'] };
  return { access: 'public' };
}
