/**
 * Turns a feature row into the numeric vector the models see, and each feature into words a collector
 * understands for the reason codes. Thin customer histories are shrunk towards their segment (or the
 * whole book) with a prior weight of SHRINK_K invoices, so a customer with two closed invoices does
 * not get an extreme late share.
 */
import { standardDeviation } from 'simple-statistics';
import type { DaysLateDistribution } from '../days-to-pay.ts';
import type { InvoiceFeatureRow } from './load.ts';

export const SHRINK_K = 5;

export interface EnrichedRow {
  readonly row: InvoiceFeatureRow;
  /** Days-late distribution from the customer's history, conditioned on the invoice being open at the snapshot. */
  readonly days: DaysLateDistribution;
}

export interface FeatureDef {
  readonly name: string;
  value(e: EnrichedRow): number;
  /** Plain-language statement of the fact behind the feature. */
  describe(e: EnrichedRow): string;
}

const shrink = (n: number, value: number | null, prior: number) => (value === null ? prior : (n * value + SHRINK_K * prior) / (n + SHRINK_K));
const pct = (x: number) => `${Math.round(x * 100)}%`;
const days = (x: number) => `${Math.round(Math.abs(x))} day${Math.round(Math.abs(x)) === 1 ? '' : 's'}`;
const lateWords = (x: number) => (Math.round(x) === 0 ? 'on the due date' : x > 0 ? `${days(x)} late` : `${days(x)} early`);

const globalLate = (r: InvoiceFeatureRow) => r.globalLateShare ?? 0.5;
const globalLate30 = (r: InvoiceFeatureRow) => r.globalLate30Share ?? 0.1;
const segLate = (r: InvoiceFeatureRow) => r.segLateShare ?? globalLate(r);
const segLate30 = (r: InvoiceFeatureRow) => r.segLate30Share ?? globalLate30(r);
const segWadl = (r: InvoiceFeatureRow) => r.segWadl ?? r.globalWadl ?? 0;
export const wadlShrunk = (r: InvoiceFeatureRow) => shrink(r.nClosed, r.wadl12m, segWadl(r));
export const lateShareShrunk = (r: InvoiceFeatureRow) => shrink(r.nClosed, r.lateShare, segLate(r));
const late30Shrunk = (r: InvoiceFeatureRow) => shrink(r.nClosed, r.late30Share, segLate30(r));
const recent = (r: InvoiceFeatureRow) => r.wadl3m ?? r.wadl6m ?? wadlShrunk(r);
const older = (r: InvoiceFeatureRow) => r.wadlOlder ?? wadlShrunk(r);
// recency weighting over the customer's paid invoices, newest first: the last few say most about the next
const RECENCY_DECAY = 0.8;
function recencyWeighted(list: readonly number[], f: (x: number) => number): number | null {
  let s = 0;
  let w = 0;
  list.forEach((x, k) => {
    const wk = RECENCY_DECAY ** k;
    s += wk * f(x);
    w += wk;
  });
  return w > 0 ? s / w : null;
}
// shrunk towards the segment like the 12-month figures, with the recency weights as the evidence
const recencyEvidence = (n: number) => (1 - RECENCY_DECAY ** Math.min(n, 24)) / (1 - RECENCY_DECAY);
const recentDaysLate = (r: InvoiceFeatureRow) => shrink(recencyEvidence(r.daysLateList.length), recencyWeighted(r.daysLateList, (x) => x), segWadl(r));
const recentLateShare = (r: InvoiceFeatureRow) => shrink(recencyEvidence(r.daysLateList.length), recencyWeighted(r.daysLateList, (x) => (x > 0 ? 1 : 0)), segLate(r));
const spread = (r: InvoiceFeatureRow) => (r.daysLateList.length >= 3 ? standardDeviation(r.daysLateList) : null);
const tenure = (r: InvoiceFeatureRow) => Math.min(r.tenureDays, 1500);
const sincePay = (r: InvoiceFeatureRow) => Math.min(r.daysSincePayment ?? Math.min(r.tenureDays, 365), 365);

