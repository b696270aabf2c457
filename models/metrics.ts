/**
 * The AR summary at an as-of date: SQL marts give balances, buckets and monthly sales; the pure
 * functions of dso.ts turn them into the DSO family and CEI. The API, the CLI and the monthly history
 * all go through here, so the numbers a test checks are the numbers a user sees.
 */
import { addDays, daysBetween } from '../core/as-of.ts';
import { NoDataError } from '../core/errors.ts';
import { formatMoney, normaliseDecimalString, parseMoney } from '../core/money.ts';
import type { Warehouse } from '../core/warehouse.ts';
import { bucketDefs, DEFAULT_BUCKET_EDGES } from './buckets.ts';
import { queryModel } from './dag.ts';
import {
  averageArDso,
  averageDaysDelinquent,
  bestPossibleDso,
  cei,
  countbackDso,
  percentOf,
  simpleDso,
  type SalesMonth,
} from './dso.ts';
import { addMonths, dayOfMonth, daysInMonth, endOfMonth, monthStart } from './periods.ts';
import { scopeParams, type MetricScope } from './scope.ts';

export type AgingBasis = 'due' | 'invoice';
export type GroupBy = 'customer' | 'parent' | 'collector' | 'segment' | 'country' | 'currency' | 'none';
export type CurrencyView = 'base' | 'document';

export const num = (s: unknown): number => (s === null || s === undefined ? 0 : Number(s));
export const money = (s: unknown): string => (s === null || s === undefined ? '0.00' : normaliseDecimalString(String(s)));
const round = (x: number | null, digits = 2): number | null => (x === null ? null : Number(x.toFixed(digits)));

export function assertRated(unrated: unknown, baseCurrency: string): void {
  if (typeof unrated === 'string' && unrated !== '') {
    throw new NoDataError(
      `no exchange rate to ${baseCurrency} for ${unrated}; load fx_rates rows (rate_date, currency, base_currency=${baseCurrency}, rate)`,
    );
  }
}

interface PositionRow extends Record<string, unknown> {
  as_of: string;
  total_ar: string;
  invoice_ar: string;
  unapplied_credits: string;
  unapplied_cash: string;
  current_ar: string;
  over_90_ar: string;
  disputed_ar: string;
  open_invoices: string;
  unrated_currencies: string | null;
}

export interface AgingBucket {
  label: string;
  minDays: number | null;
  maxDays: number | null;
  amount: string;
  count: number;
  /** The part of `amount` that is open invoices (the rest: unapplied credits and cash). */
  invoiceAmount: string;
}

export interface AgingRow {
  readonly groupKey: string | null;
  readonly groupName: string | null;
  readonly currency: string;
  readonly buckets: AgingBucket[];
  readonly total: string;
  readonly invoiceTotal: string;
  readonly count: number;
}

export interface AgingOptions {
  readonly asOf: string;
  readonly baseCurrency: string;
  readonly basis?: AgingBasis;
  readonly groupBy?: GroupBy;
  readonly edges?: readonly number[];
  readonly currencyView?: CurrencyView;
  /** The caller already checked that every currency has a rate (saves a second pass over the lines). */
  readonly ratesChecked?: boolean;
  /** Only this segment / collector / document currency (amounts still in base currency unless document view). */
  readonly scope?: MetricScope;
}

