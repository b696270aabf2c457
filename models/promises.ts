/**
 * Promise-to-pay outcomes. The nightly run writes the evaluated outcome back onto promises whose
 * promised date + tolerance has passed, so worklists and the API see kept / partially kept / broken.
 */
import type { Warehouse } from '../core/warehouse.ts';
import { bindParams, compile, queryModel } from './dag.ts';
import { money, num } from './metrics.ts';
import { keptRate } from './ratios.ts';

export const DEFAULT_PROMISE_TOLERANCE_DAYS = 3;

export async function writePromiseOutcomes(wh: Warehouse, asOf: string, toleranceDays = DEFAULT_PROMISE_TOLERANCE_DAYS): Promise<number> {
  const outcomes = compile('int_promise_outcomes');
  const sql = `update promises_to_pay p set status = o.outcome
    from (${outcomes}) as o
    where o.promise_id = p.promise_id
      and o.outcome in ('kept', 'partially_kept', 'broken')
      and o.deadline <= $as_of::date
      and p.status <> o.outcome
      and p.status <> 'cancelled'`;
  const rows = await wh.all<{ Count: string }>(sql, bindParams(sql, { as_of: asOf, tolerance_days: toleranceDays }));
  return Number(rows[0]?.Count ?? 0);
}

export type PromiseGroupBy = 'collector' | 'customer' | 'none';

export interface PromiseStatsOptions {
  readonly from: string;
  readonly to: string;
  readonly asOf: string;
  readonly groupBy: PromiseGroupBy;
  readonly toleranceDays?: number;
}

/** Kept / partially kept / broken counts and values per group, with kept rates by count and value. */
export async function promiseStats(wh: Warehouse, o: PromiseStatsOptions) {
  const rows = await queryModel<Record<string, string | number | null>>(
    wh,
    'mart_promise_stats',
    { from: o.from, to: o.to, as_of: o.asOf, group_by: o.groupBy, tolerance_days: o.toleranceDays ?? DEFAULT_PROMISE_TOLERANCE_DAYS },
    { tail: 'order by group_key nulls last' },
  );
  const rate = (x: number | null) => (x === null ? null : Number(x.toFixed(2)));
  return rows.map((r) => {
    const kept = num(r.kept);
    const partial = num(r.partially_kept);
    const broken = num(r.broken);
    const keptAmount = num(r.kept_amount);
    const partialAmount = num(r.partially_kept_amount);
    const brokenAmount = num(r.broken_amount);
    return {
      groupKey: r.group_key === null ? null : String(r.group_key),
      promises: num(r.promises),
      kept,
      partiallyKept: partial,
      broken,
      open: num(r.open),
      cancelled: num(r.cancelled),
      keptAmount: money(r.kept_amount),
      partiallyKeptAmount: money(r.partially_kept_amount),
      partiallyKeptPaid: money(r.partially_kept_paid),
      brokenAmount: money(r.broken_amount),
      openAmount: money(r.open_amount),
      keptRateByCount: rate(keptRate(kept, partial, broken)),
      keptRateByValue: rate(keptRate(keptAmount, partialAmount, brokenAmount)),
    };
  });
}
