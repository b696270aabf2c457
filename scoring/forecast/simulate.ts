/**
 * Monte Carlo of weekly receipts. Each item (an open invoice, or a slice of one, an open order, or a
 * slice of expected new invoicing) carries an amount, a pay-day distribution given by its P10/P50/P90
 * (piecewise-linear inverse CDF between them, a linear lower tail and an exponential upper tail fitted
 * to the P50–P90 spread, so a distribution with P50 = P90 has no upper tail), an optional point mass (a promise to pay on a date) and a probability that
 * it is never paid (write-off, dispute loss). Draws are accumulated into a draws × weeks histogram in
 * typed arrays: no allocation per draw, so a million items stay well within a minute.
 *
 * Days are day offsets from the Monday of forecast week 1; the week of a pay day is floor(day / 7), and
 * day mod 7 is the weekday (5, 6 = Saturday, Sunday). Banks credit receipts on business days, so a pay day
 * that falls on a weekend moves to the next Monday with probability `weekendRoll` (learned from the
 * weekdays receipts arrived on) — otherwise the smooth pay-day distributions put two sevenths of each
 * week's mass on days no cash arrives, and the weekly totals at week boundaries are off.
 */
import { mulberry32 } from './prng.ts';

export const COMPONENTS = ['open_ar', 'orders', 'new_business'] as const;
export type Component = (typeof COMPONENTS)[number];

export interface SimItems {
  readonly n: number;
  readonly amount: Float64Array;
  /** Earliest possible pay day (the day after the as-of date, or later for a future invoice). */
  readonly lo: Float64Array;
  readonly q10: Float64Array;
  readonly q50: Float64Array;
  readonly q90: Float64Array;
  /** Probability the item is never paid. */
  readonly pLoss: Float64Array;
  /** Probability (given paid) that it pays on pointDay, e.g. a promise expected to be kept. */
  readonly pPoint: Float64Array;
  readonly pointDay: Float64Array;
  readonly component: Uint8Array;
}

export function allocItems(n: number): SimItems {
  return {
    n,
    amount: new Float64Array(n),
    lo: new Float64Array(n),
    q10: new Float64Array(n),
    q50: new Float64Array(n),
    q90: new Float64Array(n),
    pLoss: new Float64Array(n),
    pPoint: new Float64Array(n),
    pointDay: new Float64Array(n),
    component: new Uint8Array(n),
  };
}

/**
 * The items with the pay-day quantiles of one component stretched around the earliest pay day:
 * q' = lo + scale · (q − lo). scale < 1 brings the expected receipts forward, > 1 pushes them back; the
 * calibration learns it on earlier origins (calibration.ts).
 */
export function rescaleTiming(items: SimItems, scale: number, component: Component): SimItems {
  if (scale === 1) return items;
  const c = COMPONENTS.indexOf(component);
  const out: SimItems = { ...items, q10: items.q10.slice(), q50: items.q50.slice(), q90: items.q90.slice(), pointDay: items.pointDay };
  for (let i = 0; i < items.n; i++) {
    if (items.component[i] !== c) continue;
    const lo = items.lo[i] as number;
    out.q10[i] = lo + scale * ((items.q10[i] as number) - lo);
    out.q50[i] = lo + scale * ((items.q50[i] as number) - lo);
    out.q90[i] = lo + scale * ((items.q90[i] as number) - lo);
  }
  return out;
}

const LN5 = Math.log(5);
/** 2⁻³²: a uint32 times this is the same uniform as dividing by 2³² (exact, a power of two). */
const TWO_POW_M32 = 1 / 4294967296;

