/**
 * Dispute analytics for a period: rate, Pareto by cause, time to resolve, leakage, upstream order
 * causes, and days deductions outstanding at the period end. With a scope (models/scope.ts) every figure
 * is that cut's: disputes of its customers and document currency, invoices issued to them, and the open
 * disputed AR of its open lines, so the CFO filters cut the Pareto exactly as they cut the summary.
 */
import type { Warehouse } from '../core/warehouse.ts';
import { queryModel } from './dag.ts';
import { money, num } from './metrics.ts';
import { DEFAULT_BUCKET_EDGES } from './buckets.ts';
import { percentOf } from './dso.ts';
import { daysDeductionsOutstanding } from './ratios.ts';
import { scopeParams, type MetricScope } from './scope.ts';

export interface DisputeCausesOptions {
  readonly from: string;
  readonly to: string;
  readonly baseCurrency: string;
  /** Only this segment / collector / document currency; absent = the whole book. */
  readonly scope?: MetricScope;
}

const round = (x: number | null, d = 2) => (x === null ? null : Number(x.toFixed(d)));
const numOrNull = (x: unknown) => (x === null || x === undefined ? null : Number(x));

export async function disputeCauses(wh: Warehouse, o: DisputeCausesOptions) {
  const p = { from: o.from, to: o.to, as_of: o.to, base_currency: o.baseCurrency, bucket_edges: DEFAULT_BUCKET_EDGES.join(','), basis: 'due', ...scopeParams(o.scope) };
  const [causes, months, period, position] = await Promise.all([
    queryModel<Record<string, string | number | null>>(wh, 'mart_dispute_causes', p, { tail: 'order by amount desc, disputes desc, cause' }),
    queryModel<{ month: string; cause: string; disputes: string; amount: string; leakage: string }>(wh, 'mart_dispute_monthly', p, {
      tail: 'order by month, amount desc, cause',
    }),
    queryModel<Record<string, string | number>>(wh, 'mart_dispute_period', p),
    queryModel<{ disputed_ar: string }>(wh, 'mart_ar_position', p, { select: 'disputed_ar' }),
  ]);
  const totalCount = causes.reduce((s, c) => s + num(c.disputes), 0);
  const totalAmount = causes.reduce((s, c) => s + num(c.amount), 0);
  let cumulative = 0;
  const pr = period[0] ?? {};
  const openDisputed = num(position[0]?.disputed_ar);
  const periodDays = num(pr.period_days);
  const resolvedPerDay = periodDays > 0 ? num(pr.resolved_amount) / periodDays : 0;
  return {
    from: o.from,
    to: o.to,
    currency: o.baseCurrency,
    disputes: totalCount,
    disputedAmount: totalAmount.toFixed(2),
    invoicesIssued: num(pr.invoices_issued),
    invoicedAmount: money(pr.invoiced_amount),
    disputedInvoices: num(pr.disputed_invoices),
    disputedInvoicedAmount: money(pr.disputed_invoiced_amount),
    disputeRateByCount: round(percentOf(num(pr.disputed_invoices), num(pr.invoices_issued))),
    disputeRateByValue: round(percentOf(num(pr.disputed_invoiced_amount), num(pr.invoiced_amount))),
    openDisputedAr: money(position[0]?.disputed_ar),
    resolvedDisputes: num(pr.resolved_disputes),
    resolvedAmount: money(pr.resolved_amount),
    daysDeductionsOutstanding: round(daysDeductionsOutstanding(openDisputed, resolvedPerDay)),
    leakage: causes.reduce((s, c) => s + num(c.leakage), 0).toFixed(2),
    causes: causes.map((c) => {
      cumulative += num(c.amount);
      return {
        cause: String(c.cause),
        count: num(c.disputes),
        amount: money(c.amount),
        shareOfCount: round(percentOf(num(c.disputes), totalCount)),
        shareOfAmount: round(percentOf(num(c.amount), totalAmount)),
        cumulativeShareOfAmount: round(percentOf(cumulative, totalAmount)),
        resolved: num(c.resolved),
        medianDaysToResolve: round(numOrNull(c.median_days_to_resolve), 1),
        p90DaysToResolve: round(numOrNull(c.p90_days_to_resolve), 1),
        leakage: money(c.leakage),
        upstream: {
          withOrder: num(c.with_order),
          shippedLate: num(c.shipped_late),
          shippedPartially: num(c.shipped_partially),
          priceMismatch: num(c.price_mismatch),
        },
      };
    }),
    months: months.map((m) => ({ month: m.month, cause: m.cause, count: num(m.disputes), amount: money(m.amount), leakage: money(m.leakage) })),
  };
}
