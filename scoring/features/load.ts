/**
 * Point-in-time feature rows for every invoice open at each snapshot date, computed set-wise in SQL
 * (one pass for all snapshots) so scoring stays linear in the ledger size.
 * The outcome columns (closing and write-off dates) are carried for training and evaluation only:
 * callers must compare them with their own knowledge cutoff and never feed them to a model.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DuckDBConnection } from '@duckdb/node-api';
import { readColumnsJS } from '../../core/columns.ts';
import type { Warehouse } from '../../core/warehouse.ts';
import { timed, timedSync, type PhaseClock } from '../risk/phases.ts';

const DIR = dirname(fileURLToPath(import.meta.url));
const sql = (name: string) => readFileSync(join(DIR, name), 'utf8');

export interface InvoiceFeatureRow {
  readonly snapshot: string;
  readonly invoiceId: string;
  readonly customerId: string;
  readonly segment: string;
  readonly industry: string;
  readonly country: string;
  readonly invoiceDate: string;
  readonly dueDate: string;
  readonly currency: string;
  readonly amount: number;
  readonly openAmount: number;
  readonly termsDays: number;
  readonly ageDays: number;
  readonly daysPastDue: number;
  readonly monthEnd: number;
  readonly foreignCurrency: number;
  readonly partiallyPaid: number;
  readonly amountRel: number | null;
  readonly nInvoices12m: number;
  readonly tenureDays: number;
  readonly nClosed: number;
  readonly nClosed6m: number;
  readonly nLate6m: number;
  readonly wadl12m: number | null;
  readonly wadl6m: number | null;
  readonly wadl3m: number | null;
  readonly wadlOlder: number | null;
  readonly lateShare: number | null;
  readonly late30Share: number | null;
  readonly partialShare: number | null;
  /** Days late of the customer's invoices closed by payment in the 12 months to the snapshot, newest first. */
  readonly daysLateList: readonly number[];
  readonly nWrittenOff: number;
  readonly segLateShare: number | null;
  readonly segLate30Share: number | null;
  readonly segWadl: number | null;
  readonly indLateShare: number | null;
  readonly indLate30Share: number | null;
  readonly countryLateShare: number | null;
  readonly countryLate30Share: number | null;
  readonly globalLateShare: number | null;
  readonly globalLate30Share: number | null;
  readonly globalWadl: number | null;
  readonly openAr: number;
  readonly overdueShare: number | null;
  readonly maxDpd: number;
  readonly nOpen: number;
  readonly exposureRatio: number | null;
  readonly daysSincePayment: number | null;
  readonly nDisputes12m: number;
  readonly nDisputesOpen: number;
  readonly invoiceDisputed: number;
  readonly nBrokenPromises: number;
  readonly nDuePromises: number;
  readonly nActivities90d: number;
  /** Outcome, NOT a feature: the closing date over the whole warehouse (null while open). */
  readonly outcomeCloseDate: string | null;
  /** Outcome, NOT a feature: the first write-off date over the whole warehouse. */
  readonly outcomeFirstWoDate: string | null;
}

export interface FeatureSet {
  readonly rows: InvoiceFeatureRow[];
  /** snapshot → segment → days late of the segment's invoices closed by payment in the 12 months to it. */
  readonly segmentPools: Map<string, Map<string, number[]>>;
}

const num = (v: unknown): number | null => {
  if (v === null || v === undefined) return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
};
const req = (v: unknown): number => num(v) ?? 0;
const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
const dateOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v).slice(0, 10));
const numList = (v: unknown): number[] => (Array.isArray(v) ? v.map((x) => req(x)) : []);

interface Columns {
  readonly rowCount: number;
  /** The column's values in row order; a missing column reads as all nulls. */
  col(name: string): readonly unknown[];
}

/**
 * Reads a result column by column (DuckDB's typed vectors → one JS array per column, core/columns.ts): no
 * object per row and no JSON text in between. BIGINT arrives as bigint and is turned into a number by `num`,
 * exactly as its decimal text was before; the feature queries produce only VARCHAR, DOUBLE, INTEGER, BIGINT
 * and (pools.sql) a list of integers.
 */
async function readColumns(conn: DuckDBConnection, text: string): Promise<Columns> {
  const { names, rowCount, columns } = await readColumnsJS(conn, text);
  const byName = new Map(names.map((n, i) => [n, columns[i] as unknown[]]));
  const nulls: unknown[] = new Array<unknown>(rowCount).fill(null);
  return { rowCount, col: (name) => byName.get(name) ?? nulls };
}

/** Days late of the recent closed invoices, newest first (ties by invoice id, descending), at most 24. */
function newestFirst(list: { d: string; i: string; x: number }[]): number[] {
  return list
    .sort((a, b) => (a.d !== b.d ? (a.d < b.d ? 1 : -1) : a.i < b.i ? 1 : a.i > b.i ? -1 : 0))
    .slice(0, 24)
    .map((e) => e.x);
}