/** Pay day at quantile u of the quantile-defined distribution (before rounding to a whole day). */
export function quantileDay(u: number, lo: number, q10: number, q50: number, q90: number): number {
  let x: number;
  if (u < 0.1) x = q10 - ((0.1 - u) / 0.1) * ((q50 - q10) / 4);
  else if (u < 0.5) x = q10 + ((u - 0.1) / 0.4) * (q50 - q10);
  else if (u < 0.9) x = q50 + ((u - 0.5) / 0.4) * (q90 - q50);
  else x = q90 + ((q90 - q50) / LN5) * Math.log(0.1 / Math.max(1e-12, 1 - u));
  return x < lo ? lo : x;
}

/** P(pay day, rounded to the nearest whole day, is ≤ d) — the exact CDF of quantileDay's distribution. */
export function cdfDay(d: number, lo: number, q10: number, q50: number, q90: number): number {
  const x = d + 0.5; // rounded day ≤ d  ⇔  continuous day < d + 0.5
  if (x <= lo) return 0;
  const lowTail = (q50 - q10) / 4;
  const low = q10 - lowTail;
  let u: number;
  if (x <= low) u = 0;
  else if (x < q10) u = lowTail > 0 ? 0.1 - ((q10 - x) / lowTail) * 0.1 : 0.1;
  else if (x < q50) u = q50 > q10 ? 0.1 + ((x - q10) / (q50 - q10)) * 0.4 : 0.5;
  else if (x < q90) u = q90 > q50 ? 0.5 + ((x - q50) / (q90 - q50)) * 0.4 : 0.9;
  else u = q90 > q50 ? 1 - 0.1 * Math.exp(-((x - q90) * LN5) / (q90 - q50)) : 1;
  if (x >= q10 && q10 === q50 && x < q90) u = Math.max(u, 0.5);
  return Math.min(1, Math.max(0, u));
}

/** Expected amount of item i in each of `weeks` weeks (exact, from the CDF); see the header for weekendRoll. */
export function expectedByWeek(items: SimItems, i: number, weeks: number, out: Float64Array, weekendRoll = 0): void {
  const a = (items.amount[i] as number) * (1 - (items.pLoss[i] as number));
  const pp = items.pPoint[i] as number;
  const lo = items.lo[i] as number;
  const q10 = items.q10[i] as number;
  const q50 = items.q50[i] as number;
  const q90 = items.q90[i] as number;
  // mass through the previous Sunday, and the previous weekend's part of it that rolls into this week
  let prev = cdfDay(-1, lo, q10, q50, q90);
  let rolledIn = weekendRoll * (prev - cdfDay(-3, lo, q10, q50, q90));
  for (let w = 0; w < weeks; w++) {
    const fri = cdfDay(7 * w + 4, lo, q10, q50, q90);
    const sun = cdfDay(7 * w + 6, lo, q10, q50, q90);
    out[w] = a * (1 - pp) * (sun - prev - weekendRoll * (sun - fri) + rolledIn);
    rolledIn = weekendRoll * (sun - fri);
    prev = sun;
  }
  if (pp > 0) {
    const day = Math.round(items.pointDay[i] as number);
    const dow = ((day % 7) + 7) % 7;
    const pw = Math.floor(day / 7);
    if (pw >= 0 && pw < weeks) out[pw] = (out[pw] as number) + a * pp * (dow >= 5 ? 1 - weekendRoll : 1);
    if (dow >= 5 && pw + 1 >= 0 && pw + 1 < weeks) out[pw + 1] = (out[pw + 1] as number) + a * pp * weekendRoll;
  }
}

/**
 * The items of one component, every k-th of them when there are more than `max`, with amounts scaled so
 * the sample's total equals the component's: enough to compare weekly totals under many candidate
 * timings without a pass over a million items per candidate.
 */
