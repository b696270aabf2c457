import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { isoDate } from '../../core/as-of.ts';
import { disputeCauses } from '../../models/disputes.ts';
import { resolvePeriod } from '../repositories/metrics.ts';

const Money = z.string();

export const disputeRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/disputes/causes',
    {
      schema: {
        tags: ['disputes'],
        summary: 'Disputes opened in a period: rate, Pareto by cause, days to resolve (median, p90), leakage, upstream order causes, by month',
        querystring: z.object({
          from: isoDate.optional().describe('default: 12 months before `to`'),
          to: isoDate.optional().describe('default: the latest published as-of date, else the latest date in the data'),
        }),
        response: {
          200: z.object({
            from: z.string(),
            to: z.string(),
            currency: z.string(),
            disputes: z.number().int(),
            disputedAmount: Money,
            invoicesIssued: z.number().int(),
            invoicedAmount: Money,
            disputedInvoices: z.number().int(),
            disputedInvoicedAmount: Money,
            disputeRateByCount: z.number().nullable().describe('percent of invoices issued in the period that were disputed'),
            disputeRateByValue: z.number().nullable(),
            openDisputedAr: Money.describe('open AR under an open dispute at `to`'),
            resolvedDisputes: z.number().int(),
            resolvedAmount: Money,
            daysDeductionsOutstanding: z.number().nullable(),
            leakage: Money.describe('credited or written off on disputed invoices after the dispute opened'),
            causes: z.array(
              z.object({
                cause: z.string(),
                count: z.number().int(),
                amount: Money,
                shareOfCount: z.number().nullable(),
                shareOfAmount: z.number().nullable(),
                cumulativeShareOfAmount: z.number().nullable(),
                resolved: z.number().int(),
                medianDaysToResolve: z.number().nullable(),
                p90DaysToResolve: z.number().nullable(),
                leakage: Money,
                upstream: z.object({
                  withOrder: z.number().int(),
                  shippedLate: z.number().int(),
                  shippedPartially: z.number().int(),
                  priceMismatch: z.number().int(),
                }),
              }),
            ),
            months: z.array(z.object({ month: z.string(), cause: z.string(), count: z.number().int(), amount: Money, leakage: Money })),
          }),
        },
      },
    },
    async (req) => {
      const period = await resolvePeriod(app.warehouse, req.query.from, req.query.to);
      return disputeCauses(app.warehouse, { ...period, baseCurrency: app.config.baseCurrency });
    },
  );
};
