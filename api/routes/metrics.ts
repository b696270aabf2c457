import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { isoDate } from '../../core/as-of.ts';
import { ArIntelError } from '../../core/errors.ts';
import { parseBucketEdges } from '../../models/buckets.ts';
import { HISTORY_METRIC_NAMES, type HistoryMetric, scopedMetricHistory, trendOf } from '../../models/history.ts';
import { agingReport, arSummary } from '../../models/metrics.ts';
import { assertScopeKnown, isScoped, scopeKey, scopeOptions } from '../../models/scope.ts';
import { paymentBehaviour } from '../../models/payment-behaviour-report.ts';
import { reserveReport, rollRates } from '../../models/reserve-report.ts';
import { metricTrend, resolveMetricsAsOf, resolvePeriod } from '../repositories/metrics.ts';
import { Filters, filtersOf, ScopeQuery, scopeOf } from './scope-query.ts';

const Money = z.string().describe('decimal string in the stated currency');
const Days = z.number().nullable();

const Bucket = z.object({
  label: z.string(),
  minDays: z.number().int().nullable(),
  maxDays: z.number().int().nullable(),
  amount: Money,
  count: z.number().int(),
  invoiceAmount: Money.describe('part of amount that is open invoices'),
});

const Summary = z.object({
  asOf: z.string(),
  currency: z.string(),
  totalAr: Money.describe('receivables base: open invoices + unapplied credits + unapplied cash'),
  currentAr: Money,
  overdueAr: Money,
  unappliedCash: Money.describe('negative: cash received and not applied to invoices'),
  unappliedCredits: Money.describe('negative: credit notes not applied to an invoice'),
  invoiceAr: Money,
  disputedAr: Money,
  over90Ar: Money,
  openInvoices: z.number().int(),
  buckets: z.array(Bucket),
  dso: z.object({
    simple: Days.describe('period-end DSO: total AR / credit sales of the period × days'),
    countback: Days.describe('exhaustion DSO over calendar months'),
    average: Days.describe('average AR (period begin, month-ends, as-of) / credit sales × days'),
    true: Days.describe("Oracle's documented true DSO"),
    bestPossible: Days,
    add: Days.describe('simple DSO − best possible DSO'),
  }),
  countbackExhausted: z.boolean(),
  addBasis: z.literal('simple'),
  cei: z.number().nullable(),
  ceiMonths: z.number().int().describe('N dividing credit sales in CEI'),
  periodMonths: z.number().int(),
  periodStart: z.string(),
  periodDays: z.number().int(),
  creditSales: Money,
  beginAr: Money,
  averageAr: Money,
  percentCurrent: z.number().nullable(),
  percentOver90: z.number().nullable(),
});

const bucketsParam = z.string().max(200).optional().describe('ascending day edges starting at 0, e.g. 0,30,60,90,120');

function edgesOrThrow(text: string | undefined) {
  return parseBucketEdges(text, 'querystring.buckets');
}

function parseRates(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  return text.split(',').map((p) => {
    const x = Number(p.trim());
    if (p.trim() === '' || !Number.isFinite(x) || x < 0 || x > 1) {
      throw new ArIntelError('VALIDATION', `rates: "${p}" is not a rate between 0 and 1`, { field: 'querystring.rates' });
    }
    return x;
  });
}

