/**
 * Customer risk score 0–100, higher = safer, on the PAYDEX-like scale of metrics.md: the score is read
 * off the customer's amount-weighted days beyond terms (DBT) by linear interpolation between
 *   DBT ≤ −20 → 100 (pays ahead of terms), 0 → 80 (prompt), 15 → 70, 22 → 60, 30 → 50, 60 → 40,
 *   90 → 30, 120 → 20, ≥ 240 → 0.
 * DBT blends what is known at the as-of date: invoices paid in the last 12 months (actual days late),
 * invoices written off in the last 12 months (counted as 240 days late) and open invoices (their
 * predicted median days late), weighted by amount, then shrunk towards the segment's DBT with a prior
 * weight of SHRINK_INVOICES invoices.
 * Risk classes by non-overlapping score ranges: A 80–100, B 70–79, C 60–69, D 50–59, E 0–49.
 * A customer with fewer than MIN_PAID_INVOICES paid invoices is scored by the new-customer rule
 * (see credit.ts) and moves to the behavioural score once it has enough.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { daysBetween } from '../core/as-of.ts';
import { paydexIndex } from '../models/payment-behaviour.ts';
import type { Warehouse } from '../core/warehouse.ts';
import type { InvoiceScore } from './delinquency.ts';
import { insertViaStage, type StageColumn } from './risk/stage-rows.ts';

export const MIN_PAID_INVOICES = 5;
export const SHRINK_INVOICES = 5;
export const WRITE_OFF_DAYS = 240;

export type RiskClass = 'A' | 'B' | 'C' | 'D' | 'E';

export const CLASS_RANGES: readonly { cls: RiskClass; min: number; max: number; meaning: string }[] = [
  { cls: 'A', min: 80, max: 100, meaning: 'pays on terms or ahead of them' },
  { cls: 'B', min: 70, max: 79, meaning: 'up to about 15 days beyond terms' },
  { cls: 'C', min: 60, max: 69, meaning: 'about 15–22 days beyond terms' },
  { cls: 'D', min: 50, max: 59, meaning: 'about 22–30 days beyond terms' },
  { cls: 'E', min: 0, max: 49, meaning: 'more than 30 days beyond terms or defaults' },
];

/**
 * PAYDEX-like score from days beyond terms (negative = early): the one scale of models/payment-behaviour.ts
 * (docs/metrics.md), rounded, so the customer 360's payment index and the risk score agree.
 */
export function paydexScore(daysBeyondTerms: number): number {
  return Math.round(paydexIndex(daysBeyondTerms));
}

export function riskClass(score: number): RiskClass {
  for (const r of CLASS_RANGES) if (score >= r.min) return r.cls;
  return 'E';
}

export interface CustomerHistory {
  readonly customerId: string;
  readonly segment: string;
  readonly industry: string;
  readonly country: string;
  readonly paidInvoices: number;
  readonly wadl12m: number | null;
  readonly paidAmount12m: number;
  readonly paid12m: number;
  readonly writtenOff12m: number;
  readonly writtenOffAmount12m: number;
  readonly invoiced12m: number;
}

export interface CustomerScore {
  readonly asOf: string;
  readonly customerId: string;
  readonly score: number;
  readonly riskClass: RiskClass;
  readonly basis: 'behavioural' | 'new_customer';
  readonly paidInvoices: number;
  readonly daysBeyondTerms: number | null;
  readonly openInvoices: number;
  readonly maxPLate30: number | null;
  readonly reasons: { factor: string; direction: 'increases_risk' | 'decreases_risk'; text: string }[];
}

const DIR = dirname(fileURLToPath(import.meta.url));

