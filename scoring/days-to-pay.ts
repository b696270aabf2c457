/**
 * Days-to-pay distribution of an open invoice: the customer's own recent days late (closing date −
 * due date of invoices closed by payment in the 12 months before the as-of date, recent ones weigh
 * more) shrunk towards its segment's days late with a fixed prior weight, then conditioned on the
 * invoice still being open at the as-of date (payment can only fall after it). Quantiles of that
 * conditional mixture give P10/P50/P90; `widen` stretches the P10–P90 band around the median and is
 * fitted on a validation window so the band covers about 80 % out of time.
 */
export interface DaysToPayParams {
  /** Total weight of the segment pool against the customer's own history (each own invoice weighs ≤ 1). */
  readonly priorWeight: number;
  /** Per-invoice decay of the customer's history, newest first. */
  readonly decay: number;
  readonly maxHistory: number;
  readonly widen: number;
}

export const DEFAULT_DAYS_PARAMS: DaysToPayParams = { priorWeight: 3, decay: 0.95, maxHistory: 24, widen: 1 };

export interface DaysLateDistribution {
  /** Days after the due date (negative = before it), band already widened. */
  readonly p10: number;
  readonly p50: number;
  readonly p90: number;
  /** Quantiles before widening, so a different band width can be applied without recomputing. */
  readonly raw10: number;
  readonly raw90: number;
  readonly minDaysLate: number;
  readonly pLate: number;
  readonly pLate30: number;
  /** Weight of the customer's own history after conditioning: small means the segment prior dominates. */
  readonly ownWeight: number;
}

/** First index with sorted[i] >= v. */
function lowerBound(sorted: readonly number[], v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Stretches the P10–P90 band around the median; P10 never falls before the earliest possible day. */
export function widenBand(d: Pick<DaysLateDistribution, 'raw10' | 'p50' | 'raw90' | 'minDaysLate'>, widen: number): { p10: number; p90: number } {
  return {
    p10: Math.max(d.minDaysLate, Math.round(d.p50 - widen * (d.p50 - d.raw10))),
    p90: Math.max(d.p50, Math.round(d.p50 + widen * (d.raw90 - d.p50))),
  };
}

/**
 * @param own the customer's days late, newest first
 * @param sortedPool the segment's days late, ascending
 * @param minDaysLate the smallest days late still possible (as-of date + 1 − due date)
 */
export function daysLateDistribution(own: readonly number[], sortedPool: readonly number[], minDaysLate: number, params: DaysToPayParams = DEFAULT_DAYS_PARAMS): DaysLateDistribution {
  const mine: [number, number][] = [];
  let ownWeight = 0;
  own.slice(0, params.maxHistory).forEach((x, k) => {
    if (x >= minDaysLate) {
      const w = params.decay ** k;
      mine.push([x, w]);
      ownWeight += w;
    }
  });
  mine.sort((a, b) => a[0] - b[0]);
  const start = lowerBound(sortedPool, minDaysLate);
  const wp = sortedPool.length > 0 ? params.priorWeight / sortedPool.length : 0;
  const poolWeight = (sortedPool.length - start) * wp;
  const total = ownWeight + poolWeight;
  if (total <= 1e-9) {
    // later than anything on record: assume it pays within the following two months, most likely soon
    const base = { p50: minDaysLate + 14, raw10: minDaysLate, raw90: minDaysLate + 60, minDaysLate };
    return { ...base, ...widenBand(base, params.widen), pLate: minDaysLate > 0 ? 1 : 0.5, pLate30: minDaysLate > 30 ? 1 : 0.5, ownWeight: 0 };
  }
  // weighted CDF at v: pool values in [minDaysLate, v] plus own values <= v. The own values are sorted, so
  // those <= v are a prefix and their weight is a prefix sum, accumulated in the same order (and so to the
  // same bits) as summing over the whole list with zeros for the larger values.
  const ownX = mine.map(([x]) => x);
  const ownCum = [0];
  for (const [, w] of mine) ownCum.push((ownCum[ownCum.length - 1] as number) + w);
  const cdf = (v: number) => (upperBound(sortedPool, v) - start) * wp + (ownCum[upperBound(ownX, v)] as number);
  // the same at a pool value, with its upper bound in the pool looked up rather than searched
  const ub = poolUpperBounds(sortedPool);
  const cdfAt = (i: number) => ((ub[i] as number) - start) * wp + (ownCum[upperBound(ownX, sortedPool[i] as number)] as number);
  const quantile = (q: number): number => {
    const target = q * total - 1e-9;
    // the smallest own value whose CDF reaches the target (the CDF only grows along the sorted list)
    let best = Infinity;
    for (const x of ownX) {
      if (cdf(x) >= target) {
        best = x;
        break;
      }
    }
    let lo = start;
    let hi = sortedPool.length - 1;
    if (hi >= lo && cdfAt(hi) >= target) {
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cdfAt(mid) >= target) hi = mid;
        else lo = mid + 1;
      }
      best = Math.min(best, sortedPool[lo] as number);
    }
    return Number.isFinite(best) ? best : Math.max(pvLast(sortedPool), mine.length ? (mine[mine.length - 1] as [number, number])[0] : minDaysLate);
  };
  const above = (v: number) => (sortedPool.length - Math.max(start, upperBound(sortedPool, v))) * wp + mine.reduce((s, [x, w]) => s + (x > v ? w : 0), 0);
  const base = { raw10: quantile(0.1), p50: quantile(0.5), raw90: quantile(0.9), minDaysLate };
  return { ...base, ...widenBand(base, params.widen), pLate: above(0) / total, pLate30: above(30) / total, ownWeight };
}

const upperBoundCache = new WeakMap<readonly number[], Int32Array>();

/** upperBound(pool, pool[i]) for every i, computed once per pool (pools are shared by many invoices). */
function poolUpperBounds(sortedPool: readonly number[]): Int32Array {
  let ub = upperBoundCache.get(sortedPool);
  if (!ub) {
    ub = new Int32Array(sortedPool.length);
    for (let i = sortedPool.length - 1; i >= 0; i--) ub[i] = i + 1 < sortedPool.length && sortedPool[i + 1] === sortedPool[i] ? (ub[i + 1] as number) : i + 1;
    upperBoundCache.set(sortedPool, ub);
  }
  return ub;
}

/** First index with sorted[i] > v. */
function upperBound(sorted: readonly number[], v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function pvLast(sorted: readonly number[]): number {
  return sorted.length ? (sorted[sorted.length - 1] as number) : -Infinity;
}
