/**
 * Expected invoicing per forecast week from weekly invoicing history: seasonal naive (the same weeks a
 * year earlier, smoothed over ±1 week) scaled by the level of the last 13 complete weeks against the
 * same weeks a year before; with less than 65 weeks of history, the mean of the last 13 complete weeks.
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

export function invoicingRunRate(input: RunRateInput): { method: 'seasonal_naive' | 'recent_mean'; perWeek: number[] } {
  const y = (d: number) => input.history.get(d) ?? 0;
  const first = Math.min(...input.history.keys());
  const span = input.history.size === 0 ? 0 : (input.lastCompleteWeek - first) / WEEK + 1;
  let recent = 0;
  let lastYear = 0;
  for (let k = 0; k < 13; k++) {
    recent += y(input.lastCompleteWeek - k * WEEK);
    lastYear += y(input.lastCompleteWeek - k * WEEK - YEAR);
  }
  if (span < 65 || lastYear <= 0) return { method: 'recent_mean', perWeek: input.weeks.map(() => recent / 13) };
  const level = Math.min(1.5, Math.max(2 / 3, recent / lastYear));
  return {
    method: 'seasonal_naive',
    perWeek: input.weeks.map((w) => ((y(w - YEAR - WEEK) + y(w - YEAR) + y(w - YEAR + WEEK)) / 3) * level),
  };
}

/** Seasonal naive weekly series forecast (lag 52) used as a baseline and as the MASE scale. */
export function seasonalNaive(series: readonly number[], lag = 52): number[] {
  return series.map((_, i) => (i >= lag ? (series[i - lag] as number) : Number.NaN));
}