export const metricsRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/metrics/summary',
    {
      schema: {
        tags: ['metrics'],
        summary: 'Open AR, aging buckets, the DSO family, CEI, % current and % over 90 as of a date',
        querystring: z.object({
          asOf: isoDate.optional(),
          months: z.coerce.number().int().min(1).max(24).default(3).describe('DSO/CEI period in calendar months ending at asOf'),
          ceiMonths: z.coerce.number().int().min(1).max(24).optional().describe('N in CEI; default = months; 1 = annual form'),
          ...ScopeQuery,
        }),
        response: { 200: Summary.extend({ filters: Filters }) },
      },
    },
    async (req) => {
      const scope = scopeOf(req.query);
      const [asOf] = await Promise.all([resolveMetricsAsOf(app.warehouse, req.query.asOf), assertScopeKnown(app.warehouse, scope)]);
      const summary = await arSummary(app.warehouse, {
        asOf,
        baseCurrency: app.config.baseCurrency,
        months: req.query.months,
        scope,
        ...(req.query.ceiMonths !== undefined ? { ceiMonths: req.query.ceiMonths } : {}),
      });
      return { ...summary, filters: filtersOf(scope) };
    },
  );

  app.get(
    '/metrics/aging',
    {
      schema: {
        tags: ['metrics'],
        summary: 'Aging by group as of a date, by due date or invoice date, in base or document currency',
        querystring: z.object({
          asOf: isoDate.optional(),
          basis: z.enum(['due', 'invoice']).default('due'),
          groupBy: z.enum(['customer', 'parent', 'collector', 'segment', 'country', 'currency', 'none']).default('customer'),
          buckets: bucketsParam,
          currency: z.enum(['base', 'document']).default('base'),
          ...ScopeQuery,
        }),
        response: {
          200: z.object({
            asOf: z.string(),
            basis: z.enum(['due', 'invoice']),
            groupBy: z.string(),
            currency: z.enum(['base', 'document']),
            baseCurrency: z.string(),
            filters: Filters,
            items: z.array(
              z.object({
                key: z.string().nullable(),
                name: z.string().nullable(),
                currency: z.string(),
                total: Money,
                invoiceTotal: Money,
                count: z.number().int(),
                buckets: z.array(Bucket),
              }),
            ),
          }),
        },
      },
      config: { arrowTable: 'items' },
    },
    async (req) => {
      const scope = scopeOf(req.query);
      const [asOf] = await Promise.all([resolveMetricsAsOf(app.warehouse, req.query.asOf), assertScopeKnown(app.warehouse, scope)]);
      const rows = await agingReport(app.warehouse, {
        asOf,
        baseCurrency: app.config.baseCurrency,
        basis: req.query.basis,
        groupBy: req.query.groupBy,
        edges: edgesOrThrow(req.query.buckets),
        currencyView: req.query.currency,
        scope,
      });
      return {
        asOf,
        basis: req.query.basis,
        groupBy: req.query.groupBy,
        currency: req.query.currency,
        baseCurrency: app.config.baseCurrency,
        filters: filtersOf(scope),
        items: rows.map((r) => ({ key: r.groupKey, name: r.groupName, currency: r.currency, total: r.total, invoiceTotal: r.invoiceTotal, count: r.count, buckets: r.buckets })),
      };
    },
  );

  app.get(
    '/metrics/trend',
    {
      schema: {
        tags: ['metrics'],
        summary: 'A metric as of every month-end (monthly history built by `ar-intel run`)',
        querystring: z.object({
          metric: z.enum(HISTORY_METRIC_NAMES as [string, ...string[]]),
          from: isoDate.optional(),
          to: isoDate.optional(),
          interval: z.literal('month').default('month'),
          ...ScopeQuery,
        }),
        response: {
          200: z.object({
            metric: z.string(),
            unit: z.enum(['currency', 'days', 'percent']),
            interval: z.literal('month'),
            filters: Filters,
            points: z.array(z.object({ date: z.string(), value: z.union([z.string(), z.number()]).nullable() })),
          }),
        },
      },
      config: { arrowTable: 'points' },
    },
    async (req) => {
      const metric = req.query.metric as HistoryMetric;
      const scope = scopeOf(req.query);
      if (!isScoped(scope)) return { ...(await metricTrend(app.warehouse, metric, req.query.from, req.query.to)), filters: filtersOf(scope) };
      // the stored history is the whole book's; a cut's history is computed as of the same date
      const [asOf] = await Promise.all([resolveMetricsAsOf(app.warehouse, undefined), assertScopeKnown(app.warehouse, scope)]);
      // Kept per data stamp (api/plugins/data-version.ts): the overview asks for a dozen metrics of one cut, and
      // the model's own memo would still scan the ledger for its fingerprint on every one of them.
      const base = app.config.baseCurrency;
      const rows = await app.stateMemo.get(app, req, `scopedHistory\u0000${asOf}\u0000${base}\u0000${scopeKey(scope)}`, () =>
        scopedMetricHistory(app.warehouse, asOf, base, scope),
      );
      const trend = trendOf(rows ?? [], { metric, from: req.query.from, to: req.query.to });
      return { ...trend, filters: filtersOf(scope) };
    },
  );

  app.get(
    '/metrics/filters',
    {
      schema: {
        tags: ['metrics'],
        summary: 'The values the segment, collectorId and documentCurrency filters of summary, aging and trend accept',
        response: {
          200: z.object({
            segments: z.array(z.string()),
            collectors: z.array(z.object({ id: z.string(), name: z.string().nullable() })),
            documentCurrencies: z.array(z.string()),
          }),
        },
      },
    },
    async () => scopeOptions(app.warehouse),
  );

  app.get(
    '/metrics/reserve',
    {
      schema: {
        tags: ['metrics'],
        summary: 'Bad-debt reserve as of a date: aging-schedule allowance or IFRS 9 provision matrix from cohort history',
        querystring: z.object({
          asOf: isoDate.optional(),
          method: z.enum(['schedule', 'matrix']).default('schedule'),
          buckets: bucketsParam,
          rates: z.string().max(300).optional().describe('schedule only: one rate (0–1) per bucket, e.g. 0.01,0.05,0.1,0.25,0.5,0.5'),
          cohortFrom: isoDate.optional().describe('matrix only: first invoice date of the cohort (default: 12 months before cohortTo)'),
          cohortTo: isoDate.optional().describe('matrix only: last invoice date of the cohort (default: asOf)'),
        }),
        response: {
          200: z.object({
            asOf: z.string(),
            method: z.enum(['schedule', 'matrix']),
            currency: z.string(),
            buckets: z.array(
              z.object({ label: z.string(), minDays: z.number().int().nullable(), maxDays: z.number().int().nullable(), amount: Money, rate: z.number(), reserve: Money }),
            ),
            total: Money,
            cohort: z
              .object({ from: z.string(), to: z.string(), invoices: z.number().int(), reached: z.array(Money), loss: Money })
              .nullable(),
          }),
        },
      },
    },
    async (req) => {
      const asOf = await resolveMetricsAsOf(app.warehouse, req.query.asOf);
      const rates = parseRates(req.query.rates);
      return reserveReport(app.warehouse, {
        asOf,
        baseCurrency: app.config.baseCurrency,
        method: req.query.method,
        edges: edgesOrThrow(req.query.buckets),
        ...(rates ? { rates } : {}),
        ...(req.query.cohortFrom ? { cohortFrom: req.query.cohortFrom } : {}),
        ...(req.query.cohortTo ? { cohortTo: req.query.cohortTo } : {}),
      });
    },
  );

  app.get(
    '/metrics/roll-rates',
    {
      schema: {
        tags: ['metrics'],
        summary: 'Roll rates between aging buckets over consecutive month-ends (share of a bucket found one bucket older a month later)',
        querystring: z.object({
          asOf: isoDate.optional(),
          from: isoDate.optional().describe('first month-end to roll from (default: 12 months before asOf)'),
          buckets: bucketsParam,
        }),
        response: {
          200: z.object({
            asOf: z.string(),
            from: z.string(),
            currency: z.string(),
            items: z.array(z.object({ from: z.string(), to: z.string(), amount: Money, rolled: Money, rate: z.number().nullable() })),
          }),
        },
      },
    },
    async (req) => {
      const asOf = await resolveMetricsAsOf(app.warehouse, req.query.asOf);
      const { from } = await resolvePeriod(app.warehouse, req.query.from, asOf);
      const items = await rollRates(app.warehouse, { asOf, from, baseCurrency: app.config.baseCurrency, edges: edgesOrThrow(req.query.buckets) });
      return { asOf, from, currency: app.config.baseCurrency, items };
    },
  );

  app.get(
    '/metrics/payment-behaviour',
    {
      schema: {
        tags: ['metrics'],
        summary: 'Per customer: weighted average days late, days to pay and a PAYDEX-like 1–100 payment index',
        querystring: z.object({
          asOf: isoDate.optional(),
          from: isoDate.optional().describe('closing dates from (default: 12 months before asOf)'),
          customerId: z.string().max(200).optional(),
          limit: z.coerce.number().int().min(1).max(10_000).default(500),
        }),
        response: {
          200: z.object({
            asOf: z.string(),
            from: z.string(),
            currency: z.string(),
            items: z.array(
              z.object({
                customerId: z.string(),
                customerName: z.string().nullable(),
                collectorId: z.string().nullable(),
                paidInvoices: z.number().int(),
                paidAmount: Money,
                weightedDaysLate: Days,
                averageDaysLate: Days,
                weightedDaysToPay: Days,
                averageDaysToPay: Days,
                paymentIndex: z.number().int().nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (req) => {
      const asOf = await resolveMetricsAsOf(app.warehouse, req.query.asOf);
      const { from } = await resolvePeriod(app.warehouse, req.query.from, asOf);
      const all = await paymentBehaviour(app.warehouse, { asOf, from, baseCurrency: app.config.baseCurrency });
      const items = (req.query.customerId ? all.filter((c) => c.customerId === req.query.customerId) : all).slice(0, req.query.limit);
      return { asOf, from, currency: app.config.baseCurrency, items };
    },
  );
};
