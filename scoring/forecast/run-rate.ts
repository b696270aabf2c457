/**
 * Expected invoicing per forecast week from weekly invoicing history. With 65 weeks of history or more,
 * the equal-weight combination of two forecasts: seasonal naive (the same weeks a year earlier, smoothed
 * over ±1 week, scaled by the level of the last 13 complete weeks against the same weeks a year before)
 * and the mean of the last 26 complete weeks; with less history, the mean of the last 13 complete weeks.
 *
 * Why a combination: with two years of history the seasonal forecast rests on one noisy observation of
 * each week, and its level is the ratio of two noisy 13-week sums, so one lumpy quarter a year earlier
 * swings the whole 13 weeks (the backtest saw it forecast +8 … +28 % too much invoicing for five origins
 * running); the 26-week mean has no seasonality but little variance. Averaging forecasts whose errors are
 * not perfectly correlated cuts the error of either. Chosen on the origins before the forecast backtest's
 * test window (invoicing, weekly origins Sep 2025 – Feb 2026 of the demo: weekly WAPE 22.8 % seasonal,
 * 22.3 % 26-week mean, 21.3 % combined) and confirmed after it (Mar – Jul 2026: 27.2 %, 22.7 %, 24.2 %;
 * bias +6.4 %, +0.3 %, +3.3 %).
 */
export interface RunRateInput {
  /** Invoiced amount by ISO week (keyed by the Monday's day number), complete weeks only. */
  readonly history: ReadonlyMap<number, number>;
  /** Monday day number of the last complete week of history. */
  readonly lastCompleteWeek: number;
  /** Monday day numbers of the weeks to forecast. */
  readonly weeks: readonly number[];
}

const WEEK = 7;
const YEAR = 52 * WEEK;

export type RunRateMethod = 'seasonal_naive+recent_mean' | 'recent_mean';

export function invoicingRunRate(input: RunRateInput): { method: RunRateMethod; perWeek: number[] } {
  const y = (d: number) => input.history.get(d) ?? 0;
  const first = Math.min(...input.history.keys());
  const span = input.history.size === 0 ? 0 : (input.lastCompleteWeek - first) / WEEK + 1;
  let recent = 0;
  let recent26 = 0;
  let lastYear = 0;
  for (let k = 0; k < 26; k++) {
    const x = y(input.lastCompleteWeek - k * WEEK);
    recent26 += x;
    if (k >= 13) continue;
    recent += x;
    lastYear += y(input.lastCompleteWeek - k * WEEK - YEAR);
  }
  if (span < 65 || lastYear <= 0) return { method: 'recent_mean', perWeek: input.weeks.map(() => recent / 13) };
  const level = Math.min(1.5, Math.max(2 / 3, recent / lastYear));
  const mean26 = recent26 / 26;
  return {
    method: 'seasonal_naive+recent_mean',
    perWeek: input.weeks.map((w) => (((y(w - YEAR - WEEK) + y(w - YEAR) + y(w - YEAR + WEEK)) / 3) * level + mean26) / 2),
  };
}

/** Seasonal naive weekly series forecast (lag 52) used as a baseline and as the MASE scale. */
export function seasonalNaive(series: readonly number[], lag = 52): number[] {
  return series.map((_, i) => (i >= lag ? (series[i - lag] as number) : Number.NaN));
}
