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
  // the customer's own values still possible, with their recency weights, sorted by value (stable insertion:
  // equal values keep their recency order), in two parallel arrays — this runs once per open invoice, so no
  // closures or pairs are made per call
  const ownX: number[] = [];
  const ownW: number[] = [];
  let ownWeight = 0;
  const n = Math.min(own.length, params.maxHistory);
  for (let k = 0; k < n; k++) {
    const x = own[k] as number;
    if (x < minDaysLate) continue;
    const w = params.decay ** k;
    let j = ownX.length;
    ownX.push(x);
    ownW.push(w);
    while (j > 0 && (ownX[j - 1] as number) > x) {
      ownX[j] = ownX[j - 1] as number;
      ownW[j] = ownW[j - 1] as number;
      j--;
    }
    ownX[j] = x;
    ownW[j] = w;
    ownWeight += w;
  }
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
  const ownCum = new Array<number>(ownW.length + 1);
  ownCum[0] = 0;
  for (let j = 0; j < ownW.length; j++) ownCum[j + 1] = (ownCum[j] as number) + (ownW[j] as number);
  const m: Mixture = { pool: sortedPool, ub: poolUpperBounds(sortedPool), start, wp, ownX, ownW, ownCum, total };
  const last = ownX.length ? (ownX[ownX.length - 1] as number) : minDaysLate;
  const raw10 = mixtureQuantile(m, 0.1, last);
  const p50 = mixtureQuantile(m, 0.5, last);
  const raw90 = mixtureQuantile(m, 0.9, last);
  const band = widenBand({ raw10, p50, raw90, minDaysLate }, params.widen);
  return { raw10, p50, raw90, minDaysLate, p10: band.p10, p90: band.p90, pLate: weightAbove(m, 0) / total, pLate30: weightAbove(m, 30) / total, ownWeight };
}

/** The conditional mixture of one invoice: the pool from `start` on, each value weighing wp, plus the own values. */
interface Mixture {
  readonly pool: readonly number[];
  /** upperBound(pool, pool[i]) for every i. */
  readonly ub: Int32Array;
  readonly start: number;
  readonly wp: number;
  readonly ownX: readonly number[];
  readonly ownW: readonly number[];
  readonly ownCum: readonly number[];
  readonly total: number;
}

function cdf(m: Mixture, v: number): number {
  return (upperBound(m.pool, v) - m.start) * m.wp + (m.ownCum[upperBound(m.ownX, v)] as number);
}

/** cdf at the pool's i-th value, its upper bound in the pool looked up rather than searched. */
function cdfAtPool(m: Mixture, i: number): number {
  return ((m.ub[i] as number) - m.start) * m.wp + (m.ownCum[upperBound(m.ownX, m.pool[i] as number)] as number);
}

function mixtureQuantile(m: Mixture, q: number, lastOwn: number): number {
  const target = q * m.total - 1e-9;
  // the smallest own value whose CDF reaches the target (the CDF only grows along the sorted list)
  let best = Infinity;
  for (const x of m.ownX) {
    if (cdf(m, x) >= target) {
      best = x;
      break;
    }
  }
  let lo = m.start;
  let hi = m.pool.length - 1;
  if (hi >= lo && cdfAtPool(m, hi) >= target) {
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdfAtPool(m, mid) >= target) hi = mid;
      else lo = mid + 1;
    }
    best = Math.min(best, m.pool[lo] as number);
  }
  return Number.isFinite(best) ? best : Math.max(pvLast(m.pool), lastOwn);
}

/** Weight above v: pool values > v from `start` on, plus own values > v summed in sorted order from 0. */
function weightAbove(m: Mixture, v: number): number {
  let own = 0;
  for (let j = upperBound(m.ownX, v); j < m.ownX.length; j++) own += m.ownW[j] as number;
  return (m.pool.length - Math.max(m.start, upperBound(m.pool, v))) * m.wp + own;
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
