/**
 * The DSO family and CEI as pure functions of balances and sales, so the worked examples of
 * metrics.md test the same code the SQL-backed summary and the monthly history call.
 * Every function returns null when its denominator is zero or negative: "no sales" is not "0 days".
 */

/** Simple (period-end) DSO = ending total AR / credit sales of the period × days in the period. */
export function simpleDso(endingAr: number, creditSales: number, days: number): number | null {
  return creditSales > 0 ? (endingAr / creditSales) * days : null;
}

/** Average-AR DSO = average AR over the period / credit sales of the period × days in the period. */
export function averageArDso(averageAr: number, creditSales: number, days: number): number | null {
  return creditSales > 0 ? (averageAr / creditSales) * days : null;
}

/** Best possible DSO = current (not yet due) AR / credit sales × days. */
export function bestPossibleDso(currentAr: number, creditSales: number, days: number): number | null {
  return creditSales > 0 ? (currentAr / creditSales) * days : null;
}

/** Average days delinquent = DSO − BPDSO (we use the simple, period-end DSO). */
export function averageDaysDelinquent(dso: number | null, bpdso: number | null): number | null {
  return dso === null || bpdso === null ? null : dso - bpdso;
}

export interface SalesMonth {
  /** Credit sales of the month (the as-of month: month-to-date). */
  readonly sales: number;
  /** Days the month contributes: its calendar length, or day-of-month for a partial as-of month. */
  readonly days: number;
}

/**
 * Countback (exhaustion) DSO: walking back from the as-of month, each month whose sales do not
 * exhaust the remaining AR adds its days; the month that does adds days × remaining / its sales.
 * `months` is newest first. If history runs out before AR is exhausted, the result is the days of the
 * whole history (a lower bound) and `exhausted` is false.
 */
export function countbackDso(endingAr: number, months: readonly SalesMonth[]): { days: number; exhausted: boolean } {
  let remaining = endingAr;
  let days = 0;
  if (remaining <= 0) return { days: 0, exhausted: true };
  for (const m of months) {
    if (m.sales > 0 && m.sales >= remaining) return { days: days + (m.days * remaining) / m.sales, exhausted: true };
    remaining -= m.sales;
    days += m.days;
  }
  return { days, exhausted: false };
}

export interface TrueDsoTerm {
  /** as-of date − invoice date, in days. */
  readonly ageDays: number;
  readonly openAmount: number;
  /** Credit sales of the month the invoice is dated in. */
  readonly monthSales: number;
}

/** True DSO (Oracle's documented form): Σ ageDays × open amount / sales of the invoice's month. */
export function trueDso(terms: readonly TrueDsoTerm[]): number {
  return terms.reduce((acc, t) => (t.monthSales > 0 ? acc + (t.ageDays * t.openAmount) / t.monthSales : acc), 0);
}

/**
 * Collection Effectiveness Index, in percent:
 * (begin AR + sales / N − end total AR) / (begin AR + sales / N − end current AR) × 100.
 * N = number of months in the period; N = 1 gives the undivided ("annual") form.
 */
export function cei(beginAr: number, creditSales: number, months: number, endTotalAr: number, endCurrentAr: number): number | null {
  if (!(months > 0)) throw new RangeError(`CEI needs a positive number of months, got ${months}`);
  const collectible = beginAr + creditSales / months;
  const denominator = collectible - endCurrentAr;
  return denominator > 0 ? ((collectible - endTotalAr) / denominator) * 100 : null;
}

/** Share of a part in a total, in percent (null when the total is not positive). */
export function percentOf(part: number, total: number): number | null {
  return total > 0 ? (part / total) * 100 : null;
}
