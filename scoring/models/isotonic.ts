/**
 * Isotonic calibration (pool-adjacent-violators) fitted on a later validation window than the model,
 * so calibrated probabilities match observed frequencies out of time.
 */
export interface IsotonicCalibrator {
  readonly kind: 'isotonic';
  /** Increasing raw scores at block boundaries and their calibrated values. */
  readonly x: number[];
  readonly y: number[];
}

export function fitIsotonic(scores: readonly number[], labels: readonly number[]): IsotonicCalibrator {
  const order = scores.map((s, i) => [s, labels[i] as number] as const).sort((a, b) => a[0] - b[0]);
  const blocks: { lo: number; hi: number; sum: number; n: number }[] = [];
  for (const [s, yv] of order) {
    blocks.push({ lo: s, hi: s, sum: yv, n: 1 });
    while (blocks.length > 1) {
      const b = blocks[blocks.length - 1] as (typeof blocks)[number];
      const a = blocks[blocks.length - 2] as (typeof blocks)[number];
      if (a.sum / a.n < b.sum / b.n) break;
      blocks.splice(blocks.length - 2, 2, { lo: a.lo, hi: b.hi, sum: a.sum + b.sum, n: a.n + b.n });
    }
  }
  const x: number[] = [];
  const y: number[] = [];
  for (const b of blocks) {
    x.push((b.lo + b.hi) / 2);
    // a single-class block would claim certainty from a handful of rows; pull it slightly inward
    y.push((b.sum + 0.5 * 0.5) / (b.n + 0.5));
  }
  return { kind: 'isotonic', x, y };
}

export function applyIsotonic(c: IsotonicCalibrator, score: number): number {
  const { x, y } = c;
  if (x.length === 0) return score;
  if (score <= (x[0] as number)) return y[0] as number;
  const last = x.length - 1;
  if (score >= (x[last] as number)) return y[last] as number;
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((x[mid] as number) <= score) lo = mid;
    else hi = mid;
  }
  const x0 = x[lo] as number;
  const x1 = x[hi] as number;
  const t = x1 === x0 ? 0 : (score - x0) / (x1 - x0);
  return (y[lo] as number) + t * ((y[hi] as number) - (y[lo] as number));
}
