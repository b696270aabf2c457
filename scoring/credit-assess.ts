/**
 * `POST /api/v1/credit/assess`: reads what the decision needs as of D (customer, its score, exposure,
 * comparable customers, our own sales) and applies the documented rules of credit.ts.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { isoDate, resolveAsOf } from '../core/as-of.ts';
import { ArIntelError, NotFoundError } from '../core/errors.ts';
import { formatMoney, parseMoney, type Cents } from '../core/money.ts';
import type { Warehouse } from '../core/warehouse.ts';
import { Application, decide, newCustomerScore, recommendedLimit, recommendedTerms, riskClass } from './credit.ts';
import { MIN_PAID_INVOICES, loadCustomerHistory, type CustomerScore } from './customer-risk.ts';
import { scoreAsOf } from './stage.ts';

const DIR = dirname(fileURLToPath(import.meta.url));
const money = z.string().refine((s) => (parseMoney(s) ?? -1n) > 0n, { message: 'expected a positive decimal amount such as "25000.00"' });

export const AssessRequest = z
  .object({
    customerId: z.string().min(1).optional(),
    application: Application.optional(),
    proposedOrderAmount: money,
    asOf: isoDate.optional(),
  })
  .refine((b) => (b.customerId === undefined) !== (b.application === undefined), {
    message: 'give either customerId (existing customer) or application (new customer), not both',
    path: ['customerId'],
  });
export type AssessRequest = z.infer<typeof AssessRequest>;

export interface Assessment {
  asOf: string;
  customerId: string | null;
  basis: 'behavioural' | 'new_customer';
  score: number;
  riskClass: string;
  currency: string;
  creditLimitOnFile: string | null;
  recommendedCreditLimit: string;
  recommendedPaymentTermsDays: number;
  exposure: { openAr: string; openOrders: string; proposedOrder: string; total: string; limitUsedPct: number | null };
  decision: 'approve' | 'review' | 'decline';
  reasons: string[];
  limitBasis: string[];
}

const cents = (s: string | null | undefined): Cents | undefined => (s === null || s === undefined ? undefined : parseMoney(String(s)));

async function sellerAnnualSales(wh: Warehouse, asOf: string): Promise<Cents> {
  const row = await wh.one<{ s: string }>(
    `select coalesce(sum(amount), 0)::decimal(18, 2)::varchar as s from invoices where invoice_date <= $1::date and invoice_date > $1::date - interval 365 day`,
    [asOf],
  );
  return cents(row?.s) ?? 0n;
}

/** Days beyond terms of comparable customers: same industry, else same country, else everyone. */
async function priorDaysBeyondTerms(wh: Warehouse, asOf: string, industry: string | undefined, country: string | undefined): Promise<number> {
  const hist = await loadCustomerHistory(wh, asOf);
  const avg = (pred: (h: (typeof hist)[number]) => boolean) => {
    let s = 0;
    let w = 0;
    for (const h of hist) if (pred(h) && h.wadl12m !== null && h.paidAmount12m > 0) {
      s += h.wadl12m * h.paidAmount12m;
      w += h.paidAmount12m;
    }
    return w > 0 ? { v: s / w, n: hist.filter(pred).length } : null;
  };
  const byInd = industry ? avg((h) => h.industry === industry) : null;
  if (byInd && byInd.n >= 5) return byInd.v;
  const byCountry = country ? avg((h) => h.country === country) : null;
  if (byCountry && byCountry.n >= 5) return byCountry.v;
  return avg(() => true)?.v ?? 0;
}

async function storedCustomerScore(wh: Warehouse, asOf: string, customerId: string): Promise<CustomerScore | undefined> {
  const row = await wh.one(
    `select score, risk_class, basis, paid_invoices, days_beyond_terms, open_invoices, max_p_late30, reasons, as_of::varchar as as_of
     from customer_scores where customer_id = $1 and as_of = $2::date`,
    [customerId, asOf],
  );
  if (!row) return undefined;
  return {
    asOf: String(row.as_of),
    customerId,
    score: Number(row.score),
    riskClass: riskClass(Number(row.score)),
    basis: row.basis === 'new_customer' ? 'new_customer' : 'behavioural',
    paidInvoices: Number(row.paid_invoices),
    daysBeyondTerms: row.days_beyond_terms === null ? null : Number(row.days_beyond_terms),
    openInvoices: Number(row.open_invoices),
    maxPLate30: row.max_p_late30 === null ? null : Number(row.max_p_late30),
    reasons: JSON.parse(String(row.reasons)) as CustomerScore['reasons'],
  };
}

