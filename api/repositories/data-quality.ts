/**
 * Freshness of each canonical table: how many rows it holds, its latest business date, and when a load last
 * wrote to it. The table list is fixed here (identifiers are quoted, never taken from a request) and names the
 * column that carries each table's business date.
 */
import { quoteIdent, type Warehouse } from '../../core/warehouse.ts';

/**
 * Canonical table → the column holding its business date (null: the table has none). Master data (`master`) is
 * not expected to move every day, so its latest date says nothing about staleness.
 */
export const FRESHNESS_TABLES: readonly { table: string; dateColumn: string | null; master?: true }[] = [
  { table: 'customers', dateColumn: 'created_date', master: true },
  { table: 'collectors', dateColumn: null, master: true },
  { table: 'orders', dateColumn: 'order_date' },
  { table: 'invoices', dateColumn: 'invoice_date' },
  { table: 'credit_notes', dateColumn: 'credit_date' },
  { table: 'payments', dateColumn: 'received_date' },
  { table: 'payment_applications', dateColumn: 'applied_date' },
  { table: 'disputes', dateColumn: 'opened_date' },
  { table: 'promises_to_pay', dateColumn: 'created_date' },
  { table: 'activities', dateColumn: 'activity_at' },
  { table: 'write_offs', dateColumn: 'write_off_date' },
  { table: 'fx_rates', dateColumn: 'rate_date' },
];

interface FreshnessRow extends Record<string, unknown> {
  rows: string | number;
  latest_date: string | null;
  last_loaded_at: string | null;
}

export interface Freshness {
  table: string;
  master: boolean;
  dateColumn: string | null;
  rows: number;
  latestDate: string | null;
  lastLoadedAt: string | null;
}

export async function tableFreshness(wh: Warehouse): Promise<Freshness[]> {
  const out: Freshness[] = [];
  for (const { table, dateColumn, master } of FRESHNESS_TABLES) {
    const t = quoteIdent(table);
    const latest = dateColumn === null ? 'null' : `max(${quoteIdent(dateColumn)})::date::varchar`;
    const row = await wh.one<FreshnessRow>(
      `select count(*) as rows, ${latest} as latest_date,
              (select strftime(max(coalesce(l.finished_at, l.started_at)), '%Y-%m-%dT%H:%M:%S')
                 from load_runs l where l.load_run_id in (select distinct load_run_id from ${t})) as last_loaded_at
       from ${t}`,
    );
    out.push({
      table,
      master: master === true,
      dateColumn,
      rows: Number(row?.rows ?? 0),
      latestDate: row?.latest_date ?? null,
      lastLoadedAt: row?.last_loaded_at ?? null,
    });
  }
  return out;
}
