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
  readonly daysLateList: number[];
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

/** Days late of the recent closed invoices, newest first (ties by invoice id, descending), at most 24. */
function recentDaysLate(v: unknown): number[] {
  if (!Array.isArray(v)) return [];
  return (v as { d: string; i: string; x: unknown }[])
    .map((e) => ({ d: String(e.d), i: String(e.i), x: req(e.x) }))
    .sort((a, b) => (a.d !== b.d ? (a.d < b.d ? 1 : -1) : a.i < b.i ? 1 : a.i > b.i ? -1 : 0))
    .slice(0, 24)
    .map((e) => e.x);
}

async function readAll(conn: DuckDBConnection, text: string): Promise<Record<string, unknown>[]> {
  const reader = await conn.runAndReadAll(text);
  return reader.getRowObjectsJson() as Record<string, unknown>[];
}

function toRow(r: Record<string, unknown>): InvoiceFeatureRow {
  return {
    snapshot: str(r.snapshot),
    invoiceId: str(r.invoice_id),
    customerId: str(r.customer_id),
    segment: str(r.segment),
    industry: str(r.industry),
    country: str(r.country),
    invoiceDate: str(r.invoice_date),
    dueDate: str(r.due_date),
    currency: str(r.currency),
    amount: req(r.amount),
    openAmount: req(r.open_amount),
    termsDays: req(r.terms_days),
    ageDays: req(r.age_days),
    daysPastDue: req(r.days_past_due),
    monthEnd: req(r.month_end),
    foreignCurrency: req(r.foreign_currency),
    partiallyPaid: req(r.partially_paid),
    amountRel: num(r.amount_rel),
    nInvoices12m: req(r.n_invoices_12m),
    tenureDays: req(r.tenure_days),
    nClosed: req(r.n_closed),
    nClosed6m: req(r.n_closed_6m),
    nLate6m: req(r.n_late_6m),
    wadl12m: num(r.wadl_12m),
    wadl6m: num(r.wadl_6m),
    wadl3m: num(r.wadl_3m),
    wadlOlder: num(r.wadl_older),
    lateShare: num(r.late_share),
    late30Share: num(r.late30_share),
    partialShare: num(r.partial_share),
    daysLateList: recentDaysLate(r.days_late_list),
    nWrittenOff: req(r.n_written_off),
    segLateShare: num(r.seg_late_share),
    segLate30Share: num(r.seg_late30_share),
    segWadl: num(r.seg_wadl),
    indLateShare: num(r.ind_late_share),
    indLate30Share: num(r.ind_late30_share),
    countryLateShare: num(r.country_late_share),
    countryLate30Share: num(r.country_late30_share),
    globalLateShare: num(r.global_late_share),
    globalLate30Share: num(r.global_late30_share),
    globalWadl: num(r.global_wadl),
    openAr: req(r.open_ar),
    overdueShare: num(r.overdue_share),
    maxDpd: req(r.max_dpd),
    nOpen: req(r.n_open),
    exposureRatio: num(r.exposure_ratio),
    daysSincePayment: num(r.days_since_payment),
    nDisputes12m: req(r.n_disputes_12m),
    nDisputesOpen: req(r.n_disputes_open),
    invoiceDisputed: req(r.invoice_disputed) > 0 ? 1 : 0,
    nBrokenPromises: req(r.n_broken_promises),
    nDuePromises: req(r.n_due_promises),
    nActivities90d: req(r.n_activities_90d),
    outcomeCloseDate: dateOrNull(r.outcome_close_date),
    outcomeFirstWoDate: dateOrNull(r.outcome_first_wo_date),
  };
}

/** Features of every invoice open at each of `snapshots`, plus the segment pools of days late. */
export async function loadFeatures(wh: Warehouse, snapshots: readonly string[], clock?: PhaseClock): Promise<FeatureSet> {
  if (snapshots.length === 0) return { rows: [], segmentPools: new Map() };
  return wh.withConnection(async (conn) => {
    await timed(clock, 'features: ledger temp tables', async () => {
      await conn.run(sql('snapshots.sql'), [snapshots.join(',')]);
      await conn.run(sql('inv_life.sql'));
      await conn.run(sql('ev_cum.sql'));
    });
    const raw = await timed(clock, 'features: query + read', () => readAll(conn, sql('invoice_features.sql')));
    const rows = timedSync(clock, 'features: assemble rows', () =>
      raw.map(toRow).sort((a, b) => (a.snapshot < b.snapshot ? -1 : a.snapshot > b.snapshot ? 1 : a.invoiceId < b.invoiceId ? -1 : a.invoiceId > b.invoiceId ? 1 : 0)),
    );
    const segmentPools = await timed(clock, 'features: segment pools', async () => {
      const pools = new Map<string, Map<string, number[]>>();
      for (const r of await readAll(conn, sql('pools.sql'))) {
        const snap = str(r.snapshot);
        let bySeg = pools.get(snap);
        if (!bySeg) pools.set(snap, (bySeg = new Map()));
        bySeg.set(str(r.segment), numList(r.days_late_list));
      }
      return pools;
    });
    for (const t of ['score_snaps', 'score_inv_life', 'score_ev_cum']) await conn.run(`drop table if exists ${t}`);
    return { rows, segmentPools };
  });
}