/**
 * snapshot → customer → days late of its invoices closed by payment in the 12 months to the snapshot,
 * newest first: one list per customer, shared by all its open invoices' rows (read-only).
 */
async function recentDaysLateByCustomer(conn: DuckDBConnection): Promise<Map<string, Map<string, readonly number[]>>> {
  const c = await readColumns(conn, sql('recent_days_late.sql'));
  const snap = c.col('snapshot');
  const cust = c.col('customer_id');
  const d = c.col('d');
  const inv = c.col('i');
  const x = c.col('x');
  const groups = new Map<string, Map<string, { d: string; i: string; x: number }[]>>();
  for (let k = 0; k < c.rowCount; k++) {
    const s = str(snap[k]);
    let bySnap = groups.get(s);
    if (!bySnap) groups.set(s, (bySnap = new Map()));
    const id = str(cust[k]);
    const e = { d: str(d[k]), i: str(inv[k]), x: req(x[k]) };
    const list = bySnap.get(id);
    if (list) list.push(e);
    else bySnap.set(id, [e]);
  }
  const out = new Map<string, Map<string, readonly number[]>>();
  for (const [s, bySnap] of groups) out.set(s, new Map([...bySnap].map(([id, list]) => [id, newestFirst(list)])));
  return out;
}

const NO_HISTORY: readonly number[] = Object.freeze([]);

/** Builds the rows from the feature query's columns; the days-late lists come from their own query. */
function toRows(c: Columns, recent: Map<string, Map<string, readonly number[]>>): InvoiceFeatureRow[] {
  const col = (name: string) => c.col(name);
  const snapshot = col('snapshot');
  const invoiceId = col('invoice_id');
  const customerId = col('customer_id');
  const segment = col('segment');
  const industry = col('industry');
  const country = col('country');
  const invoiceDate = col('invoice_date');
  const dueDate = col('due_date');
  const currency = col('currency');
  const amount = col('amount');
  const openAmount = col('open_amount');
  const termsDays = col('terms_days');
  const ageDays = col('age_days');
  const daysPastDue = col('days_past_due');
  const monthEnd = col('month_end');
  const foreignCurrency = col('foreign_currency');
  const partiallyPaid = col('partially_paid');
  const amountRel = col('amount_rel');
  const nInvoices12m = col('n_invoices_12m');
  const tenureDays = col('tenure_days');
  const nClosed = col('n_closed');
  const nClosed6m = col('n_closed_6m');
  const nLate6m = col('n_late_6m');
  const wadl12m = col('wadl_12m');
  const wadl6m = col('wadl_6m');
  const wadl3m = col('wadl_3m');
  const wadlOlder = col('wadl_older');
  const lateShare = col('late_share');
  const late30Share = col('late30_share');
  const partialShare = col('partial_share');
  const nWrittenOff = col('n_written_off');
  const segLateShare = col('seg_late_share');
  const segLate30Share = col('seg_late30_share');
  const segWadl = col('seg_wadl');
  const indLateShare = col('ind_late_share');
  const indLate30Share = col('ind_late30_share');
  const countryLateShare = col('country_late_share');
  const countryLate30Share = col('country_late30_share');
  const globalLateShare = col('global_late_share');
  const globalLate30Share = col('global_late30_share');
  const globalWadl = col('global_wadl');
  const openAr = col('open_ar');
  const overdueShare = col('overdue_share');
  const maxDpd = col('max_dpd');
  const nOpen = col('n_open');
  const exposureRatio = col('exposure_ratio');
  const daysSincePayment = col('days_since_payment');
  const nDisputes12m = col('n_disputes_12m');
  const nDisputesOpen = col('n_disputes_open');
  const invoiceDisputed = col('invoice_disputed');
  const nBrokenPromises = col('n_broken_promises');
  const nDuePromises = col('n_due_promises');
  const nActivities90d = col('n_activities_90d');
  const outcomeCloseDate = col('outcome_close_date');
  const outcomeFirstWoDate = col('outcome_first_wo_date');
  const rows: InvoiceFeatureRow[] = new Array<InvoiceFeatureRow>(c.rowCount);
  for (let k = 0; k < c.rowCount; k++) {
    const snap = str(snapshot[k]);
    // a row without a customer had no history list before either (the SQL join on customer_id never matched)
    const cust = customerId[k];
    rows[k] = {
      snapshot: snap,
      invoiceId: str(invoiceId[k]),
      customerId: str(cust),
      segment: str(segment[k]),
      industry: str(industry[k]),
      country: str(country[k]),
      invoiceDate: str(invoiceDate[k]),
      dueDate: str(dueDate[k]),
      currency: str(currency[k]),
      amount: req(amount[k]),
      openAmount: req(openAmount[k]),
      termsDays: req(termsDays[k]),
      ageDays: req(ageDays[k]),
      daysPastDue: req(daysPastDue[k]),
      monthEnd: req(monthEnd[k]),
      foreignCurrency: req(foreignCurrency[k]),
      partiallyPaid: req(partiallyPaid[k]),
      amountRel: num(amountRel[k]),
      nInvoices12m: req(nInvoices12m[k]),
      tenureDays: req(tenureDays[k]),
      nClosed: req(nClosed[k]),
      nClosed6m: req(nClosed6m[k]),
      nLate6m: req(nLate6m[k]),
      wadl12m: num(wadl12m[k]),
      wadl6m: num(wadl6m[k]),
      wadl3m: num(wadl3m[k]),
      wadlOlder: num(wadlOlder[k]),
      lateShare: num(lateShare[k]),
      late30Share: num(late30Share[k]),
      partialShare: num(partialShare[k]),
      daysLateList: (cust === null || cust === undefined ? undefined : recent.get(snap)?.get(String(cust))) ?? NO_HISTORY,
      nWrittenOff: req(nWrittenOff[k]),
      segLateShare: num(segLateShare[k]),
      segLate30Share: num(segLate30Share[k]),
      segWadl: num(segWadl[k]),
      indLateShare: num(indLateShare[k]),
      indLate30Share: num(indLate30Share[k]),
      countryLateShare: num(countryLateShare[k]),
      countryLate30Share: num(countryLate30Share[k]),
      globalLateShare: num(globalLateShare[k]),
      globalLate30Share: num(globalLate30Share[k]),
      globalWadl: num(globalWadl[k]),
      openAr: req(openAr[k]),
      overdueShare: num(overdueShare[k]),
      maxDpd: req(maxDpd[k]),
      nOpen: req(nOpen[k]),
      exposureRatio: num(exposureRatio[k]),
      daysSincePayment: num(daysSincePayment[k]),
      nDisputes12m: req(nDisputes12m[k]),
      nDisputesOpen: req(nDisputesOpen[k]),
      invoiceDisputed: req(invoiceDisputed[k]) > 0 ? 1 : 0,
      nBrokenPromises: req(nBrokenPromises[k]),
      nDuePromises: req(nDuePromises[k]),
      nActivities90d: req(nActivities90d[k]),
      outcomeCloseDate: dateOrNull(outcomeCloseDate[k]),
      outcomeFirstWoDate: dateOrNull(outcomeFirstWoDate[k]),
    };
  }
  return rows;
}

