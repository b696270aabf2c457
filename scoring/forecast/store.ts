/**
 * Persists a forecast run (weeks and drill-down lines), replacing an earlier store of the same
 * run/as-of/currency, in one transaction. Every forecast table write goes through this function.
 */
import type { Warehouse } from '../../core/warehouse.ts';
import { appendRows } from '../cash-application/append.ts';
import type { CashForecast } from './forecast.ts';

const money = (x: number) => (Math.round(x * 100) / 100).toFixed(2);

export async function storeForecast(wh: Warehouse, runId: string, f: CashForecast, createdSeq: number): Promise<number> {
  await wh.transaction(async (conn) => {
    const key = [runId, f.asOf, f.currency];
    for (const t of ['forecast_runs', 'forecast_weeks', 'forecast_items']) {
      await conn.run(`delete from ${t} where run_id = $1 and as_of = $2::date and currency = $3`, key);
    }
    await conn.run(
      'insert into forecast_runs (run_id, as_of, currency, weeks, draws, seed, notes, created_seq) values ($1, $2::date, $3, $4, $5, $6, $7, $8)',
      [...key, f.weeks.length, f.draws, f.seed, JSON.stringify(f.notes), createdSeq],
    );
    for (const w of f.weeks) {
      await conn.run(
        `insert into forecast_weeks (run_id, as_of, currency, week_start, horizon, expected, p10, p50, p90, open_ar, orders, new_business)
         values ($1, $2::date, $3, $4::date, $5, $6::decimal(18,2), $7::decimal(18,2), $8::decimal(18,2), $9::decimal(18,2), $10::decimal(18,2), $11::decimal(18,2), $12::decimal(18,2))`,
        [...key, w.weekStart, w.horizon, money(w.expected), money(w.p10), money(w.p50), money(w.p90), money(w.openAr), money(w.orders), money(w.newBusiness)],
      );
    }
    // drill-down lines: one appender pass into a temp table and one INSERT … SELECT (a run has
    // tens of thousands of lines; row-by-row VALUES dominated the stage)
    await appendRows(
      conn,
      'forecast_items',
      'week_start varchar, component varchar, customer_id varchar, item_id varchar, item_currency varchar, rate double, expected varchar',
      f.lines.map((l) => [l.weekStart, l.component, l.customerId, l.itemId, l.currency, l.rate, money(l.expected)]),
      `(run_id, as_of, currency, week_start, component, customer_id, item_id, item_currency, rate, expected)
       select $1, $2::date, $3, week_start::date, component, customer_id, item_id, item_currency, rate, expected::decimal(18,2) from temp.main.staged`,
      key,
    );
  });
  return f.weeks.length;
}