export async function loadCustomerHistory(wh: Warehouse, asOf: string): Promise<CustomerHistory[]> {
  const rows = await wh.all(readFileSync(join(DIR, 'features', 'customer_history.sql'), 'utf8'), [asOf]);
  const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return rows.map((r) => ({
    customerId: String(r.customer_id),
    segment: String(r.segment ?? ''),
    industry: String(r.industry ?? ''),
    country: String(r.country ?? ''),
    paidInvoices: n(r.paid_invoices) ?? 0,
    wadl12m: n(r.wadl_12m),
    paidAmount12m: n(r.paid_amount_12m) ?? 0,
    paid12m: n(r.paid_12m) ?? 0,
    writtenOff12m: n(r.written_off_12m) ?? 0,
    writtenOffAmount12m: n(r.written_off_amount_12m) ?? 0,
    invoiced12m: n(r.invoiced_12m) ?? 0,
  }));
}

interface Blend {
  dbt: number | null;
  weight: number;
  items: number;
  openExpected: number | null;
}

function blend(h: CustomerHistory, open: readonly InvoiceScore[]): Blend {
  let sw = 0;
  let s = 0;
  let items = h.paid12m + h.writtenOff12m;
  if (h.wadl12m !== null && h.paidAmount12m > 0) {
    sw += h.paidAmount12m;
    s += h.paidAmount12m * h.wadl12m;
  }
  sw += h.writtenOffAmount12m;
  s += h.writtenOffAmount12m * WRITE_OFF_DAYS;
  let ow = 0;
  let os = 0;
  for (const inv of open) {
    const late = daysBetween(inv.dueDate, inv.expectedPayDate);
    ow += inv.openAmount;
    os += inv.openAmount * Math.min(late, WRITE_OFF_DAYS);
    items++;
  }
  return { dbt: sw + ow > 0 ? (s + os) / (sw + ow) : null, weight: sw + ow, items, openExpected: ow > 0 ? os / ow : null };
}

const days = (x: number) => `${Math.round(Math.abs(x))} days`;

/**
 * Scores every active customer. `newCustomerScore` gives the conservative score for customers with too
 * little history (it receives the segment's DBT prior).
 */