const byRowKey = (a: InvoiceFeatureRow, b: InvoiceFeatureRow) =>
  a.snapshot < b.snapshot ? -1 : a.snapshot > b.snapshot ? 1 : a.invoiceId < b.invoiceId ? -1 : a.invoiceId > b.invoiceId ? 1 : 0;

/** Features of every invoice open at each of `snapshots`, plus the segment pools of days late. */
export async function loadFeatures(wh: Warehouse, snapshots: readonly string[], clock?: PhaseClock): Promise<FeatureSet> {
  if (snapshots.length === 0) return { rows: [], segmentPools: new Map() };
  return wh.withConnection(async (conn) => {
    await timed(clock, 'features: ledger temp tables', async () => {
      await conn.run(sql('snapshots.sql'), [snapshots.join(',')]);
      // one window over the settlement events, read by both the milestones and the open amounts
      await conn.run(sql('ev_cum.sql'));
      await conn.run(sql('inv_life.sql'));
    });
    const columns = await timed(clock, 'features: query + read', () => readColumns(conn, sql('invoice_features.sql')));
    const recent = await timed(clock, 'features: recent days late', () => recentDaysLateByCustomer(conn));
    const rows = timedSync(clock, 'features: assemble rows', () => toRows(columns, recent).sort(byRowKey));
    const segmentPools = await timed(clock, 'features: segment pools', async () => {
      const c = await readColumns(conn, sql('pools.sql'));
      const snap = c.col('snapshot');
      const seg = c.col('segment');
      const list = c.col('days_late_list');
      const pools = new Map<string, Map<string, number[]>>();
      for (let k = 0; k < c.rowCount; k++) {
        const s = str(snap[k]);
        let bySeg = pools.get(s);
        if (!bySeg) pools.set(s, (bySeg = new Map()));
        bySeg.set(str(seg[k]), numList(list[k]));
      }
      return pools;
    });
    for (const t of ['score_snaps', 'score_inv_life', 'score_ev_cum']) await conn.run(`drop table if exists ${t}`);
    return { rows, segmentPools };
  });
}
