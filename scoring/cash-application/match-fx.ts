/**
 * Cross-currency matching: a payment received in one currency that pays documents issued in another
 * (a EUR invoice paid from a USD account). The payment is converted at the rate of its value date
 * (the received date when the bank gave none) from the warehouse's `fx_rates`, and the documents are
 * taken as paid when the converted amount is within a tolerance of what is open: the payer's bank
 * converts at its own rate, with a spread and charges, so an exact match is the exception.
 *
 * The documents are settled in full in their own currency; the whole payment is consumed, split over
 * them in proportion to their open amounts. The difference is an exchange difference, not a deduction.
 */
import type { Allocation, OpenItem } from './matcher.ts';

export interface FxRateRow {
  readonly rateDate: string;
  readonly currency: string;
  readonly baseCurrency: string;
  /** 1 unit of `currency` = `rate` units of `baseCurrency`. */
  readonly rate: number;
}

export interface Conversion {
  /** Units of the target currency per unit of the source currency. */
  readonly rate: number;
  /** Date of the oldest quote used. */
  readonly rateDate: string;
  /** How it was obtained, for the evidence ("EUR→USD via USD quotes of 2026-03-02"). */
  readonly how: string;
}

interface Series {
  readonly days: number[];
  readonly dates: string[];
  readonly rates: number[];
}

function dayNumber(iso: string): number {
  return Math.round(Date.parse(`${iso}T00:00:00Z`) / 86_400_000);
}

/**
 * Rates by base currency, looked up as of a date: the latest quote on or before it, and only if it is
 * at most `maxAgeDays` old (weekends and holidays have no fixing; a month-old rate is not the rate of
 * the value date).
 */
export class FxRates {
  private readonly byBase = new Map<string, Map<string, Series>>();
  readonly maxAgeDays: number;

  constructor(rows: Iterable<FxRateRow> = [], maxAgeDays = 7) {
    this.maxAgeDays = maxAgeDays;
    const sorted = [...rows].filter((r) => r.rate > 0).sort((a, b) => (a.rateDate < b.rateDate ? -1 : a.rateDate > b.rateDate ? 1 : 0));
    for (const r of sorted) {
      const base = r.baseCurrency.toUpperCase();
      let m = this.byBase.get(base);
      if (!m) this.byBase.set(base, (m = new Map()));
      const cur = r.currency.toUpperCase();
      let s = m.get(cur);
      if (!s) m.set(cur, (s = { days: [], dates: [], rates: [] }));
      s.days.push(dayNumber(r.rateDate));
      s.dates.push(r.rateDate);
      s.rates.push(r.rate);
    }
  }

  get size(): number {
    let n = 0;
    for (const m of this.byBase.values()) for (const s of m.values()) n += s.rates.length;
    return n;
  }

  /** Units of `base` per unit of `currency` on `date`, or null. */
  private quote(base: string, currency: string, day: number): { rate: number; date: string | null } | null {
    if (currency === base) return { rate: 1, date: null };
    const s = this.byBase.get(base)?.get(currency);
    if (!s) return null;
    let lo = 0;
    let hi = s.days.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((s.days[mid] ?? 0) <= day) lo = mid + 1;
      else hi = mid;
    }
    const i = lo - 1;
    if (i < 0 || day - (s.days[i] ?? 0) > this.maxAgeDays) return null;
    return { rate: s.rates[i] ?? 0, date: s.dates[i] ?? null };
  }

  /** Rate converting `from` into `to` on `date` (directly, or across a common base), or null. */
  convert(from: string, to: string, date: string): Conversion | null {
    const f = from.toUpperCase();
    const t = to.toUpperCase();
    if (f === t) return { rate: 1, rateDate: date, how: 'same currency' };
    const day = dayNumber(date);
    for (const base of this.byBase.keys()) {
      const qf = this.quote(base, f, day);
      const qt = qf ? this.quote(base, t, day) : null;
      if (!qf || !qt || qt.rate <= 0) continue;
      const dates = [qf.date, qt.date].filter((d): d is string => d !== null).sort();
      const rateDate = dates[0] ?? date;
      return { rate: qf.rate / qt.rate, rateDate, how: `${f}→${t} from ${base} quotes of ${dates.join(' and ') || rateDate}` };
    }
    return null;
  }
}

export interface FxFit {
  readonly conversion: Conversion;
  /** The payment in the documents' currency, in cents. */
  readonly convertedCents: bigint;
  /** |converted − open| ÷ open. */
  readonly difference: number;
  readonly within: boolean;
}

/** The payment converted into the documents' currency and compared with what they have open. */
export function fxFit(conversion: Conversion, paymentCents: bigint, openCents: bigint, tolerance: number): FxFit {
  const convertedCents = BigInt(Math.round(Number(paymentCents) * conversion.rate));
  const diff = convertedCents > openCents ? convertedCents - openCents : openCents - convertedCents;
  const difference = openCents > 0n ? Number(diff) / Number(openCents) : Number.POSITIVE_INFINITY;
  return { conversion, convertedCents, difference, within: openCents > 0n && difference <= tolerance };
}

/**
 * Settles each item in full in its own currency and spreads the whole payment over them in proportion
 * to their open amounts (the last item takes the rounding), so the payment-side amounts add up to the
 * payment exactly and nothing is left unapplied or applied twice.
 */
export function fxAllocations(items: readonly OpenItem[], paymentCents: bigint, rate: number): Allocation[] {
  const total = items.reduce((s, it) => s + it.openCents, 0n);
  let given = 0n;
  return items.map((it, i) => {
    const share = i === items.length - 1 ? paymentCents - given : total > 0n ? (paymentCents * it.openCents) / total : 0n;
    given += share;
    return { kind: it.kind, id: it.id, cents: it.openCents, discounted: false, paymentCents: share, fxRate: rate };
  });
}

function money(c: bigint): string {
  const neg = c < 0n;
  const a = neg ? -c : c;
  return `${neg ? '-' : ''}${a / 100n}.${(a % 100n).toString().padStart(2, '0')}`;
}

/** The sentence that explains a conversion in a match's evidence. */
export function fxEvidence(fit: FxFit, paymentCents: bigint, paymentCurrency: string, openCents: bigint, currency: string, tolerance: number): string {
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  return (
    `paid ${money(paymentCents)} ${paymentCurrency} = ${money(fit.convertedCents)} ${currency} at ${fit.conversion.rate.toFixed(6)} ` +
    `(${fit.conversion.how}) against ${money(openCents)} ${currency} open: difference ${pct(fit.difference)}, ` +
    `${fit.within ? 'within' : 'beyond'} the ${pct(tolerance)} cross-currency tolerance` +
    (fit.within ? '; the difference is an exchange difference, not a deduction' : '')
  );
}
