/**
 * The 13-week cash forecast of an as-of date: the uncalibrated forecast (uncalibrated.ts: the stored
 * risk scores' pay-day distributions, orders and the invoicing run-rate, simulated) with the level and
 * band calibration learned on forecasts made at earlier origins (calibration.ts, past-origins.ts).
 */
import type { Warehouse } from '../../core/warehouse.ts';
import { applyCalibration, describeCalibration, type Calibration } from './calibration.ts';
import { PastOrigins } from './past-origins.ts';
import { forecastFromPrepared, prepareForecast, type CashForecast, type ForecastOptions } from './uncalibrated.ts';

export type { CashForecast, ForecastLine, ForecastOptions, ForecastWeek, PreparedForecast, ScoreSource } from './uncalibrated.ts';
export { DEFAULT_COMMON_SHIFT_SD, DEFAULT_DRAWS, DEFAULT_SEED, forecastFromItems, forecastFromPrepared, prepareForecast } from './uncalibrated.ts';

/** Six earlier origins, 4 weeks apart: weeks 1–4 get about 24 calibration weeks, weeks 5–13 about 20. */
export const DEFAULT_CALIBRATION_ORIGINS = 6;

/** Level and band of a forecast simulated with the calibration's open AR timing scale. */
export function calibrateForecast(f: CashForecast, cal: Calibration): CashForecast {
  const { weeks, lines } = applyCalibration(f.weeks, f.lines, cal);
  return { ...f, weeks, lines, notes: [...f.notes, describeCalibration(cal)] };
}

/**
 * @param past memo of earlier origins' forecasts, shared by a backtest over many origins; a fresh one
 *   by default.
 */
export async function forecastCash(wh: Warehouse, opts: ForecastOptions, past?: PastOrigins): Promise<CashForecast> {
  const prepared = await prepareForecast(wh, opts.asOf, opts.baseCurrency, opts.scores);
  const count = opts.calibrationOrigins ?? DEFAULT_CALIBRATION_ORIGINS;
  if (count <= 0) return forecastFromPrepared(prepared, opts);
  const origins = past ?? new PastOrigins(wh, { baseCurrency: opts.baseCurrency, currency: opts.currency, weeks: opts.weeks, keepModels: opts.keepModels ?? false });
  const cal = await origins.calibrationFor(opts.asOf, count);
  return calibrateForecast(forecastFromPrepared(prepared, { ...opts, openArTimingScale: cal.timingScale }), cal);
}