export async function assessCredit(wh: Warehouse, req: AssessRequest, baseCurrency: string): Promise<Assessment> {
  const asOf = await resolveAsOf(wh, req.asOf);
  const proposed = cents(req.proposedOrderAmount) ?? 0n;
  const sales = await sellerAnnualSales(wh, asOf);
  if (req.application) {
    const app = req.application;
    const prior = await priorDaysBeyondTerms(wh, asOf, app.industry, app.country);
    const s = newCustomerScore({ priorDaysBeyondTerms: prior, yearsInBusiness: app.yearsInBusiness, bureauScore: app.bureauScore, tradeReferences: app.tradeReferences });
    const cls = riskClass(s.score);
    const { limit, basis } = recommendedLimit({
      riskClass: cls,
      newCustomer: true,
      netWorth: cents(app.netWorth),
      workingCapital: cents(app.workingCapital),
      monthlyPurchases: (cents(app.annualRevenue) ?? 0n) / 12n,
      sellerAnnualSales: sales,
    });
    const d = decide({ riskClass: cls, newCustomer: true, limit, exposure: proposed, proposedOrder: proposed, maxDaysPastDue: null });
    return {
      asOf,
      customerId: null,
      basis: 'new_customer',
      score: s.score,
      riskClass: cls,
      currency: baseCurrency,
      creditLimitOnFile: null,
      recommendedCreditLimit: formatMoney(limit),
      recommendedPaymentTermsDays: recommendedTerms(cls, 30, true),
      exposure: { openAr: '0.00', openOrders: '0.00', proposedOrder: formatMoney(proposed), total: formatMoney(proposed), limitUsedPct: limit > 0n ? Math.round((Number(proposed) / Number(limit)) * 1000) / 10 : null },
      decision: d.decision,
      reasons: [...d.reasons, ...s.reasons],
      limitBasis: basis,
    };
  }
  const customerId = req.customerId as string;
  const customer = await wh.one(
    `select customer_id, currency, payment_terms_days, credit_limit::varchar as credit_limit, industry, country from customers where customer_id = $1`,
    [customerId],
  );
  if (!customer) throw new NotFoundError(`customer ${customerId}`);
  let score = await storedCustomerScore(wh, asOf, customerId);
  if (!score) {
    const { customers } = await scoreAsOf(wh, asOf);
    score = customers.find((c) => c.customerId === customerId);
  }
  if (!score) {
    const prior = await priorDaysBeyondTerms(wh, asOf, customer.industry ? String(customer.industry) : undefined, customer.country ? String(customer.country) : undefined);
    const s = newCustomerScore({ priorDaysBeyondTerms: prior });
    score = { asOf, customerId, score: s.score, riskClass: riskClass(s.score), basis: 'new_customer', paidInvoices: 0, daysBeyondTerms: null, openInvoices: 0, maxPLate30: null, reasons: s.reasons.map((text) => ({ factor: 'new_customer_rule', direction: 'increases_risk', text })) };
  }
  const exp = await wh.one(readFileSync(join(DIR, 'features', 'credit_exposure.sql'), 'utf8'), [asOf, customerId]);
  if (!exp) throw new ArIntelError('DATABASE', 'exposure query returned nothing', {}, 500);
  const openAr = cents(String(exp.open_ar)) ?? 0n;
  const openOrders = cents(String(exp.open_orders)) ?? 0n;
  const monthly = cents(String(exp.monthly_purchases)) ?? 0n;
  const terms = customer.payment_terms_days === null ? null : Number(customer.payment_terms_days);
  const newCustomer = score.basis === 'new_customer' || score.paidInvoices < MIN_PAID_INVOICES;
  const dbt = Math.max(0, score.daysBeyondTerms ?? 0);
  const { limit, basis } = recommendedLimit({
    riskClass: score.riskClass,
    newCustomer,
    limitOnFile: cents(customer.credit_limit as string | null),
    behaviouralNeed: BigInt(Math.round((Number(monthly) * ((terms ?? 30) + dbt)) / 30)),
    sellerAnnualSales: sales,
  });
  const total = openAr + openOrders + proposed;
  const maxDpd = exp.max_dpd === null ? null : Number(exp.max_dpd);
  const d = decide({ riskClass: score.riskClass, newCustomer, limit, exposure: total, proposedOrder: proposed, maxDaysPastDue: maxDpd });
  return {
    asOf,
    customerId,
    basis: newCustomer ? 'new_customer' : 'behavioural',
    score: score.score,
    riskClass: score.riskClass,
    currency: String(customer.currency),
    creditLimitOnFile: customer.credit_limit === null ? null : String(customer.credit_limit),
    recommendedCreditLimit: formatMoney(limit),
    recommendedPaymentTermsDays: recommendedTerms(score.riskClass, terms, newCustomer),
    exposure: {
      openAr: formatMoney(openAr),
      openOrders: formatMoney(openOrders),
      proposedOrder: formatMoney(proposed),
      total: formatMoney(total),
      limitUsedPct: limit > 0n ? Math.round((Number(total) / Number(limit)) * 1000) / 10 : null,
    },
    decision: d.decision,
    reasons: [...d.reasons, ...score.reasons.map((r) => r.text)],
    limitBasis: basis,
  };
}