/** Aging by group at as-of: one row per group (and currency in document view), buckets in order. */
export async function agingReport(wh: Warehouse, o: AgingOptions): Promise<AgingRow[]> {
  const edges = o.edges ?? DEFAULT_BUCKET_EDGES;
  const defs = bucketDefs(edges);
  const rows = await queryModel<{
    group_key: string | null;
    group_name: string | null;
    currency: string;
    bucket: number;
    amount: string;
    invoice_amount: string;
    lines: string;
    unrated_currencies: string | null;
  }>(
    wh,
    'mart_aging',
    {
      as_of: o.asOf,
      base_currency: o.baseCurrency,
      bucket_edges: edges.join(','),
      basis: o.basis ?? 'due',
      group_by: o.groupBy ?? 'none',
      currency_view: o.currencyView ?? 'base',
      ...scopeParams(o.scope),
    },
    { tail: 'order by group_key nulls last, currency, bucket' },
  );
  if ((o.currencyView ?? 'base') === 'base' && !o.ratesChecked) {
    assertRated([...new Set(rows.flatMap((r) => (r.unrated_currencies ? r.unrated_currencies.split(',') : [])))].sort().join(','), o.baseCurrency);
  }
  const groups = new Map<string, { key: string | null; name: string | null; currency: string; cents: bigint[]; counts: number[]; invoiceCents: bigint[] }>();
  for (const r of rows) {
    const id = `${r.group_key ?? '\u0000'}|${r.currency}`;
    let g = groups.get(id);
    if (!g) {
      g = { key: r.group_key, name: r.group_name, currency: r.currency, cents: defs.map(() => 0n), counts: defs.map(() => 0), invoiceCents: defs.map(() => 0n) };
      groups.set(id, g);
    }
    const k = Number(r.bucket);
    g.cents[k] = (g.cents[k] as bigint) + (parseMoney(money(r.amount)) ?? 0n);
    g.counts[k] = (g.counts[k] as number) + Number(r.lines);
    g.invoiceCents[k] = (g.invoiceCents[k] as bigint) + (parseMoney(money(r.invoice_amount)) ?? 0n);
    g.name ??= r.group_name;
  }
  return [...groups.values()].map((g) => ({
    groupKey: g.key,
    groupName: g.name,
    currency: g.currency,
    buckets: defs.map((d, i) => ({
      label: d.label,
      minDays: d.minDays,
      maxDays: d.maxDays,
      amount: formatMoney(g.cents[i] as bigint),
      count: g.counts[i] as number,
      invoiceAmount: formatMoney(g.invoiceCents[i] as bigint),
    })),
    total: formatMoney(g.cents.reduce((a, b) => a + b, 0n)),
    invoiceTotal: formatMoney(g.invoiceCents.reduce((a, b) => a + b, 0n)),
    count: g.counts.reduce((a, b) => a + b, 0),
  }));
}

export interface SummaryOptions {
  readonly asOf: string;
  readonly baseCurrency: string;
  /** Length of the DSO/CEI period in calendar months ending at as-of (the as-of month counts to date). */
  readonly months?: number;
  /** N dividing credit sales in CEI; defaults to `months`; 1 = the undivided (annual) form. */
  readonly ceiMonths?: number;
  readonly edges?: readonly number[];
  /** Only this segment / collector / document currency: balances, sales and the DSO family of that cut. */
  readonly scope?: MetricScope;
}

export interface MonthlySales {
  readonly monthStart: string;
  readonly sales: number;
}

export async function creditSalesByMonth(wh: Warehouse, asOf: string, baseCurrency: string, scope?: MetricScope): Promise<Map<string, number>> {
  const rows = await queryModel<{ month_start: string; credit_sales: string; unrated_currencies: string | null }>(
    wh,
    'int_credit_sales_monthly',
    { as_of: asOf, base_currency: baseCurrency, ...scopeParams(scope) },
  );
  for (const r of rows) assertRated(r.unrated_currencies, baseCurrency);
  return new Map(rows.map((r) => [r.month_start, num(r.credit_sales)]));
}

/** Sales months newest first from the as-of month back to the first month with data (countback input). */
export function salesMonthsBack(asOf: string, sales: ReadonlyMap<string, number>): SalesMonth[] {
  const starts = [...sales.keys()].sort();
  const first = starts[0];
  const out: SalesMonth[] = [];
  if (first === undefined) return out;
  for (let m = monthStart(asOf), i = 0; m >= first; m = addMonths(m, -1), i++) {
    out.push({ sales: sales.get(m) ?? 0, days: i === 0 ? dayOfMonth(asOf) : daysInMonth(m) });
  }
  return out;
}

export interface PeriodInputs {
  readonly asOf: string;
  readonly months: number;
  readonly ceiMonths: number;
  readonly totalAr: number;
  readonly currentAr: number;
  readonly over90Ar: number;
  readonly beginAr: number;
  /** AR at the period's begin, at each month-end inside the period, and at as-of. */
  readonly arPoints: readonly number[];
  readonly sales: ReadonlyMap<string, number>;
  readonly trueDso: number | null;
}

