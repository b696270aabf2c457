/**
 * Promise-to-pay outcomes. The nightly run writes the evaluated outcome back onto promises whose
 * promised date + tolerance has passed, so worklists and the API see kept / partially kept / broken.
 */
import type { Warehouse } from '../core/warehouse.ts';
import { compile, bindParams } from './dag.ts';

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
