/** What a pipeline run writes, measured so two states of a warehouse can be compared. */
import type { Warehouse } from '../../core/warehouse.ts';

/** Output table → its key columns and a money/score column to total. Forecast rows: the newest published run's. */
const OUTPUTS: Record<string, { from: string; key: string; total: string }> = {
  payment_applications: { from: 'payment_applications', key: 'application_id', total: 'amount' },
  cash_app_on_account: { from: 'cash_app_on_account', key: 'on_account_id', total: 'amount' },
  cash_app_deductions: { from: 'cash_app_deductions', key: 'deduction_id', total: 'amount' },
  open_exceptions: { from: `cash_app_exceptions where status = 'open'`, key: 'payment_id', total: 'amount' },
  invoice_scores: { from: 'invoice_scores', key: 'as_of, invoice_id', total: 'open_amount' },
  customer_scores: { from: 'customer_scores', key: 'as_of, customer_id', total: 'score' },
  worklist_items: { from: 'worklist_items', key: 'as_of, customer_id', total: 'total_open' },
  mart_metric_history: { from: 'mart_metric_history', key: 'month_end, metric', total: 'amount' },
  item_balance_segments: { from: 'item_balance_segments', key: 'item_kind, item_id, valid_from', total: 'balance' },
  promises_to_pay: { from: 'promises_to_pay', key: 'promise_id, status', total: 'amount' },
  forecast_weeks: {
    from: `forecast_weeks where run_id = (select max(run_id)::varchar from pipeline_runs where published)`,
    key: 'run_id, as_of, currency, week_start',
    total: 'expected',
  },
};

export interface TableStats {
  rows: number;
  keys: number;
  total: string;
}

/** Rows, distinct keys and a total per output table: equal between two runs that computed the same thing. */
export async function outputStats(wh: Warehouse): Promise<Record<string, TableStats>> {
  const out: Record<string, TableStats> = {};
  for (const [name, t] of Object.entries(OUTPUTS)) {
    const r = await wh.one<{ n: string; k: string; s: string | null }>(
      `select count(*)::bigint as n, count(distinct (${t.key}))::bigint as k, coalesce(sum(${t.total}), 0)::varchar as s from ${t.from}`,
    );
    out[name] = { rows: Number(r?.n), keys: Number(r?.k), total: String(r?.s) };
  }
  return out;
}

/** Rows whose key another row of the same table already has, summed over the output tables. */
export function duplicateRows(stats: Record<string, TableStats>): number {
  return Object.values(stats).reduce((s, t) => s + (t.rows - t.keys), 0);
}

/** An exact, order-independent fingerprint of every row of every output table (forecast tables whole). */
export async function outputFingerprint(wh: Warehouse): Promise<Record<string, string>> {
  const tables = [...new Set(Object.values(OUTPUTS).map((t) => t.from.split(' ')[0] as string)), 'forecast_runs', 'forecast_items', 'risk_models', 'model_table_state'];
  const out: Record<string, string> = {};
  for (const table of tables) {
    const r = await wh.one<{ n: string; h: string | null }>(`select count(*)::bigint as n, sum(hash(t))::varchar as h from ${table} t`);
    out[table] = `${r?.n}:${r?.h ?? '0'}`;
  }
  return out;
}

export async function publishedRun(wh: Warehouse): Promise<{ runId: string; asOf: string } | undefined> {
  const r = await wh.one<{ run_id: string; as_of: string }>(
    `select run_id::varchar as run_id, as_of::varchar as as_of from pipeline_runs where published order by run_id desc limit 1`,
  );
  return r ? { runId: r.run_id, asOf: r.as_of } : undefined;
}