export interface PeriodMetrics {
  readonly periodStart: string;
  readonly periodDays: number;
  readonly creditSales: number;
  readonly averageAr: number;
  readonly dso: {
    simple: number | null;
    countback: number | null;
    average: number | null;
    true: number | null;
    bestPossible: number | null;
    add: number | null;
  };
  readonly countbackExhausted: boolean;
  readonly cei: number | null;
  readonly percentCurrent: number | null;
  readonly percentOver90: number | null;
}

export function periodStartOf(asOf: string, months: number): string {
  return addMonths(monthStart(asOf), -(months - 1));
}

/** The dates whose total AR the period metrics need: begin (day before the period), month-ends inside, as-of. */
export function periodArDates(asOf: string, months: number): string[] {
  const start = periodStartOf(asOf, months);
  const dates = [addDays(start, -1)];
  for (let m = start; m < monthStart(asOf); m = addMonths(m, 1)) dates.push(endOfMonth(m));
  dates.push(asOf);
  return dates;
}

/** Pure: every period metric from its inputs (the history and the summary share this). */
export function periodMetrics(p: PeriodInputs): PeriodMetrics {
  const periodStart = periodStartOf(p.asOf, p.months);
  const periodDays = daysBetween(periodStart, p.asOf) + 1;
  let creditSales = 0;
  for (let m = periodStart; m <= p.asOf; m = addMonths(m, 1)) creditSales += p.sales.get(m) ?? 0;
  const averageAr = p.arPoints.length ? p.arPoints.reduce((a, b) => a + b, 0) / p.arPoints.length : p.totalAr;
  const simple = simpleDso(p.totalAr, creditSales, periodDays);
  const bp = bestPossibleDso(p.currentAr, creditSales, periodDays);
  const cb = countbackDso(p.totalAr, salesMonthsBack(p.asOf, p.sales));
  return {
    periodStart,
    periodDays,
    creditSales,
    averageAr,
    dso: {
      simple: round(simple),
      countback: round(cb.days),
      average: round(averageArDso(averageAr, creditSales, periodDays)),
      true: round(p.trueDso),
      bestPossible: round(bp),
      add: round(averageDaysDelinquent(simple, bp)),
    },
    countbackExhausted: cb.exhausted,
    cei: round(cei(p.beginAr, creditSales, p.ceiMonths, p.totalAr, p.currentAr)),
    percentCurrent: round(percentOf(p.currentAr, p.totalAr)),
    percentOver90: round(percentOf(p.over90Ar, p.totalAr)),
  };
}

export interface ArSummary {
  asOf: string;
  currency: string;
  totalAr: string;
  currentAr: string;
  overdueAr: string;
  unappliedCash: string;
  unappliedCredits: string;
  invoiceAr: string;
  disputedAr: string;
  over90Ar: string;
  openInvoices: number;
  buckets: AgingBucket[];
  dso: PeriodMetrics['dso'];
  countbackExhausted: boolean;
  addBasis: 'simple';
  cei: number | null;
  ceiMonths: number;
  periodMonths: number;
  periodStart: string;
  periodDays: number;
  creditSales: string;
  beginAr: string;
  averageAr: string;
  percentCurrent: number | null;
  percentOver90: number | null;
}

interface SnapshotRow extends PositionRow {
  true_dso: number | null;
  bucket: number | null;
  bucket_amount: string | null;
  bucket_invoice_amount: string | null;
  bucket_lines: string | null;
}

/** The all-customers aging (base currency) from the snapshot's bucket rows, shaped as agingReport's. */
function bucketsOf(edges: readonly number[], rows: readonly SnapshotRow[]): { buckets: AgingBucket[] } {
  const defs = bucketDefs(edges);
  const cents = defs.map(() => 0n);
  const invoiceCents = defs.map(() => 0n);
  const counts = defs.map(() => 0);
  for (const r of rows) {
    if (r.bucket === null) continue;
    const k = Number(r.bucket);
    cents[k] = (cents[k] as bigint) + (parseMoney(money(r.bucket_amount)) ?? 0n);
    invoiceCents[k] = (invoiceCents[k] as bigint) + (parseMoney(money(r.bucket_invoice_amount)) ?? 0n);
    counts[k] = (counts[k] as number) + Number(r.bucket_lines);
  }
  return {
    buckets: defs.map((d, i) => ({
      label: d.label,
      minDays: d.minDays,
      maxDays: d.maxDays,
      amount: formatMoney(cents[i] as bigint),
      count: counts[i] as number,
      invoiceAmount: formatMoney(invoiceCents[i] as bigint),
    })),
  };
}

