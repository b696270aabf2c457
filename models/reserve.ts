/**
 * Bad-debt reserve: an aging-schedule allowance with given rates, and an IFRS 9 provision matrix whose
 * loss rates come from how an invoice cohort actually aged (loss / amount that reached each bucket).
 */

/** Σ bucket amount × rate; amounts and rates are aligned by bucket. */
export function reserveFromRates(amounts: readonly number[], rates: readonly number[]): number {
  if (amounts.length !== rates.length) throw new RangeError(`${amounts.length} buckets but ${rates.length} rates`);
  return amounts.reduce((s, a, i) => s + a * (rates[i] as number), 0);
}

/**
 * Loss rates of a cohort: `reached[k]` is the amount still unpaid when the cohort entered bucket k
 * (reached[0] = everything invoiced), `loss` what was never paid. Rate k = loss / reached[k]
 * (null when nothing reached the bucket).
 */
export function cohortLossRates(reached: readonly number[], loss: number): (number | null)[] {
  return reached.map((r) => (r > 0 ? Math.min(1, Math.max(0, loss / r)) : null));
}

/** Roll rate = amount that moved from a bucket to the next / amount that was in the bucket. */
export function rollRate(inBucket: number, rolledToNext: number): number | null {
  return inBucket > 0 ? rolledToNext / inBucket : null;
}
