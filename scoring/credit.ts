/**
 * Pre-sale credit decisions (metrics.md §Credit).
 *
 * Score: an existing customer with at least MIN_PAID_INVOICES paid invoices gets its behavioural score
 * (customer-risk.ts); anyone else gets the new-customer rule below, which is deliberately conservative:
 *   start from what comparable customers score (PAYDEX-like score of the segment/industry/country days
 *   beyond terms), clamped to 30–70; years in business unknown −5, under 2 years −10, 5 years or more +5;
 *   an external bureau score (0–100, higher = safer) is averaged 50/50 with it; each trade reference
 *   reporting late payment −10, each reporting prompt payment +2 (at most +6); never above 75, so a new
 *   customer cannot reach class A before it has paid us.
 *
 * Limit: the rules of thumb of metrics.md, each "10 % of": net worth, working capital, average monthly
 *   purchases (for an applicant, its annual revenue / 12 stands in). The recommended limit is the average
 *   of the candidates available, times the class factor (A 1.0, B 0.8, C 0.6, D 0.35, E 0), halved for a
 *   new customer (starter limit), and never above 10 % of the seller's sales of the last 12 months.
 *   An existing customer without financial data keeps its limit on file as the only candidate; with
 *   neither, its need is estimated as average monthly purchases × (terms + days beyond terms) / 30.
 * Terms: A keeps its terms (at most 60 days), B at most 45, C 30, D 15, E cash in advance (0); a new
 *   customer at most 30.
 * Exposure = open AR + open orders + the proposed order (metrics.md). Decision: decline for class E or
 *   exposure above 120 % of the limit; review for class D, exposure above the limit, an invoice more than
 *   60 days past due, or a new customer whose order exceeds half its starter limit; approve otherwise.
 */
import { z } from 'zod';
import { parseMoney, formatMoney, type Cents } from '../core/money.ts';
import { paydexScore, riskClass, type RiskClass } from './customer-risk.ts';

export const CLASS_FACTOR: Record<RiskClass, number> = { A: 1, B: 0.8, C: 0.6, D: 0.35, E: 0 };
export const NEW_CUSTOMER_FACTOR = 0.5;
export const NEW_CUSTOMER_MAX_SCORE = 75;
export const RULE_OF_THUMB_SHARE = 0.1;
export const SELLER_SHARE_CAP = 0.1;

const money = z
  .string()
  .refine((s) => parseMoney(s) !== undefined, { message: 'expected a decimal amount such as "12500.00"' })
  .refine((s) => (parseMoney(s) ?? -1n) >= 0n, { message: 'must not be negative' });

export const TradeReference = z.object({
  name: z.string().min(1).optional(),
  paysOnTime: z.boolean(),
});

export const Application = z.object({
  country: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166 country code such as "DE"'),
  industry: z.string().min(1),
  segment: z.string().min(1).optional(),
  yearsInBusiness: z.number().min(0).max(500).optional(),
  annualRevenue: money,
  netWorth: money.optional(),
  workingCapital: money.optional(),
  bureauScore: z.number().min(0).max(100).optional(),
  tradeReferences: z.array(TradeReference).max(20).optional(),
});
export type Application = z.infer<typeof Application>;

export interface NewCustomerInput {
  readonly priorDaysBeyondTerms: number;
  readonly yearsInBusiness?: number | undefined;
  readonly bureauScore?: number | undefined;
  readonly tradeReferences?: readonly { paysOnTime: boolean }[] | undefined;
}

export function newCustomerScore(input: NewCustomerInput): { score: number; reasons: string[] } {
  const reasons: string[] = [];
  const prior = paydexScore(input.priorDaysBeyondTerms);
  let score = Math.max(30, Math.min(70, prior));
  reasons.push(`new customer: comparable customers pay ${Math.round(Math.abs(input.priorDaysBeyondTerms))} days ${input.priorDaysBeyondTerms >= 0 ? 'beyond' : 'ahead of'} terms (starting score ${score})`);
  if (input.yearsInBusiness === undefined) {
    score -= 5;
    reasons.push('years in business unknown (−5)');
  } else if (input.yearsInBusiness < 2) {
    score -= 10;
    reasons.push(`only ${input.yearsInBusiness} years in business (−10)`);
  } else if (input.yearsInBusiness >= 5) {
    score += 5;
    reasons.push(`${input.yearsInBusiness} years in business (+5)`);
  }
  if (input.bureauScore !== undefined) {
    score = Math.round(0.5 * score + 0.5 * input.bureauScore);
    reasons.push(`external bureau score ${input.bureauScore} averaged in`);
  }
  const refs = input.tradeReferences ?? [];
  const bad = refs.filter((r) => !r.paysOnTime).length;
  const good = refs.length - bad;
  if (bad > 0) {
    score -= 10 * bad;
    reasons.push(`${bad} trade reference${bad === 1 ? '' : 's'} report late payment (−${10 * bad})`);
  }
  if (good > 0) {
    score += Math.min(6, 2 * good);
    reasons.push(`${good} trade reference${good === 1 ? '' : 's'} report prompt payment (+${Math.min(6, 2 * good)})`);
  }
  if (score > NEW_CUSTOMER_MAX_SCORE) {
    score = NEW_CUSTOMER_MAX_SCORE;
    reasons.push(`capped at ${NEW_CUSTOMER_MAX_SCORE} until the customer has paid us enough invoices`);
  }
  return { score: Math.max(0, Math.min(100, score)), reasons };
}

