/**
 * Monthly metric history: every metric as of every month-end, so dashboards draw trends without
 * recomputing the past per request. Set-wise: month-end balances come from one range join of balance
 * segments × month-ends (int_item_balances_monthly), the inputs from one pass (mart_month_end_inputs),
 * and the period formulas are the same pure functions the summary uses.
 */
import type { Warehouse } from '../core/warehouse.ts';
import { bucketDefs, DEFAULT_BUCKET_EDGES } from './buckets.ts';
import { queryModel, sourceTables } from './dag.ts';
import { assertRated, creditSalesByMonth, money as decimalString, num, periodArDates, periodMetrics } from './metrics.ts';
import { addMonths, endOfMonth, monthStart } from './periods.ts';
import { sourceFingerprint } from './persisted.ts';
import { type MetricScope, scopeKey, scopeParams } from './scope.ts';

export type MetricUnit = 'currency' | 'days' | 'percent';

/** Every metric the history (and GET /api/v1/metrics/trend) knows, with its unit. */
export const HISTORY_METRICS = {
  total_ar: 'currency',
  invoice_ar: 'currency',
  current_ar: 'currency',
  overdue_ar: 'currency',
  over_90_ar: 'currency',
  unapplied_cash: 'currency',
  unapplied_credits: 'currency',
  credit_sales: 'currency',
  aging_current: 'currency',
  aging_1_30: 'currency',
  aging_31_60: 'currency',
  aging_61_90: 'currency',
  aging_91_120: 'currency',
  aging_120_plus: 'currency',
  dso_simple: 'days',
  dso_average: 'days',
  dso_countback: 'days',
  dso_true: 'days',
  dso_best_possible: 'days',
  add: 'days',
  cei: 'percent',
  percent_current: 'percent',
  percent_over_90: 'percent',
} as const satisfies Record<string, MetricUnit>;

export type HistoryMetric = keyof typeof HISTORY_METRICS;
export const HISTORY_METRIC_NAMES = Object.keys(HISTORY_METRICS) as HistoryMetric[];

export interface HistoryRow {
  readonly monthEnd: string;
  readonly metric: HistoryMetric;
  readonly amount: string | null;
  readonly value: number | null;
}

/** Period of the history's DSO / CEI: three calendar months ending at each month-end, CEI with N = 3. */
export const HISTORY_PERIOD_MONTHS = 3;

function agingMetricName(label: string): HistoryMetric | undefined {
  const name = `aging_${label.replace('+', '_plus').replace('-', '_')}`;
  return name in HISTORY_METRICS ? (name as HistoryMetric) : undefined;
}

/** Every metric at every month-end up to `asOf`; with a scope, the history of that cut (same formulas). */
export async function computeMetricHistory(wh: Warehouse, asOf: string, baseCurrency: string, scope?: MetricScope): Promise<HistoryRow[]> {
  const edges = DEFAULT_BUCKET_EDGES;
  const [inputs, sales] = await Promise.all([
    queryModel<{ as_of: string; measure: string; amount: string | null; value: number | null }>(
      wh,
      'mart_month_end_inputs',
      { as_of: asOf, base_currency: baseCurrency, bucket_edges: edges.join(','), basis: 'due', ...scopeParams(scope) },
      { swap: { int_item_balances: 'int_item_balances_monthly' } },
    ),
    creditSalesByMonth(wh, asOf, baseCurrency, scope),
  ]);
  const unrated = await queryModel<{ u: string | null }>(
    wh,
    'int_fx_at_dates',
    { as_of: asOf, base_currency: baseCurrency },
    { select: "string_agg(distinct currency, ',') as u", tail: 'where rate is null', swap: { int_item_balances: 'int_item_balances_monthly' } },
  );
  assertRated(unrated[0]?.u, baseCurrency);

  const byMonth = new Map<string, Map<string, { amount: string | null; value: number | null }>>();
  for (const r of inputs) {
    let m = byMonth.get(r.as_of);
    if (!m) byMonth.set(r.as_of, (m = new Map()));
    m.set(r.measure, { amount: r.amount, value: r.value === null ? null : Number(r.value) });
  }
  const firstSales = [...sales.keys()].sort()[0];
  const firstBalance = [...byMonth.keys()].sort()[0];
  const first = [firstSales, firstBalance].filter((x): x is string => x !== undefined).sort()[0];
  if (first === undefined) return [];
  const totalAt = (monthEnd: string) => num(byMonth.get(monthEnd)?.get('total_ar')?.amount);
  const defs = bucketDefs(edges);
  const rows: HistoryRow[] = [];
  for (let ms = monthStart(first); endOfMonth(ms) <= asOf; ms = addMonths(ms, 1)) {
    const me = endOfMonth(ms);
    const m = byMonth.get(me) ?? new Map<string, { amount: string | null; value: number | null }>();
    const amount = (k: string) => m.get(k)?.amount ?? '0';
    const totalAr = num(amount('total_ar'));
    const currentAr = num(amount('current_ar'));
    const pm = periodMetrics({
      asOf: me,
      months: HISTORY_PERIOD_MONTHS,
      ceiMonths: HISTORY_PERIOD_MONTHS,
      totalAr,
      currentAr,
      over90Ar: num(amount('over_90_ar')),
      beginAr: totalAt(periodArDates(me, HISTORY_PERIOD_MONTHS)[0] as string),
      arPoints: periodArDates(me, HISTORY_PERIOD_MONTHS).map(totalAt),
      sales,
      trueDso: m.get('true_dso')?.value ?? 0,
    });
    const money = (metric: HistoryMetric, value: string | number) =>
      rows.push({ monthEnd: me, metric, amount: typeof value === 'number' ? value.toFixed(2) : num(value).toFixed(2), value: null });
    const ratio = (metric: HistoryMetric, value: number | null) => rows.push({ monthEnd: me, metric, amount: null, value });
    money('total_ar', amount('total_ar'));
    money('invoice_ar', amount('invoice_ar'));
    money('current_ar', amount('current_ar'));
    money('overdue_ar', totalAr - currentAr);
    money('over_90_ar', amount('over_90_ar'));
    money('unapplied_cash', amount('unapplied_cash'));
    money('unapplied_credits', amount('unapplied_credits'));
    money('credit_sales', sales.get(ms) ?? 0);
    for (const d of defs) {
      const name = agingMetricName(d.label);
      if (name) money(name, amount(`bucket_${d.index}`));
    }
    ratio('dso_simple', pm.dso.simple);
    ratio('dso_average', pm.dso.average);
    ratio('dso_countback', pm.dso.countback);
    ratio('dso_true', pm.dso.true);
    ratio('dso_best_possible', pm.dso.bestPossible);
    ratio('add', pm.dso.add);
    ratio('cei', pm.cei);
    ratio('percent_current', pm.percentCurrent);
    ratio('percent_over_90', pm.percentOver90);
  }
  return rows;
}

