import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { isoDate } from '../../core/as-of.ts';
import { badDebtForecast } from '../repositories/bad-debt.ts';

const Group = z.object({
  key: z.string(),
  currency: z.string(),
  invoices: z.number().int(),
  openAmount: z.string(),
  expectedLoss: z.string(),
});

export const badDebtRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/forecast/bad-debt',
    {
      schema: {
        tags: ['risk'],
        summary: 'Expected bad-debt expense: P(write-off) × open amount per invoice, by segment, risk class and month',
        querystring: z.object({ asOf: isoDate.optional() }),
        response: {
          200: z.object({
            asOf: z.string(),
            source: z.enum(['stored', 'computed']),
            total: z.array(Group),
            bySegment: z.array(Group),
            byRiskClass: z.array(Group),
            byMonth: z.array(Group).describe('by expected write-off month YYYY-MM'),
            topInvoices: z.array(
              z.object({
                invoiceId: z.string(),
                customerId: z.string(),
                segment: z.string(),
                riskClass: z.string(),
                currency: z.string(),
                openAmount: z.string(),
                expectedLoss: z.string(),
                pWriteOff: z.number(),
                month: z.string(),
              }),
            ),
          }),
        },
      },
    },
    async (req) => badDebtForecast(app.warehouse, req.query.asOf),
  );
};
