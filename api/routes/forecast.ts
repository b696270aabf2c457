import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { isoDate } from '../../core/as-of.ts';
import { cashForecast, cashForecastWeek, forecastAccuracy } from '../repositories/forecast.ts';

const Money = z.string().describe('decimal string');
const Currency = z.string().regex(/^[A-Z]{3}$/, 'expected a 3-letter ISO currency code such as USD');
const Week = z.object({
  weekStart: z.string().describe('Monday of the ISO week'),
  horizon: z.number().int(),
  expected: Money.describe('mean of the simulated receipts'),
  p10: Money,
  p50: Money,
  p90: Money,
  openAr: Money,
  orders: Money,
  newBusiness: Money,
});
const Source = z.enum(['stored', 'computed']);
const Stat = z.object({ wape: z.number().nullable(), bias: z.number().nullable(), weeks: z.number().int() });

export const forecastRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/forecast/cash',
    {
      schema: {
        tags: ['forecast'],
        summary: 'Weekly cash receipts forecast (mean, P10/P50/P90) with open AR, open orders and new business components',
        querystring: z.object({ asOf: isoDate.optional(), weeks: z.coerce.number().int().min(1).max(52).default(13), currency: Currency.optional() }),
        response: { 200: z.object({ asOf: z.string(), currency: z.string(), source: Source, runId: z.string().nullable(), weeks: z.array(Week) }) },
      },
      config: { arrowTable: 'weeks' },
    },
    async (req) => cashForecast(app.warehouse, app.config.baseCurrency, req.query),
  );
  app.get(
    '/forecast/cash/week/:weekStart',
    {
      schema: {
        tags: ['forecast'],
        summary: 'The customers and invoices / orders that make up one forecast week',
        params: z.object({ weekStart: isoDate }),
        querystring: z.object({ asOf: isoDate.optional(), currency: Currency.optional() }),
        response: {
          200: z.object({
            asOf: z.string(),
            currency: z.string(),
            source: Source,
            week: Week,
            customers: z.array(z.object({ customerId: z.string(), expected: Money, openAr: Money, orders: Money, newBusiness: Money, items: z.number().int() })),
            items: z.array(z.object({ component: z.enum(['open_ar', 'orders', 'new_business']), customerId: z.string(), itemId: z.string().nullable(), itemCurrency: z.string(), expected: Money })),
          }),
        },
      },
    },
    async (req) => cashForecastWeek(app.warehouse, app.config.baseCurrency, req.params.weekStart, req.query),
  );
  app.get(
    '/forecast/accuracy',
    {
      schema: {
        tags: ['forecast'],
        summary: 'Stored cash forecasts against the receipts that arrived: WAPE and bias by horizon, variance split into timing, amount and new invoices',
        querystring: z.object({ currency: Currency.optional() }),
        response: {
          200: z.object({
            currency: z.string(),
            dataTo: z.string(),
            byHorizon: z.array(Stat.extend({ horizon: z.number().int() })),
            weeks1to4: Stat,
            weeks5to13: Stat,
            runs: z.array(
              z.object({
                runId: z.string(),
                asOf: z.string(),
                weeks: z.array(z.object({ weekStart: z.string(), horizon: z.number().int(), forecast: Money, actual: Money, variance: Money, timing: Money, amount: Money, newInvoices: Money })),
              }),
            ),
          }),
        },
      },
    },
    async (req) => forecastAccuracy(app.warehouse, app.config.baseCurrency, req.query),
  );
};
