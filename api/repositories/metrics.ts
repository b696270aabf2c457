/**
 * Reads behind /api/v1/metrics, /disputes and /promises. Point-in-time figures come from the SQL
 * models (models/) per request; the trend reads the monthly history mart the models stage writes.
 */
import { latestDataDate } from '../../core/as-of.ts';
import { ArIntelError, NoDataError } from '../../core/errors.ts';
import type { Warehouse } from '../../core/warehouse.ts';
import { publishedAsOf } from '../../jobs/pipeline.ts';
import { HISTORY_METRICS, type HistoryMetric } from '../../models/history.ts';
import { money } from '../../models/metrics.ts';
import { addMonths } from '../../models/periods.ts';

/** asOf given → itself; else the latest published run's as-of date; else the latest date in the data. */
export async function resolveMetricsAsOf(wh: Warehouse, asOf: string | undefined): Promise<string> {
  if (asOf !== undefined) return asOf;
  return (await publishedAsOf(wh)) ?? (await latestDataDate(wh));
}

/** A period defaulting to the twelve calendar months up to the as-of date. */
export async function resolvePeriod(wh: Warehouse, from: string | undefined, to: string | undefined): Promise<{ from: string; to: string }> {
  const end = to ?? (await resolveMetricsAsOf(wh, undefined));
  const start = from ?? addMonths(`${end.slice(0, 7)}-01`, -11);
  if (start > end) throw new ArIntelError('VALIDATION', `from (${start}) is after to (${end})`, { field: 'querystring.from' });
  return { from: start, to: end };
}

export async function metricTrend(wh: Warehouse, metric: HistoryMetric, from: string | undefined, to: string | undefined) {
  const rows = await wh.all<{ month_end: string; amount: string | null; value: number | null }>(
    `select month_end::varchar as month_end, amount::varchar as amount, value
     from mart_metric_history
     where metric = $metric
       and ($from::date is null or month_end >= $from::date)
       and ($to::date is null or month_end <= $to::date)
     order by month_end`,
    { metric, from: from ?? null, to: to ?? null },
  );
  if (rows.length === 0) {
    const any = await wh.one<{ n: string }>('select count(*)::varchar as n from mart_metric_history');
    if (any?.n === '0') throw new NoDataError('the monthly metric history is empty; run `ar-intel run` to build it');
  }
  const unit = HISTORY_METRICS[metric];
  return {
    metric,
    unit,
    interval: 'month' as const,
    points: rows.map((r) => ({
      date: r.month_end,
      value: unit === 'currency' ? (r.amount === null ? null : money(r.amount)) : r.value === null ? null : Number(r.value),
    })),
  };
}