/** Rebuilds mart_metric_history whole, in one transaction, so readers never see a half-written history. */
export async function rebuildMetricHistory(wh: Warehouse, asOf: string, baseCurrency: string, runId: string | null): Promise<number> {
  const rows = await computeMetricHistory(wh, asOf, baseCurrency);
  await wh.transaction(async (conn) => {
    await conn.run('delete from mart_metric_history');
    const chunk = 500;
    for (let i = 0; i < rows.length; i += chunk) {
      const part = rows.slice(i, i + chunk);
      // one statement per chunk with bound parameters; values are never spliced into SQL
      const placeholders = part.map((_, j) => `($${j * 5 + 1}::date, $${j * 5 + 2}, $${j * 5 + 3}::decimal(18,2), $${j * 5 + 4}::double, $${j * 5 + 5}::bigint)`);
      const params = part.flatMap((r) => [r.monthEnd, r.metric, r.amount, r.value, runId]);
      await conn.run(`insert into mart_metric_history (month_end, metric, amount, value, run_id) values ${placeholders.join(', ')}`, params);
    }
  });
  return rows.length;
}

/** Scoped histories recently computed, per warehouse; each entry is only valid for its data fingerprint. */
const scopedMemo = new WeakMap<Warehouse, Map<string, Promise<HistoryRow[]>>>();
const SCOPED_MEMO_SIZE = 16;

/**
 * The history of one cut (segment, collector, document currency), computed on request: the stored
 * mart_metric_history holds only the whole book. A dashboard asks for a dozen metrics of the same cut at
 * once, so the rows are kept per (data fingerprint, as-of, cut) and computed once: any change to the
 * tables the history reads changes the key, so an answer is never older than the data.
 */
export async function scopedMetricHistory(wh: Warehouse, asOf: string, baseCurrency: string, scope: MetricScope): Promise<HistoryRow[]> {
  const fingerprint = await sourceFingerprint(wh, sourceTables('mart_month_end_inputs'));
  const key = `${fingerprint}|${asOf}|${baseCurrency}|${scopeKey(scope)}`;
  let perWh = scopedMemo.get(wh);
  if (!perWh) scopedMemo.set(wh, (perWh = new Map()));
  const memo = perWh;
  const hit = memo.get(key);
  if (hit) {
    // most recently used last, so the oldest entry is the first to go
    memo.delete(key);
    memo.set(key, hit);
    return hit;
  }
  const job = computeMetricHistory(wh, asOf, baseCurrency, scope);
  memo.set(key, job);
  job.catch(() => memo.delete(key));
  while (memo.size > SCOPED_MEMO_SIZE) memo.delete(memo.keys().next().value as string);
  return job;
}

export interface TrendAnswer {
  readonly metric: HistoryMetric;
  readonly unit: MetricUnit;
  readonly interval: 'month';
  readonly points: { date: string; value: string | number | null }[];
}

/** One metric of a cut's history rows between two month-ends, shaped as GET /api/v1/metrics/trend answers. */
export function trendOf(rows: readonly HistoryRow[], o: { metric: HistoryMetric; from?: string | undefined; to?: string | undefined }): TrendAnswer {
  const unit = HISTORY_METRICS[o.metric];
  return {
    metric: o.metric,
    unit,
    interval: 'month',
    points: rows
      .filter((r) => r.metric === o.metric && (o.from === undefined || r.monthEnd >= o.from) && (o.to === undefined || r.monthEnd <= o.to))
      .map((r) => ({ date: r.monthEnd, value: unit === 'currency' ? (r.amount === null ? null : decimalString(r.amount)) : r.value })),
  };
}
