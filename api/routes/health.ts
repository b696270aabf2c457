import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';

const Health = z.object({
  status: z.enum(['ok', 'empty']),
  database: z.string(),
  invoices: z.number().int(),
  latestDataDate: z.string().nullable(),
});

export const healthRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/healthz',
    { schema: { tags: ['system'], summary: 'Liveness and whether data is loaded', response: { 200: Health } } },
    async () => {
      const row = await app.warehouse.one<{ n: string; d: string | null }>(
        'select count(*)::bigint as n, max(invoice_date)::varchar as d from invoices',
      );
      const invoices = Number(row?.n ?? 0);
      return {
        status: invoices > 0 ? ('ok' as const) : ('empty' as const),
        database: app.warehouse.path,
        invoices,
        latestDataDate: row?.d ?? null,
      };
    },
  );
};