export function scoreCustomers(
  asOf: string,
  histories: readonly CustomerHistory[],
  invoiceScores: readonly InvoiceScore[],
  newCustomerScore: (h: CustomerHistory, segmentDbt: number) => { score: number; reasons: string[] },
): CustomerScore[] {
  const openBy = new Map<string, InvoiceScore[]>();
  for (const s of invoiceScores) {
    const list = openBy.get(s.customerId);
    if (list) list.push(s);
    else openBy.set(s.customerId, [s]);
  }
  const blends = histories.map((h) => blend(h, openBy.get(h.customerId) ?? []));
  const segAcc = new Map<string, { s: number; w: number }>();
  let gs = 0;
  let gw = 0;
  histories.forEach((h, i) => {
    const b = blends[i] as Blend;
    if (b.dbt === null) return;
    const acc = segAcc.get(h.segment) ?? { s: 0, w: 0 };
    acc.s += b.dbt * b.weight;
    acc.w += b.weight;
    segAcc.set(h.segment, acc);
    gs += b.dbt * b.weight;
    gw += b.weight;
  });
  const globalDbt = gw > 0 ? gs / gw : 0;
  return histories.map((h, i) => {
    const b = blends[i] as Blend;
    const open = openBy.get(h.customerId) ?? [];
    const seg = segAcc.get(h.segment);
    const segDbt = seg && seg.w > 0 ? seg.s / seg.w : globalDbt;
    const maxPLate30 = open.length ? Math.max(...open.map((o) => o.pLate30)) : null;
    if (h.paidInvoices < MIN_PAID_INVOICES) {
      const n = newCustomerScore(h, segDbt);
      return {
        asOf,
        customerId: h.customerId,
        score: n.score,
        riskClass: riskClass(n.score),
        basis: 'new_customer',
        paidInvoices: h.paidInvoices,
        daysBeyondTerms: b.dbt,
        openInvoices: open.length,
        maxPLate30,
        reasons: n.reasons.map((text) => ({ factor: 'new_customer_rule', direction: 'increases_risk' as const, text })),
      };
    }
    const dbt = b.dbt === null ? segDbt : (b.items * b.dbt + SHRINK_INVOICES * segDbt) / (b.items + SHRINK_INVOICES);
    const score = Math.max(0, Math.min(100, paydexScore(dbt)));
    const reasons: CustomerScore['reasons'] = [];
    if (h.wadl12m !== null) {
      reasons.push({
        factor: 'days_beyond_terms_12m',
        direction: h.wadl12m > 0 ? 'increases_risk' : 'decreases_risk',
        text: h.wadl12m > 0.5 ? `paid on average ${days(h.wadl12m)} beyond terms over the last 12 months` : h.wadl12m < -0.5 ? `paid on average ${days(h.wadl12m)} ahead of terms over the last 12 months` : 'paid on terms over the last 12 months',
      });
    }
    if (b.openExpected !== null) {
      reasons.push({
        factor: 'open_invoices_expected',
        direction: b.openExpected > (h.wadl12m ?? 0) ? 'increases_risk' : 'decreases_risk',
        text: `its ${open.length} open invoice${open.length === 1 ? ' is' : 's are'} expected to be paid ${b.openExpected >= 0 ? `${days(b.openExpected)} beyond terms` : `${days(b.openExpected)} ahead of terms`} on average`,
      });
    }
    if (h.writtenOff12m > 0) reasons.push({ factor: 'write_offs_12m', direction: 'increases_risk', text: `had ${h.writtenOff12m} invoice${h.writtenOff12m === 1 ? '' : 's'} written off in the last 12 months` });
    else if (maxPLate30 !== null && maxPLate30 >= 0.5) reasons.push({ factor: 'late30_risk', direction: 'increases_risk', text: `has an open invoice with a ${Math.round(maxPLate30 * 100)}% chance of being paid more than 30 days late` });
    if (reasons.length < 3 && b.items < 12) reasons.push({ factor: 'thin_history', direction: 'increases_risk', text: `only ${b.items} invoices in the last 12 months, so the score leans on its segment (${days(segDbt)} ${segDbt >= 0 ? 'beyond' : 'ahead of'} terms)` });
    return {
      asOf,
      customerId: h.customerId,
      score,
      riskClass: riskClass(score),
      basis: 'behavioural',
      paidInvoices: h.paidInvoices,
      daysBeyondTerms: Math.round(dbt * 10) / 10,
      openInvoices: open.length,
      maxPLate30,
      reasons: reasons.slice(0, 3),
    };
  });
}

const CUSTOMER_SCORE_STAGE: readonly StageColumn<CustomerScore>[] = [
  { name: 'customer_id', type: 'varchar', get: (s) => s.customerId },
  { name: 'score', type: 'double', get: (s) => s.score },
  { name: 'risk_class', type: 'varchar', get: (s) => s.riskClass },
  { name: 'basis', type: 'varchar', get: (s) => s.basis },
  { name: 'paid_invoices', type: 'double', get: (s) => s.paidInvoices },
  { name: 'days_beyond_terms', type: 'double', get: (s) => s.daysBeyondTerms },
  { name: 'open_invoices', type: 'double', get: (s) => s.openInvoices },
  { name: 'max_p_late30', type: 'double', get: (s) => s.maxPLate30 },
  { name: 'reasons', type: 'varchar', get: (s) => JSON.stringify(s.reasons) },
];

export async function writeCustomerScores(wh: Warehouse, asOf: string, scores: readonly CustomerScore[]): Promise<void> {
  await wh.transaction(async (conn) => {
    await conn.run('delete from customer_scores where as_of = $1::date', [asOf]);
    await insertViaStage(
      conn,
      'customer_scores_stage',
      CUSTOMER_SCORE_STAGE,
      scores,
      `insert into customer_scores (as_of, customer_id, score, risk_class, basis, paid_invoices, days_beyond_terms, open_invoices,
         max_p_late30, reasons)
       select $1::date, customer_id, score::integer, risk_class, basis, paid_invoices::integer, days_beyond_terms, open_invoices::integer,
              max_p_late30, reasons
       from temp.main.customer_scores_stage`,
      [asOf],
    );
  });
}
