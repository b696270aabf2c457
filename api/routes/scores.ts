import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { isoDate } from '../../core/as-of.ts';
import { customerScoreHistory, listCustomerScores, listInvoiceScores, listRiskModels } from '../repositories/scores.ts';

const CustomerReason = z.object({ factor: z.string(), direction: z.string(), text: z.string() });
const InvoiceReason = z.object({ factor: z.string(), direction: z.string(), size: z.string(), impact: z.number(), text: z.string() });

const CustomerScoreItem = z.object({
  customerId: z.string(),
  name: z.string().nullable(),
  segment: z.string(),
  score: z.number().int().describe('0–100, higher = safer (PAYDEX-like: 80 = pays on terms, 50 = 30 days beyond)'),
  riskClass: z.enum(['A', 'B', 'C', 'D', 'E']),
  basis: z.string().describe('behavioural, or new_customer while fewer than 5 invoices are paid'),
  paidInvoices: z.number().int(),
  daysBeyondTerms: z.number().nullable(),
  openInvoices: z.number().int(),
  maxPLate30: z.number().nullable(),
  previousScore: z.number().int().nullable().describe('score at the previous scored as-of date (trend)'),
  previousAsOf: z.string().nullable(),
  reasons: z.array(CustomerReason),
});

const InvoiceScoreItem = z.object({
  invoiceId: z.string(),
  customerId: z.string(),
  openAmount: z.string().describe('decimal string'),
  currency: z.string(),
  dueDate: z.string(),
  pLate: z.number().describe('probability of being paid after the due date'),
  pLate30: z.number().describe('probability of not being paid within 30 days after the due date (incl. never)'),
  pWriteOff: z.number(),
  expectedLoss: z.string().describe('pWriteOff × open amount, decimal string'),
  daysToPayP10: z.number().int().describe('days from the invoice date'),
  daysToPayP50: z.number().int(),
  daysToPayP90: z.number().int(),
  expectedPayDate: z.string(),
  modelVersion: z.string(),
  reasons: z.array(InvoiceReason),
});

export const scoreRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/scores/customers',
    {
      schema: {
        tags: ['risk'],
        summary: 'Customer risk scores (0–100, class A–E) as of the newest scored date or asOf',
        querystring: z.object({
          sort: z.enum(['risk', 'score', 'customer']).default('risk').describe('risk = riskiest first'),
          limit: z.coerce.number().int().min(1).max(10_000).default(100),
          asOf: isoDate.optional(),
          riskClass: z.enum(['A', 'B', 'C', 'D', 'E']).optional(),
        }),
        response: { 200: z.object({ asOf: z.string(), items: z.array(CustomerScoreItem) }) },
      },
      config: { arrowTable: 'items' },
    },
    async (req) => listCustomerScores(app.warehouse, req.query),
  );
  app.get(
    '/scores/customers/:id/history',
    {
      schema: {
        tags: ['risk'],
        summary: 'A customer’s score at every scored as-of date, to show deterioration',
        params: z.object({ id: z.string().min(1) }),
        response: {
          200: z.object({
            customerId: z.string(),
            items: z.array(z.object({ asOf: z.string(), score: z.number().int(), riskClass: z.string(), basis: z.string(), daysBeyondTerms: z.number().nullable() })),
          }),
        },
      },
    },
    async (req) => customerScoreHistory(app.warehouse, req.params.id),
  );
  app.get(
    '/scores/invoices',
    {
      schema: {
        tags: ['risk'],
        summary: 'Invoice scores (pLate, pLate30, days to pay P10/P50/P90, reasons), riskiest first',
        querystring: z.object({
          customerId: z.string().min(1).optional(),
          asOf: isoDate.optional(),
          limit: z.coerce.number().int().min(1).max(10_000).default(500),
          offset: z.coerce.number().int().min(0).default(0),
        }),
        response: { 200: z.object({ asOf: z.string(), total: z.number().int(), items: z.array(InvoiceScoreItem) }) },
      },
      config: { arrowTable: 'items' },
    },
    async (req) => listInvoiceScores(app.warehouse, req.query),
  );
  app.get(
    '/scores/models',
    {
      schema: {
        tags: ['risk'],
        summary: 'The trained models behind the scores: algorithm, training and calibration windows, metrics',
        querystring: z.object({ asOf: isoDate.optional() }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                modelVersion: z.string(),
                asOf: z.string(),
                target: z.string(),
                algorithm: z.string(),
                trainFrom: z.string(),
                trainTo: z.string(),
                calibFrom: z.string().nullable(),
                calibTo: z.string().nullable(),
                nTrain: z.number().int(),
                nCalib: z.number().int(),
                metrics: z.record(z.string(), z.unknown()),
              }),
            ),
          }),
        },
      },
    },
    async (req) => ({ items: await listRiskModels(app.warehouse, req.query.asOf) }),
  );
};