export interface LimitInput {
  readonly riskClass: RiskClass;
  readonly newCustomer: boolean;
  readonly netWorth?: Cents | undefined;
  readonly workingCapital?: Cents | undefined;
  readonly monthlyPurchases?: Cents | undefined;
  readonly limitOnFile?: Cents | undefined;
  /** Behavioural need: average monthly purchases × (terms + days beyond terms) / 30. */
  readonly behaviouralNeed?: Cents | undefined;
  readonly sellerAnnualSales: Cents;
}

const pctOf = (c: Cents, share: number) => BigInt(Math.round(Number(c) * share));

export function recommendedLimit(input: LimitInput): { limit: Cents; basis: string[] } {
  const candidates: { label: string; cents: Cents }[] = [];
  if (input.netWorth !== undefined) candidates.push({ label: '10% of net worth', cents: pctOf(input.netWorth, RULE_OF_THUMB_SHARE) });
  if (input.workingCapital !== undefined) candidates.push({ label: '10% of working capital', cents: pctOf(input.workingCapital, RULE_OF_THUMB_SHARE) });
  if (input.monthlyPurchases !== undefined && input.newCustomer) candidates.push({ label: '10% of average monthly purchases (annual revenue / 12)', cents: pctOf(input.monthlyPurchases, RULE_OF_THUMB_SHARE) });
  if (candidates.length === 0 && input.limitOnFile !== undefined) candidates.push({ label: 'limit on file', cents: input.limitOnFile });
  if (candidates.length === 0 && input.behaviouralNeed !== undefined) candidates.push({ label: 'average monthly purchases × (terms + days beyond terms) / 30', cents: input.behaviouralNeed });
  const basis: string[] = [];
  if (candidates.length === 0) return { limit: 0n, basis: ['no data to base a limit on'] };
  const avg = candidates.reduce((s, c) => s + c.cents, 0n) / BigInt(candidates.length);
  basis.push(`average of ${candidates.map((c) => `${c.label} ${formatMoney(c.cents)}`).join(', ')} = ${formatMoney(avg)}`);
  let factor = CLASS_FACTOR[input.riskClass];
  basis.push(`class ${input.riskClass} factor ${factor}`);
  if (input.newCustomer) {
    factor *= NEW_CUSTOMER_FACTOR;
    basis.push(`new-customer starter factor ${NEW_CUSTOMER_FACTOR}`);
  }
  let limit = pctOf(avg, factor);
  const cap = pctOf(input.sellerAnnualSales, SELLER_SHARE_CAP);
  if (input.sellerAnnualSales > 0n && limit > cap) {
    limit = cap;
    basis.push(`capped at 10% of our sales of the last 12 months (${formatMoney(cap)})`);
  }
  // limits are set in round hundreds
  limit = (limit / 10_000n) * 10_000n;
  return { limit, basis };
}

export function recommendedTerms(cls: RiskClass, currentTerms: number | null, newCustomer: boolean): number {
  const own = currentTerms ?? 30;
  const byClass = cls === 'A' ? Math.min(own, 60) : cls === 'B' ? Math.min(own, 45) : cls === 'C' ? Math.min(own, 30) : cls === 'D' ? Math.min(own, 15) : 0;
  return newCustomer ? Math.min(byClass, 30) : byClass;
}

export interface DecisionInput {
  readonly riskClass: RiskClass;
  readonly newCustomer: boolean;
  readonly limit: Cents;
  readonly exposure: Cents;
  readonly proposedOrder: Cents;
  readonly maxDaysPastDue: number | null;
}

export type Decision = 'approve' | 'review' | 'decline';

export function decide(d: DecisionInput): { decision: Decision; reasons: string[] } {
  const reasons: string[] = [];
  let decision: Decision = 'approve';
  const escalate = (to: Decision, why: string) => {
    reasons.push(why);
    if (to === 'decline' || (to === 'review' && decision === 'approve')) decision = to;
  };
  if (d.riskClass === 'E') escalate('decline', 'risk class E: more than 30 days beyond terms expected');
  if (d.limit === 0n && d.exposure > 0n) escalate('decline', 'no credit limit can be granted');
  else if (d.exposure * 100n > d.limit * 120n) escalate('decline', `exposure ${formatMoney(d.exposure)} is more than 120% of the limit ${formatMoney(d.limit)}`);
  else if (d.exposure > d.limit) escalate('review', `exposure ${formatMoney(d.exposure)} exceeds the limit ${formatMoney(d.limit)}`);
  if (d.riskClass === 'D') escalate('review', 'risk class D: 22–30 days beyond terms expected');
  if (d.maxDaysPastDue !== null && d.maxDaysPastDue > 60) escalate('review', `has an invoice ${d.maxDaysPastDue} days past due`);
  if (d.newCustomer && d.proposedOrder * 2n > d.limit && d.limit > 0n) escalate('review', 'new customer: order above half the starter limit');
  if (decision === 'approve') reasons.push(`within the limit (${formatMoney(d.exposure)} of ${formatMoney(d.limit)}) and class ${d.riskClass}`);
  return { decision, reasons };
}

export { riskClass };