export function sampleComponent(items: SimItems, component: Component, max: number): SimItems {
  const c = COMPONENTS.indexOf(component);
  const idx: number[] = [];
  let total = 0;
  for (let i = 0; i < items.n; i++) {
    if (items.component[i] !== c) continue;
    idx.push(i);
    total += items.amount[i] as number;
  }
  const step = Math.max(1, Math.ceil(idx.length / max));
  const keep = idx.filter((_, k) => k % step === 0);
  const out = allocItems(keep.length);
  let kept = 0;
  keep.forEach((i, k) => {
    out.amount[k] = items.amount[i] as number;
    out.lo[k] = items.lo[i] as number;
    out.q10[k] = items.q10[i] as number;
    out.q50[k] = items.q50[i] as number;
    out.q90[k] = items.q90[i] as number;
    out.pLoss[k] = items.pLoss[i] as number;
    out.pPoint[k] = items.pPoint[i] as number;
    out.pointDay[k] = items.pointDay[i] as number;
    out.component[k] = c;
    kept += items.amount[i] as number;
  });
  if (kept > 0 && step > 1) for (let k = 0; k < out.n; k++) out.amount[k] = ((out.amount[k] as number) * total) / kept;
  return out;
}

/** Exact expected amount per week of the items of one component. */
export function componentByWeek(items: SimItems, component: Component, weeks: number, weekendRoll = 0): Float64Array {
  const c = COMPONENTS.indexOf(component);
  const sum = new Float64Array(weeks);
  const buf = new Float64Array(weeks);
  for (let i = 0; i < items.n; i++) {
    if (items.component[i] !== c) continue;
    expectedByWeek(items, i, weeks, buf, weekendRoll);
    for (let w = 0; w < weeks; w++) sum[w] = (sum[w] as number) + (buf[w] as number);
  }
  return sum;
}

/**
 * Draws for a portfolio of n items: 1000, fewer for very large portfolios so the simulation stays within
 * a budget of samples (never below 200, enough for P10/P90 within about 2 % of the total for large n).
 */
export function drawsFor(n: number, requested = 1000, budget = 2.5e8): number {
  return Math.max(Math.min(200, requested), Math.min(requested, Math.floor(budget / Math.max(1, n))));
}

export interface SimOptions {
  readonly weeks: number;
  readonly draws: number;
  readonly seed: number;
  /**
   * Standard deviation (days) of a timing shift shared by every item in a draw: payment runs, holidays
   * and collection effort move many customers together, which independent draws cannot express.
   */
  readonly commonShiftSd: number;
  /** Probability a weekend pay day moves to the next Monday (see the header); default 0. */
  readonly weekendRoll?: number;
}

export interface WeekSummary {
  readonly mean: number;
  readonly p10: number;
  readonly p50: number;
  readonly p90: number;
  readonly components: Record<Component, number>;
}

/** Type-7 quantile of a sorted array. */
export function sortedQuantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  const h = (sorted.length - 1) * q;
  const i = Math.floor(h);
  const a = sorted[i] as number;
  const b = sorted[Math.min(sorted.length - 1, i + 1)] as number;
  return a + (h - i) * (b - a);
}

