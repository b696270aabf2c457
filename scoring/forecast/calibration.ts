/**
 * Calibration of the cash forecast learned on earlier forecast origins only (weeks that had fully
 * elapsed by the as-of date): a timing scale of the open invoices' pay-day distributions, then a level
 * correction and a conformal scale of the P10–P90 band per horizon group (weeks 1–4, 5+), because the
 * errors differ by horizon: near weeks are mostly timing of known invoices, later weeks mostly invoicing
 * that does not exist yet.
 *
 * - Timing: every open invoice's pay-day quantiles are stretched around the day after the as-of date
 *   (simulate.ts rescaleTiming) by the factor in 0.6–1.4 (steps of 0.05) whose exact weekly means best
 *   match, in summed absolute error, the receipts applied to the invoices open at each earlier origin. A
 *   days-to-pay model that is systematically slow or fast (collection effort changed, a new payment
 *   channel) shows as too little cash in the near weeks and too much later.
 * - Level per horizon group and per source of cash, each ratio clamped to 0.8–1.25 so one odd quarter
 *   cannot swing the forecast. Open AR: Σ receipts applied to the invoices open at each earlier origin ÷
 *   Σ their expected receipts (with the timing above); it corrects what the days-to-pay and write-off
 *   model get wrong about known invoices, which is stable from one quarter to the next (×0.93–1.06 at
 *   every origin of two backtest windows). Orders + new business: only half of (Σ the other receipts ÷
 *   Σ their expected amount − 1), because that error is the invoicing run-rate's (plus cash never applied
 *   to an invoice) and carries over only partly: in the demo's growth months levelling it fully took
 *   weeks 5–13 bias from −4.7 % to −1.3 %, in its months of decline from −0.2 % to +4.1 % (half: −3.0 %
 *   and +2.0 %). A level on the total (the earlier method) let a run-rate that under-forecast in the
 *   calibration window lift the open AR as well: +4.9 % bias in weeks 5–13. Each component and
 *   drill-down line is scaled by its level, so expected = open_ar + orders + new_business still holds,
 *   and the week's band follows its expected.
 * - Band: split conformal on normalised residuals. Each calibration week scores
 *   s = (y − P50) ÷ (P90 − P50) above the median, (P50 − y) ÷ (P50 − P10) below it, after the level
 *   correction; the band's half-widths are multiplied by the 0.8·(n + 1)-th smallest s (interpolated
 *   between order statistics), so on average 80 % of future weeks land inside P10–P90 if they behave
 *   like the past ones. The usual split-conformal rank ⌈0.8·(n + 1)⌉ guarantees *at least* 80 %, which
 *   with the 15–30 scored weeks a group has is up to 4 points more on average (and was 87–89 % in the
 *   backtest): the target is a P10–P90 band, not a lower bound on its coverage.
 */
import type { ForecastLine, ForecastWeek } from './forecast.ts';

export interface CalibrationObs {
  readonly horizon: number;
  readonly expected: number;
  readonly p10: number;
  readonly p50: number;
  readonly p90: number;
  readonly actual: number;
  /** Expected receipts from invoices open at the origin, and from orders + new business. */
  readonly openAr: number;
  readonly later: number;
  /** Receipts applied to invoices open at the origin (the rest of `actual` is the later part). */
  readonly actualOpenAr: number;
}

export interface HorizonGroup {
  readonly from: number;
  readonly to: number;
}

export interface GroupCalibration {
  readonly from: number;
  readonly to: number;
  /** Calibration weeks in the group. */
  readonly n: number;
  /** Multiplies the open AR component (1 = as simulated). */
  readonly openArLevel: number;
  /** Multiplies the orders and new business components (1 = as simulated). */
  readonly laterLevel: number;
  /** Multiplies the band's half-widths around the levelled P50 (1 = as simulated). */
  readonly band: number;
}

export interface Calibration {
  readonly origins: number;
  readonly weeks: number;
  /** Stretch of the open invoices' pay-day distributions (1 = as scored). */
  readonly timingScale: number;
  readonly groups: readonly GroupCalibration[];
}

export const HORIZON_GROUPS: readonly HorizonGroup[] = [{ from: 1, to: 4 }, { from: 5, to: 52 }];
/** Fewer calibration weeks than this leave a level or band as simulated. */
export const MIN_CALIBRATION_WEEKS = 8;
const LEVEL_CLAMP: [number, number] = [0.8, 1.25];
/** Share of the orders + new business level applied (see the header: it carried over in one backtest window, reversed in the other). */
export const LATER_LEVEL_WEIGHT = 0.5;
const COVERAGE = 0.8;

const clamp = (x: number, [lo, hi]: [number, number]) => Math.min(hi, Math.max(lo, x));

/**
 * Normalised distance of y from the band's median (1 = on P10 or P90); null when the band has no width
 * on y's side (a week with nothing expected says nothing about how wide a band should be).
 */
export function bandScore(y: number, p10: number, p50: number, p90: number): number | null {
  if (p90 <= p10) return null;
  if (y >= p50) return p90 > p50 ? (y - p50) / (p90 - p50) : null;
  return p50 > p10 ? (p50 - y) / (p50 - p10) : null;
}

/**
 * Conformal quantile with coverage q on average: the q·(n + 1)-th smallest score, interpolated between
 * the neighbouring order statistics (the largest when the rank exceeds n). A new exchangeable score falls
 * below the k-th smallest of n with probability k ÷ (n + 1).
 */
