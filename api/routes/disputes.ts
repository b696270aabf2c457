import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { isoDate } from '../../core/as-of.ts';
import { disputeCauses } from '../../models/disputes.ts';
import { assertScopeKnown } from '../../models/scope.ts';
import { resolvePeriod } from '../repositories/metrics.ts';
import { Filters, filtersOf, ScopeQuery, scopeOf } from './scope-query.ts';
import { DEDUCTION_STATUSES, deductionDecisionSchema, decideDeduction, listDeductions } from '../../scoring/cash-application/deductions.ts';

const Money = z.string();

const Deduction = z.object({
  deductionId: z.string(),
  paymentId: z.string(),
  invoiceId: z.string(),
  customerId: z.string().nullable(),
  customerName: z.string().nullable(),
  amount: Money.describe('the unpaid rest of the short payment'),
  currency: z.string().nullable(),
  causeGuess: z.string().describe('cash application\'s guess: words in the remittance, tax amount, a late discount, else unspecified'),
  evidence: z.string().nullable(),
  openedDate: z.string(),
  status: z.enum(DEDUCTION_STATUSES),
  disputeId: z.string().nullable().describe('the dispute opened from it (action dispute)'),
});

export const disputeRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/disputes/causes',
    {
      schema: {
        tags: ['disputes'],
        summary:
          'Disputes opened in a period: rate, Pareto by cause, days to resolve (median, p90), leakage, upstream order causes, by month; ' +
          'optionally of one segment, collector or document currency (the filters of /metrics/summary)',
        querystring: z.object({
          from: isoDate.optional().describe('default: 12 months before `to`'),
          to: isoDate.optional().describe('default: the latest published as-of date, else the latest date in the data'),
          ...ScopeQuery,
        }),
        response: {
          200: z.object({
            from: z.string(),
            to: z.string(),
            currency: z.string(),
            filters: Filters.describe("the filters applied (null = all): a dispute's customer (else its invoice's) and its invoice's currency"),
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
      const scope = scopeOf(req.query);
      const [period] = await Promise.all([resolvePeriod(app.warehouse, req.query.from, req.query.to), assertScopeKnown(app.warehouse, scope)]);
      const causes = await disputeCauses(app.warehouse, { ...period, baseCurrency: app.config.baseCurrency, scope });
      return { ...causes, filters: filtersOf(scope) };
    },
  );

  app.get(
    '/disputes/deductions',
    {
      schema: {
        tags: ['disputes'],
        summary: 'Deductions from short payments (cash application applied them within tolerance): dispute candidates with a cause guess',
        querystring: z.object({
          status: z.enum([...DEDUCTION_STATUSES, 'all']).default('candidate'),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          offset: z.coerce.number().int().min(0).default(0),
        }),
        response: {
          200: z.object({
            items: z.array(Deduction),
            total: z.number().int(),
            byCause: z.array(z.object({ cause: z.string(), count: z.number().int(), amount: Money })),
          }),
        },
      },
    },
    async (req) => listDeductions(app.warehouse, req.query),
  );

  app.post(
    '/disputes/deductions/:id',
    {
      schema: {
        tags: ['disputes'],
        summary: 'Decide a deduction candidate: dispute (opens a dispute for the residual with the guessed or given cause), accept or dismiss',
        params: z.object({ id: z.string().min(1).max(100) }),
        body: deductionDecisionSchema,
        response: { 200: Deduction },
      },
    },
    async (req) => {
      const after = await app.warehouse.transaction((conn) => decideDeduction(conn, req.params.id, req.body));
      req.audit = { entity: 'deduction', entityId: req.params.id, after };
      return after;
    },
  );
};
