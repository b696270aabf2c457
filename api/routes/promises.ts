import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { isoDate } from '../../core/as-of.ts';
import { DEFAULT_PROMISE_TOLERANCE_DAYS, promiseStats } from '../../models/promises.ts';
import { resolveMetricsAsOf, resolvePeriod } from '../repositories/metrics.ts';

const Money = z.string();

export const promiseRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/promises/stats',
    {
      schema: {
        tags: ['collections'],
        summary: 'Promises to pay due in a period: kept / partially kept / broken and kept rate by count and value',
        querystring: z.object({
          from: isoDate.optional().describe('promised dates from (default: 12 months before `to`)'),
          to: isoDate.optional().describe('promised dates up to (default: the as-of date)'),
          asOf: isoDate.optional().describe('evaluate outcomes as of (default: latest published run, else latest data date)'),
          groupBy: z.enum(['collector', 'customer', 'none']).default('collector'),
          toleranceDays: z.coerce.number().int().min(0).max(60).default(DEFAULT_PROMISE_TOLERANCE_DAYS),
        }),
        response: {
          200: z.object({
            from: z.string(),
            to: z.string(),
            asOf: z.string(),
            groupBy: z.string(),
            toleranceDays: z.number().int(),
            items: z.array(
              z.object({
                groupKey: z.string().nullable(),
                promises: z.number().int(),
                kept: z.number().int(),
                partiallyKept: z.number().int(),
                broken: z.number().int(),
                open: z.number().int(),
                cancelled: z.number().int(),
                keptAmount: Money,
                partiallyKeptAmount: Money,
                partiallyKeptPaid: Money,
                brokenAmount: Money,
                openAmount: Money,
                keptRateByCount: z.number().nullable().describe('kept / (kept + partially kept + broken), percent'),
                keptRateByValue: z.number().nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (req) => {
      const asOf = await resolveMetricsAsOf(app.warehouse, req.query.asOf);
      const period = await resolvePeriod(app.warehouse, req.query.from, req.query.to ?? asOf);
      const items = await promiseStats(app.warehouse, {
        ...period,
        asOf,
        groupBy: req.query.groupBy,
        toleranceDays: req.query.toleranceDays,
      });
      return { ...period, asOf, groupBy: req.query.groupBy, toleranceDays: req.query.toleranceDays, items };
    },
  );
};