export async function arSummary(wh: Warehouse, o: SummaryOptions): Promise<ArSummary> {
  const months = o.months ?? 3;
  const ceiMonths = o.ceiMonths ?? months;
  const edges = o.edges ?? DEFAULT_BUCKET_EDGES;
  const scope = scopeParams(o.scope);
  const base = { as_of: o.asOf, base_currency: o.baseCurrency, bucket_edges: edges.join(','), basis: 'due', ...scope };
  const dates = periodArDates(o.asOf, months);
  // one statement for everything read from the open lines; sales and period totals are cheap and separate
  const [snapshot, sales, totals] = await Promise.all([
    queryModel<SnapshotRow>(wh, 'mart_ar_snapshot', base),
    creditSalesByMonth(wh, o.asOf, o.baseCurrency, o.scope),
    queryModel<{ as_of: string; total_ar: string; unrated_currencies: string | null }>(wh, 'mart_ar_totals_at_dates', {
      base_currency: o.baseCurrency,
      dates: dates.join(','),
      ...scope,
    }),
  ]);
  const posRows: PositionRow[] = snapshot.slice(0, 1);
  const trueRows = snapshot.slice(0, 1);
  const aging = snapshot.length ? [bucketsOf(edges, snapshot)] : [];
  const pos = posRows[0];
  assertRated(pos?.unrated_currencies, o.baseCurrency);
  for (const t of totals) assertRated(t.unrated_currencies, o.baseCurrency);
  const totalByDate = new Map(totals.map((t) => [t.as_of, num(t.total_ar)]));
  const totalAr = num(pos?.total_ar);
  const currentAr = num(pos?.current_ar);
  // the as-of point uses the line-level total so the average ties to the headline figure
  const arPoints = dates.map((d) => (d === o.asOf ? totalAr : (totalByDate.get(d) ?? 0)));
  const beginAr = arPoints[0] ?? 0;
  const pm = periodMetrics({
    asOf: o.asOf,
    months,
    ceiMonths,
    totalAr,
    currentAr,
    over90Ar: num(pos?.over_90_ar),
    beginAr,
    arPoints,
    sales,
    trueDso: trueRows[0]?.true_dso === undefined || trueRows[0]?.true_dso === null ? (pos ? 0 : null) : Number(trueRows[0].true_dso),
  });
  const totalCents = parseMoney(money(pos?.total_ar)) ?? 0n;
  const currentCents = parseMoney(money(pos?.current_ar)) ?? 0n;
  const buckets = aging[0]?.buckets ?? bucketDefs(edges).map((d) => ({ label: d.label, minDays: d.minDays, maxDays: d.maxDays, amount: '0.00', count: 0, invoiceAmount: '0.00' }));
  return {
    asOf: o.asOf,
    currency: o.baseCurrency,
    totalAr: formatMoney(totalCents),
    currentAr: formatMoney(currentCents),
    overdueAr: formatMoney(totalCents - currentCents),
    unappliedCash: money(pos?.unapplied_cash),
    unappliedCredits: money(pos?.unapplied_credits),
    invoiceAr: money(pos?.invoice_ar),
    disputedAr: money(pos?.disputed_ar),
    over90Ar: money(pos?.over_90_ar),
    openInvoices: num(pos?.open_invoices),
    buckets,
    dso: pm.dso,
    countbackExhausted: pm.countbackExhausted,
    addBasis: 'simple',
    cei: pm.cei,
    ceiMonths,
    periodMonths: months,
    periodStart: pm.periodStart,
    periodDays: pm.periodDays,
    creditSales: pm.creditSales.toFixed(2),
    beginAr: beginAr.toFixed(2),
    averageAr: pm.averageAr.toFixed(2),
    percentCurrent: pm.percentCurrent,
    percentOver90: pm.percentOver90,
  };
}
