/**
 * The 13-week cash forecast of an as-of date: scores the open invoices with the risk model of that
 * date (only data known then), builds simulation items, simulates weekly totals and keeps the expected
 * amount of every invoice / order / customer in every week for drill-down.
 */
import type { Warehouse } from '../../core/warehouse.ts';
import { scoreAsOf } from '../stage.ts';
import type { DaysToPayParams } from '../days-to-pay.ts';
import type { InvoiceScore } from '../delinquency.ts';
import { buildItems, type BuildOptions, type ItemRef } from './build-items.ts';
import { loadForecastInputs, type ForecastInputs } from './inputs.ts';
import { expectedByWeek, summarise, type Component } from './simulate.ts';
import { dateOfDay } from './weeks.ts';

export interface ForecastOptions {
  readonly asOf: string;
  readonly weeks: number;
  readonly baseCurrency: string;
  readonly currency: string | null;
  readonly draws?: number;
  readonly seed?: number;
  readonly commonShiftSd?: number;
}

export interface ForecastWeek {
  readonly weekStart: string;
  readonly horizon: number;
  readonly expected: number;
  readonly p10: number;
  readonly p50: number;
  readonly p90: number;
  readonly openAr: number;
  readonly orders: number;
  readonly newBusiness: number;
}

export interface ForecastLine {
  readonly weekStart: string;
  readonly component: Component;
  readonly customerId: string;
  readonly itemId: string | null;
  readonly currency: string;
  readonly rate: number;
  readonly expected: number;
}

export interface CashForecast {
  readonly asOf: string;
  readonly currency: string;
  readonly draws: number;
  readonly seed: number;
  readonly weeks: ForecastWeek[];
  readonly lines: ForecastLine[];
  readonly notes: string[];
}

export const DEFAULT_DRAWS = 1000;
export const DEFAULT_SEED = 20_240_601;
/** Shared timing shift (days, sd) per draw; see SimOptions.commonShiftSd. */
export const DEFAULT_COMMON_SHIFT_SD = 3;

export interface PreparedForecast {
  readonly scores: InvoiceScore[];
  readonly inputs: ForecastInputs;
  readonly daysParams: DaysToPayParams;
  readonly segmentPools: ReadonlyMap<string, number[]> | undefined;
}

/** Everything known at the as-of date: the risk model's scores and the forecast inputs. */
export async function prepareForecast(wh: Warehouse, asOf: string, baseCurrency: string): Promise<PreparedForecast> {
  const { result } = await scoreAsOf(wh, asOf);
  const inputs = await loadForecastInputs(wh, asOf, baseCurrency);
  return { scores: result.scores, inputs, daysParams: result.bundle.days, segmentPools: result.features.segmentPools.get(asOf) };
}

export function forecastFromPrepared(p: PreparedForecast, opts: ForecastOptions & { mode?: BuildOptions['mode'] }): CashForecast {
  const built = buildItems(p.scores, p.inputs, {
    asOf: opts.asOf,
    weeks: opts.weeks,
    baseCurrency: opts.baseCurrency,
    currency: opts.currency,
    daysParams: p.daysParams,
    segmentPools: p.segmentPools,
    mode: opts.mode,
  });
  return forecastFromItems(opts, built.items, built.refs, built.firstWeekDay, built.notes);
}

export async function forecastCash(wh: Warehouse, opts: ForecastOptions): Promise<CashForecast> {
  return forecastFromPrepared(await prepareForecast(wh, opts.asOf, opts.baseCurrency), opts);
}

export function forecastFromItems(opts: ForecastOptions, items: Parameters<typeof summarise>[0], refs: readonly ItemRef[], firstWeekDay: number, notes: string[]): CashForecast {
  const draws = opts.draws ?? DEFAULT_DRAWS;
  const seed = opts.seed ?? DEFAULT_SEED;
  const sim = summarise(items, { weeks: opts.weeks, draws, seed, commonShiftSd: opts.commonShiftSd ?? DEFAULT_COMMON_SHIFT_SD });
  const weekStarts = Array.from({ length: opts.weeks }, (_, k) => dateOfDay(firstWeekDay + 7 * k));
  const weeks = sim.map((s, k) => ({
    weekStart: weekStarts[k] as string,
    horizon: k + 1,
    expected: s.mean,
    p10: s.p10,
    p50: s.p50,
    p90: s.p90,
    openAr: s.components.open_ar,
    orders: s.components.orders,
    newBusiness: s.components.new_business,
  }));
  // drill-down: slices of one invoice (and the new business of one customer) merged per week
  const merged = new Map<string, ForecastLine>();
  const buf = new Float64Array(opts.weeks);
  for (let i = 0; i < items.n; i++) {
    expectedByWeek(items, i, opts.weeks, buf);
    const ref = refs[i] as ItemRef;
    for (let w = 0; w < opts.weeks; w++) {
      const e = buf[w] as number;
      if (e < 0.005) continue;
      const key = `${w}|${ref.component}|${ref.customerId}|${ref.itemId ?? ''}`;
      const prev = merged.get(key);
      merged.set(key, prev ? { ...prev, expected: prev.expected + e } : { weekStart: weekStarts[w] as string, component: ref.component, customerId: ref.customerId, itemId: ref.itemId, currency: ref.currency, rate: ref.rate, expected: e });
    }
  }
  return { asOf: opts.asOf, currency: opts.currency ?? opts.baseCurrency, draws, seed, weeks, lines: [...merged.values()], notes };
}