export const FEATURES: readonly FeatureDef[] = [
  {
    name: 'days_past_due',
    value: (e) => Math.max(-120, Math.min(e.row.daysPastDue, 365)),
    describe: (e) => (e.row.daysPastDue > 0 ? `is ${days(e.row.daysPastDue)} past due` : e.row.daysPastDue === 0 ? 'is due today' : `is not due for another ${days(e.row.daysPastDue)}`),
  },
  { name: 'age_days', value: (e) => Math.min(e.row.ageDays, 730), describe: (e) => `was issued ${days(e.row.ageDays)} ago` },
  { name: 'terms_days', value: (e) => e.row.termsDays, describe: (e) => `has ${e.row.termsDays}-day payment terms` },
  {
    name: 'amount_vs_usual',
    value: (e) => Math.log(Math.max(e.row.amountRel ?? 1, 0.01)),
    describe: (e) => `is ${(e.row.amountRel ?? 1).toFixed(1)}× the customer's usual invoice amount`,
  },
  { name: 'month_end_invoice', value: (e) => e.row.monthEnd, describe: (e) => (e.row.monthEnd ? 'was issued at month end' : 'was not issued at month end') },
  {
    name: 'foreign_currency',
    value: (e) => e.row.foreignCurrency,
    describe: (e) => (e.row.foreignCurrency ? `is billed in ${e.row.currency}, not the customer's own currency` : `is billed in the customer's own currency`),
  },
  { name: 'partially_paid', value: (e) => e.row.partiallyPaid, describe: (e) => (e.row.partiallyPaid ? 'has already been partly paid' : 'has no part payment yet') },
  { name: 'invoice_disputed', value: (e) => e.row.invoiceDisputed, describe: (e) => (e.row.invoiceDisputed ? 'has an open dispute' : 'has no open dispute') },
  {
    name: 'avg_days_late_12m',
    value: (e) => wadlShrunk(e.row),
    describe: (e) => (e.row.nClosed ? `pays on average ${lateWords(e.row.wadl12m ?? 0)} over the last 12 months` : `has no paid invoices yet; its segment pays on average ${lateWords(segWadl(e.row))}`),
  },
  {
    name: 'avg_days_late_6m',
    value: (e) => e.row.wadl6m ?? wadlShrunk(e.row),
    describe: (e) => (e.row.wadl6m === null ? 'has no invoices paid in the last 6 months' : `pays on average ${lateWords(e.row.wadl6m)} over the last 6 months`),
  },
  {
    name: 'lateness_trend',
    value: (e) => recent(e.row) - older(e.row),
    describe: (e) => {
      const d = recent(e.row) - older(e.row);
      return Math.abs(d) < 1 ? 'pays as promptly as before' : d > 0 ? `pays ${days(d)} later in the last 3 months than before` : `pays ${days(d)} sooner in the last 3 months than before`;
    },
  },
  {
    name: 'recent_days_late',
    value: (e) => recentDaysLate(e.row),
    describe: (e) =>
      e.row.daysLateList.length ? `paid its most recent invoices ${lateWords(recentDaysLate(e.row))} on average (latest ${lateWords(e.row.daysLateList[0] as number)})` : 'has no recently paid invoices',
  },
  {
    name: 'recent_late_share',
    value: (e) => recentLateShare(e.row),
    describe: (e) => `paid about ${pct(recentLateShare(e.row))} of its most recent invoices after the due date`,
  },
  {
    name: 'days_late_spread',
    value: (e) => Math.min(spread(e.row) ?? 0, 120),
    describe: (e) => (spread(e.row) === null ? 'has too few paid invoices to judge how regular it pays' : `pays irregularly: days late vary by about ${days(spread(e.row) ?? 0)}`),
  },
  {
    name: 'late_share',
    value: (e) => lateShareShrunk(e.row),
    describe: (e) => (e.row.nClosed ? `paid ${pct(e.row.lateShare ?? 0)} of its invoices after the due date in the last 12 months` : `its segment pays ${pct(segLate(e.row))} of invoices late`),
  },
  {
    name: 'late30_share',
    value: (e) => late30Shrunk(e.row),
    describe: (e) => (e.row.nClosed ? `paid ${pct(e.row.late30Share ?? 0)} of its invoices more than 30 days late or not at all` : `its segment pays ${pct(segLate30(e.row))} of invoices more than 30 days late`),
  },
  { name: 'segment_late_share', value: (e) => segLate(e.row), describe: (e) => `customers in segment ${e.row.segment || '(none)'} pay ${pct(segLate(e.row))} of invoices late` },
  {
    name: 'industry_late_share',
    value: (e) => e.row.indLateShare ?? globalLate(e.row),
    describe: (e) => `customers in industry ${e.row.industry || '(none)'} pay ${pct(e.row.indLateShare ?? globalLate(e.row))} of invoices late`,
  },
  {
    name: 'country_late_share',
    value: (e) => e.row.countryLateShare ?? globalLate(e.row),
    describe: (e) => `customers in ${e.row.country || '(no country)'} pay ${pct(e.row.countryLateShare ?? globalLate(e.row))} of invoices late`,
  },
  { name: 'paid_invoices', value: (e) => Math.log1p(e.row.nClosed), describe: (e) => `has ${e.row.nClosed} paid invoice${e.row.nClosed === 1 ? '' : 's'} in the last 12 months` },
  { name: 'partial_payment_share', value: (e) => e.row.partialShare ?? 0, describe: (e) => `paid ${pct(e.row.partialShare ?? 0)} of its invoices in several payments` },
  { name: 'disputes_12m', value: (e) => Math.min(e.row.nDisputes12m, 20), describe: (e) => `raised ${e.row.nDisputes12m} dispute${e.row.nDisputes12m === 1 ? '' : 's'} in the last 12 months` },
  { name: 'open_disputes', value: (e) => Math.min(e.row.nDisputesOpen, 20), describe: (e) => `has ${e.row.nDisputesOpen} open dispute${e.row.nDisputesOpen === 1 ? '' : 's'}` },
  {
    name: 'broken_promises',
    value: (e) => e.row.nBrokenPromises / Math.max(e.row.nDuePromises, 1),
    describe: (e) => `broke ${e.row.nBrokenPromises} of ${e.row.nDuePromises} payment promise${e.row.nDuePromises === 1 ? '' : 's'} in the last 12 months`,
  },
  { name: 'days_since_payment', value: (e) => sincePay(e.row), describe: (e) => (e.row.daysSincePayment === null ? 'has never paid' : `last paid ${days(e.row.daysSincePayment)} ago`) },
  {
    name: 'credit_limit_use',
    value: (e) => Math.min(e.row.exposureRatio ?? 0, 5),
    describe: (e) => (e.row.exposureRatio === null ? 'has no credit limit on file' : `uses ${pct(e.row.exposureRatio)} of its credit limit`),
  },
  { name: 'overdue_share', value: (e) => e.row.overdueShare ?? 0, describe: (e) => `has ${pct(e.row.overdueShare ?? 0)} of its open balance overdue` },
  {
    name: 'oldest_past_due',
    value: (e) => Math.max(-60, Math.min(e.row.maxDpd, 365)),
    describe: (e) => (e.row.maxDpd > 0 ? `has an invoice ${days(e.row.maxDpd)} past due` : 'has nothing past due'),
  },
  { name: 'tenure', value: (e) => tenure(e.row), describe: (e) => `has been invoiced for ${Math.round(e.row.tenureDays / 30)} months` },
  { name: 'written_off_invoices', value: (e) => Math.min(e.row.nWrittenOff, 10), describe: (e) => `had ${e.row.nWrittenOff} invoice${e.row.nWrittenOff === 1 ? '' : 's'} written off in the last 12 months` },
  { name: 'collection_contacts_90d', value: (e) => Math.min(e.row.nActivities90d, 50), describe: (e) => `was contacted ${e.row.nActivities90d} times by collections in the last 90 days` },
  {
    name: 'history_p_late',
    value: (e) => e.days.pLate,
    describe: (e) => `by its payment history, ${pct(e.days.pLate)} of comparable invoices still open at this age were paid after the due date`,
  },
  {
    name: 'history_p_late30',
    value: (e) => e.days.pLate30,
    describe: (e) => `by its payment history, ${pct(e.days.pLate30)} of comparable invoices were paid more than 30 days late`,
  },
  {
    name: 'history_median_days_late',
    value: (e) => Math.max(-60, Math.min(e.days.p50, 365)),
    describe: (e) => `typically pays invoices like this ${lateWords(e.days.p50)}`,
  },
];

export const FEATURE_NAMES = FEATURES.map((f) => f.name);

export function toVector(e: EnrichedRow): number[] {
  return FEATURES.map((f) => {
    const v = f.value(e);
    return Number.isFinite(v) ? v : 0;
  });
}
