/**
 * Probability that an open invoice is still unpaid a number of days after the as-of date, read from
 * what the risk model stored for it: the P10/P50/P90 of its payment date (conditioned on it still
 * being open at the as-of date, so nothing is paid on or before day 0) and its write-off probability.
 * This is the quantity the worklist ranks on: money that will still be outstanding at the horizon
 * unless someone acts.
 */

/** Days from the as-of date to the P10, P50 and P90 payment dates (the payment-date distribution of a paid invoice). */
export interface PayDays {
  readonly p10: number;
  readonly p50: number;
  readonly p90: number;
}

/**
 * CDF of the payment day at `t` days after the as-of date: piecewise linear through (0, 0), (P10, 0.1),
 * (P50, 0.5), (P90, 0.9), continued past P90 at the P50–P90 slope until it reaches 1. Linear pieces
 * between three stored quantiles are the least we can assume without inventing a distribution family.
 */
export function paidByCdf(q: PayDays, t: number): number {
  if (t <= 0) return 0;
  // quantiles are integers rounded by the model; keep them ordered and after day 0 (no arrays: this runs per item per build)
  const x10 = Math.max(q.p10, 0);
  const x50 = Math.max(q.p50, x10);
  const x90 = Math.max(q.p90, x50);
  if (t < x10) return (0.1 * t) / x10;
  if (t < x50) return 0.1 + (0.4 * (t - x10)) / (x50 - x10);
  if (t < x90) return 0.5 + (0.4 * (t - x50)) / (x90 - x50);
  // beyond P90: the P50–P90 slope (one more 0.4 of probability per P50→P90 span); a point mass at P90 if that span is empty
  const span = x90 - x50;
  return span > 0 ? Math.min(1, 0.9 + (0.4 * (t - x90)) / span) : 1;
}

/** P(still unpaid `horizonDays` after the as-of date): written off, or paid after the horizon. */
export function pUnpaidAfter(q: PayDays, pWriteOff: number, horizonDays: number): number {
  const w = Math.min(1, Math.max(0, pWriteOff));
  return w + (1 - w) * (1 - paidByCdf(q, horizonDays));
}
