/**
 * Amount logic that does not depend on which invoice is meant: early-payment discounts
 * (2/10 NET30: pay within 10 days, keep 2%) and what a short payment most likely is.
 */
import { addDays } from '../../core/as-of.ts';

export interface DiscountTerms {
  readonly invoiceDate: string;
  readonly discountPct: number | null;
  readonly discountDays: number | null;
}

/** Amount net of the discount, rounded half up to the cent. */
export function discountedCents(cents: bigint, pct: number): bigint {
  const basisPoints = BigInt(Math.round(pct * 100));
  const discount = (cents * basisPoints + 5_000n) / 10_000n;
  return cents - discount;
}

/**
 * The discounted amount a payer may remit on `paidDate`, or null when the invoice grants no
 * discount or the window has closed. Both the received and the value date are tried by callers,
 * since banks credit a day or two after the payer sent the money.
 */
export function discountedAmount(terms: DiscountTerms, cents: bigint, paidDate: string): bigint | null {
  const { discountPct, discountDays } = terms;
  if (discountPct === null || discountDays === null || discountPct <= 0 || discountDays < 0) return null;
  if (paidDate > addDays(terms.invoiceDate, discountDays)) return null;
  return discountedCents(cents, discountPct);
}

export type DeductionCause =
  | 'pricing'
  | 'short_shipment'
  | 'damaged_goods'
  | 'missing_po'
  | 'duplicate_billing'
  | 'tax'
  | 'service_not_rendered'
  | 'unspecified';

const CAUSE_WORDS: readonly [DeductionCause, RegExp][] = [
  ['damaged_goods', /\b(damag\w*|broken|defect\w*|spoil\w*|besch[aä]digt)\b/i],
  ['short_shipment', /\b(short\s*(ship\w*|deliver\w*)|missing\s*(item|unit|good|part)s?|not\s*(received|delivered)|qty|quantity|shortage)\b/i],
  ['pricing', /\b(pric\w*|overcharg\w*|rate|promo\w*|rebate|agreed|quote\w*)\b/i],
  ['tax', /\b(tax|vat|gst|hst|withholding|wht|mwst|iva)\b/i],
  ['duplicate_billing', /\b(dup\w*|double\s*bill\w*|billed\s*twice)\b/i],
  ['missing_po', /\b(no\s*po|missing\s*po|po\s*(missing|required))\b/i],
  ['service_not_rendered', /\b(service\s*not|not\s*perform\w*|not\s*rendered|incomplete\s*work)\b/i],
];

export interface ShortPayFacts {
  readonly text: string;
  readonly shortfallCents: bigint;
  readonly invoiceCents: bigint;
  readonly taxCents: bigint | null;
  /** Discount the payer would have been entitled to had they paid in time (null: no terms). */
  readonly lateDiscountCents: bigint | null;
}

/** Best guess of a deduction's cause, and the fact it rests on. */
export function guessDeductionCause(f: ShortPayFacts): { cause: DeductionCause; because: string } {
  for (const [cause, re] of CAUSE_WORDS) {
    const m = re.exec(f.text);
    if (m) return { cause, because: `remittance says "${m[0]}"` };
  }
  if (f.taxCents !== null && f.taxCents > 0n && f.shortfallCents === f.taxCents) {
    return { cause: 'tax', because: 'shortfall equals the invoice tax amount' };
  }
  if (f.lateDiscountCents !== null && f.shortfallCents === f.lateDiscountCents) {
    return { cause: 'pricing', because: 'early-payment discount taken after the discount window' };
  }
  return { cause: 'unspecified', because: 'no cause in the remittance' };
}
