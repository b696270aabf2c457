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
 * - Level: Σ receipts ÷ Σ expected over the group's calibration weeks, clamped to 0.8–1.25 so one odd
 *   quarter cannot swing the forecast; every component and drill-down line of the week is scaled by it,
 *   so expected = open_ar + orders + new_business still holds.
 * - Band: split conformal on normalised residuals. Each calibration week scores
 *   s = (y − P50) ÷ (P90 − P50) above the median, (P50 − y) ÷ (P50 − P10) below it, after the level
 *   correction; the band's half-widths are multiplied by the ⌈0.8·(n + 1)⌉-th smallest s, so about 80 %
 *   of future weeks land inside P10–P90 if the coming weeks behave like the past ones.
 */
import type { ForecastLine, ForecastWeek } from './forecast.ts';

export interface CalibrationObs {
  readonly horizon: number;
  readonly expected: number;
  readonly p10: number;
  readonly p50: number;
  readonly p90: number;
  readonly actual: number;
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
  /** Multiplies expected, P10/P50/P90 and every component (1 = as simulated). */
  readonly level: number;
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

/** Split-conformal quantile: the ⌈q·(n + 1)⌉-th smallest score (the largest when that exceeds n). */
export function conformalQuantile(scores: readonly number[], q = COVERAGE): number | null {
  if (scores.length === 0) return null;
  const sorted = [...scores].sort((a, b) => a - b);
  const k = Math.min(sorted.length, Math.ceil(q * (sorted.length + 1)));
  return sorted[k - 1] as number;
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
    const actual = rows.reduce((s, o) => s + o.actual, 0);
    const expected = rows.reduce((s, o) => s + o.expected, 0);
    const level = rows.length >= MIN_CALIBRATION_WEEKS && expected > 0 ? clamp(actual / expected, LEVEL_CLAMP) : 1;
    const scores: number[] = [];
    for (const o of rows) {
      const s = bandScore(o.actual, o.p10 * level, o.p50 * level, o.p90 * level);
      if (s !== null) scores.push(s);
    }
    const band = scores.length >= MIN_CALIBRATION_WEEKS ? (conformalQuantile(scores) ?? 1) : 1;
    return { from: g.from, to: g.to, n: rows.length, level, band };
  });
  return { origins, weeks: obs.length, timingScale, groups: out };
}

/** The forecast weeks and drill-down lines with the calibration applied; expected = open_ar + orders + new_business still holds. */
export function applyCalibration(weeks: readonly ForecastWeek[], lines: readonly ForecastLine[], cal: Calibration): { weeks: ForecastWeek[]; lines: ForecastLine[] } {
  const groupOf = (h: number) => cal.groups.find((g) => h >= g.from && h <= g.to) ?? { level: 1, band: 1 };
  const levelOf = new Map<string, number>();
  const out = weeks.map((w) => {
    const { level, band } = groupOf(w.horizon);
    levelOf.set(w.weekStart, level);
    const p50 = w.p50 * level;
    return {
      ...w,
      expected: w.expected * level,
      openAr: w.openAr * level,
      orders: w.orders * level,
      newBusiness: w.newBusiness * level,
      p10: Math.max(0, p50 - band * (p50 - w.p10 * level)),
      p50,
      p90: p50 + band * (w.p90 * level - p50),
    };
  });
  const scaled = lines.map((l) => ({ ...l, expected: l.expected * (levelOf.get(l.weekStart) ?? 1) }));
  return { weeks: out, lines: scaled };
}

export function describeCalibration(cal: Calibration): string {
  const groups = cal.groups.map((g) => `weeks ${g.from}${g.to >= 52 ? '+' : `–${g.to}`}: level ×${g.level.toFixed(3)}, band ×${g.band.toFixed(2)} (${g.n} weeks)`).join('; ');
  return `calibrated on ${cal.origins} earlier origins — open AR timing ×${cal.timingScale.toFixed(2)}; ${groups}`;
}