export function conformalQuantile(scores: readonly number[], q = COVERAGE): number | null {
  if (scores.length === 0) return null;
  const sorted = [...scores].sort((a, b) => a - b);
  const rank = q * (sorted.length + 1);
  if (rank >= sorted.length) return sorted[sorted.length - 1] as number;
  if (rank <= 1) return sorted[0] as number;
  const k = Math.floor(rank);
  const lo = sorted[k - 1] as number;
  const hi = sorted[k] as number;
  return lo + (rank - k) * (hi - lo);
}

/** The level of a week's total with its open AR and later parts levelled separately (expected after ÷ before). */
function weekLevel(openAr: number, later: number, openArLevel: number, laterLevel: number): number {
  const before = openAr + later;
  return before > 0 ? (openAr * openArLevel + later * laterLevel) / before : 1;
}

export const TIMING_SCALES: readonly number[] = Array.from({ length: 17 }, (_, k) => Math.round((0.6 + 0.05 * k) * 100) / 100);

/** The timing scale with the smallest error (the one nearest 1 on ties, so no evidence means no change). */
export function bestTimingScale(errorOf: (scale: number) => number, scales: readonly number[] = TIMING_SCALES): number {
  let best = 1;
  let bestErr = errorOf(1);
  for (const s of scales) {
    if (s === 1) continue;
    const e = errorOf(s);
    if (e < bestErr - 1e-9 || (Math.abs(e - bestErr) <= 1e-9 && Math.abs(s - 1) < Math.abs(best - 1))) {
      best = s;
      bestErr = e;
    }
  }
  return best;
}

export function learnCalibration(obs: readonly CalibrationObs[], origins: number, timingScale = 1, groups: readonly HorizonGroup[] = HORIZON_GROUPS): Calibration {
  const out = groups.map((g) => {
    const rows = obs.filter((o) => o.horizon >= g.from && o.horizon <= g.to);
    const sum = (f: (o: CalibrationObs) => number) => rows.reduce((s, o) => s + f(o), 0);
    const ratio = (actual: number, expected: number) => (rows.length >= MIN_CALIBRATION_WEEKS && expected > 0 ? clamp(actual / expected, LEVEL_CLAMP) : 1);
    const openArLevel = ratio(sum((o) => o.actualOpenAr), sum((o) => o.openAr));
    const laterLevel = 1 + LATER_LEVEL_WEIGHT * (ratio(sum((o) => o.actual - o.actualOpenAr), sum((o) => o.later)) - 1);
    const scores: number[] = [];
    for (const o of rows) {
      const level = weekLevel(o.openAr, o.later, openArLevel, laterLevel);
      const s = bandScore(o.actual, o.p10 * level, o.p50 * level, o.p90 * level);
      if (s !== null) scores.push(s);
    }
    const band = scores.length >= MIN_CALIBRATION_WEEKS ? (conformalQuantile(scores) ?? 1) : 1;
    return { from: g.from, to: g.to, n: rows.length, openArLevel, laterLevel, band };
  });
  return { origins, weeks: obs.length, timingScale, groups: out };
}

/** The forecast weeks and drill-down lines with the calibration applied; expected = open_ar + orders + new_business still holds. */
export function applyCalibration(weeks: readonly ForecastWeek[], lines: readonly ForecastLine[], cal: Calibration): { weeks: ForecastWeek[]; lines: ForecastLine[] } {
  const groupOf = (h: number) => cal.groups.find((g) => h >= g.from && h <= g.to) ?? { openArLevel: 1, laterLevel: 1, band: 1 };
  const levelsOf = new Map<string, { openArLevel: number; laterLevel: number }>();
  const out = weeks.map((w) => {
    const { openArLevel, laterLevel, band } = groupOf(w.horizon);
    levelsOf.set(w.weekStart, { openArLevel, laterLevel });
    const level = weekLevel(w.openAr, w.orders + w.newBusiness, openArLevel, laterLevel);
    const p50 = w.p50 * level;
    return {
      ...w,
      expected: w.openAr * openArLevel + (w.orders + w.newBusiness) * laterLevel,
      openAr: w.openAr * openArLevel,
      orders: w.orders * laterLevel,
      newBusiness: w.newBusiness * laterLevel,
      p10: Math.max(0, p50 - band * (p50 - w.p10 * level)),
      p50,
      p90: p50 + band * (w.p90 * level - p50),
    };
  });
  const scaled = lines.map((l) => {
    const lv = levelsOf.get(l.weekStart);
    return lv ? { ...l, expected: l.expected * (l.component === 'open_ar' ? lv.openArLevel : lv.laterLevel) } : l;
  });
  return { weeks: out, lines: scaled };
}

export function describeCalibration(cal: Calibration): string {
  const groups = cal.groups
    .map((g) => `weeks ${g.from}${g.to >= 52 ? '+' : `–${g.to}`}: level open AR ×${g.openArLevel.toFixed(3)}, orders + new business ×${g.laterLevel.toFixed(3)}, band ×${g.band.toFixed(2)} (${g.n} weeks)`)
    .join('; ');
  return `calibrated on ${cal.origins} earlier origins — open AR timing ×${cal.timingScale.toFixed(2)}; ${groups}`;
}
