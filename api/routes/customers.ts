import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { isoDate, latestDataDate } from '../../core/as-of.ts';
import { NotFoundError } from '../../core/errors.ts';
import { publishedAsOf } from '../../jobs/pipeline.ts';
import { customer360, searchCustomers } from '../repositories/customers.ts';

const str = z.string().nullable();
const Customer360 = z.object({
  asOf: z.string(),
  profile: z.object({
    customerId: z.string(), name: z.string(), parentId: str, segment: str, industry: str, country: str, currency: z.string(),
    paymentTermsDays: z.number().nullable(), collectorId: str, collectorName: str,
    contact: z.object({ name: str, email: str, phone: str }), strategic: z.boolean(),
  }),
  risk: z.object({
    score: z.number().nullable(), riskClass: str, reasons: z.array(z.string()),
    trend: z.array(z.object({ asOf: z.string(), score: z.number(), riskClass: z.string() })),
  }),
  credit: z.object({ creditLimit: str, exposure: z.string(), exposureCurrency: z.string() }),
  openItems: z.array(z.object({
    kind: z.string(), itemId: z.string(), invoiceId: str, docDate: z.string(), dueDate: str, currency: z.string(),
    openAmount: z.string(), openBase: z.string(), daysPastDue: z.number().nullable(), bucket: z.number().nullable(),
    disputeId: str, disputeCause: str, promiseId: str, promisedDate: str, pLate: z.number().nullable(), pLate30: z.number().nullable(), expectedPayDate: str,
  })),
  paymentHistory: z.array(z.object({
    invoiceId: z.string(), invoiceDate: z.string(), dueDate: z.string(), closedDate: z.string(), amount: z.string(),
    daysLate: z.number(), daysToPay: z.number(), writtenOff: z.boolean(),
  })),
  activities: z.array(z.object({ activityId: z.string(), type: z.string(), outcome: str, collectorId: str, at: z.string(), nextFollowUp: str, invoiceId: str, note: str })),
  promises: z.array(z.object({ promiseId: z.string(), invoiceId: str, createdDate: z.string(), promisedDate: z.string(), amount: z.string(), status: z.string(), collectorId: str, note: str })),
  disputes: z.array(z.object({ disputeId: z.string(), invoiceId: z.string(), openedDate: z.string(), amount: z.string(), cause: z.string(), status: z.string(), resolvedDate: str, resolution: str, owner: str, note: str })),
  metrics: z.object({
    paidInvoices24m: z.number().int(), weightedAverageDaysLate: z.number().nullable(), paydexLike: z.number().nullable(),
    averageDaysToPay: z.number().nullable(), openAmountBase: z.string(),
  }),
});

export const customerRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/customers',
    {
      schema: {
        tags: ['collections'],
        summary: 'Search customers by name or id (collectors see their own portfolio only)',
        querystring: z.object({ query: z.string().min(1).max(200), limit: z.coerce.number().int().min(1).max(100).default(20) }),
        response: {
          200: z.object({
            items: z.array(z.object({ customerId: z.string(), name: z.string(), collectorId: str, segment: str, country: str, currency: z.string() })),
          }),
        },
      },
    },
    async (req) => {
      const own = req.principal?.role === 'collector' ? req.principal.collectorId : null;
      return { items: await searchCustomers(app.warehouse, req.query.query, own, req.query.limit) };
    },
  );
  app.get(
    '/customers/:id',
    {
      schema: {
        tags: ['collections'],
        summary: 'Customer 360: profile, risk and trend, credit, open items, payment history, activities, promises, disputes',
        params: z.object({ id: z.string().min(1).max(100) }),
        querystring: z.object({ asOf: isoDate.optional() }),
        response: { 200: Customer360 },
      },
    },
    async (req) => {
      const asOf = req.query.asOf ?? (await publishedAsOf(app.warehouse)) ?? (await latestDataDate(app.warehouse));
      const view = await customer360(app.warehouse, req.params.id, asOf, app.config.baseCurrency, (read) =>
        app.stateMemo.get(app, req, `customer360\u0000${req.params.id}\u0000${asOf}\u0000${app.config.baseCurrency}`, read),
      );
      if (!view) throw new NotFoundError(`customer ${req.params.id}`);
      return view;
    },
  );
};
