/** Forecast accuracy measures (definitions: shared research metrics.md §Forecast accuracy). */
export interface Pair { readonly actual: number; readonly forecast: number; readonly p10?: number; readonly p90?: number }

export function wape(pairs: readonly Pair[]): number | null {
  const a = pairs.reduce((s, p) => s + p.actual, 0);
  return a > 0 ? pairs.reduce((s, p) => s + Math.abs(p.actual - p.forecast), 0) / a : null;
}

export function bias(pairs: readonly Pair[]): number | null {
  const a = pairs.reduce((s, p) => s + p.actual, 0);
  return a > 0 ? pairs.reduce((s, p) => s + (p.forecast - p.actual), 0) / a : null;
}

export function coverage(pairs: readonly Pair[]): number | null {
  const withBand = pairs.filter((p) => p.p10 !== undefined && p.p90 !== undefined);
  return withBand.length ? withBand.filter((p) => (p.p10 as number) <= p.actual && p.actual <= (p.p90 as number)).length / withBand.length : null;
}

/** MAE of the forecast over the in-sample MAE of the seasonal naive forecast (lag `lag`) of the history. */
export function mase(pairs: readonly Pair[], history: readonly number[], lag = 52): number | null {
  let s = 0;
  let k = 0;
  for (let i = lag; i < history.length; i++) {
    s += Math.abs((history[i] as number) - (history[i - lag] as number));
    k++;
  }
  if (k === 0 || s === 0 || pairs.length === 0) return null;
  return pairs.reduce((t, p) => t + Math.abs(p.actual - p.forecast), 0) / pairs.length / (s / k);
}
