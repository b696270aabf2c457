import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { AssessRequest } from '../../scoring/credit-assess.ts';
import { creditAssessment } from '../repositories/credit.ts';

const Assessment = z.object({
  asOf: z.string(),
  customerId: z.string().nullable(),
  basis: z.enum(['behavioural', 'new_customer']),
  score: z.number().int(),
  riskClass: z.string(),
  currency: z.string(),
  creditLimitOnFile: z.string().nullable(),
  recommendedCreditLimit: z.string().describe('decimal string'),
  recommendedPaymentTermsDays: z.number().int().describe('0 = cash in advance'),
  exposure: z.object({
    openAr: z.string(),
    openOrders: z.string(),
    proposedOrder: z.string(),
    total: z.string(),
    limitUsedPct: z.number().nullable().describe('total exposure as % of the recommended limit'),
  }),
  decision: z.enum(['approve', 'review', 'decline']),
  reasons: z.array(z.string()),
  limitBasis: z.array(z.string()).describe('how the recommended limit was derived'),
});

export const creditRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/credit/assess',
    {
      schema: {
        tags: ['risk'],
        summary: 'Pre-sale credit decision for an existing customer or a new applicant and a proposed order',
        body: AssessRequest,
        response: { 200: Assessment },
      },
    },
    async (req) => creditAssessment(app.warehouse, req.body, app.config.baseCurrency),
  );
};
