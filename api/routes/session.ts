import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { findPrincipal } from '../access/keys.ts';
import { SESSION_COOKIE } from '../plugins/auth.ts';

const Denied = z.object({ statusCode: z.number().int(), code: z.string(), message: z.string() });
const Session = z.object({ signedIn: z.boolean(), role: z.string().nullable(), collectorId: z.string().nullable() });

/** Dashboards sign in with a key; it lives in an HttpOnly, SameSite=Strict cookie that scripts cannot read. */
export const sessionRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/session',
    {
      schema: {
        tags: ['access'],
        summary: 'Sign in with an API key (sets an HttpOnly cookie)',
        body: z.object({ key: z.string().min(8).max(200) }),
        response: { 200: Session, 401: Denied },
      },
    },
    async (req, reply) => {
      const principal = await findPrincipal(app.warehouse, req.body.key);
      if (!principal) {
        return reply.code(401).send({ statusCode: 401, code: 'UNAUTHENTICATED', message: 'unknown or revoked API key' });
      }
      void reply.setCookie(SESSION_COOKIE, req.body.key, { httpOnly: true, sameSite: 'strict', path: '/', maxAge: 12 * 3600 });
      return { signedIn: true, role: principal.role, collectorId: principal.collectorId };
    },
  );
  app.get(
    '/session',
    { schema: { tags: ['access'], summary: 'Who the current cookie or key belongs to', response: { 200: Session } } },
    async (req) => {
      if (app.config.auth === 'off') return { signedIn: true, role: 'admin', collectorId: null };
      const auth = req.headers.authorization;
      const secret = auth?.startsWith('Bearer ') ? auth.slice(7) : req.cookies[SESSION_COOKIE];
      const principal = secret ? await findPrincipal(app.warehouse, secret) : undefined;
      return principal
        ? { signedIn: true, role: principal.role, collectorId: principal.collectorId }
        : { signedIn: false, role: null, collectorId: null };
    },
  );
  app.delete(
    '/session',
    { schema: { tags: ['access'], summary: 'Sign out (clears the cookie)', response: { 200: Session } } },
    async (_req, reply) => {
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { signedIn: false, role: null, collectorId: null };
    },
  );
};