/** draws × weeks totals: hist[d * weeks + w]. */
export function simulateTotals(items: SimItems, opts: SimOptions): Float64Array {
  const { weeks: W, draws: D } = opts;
  const hist = new Float64Array(D * W);
  const rnd = mulberry32(opts.seed);
  const shift = new Float64Array(D);
  if (opts.commonShiftSd > 0) {
    for (let d = 0; d < D; d++) {
      // Box–Muller
      const u1 = Math.max(1e-12, rnd());
      shift[d] = opts.commonShiftSd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * rnd());
    }
  }
  const { amount, lo, q10, q50, q90, pLoss, pPoint, pointDay } = items;
  let state = (Math.floor(rnd() * 4294967296) | 0) ^ 0x5bd1e995;
  const roll = opts.weekendRoll ?? 0;
  // a second stream for the weekend roll, so the pay-day draws stay the same whatever the roll probability
  // (mulberry32 seeded with seed ^ 0x9e3779b9, inlined like the first: the same numbers as prng.ts draws)
  let rollState = (opts.seed ^ 0x9e3779b9) >>> 0;
  for (let i = 0; i < items.n; i++) {
    const a = amount[i] as number;
    const pl = pLoss[i] as number;
    if (a === 0 || pl >= 1) continue;
    const pp = pPoint[i] as number;
    const l = lo[i] as number;
    const x10 = q10[i] as number;
    const x50 = q50[i] as number;
    const x90 = q90[i] as number;
    const pd = pointDay[i] as number;
    // quantileDay's segments as slopes per unit of u, computed once per item rather than once per draw
    const invKeep = 1 / (1 - pl);
    const invRest = pp < 1 ? 1 / (1 - pp) : 0;
    const lowSlope = (x50 - x10) / 4 / 0.1;
    const midSlope = (x50 - x10) / 0.4;
    const highSlope = (x90 - x50) / 0.4;
    const tailScale = (x90 - x50) / LN5;
    for (let d = 0; d < D; d++) {
      // mulberry32 inlined: a closure call per draw costs more than the rest of the loop body
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), state | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      let u = ((t ^ (t >>> 14)) >>> 0) * TWO_POW_M32;
      if (u < pl) continue;
      u = (u - pl) * invKeep;
      let day: number;
      if (u < pp) day = pd;
      else {
        // quantileDay((u − pp) ÷ (1 − pp), …), inlined
        const v = (u - pp) * invRest;
        if (v < 0.1) day = x10 - (0.1 - v) * lowSlope;
        else if (v < 0.5) day = x10 + (v - 0.1) * midSlope;
        else if (v < 0.9) day = x50 + (v - 0.5) * highSlope;
        else day = x90 + tailScale * Math.log(0.1 / Math.max(1e-12, 1 - v));
        if (day < l) day = l;
        day += shift[d] as number;
        if (day < l) day = l;
      }
      // the week and weekday of the rounded pay day (Math.round ≡ floor(x + 0.5)) without a modulo
      const rd = Math.floor(day + 0.5);
      let w = Math.floor(rd / 7);
      if (roll > 0 && rd - 7 * w >= 5) {
        let moves = roll >= 1;
        if (!moves) {
          rollState = (rollState + 0x6d2b79f5) >>> 0;
          let r = Math.imul(rollState ^ (rollState >>> 15), rollState | 1);
          r ^= r + Math.imul(r ^ (r >>> 7), r | 61);
          moves = ((r ^ (r >>> 14)) >>> 0) * TWO_POW_M32 < roll;
        }
        if (moves) w += 1; // to the next Monday
      }
      if (w >= 0 && w < W) hist[d * W + w] = (hist[d * W + w] as number) + a;
    }
  }
  return hist;
}

/** Weekly mean (exact), P10/P50/P90 (simulated) and component means. */
export function summarise(items: SimItems, opts: SimOptions): WeekSummary[] {
  const W = opts.weeks;
  const comp = COMPONENTS.map(() => new Float64Array(W));
  const buf = new Float64Array(W);
  for (let i = 0; i < items.n; i++) {
    expectedByWeek(items, i, W, buf, opts.weekendRoll ?? 0);
    const c = comp[items.component[i] as number] as Float64Array;
    for (let w = 0; w < W; w++) c[w] = (c[w] as number) + (buf[w] as number);
  }
  const hist = simulateTotals(items, opts);
  const col = new Float64Array(opts.draws);
  const out: WeekSummary[] = [];
  for (let w = 0; w < W; w++) {
    for (let d = 0; d < opts.draws; d++) col[d] = hist[d * W + w] as number;
    col.sort();
    const components = { open_ar: comp[0]?.[w] ?? 0, orders: comp[1]?.[w] ?? 0, new_business: comp[2]?.[w] ?? 0 };
    out.push({
      mean: components.open_ar + components.orders + components.new_business,
      p10: sortedQuantile(col, 0.1),
      p50: sortedQuantile(col, 0.5),
      p90: sortedQuantile(col, 0.9),
      components,
    });
  }
  return out;
}
