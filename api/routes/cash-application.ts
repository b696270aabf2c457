import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { StoredCandidate, MatchDecision } from '../../scoring/cash-application/confirm.ts';
import { listExceptions, recordDecision } from '../repositories/cash-application.ts';
import { ArIntelError } from '../../core/errors.ts';
import { runInProgress } from '../../jobs/run-lock.ts';

const ExceptionItem = z.object({
  exceptionId: z.string(),
  paymentId: z.string(),
  bankReference: z.string().nullable(),
  payerName: z.string().nullable(),
  receivedDate: z.string(),
  amount: z.string().describe('unapplied amount, decimal string'),
  currency: z.string(),
  reference: z.string().nullable(),
  remittanceText: z.string().nullable(),
  bankAccount: z.string().nullable(),
  customerId: z.string().nullable().describe('customer of the best candidate'),
  reason: z.string(),
  asOf: z.string(),
  candidates: z.array(StoredCandidate).describe('candidate matches, best first (rank 1)'),
});

const Decision = z.object({
  paymentId: z.string(),
  status: z.enum(['confirmed', 'rejected']),
  applications: z.array(z.object({ invoiceId: z.string().nullable(), creditNoteId: z.string().nullable(), amount: z.string() })),
  onAccount: z.string(),
  learnedAccount: z.object({ bankAccount: z.string(), customerId: z.string() }).nullable(),
  remainingCandidates: z.number().int(),
});

export const cashApplicationRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/cash-application/exceptions',
    {
      schema: {
        tags: ['cash application'],
        summary: 'Payments the matcher could not apply with enough confidence, with ranked candidate matches',
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(1000).default(50),
          offset: z.coerce.number().int().min(0).default(0),
          customerId: z.string().min(1).optional(),
        }),
        response: { 200: z.object({ total: z.number().int(), items: z.array(ExceptionItem) }) },
      },
    },
    async (req) => listExceptions(app.warehouse, req.query),
  );
  app.post(
    '/cash-application/matches',
    {
      schema: {
        tags: ['cash application'],
        summary: 'Confirm or reject a candidate match (confirmations teach the payer account → customer)',
        body: MatchDecision,
        response: { 200: Decision },
      },
    },
    async (req) => {
      // A run matches cash from the ledger as it stood when it began and replaces the exceptions queue when
      // it publishes: a decision recorded meanwhile could be applied twice or have its status dropped.
      if (runInProgress(app.warehouse)) {
        throw new ArIntelError('CONFLICT', 'a pipeline run is applying cash right now; retry once it has published (GET /api/v1/runs)', {}, 409);
      }
      return recordDecision(app.warehouse, req.body, new Date().toISOString().slice(0, 19));
    },
  );
};
