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
import { drawsFor, expectedByWeek, summarise, type Component } from './simulate.ts';
import { dateOfDay } from './weeks.ts';

export interface ForecastOptions {
  readonly asOf: string;
  readonly weeks: number;
  readonly baseCurrency: string;
  readonly currency: string | null;
  readonly draws?: number;
  readonly seed?: number;
  readonly commonShiftSd?: number;
  /** Keep the per-item expected amounts for drill-down (default true). */
  readonly lines?: boolean;
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
  const draws = opts.draws ?? drawsFor(items.n, DEFAULT_DRAWS);
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
  // drill-down: slices of one invoice share one ref object, so they merge by identity into one row per week
  const lines: ForecastLine[] = [];
  if (opts.lines !== false) {
    const refIndex = new Map<ItemRef, number>();
    const order: ItemRef[] = [];
    const slot = new Int32Array(items.n);
    for (let i = 0; i < items.n; i++) {
      const ref = refs[i] as ItemRef;
      let k = refIndex.get(ref);
      if (k === undefined) {
        k = order.length;
        refIndex.set(ref, k);
        order.push(ref);
      }
      slot[i] = k;
    }
    const W = opts.weeks;
    const acc = new Float64Array(order.length * W);
    const buf = new Float64Array(W);
    for (let i = 0; i < items.n; i++) {
      expectedByWeek(items, i, W, buf);
      const base = (slot[i] as number) * W;
      for (let w = 0; w < W; w++) acc[base + w] = (acc[base + w] as number) + (buf[w] as number);
    }
    order.forEach((ref, k) => {
      for (let w = 0; w < W; w++) {
        const e = acc[k * W + w] as number;
        if (e >= 0.005) lines.push({ weekStart: weekStarts[w] as string, component: ref.component, customerId: ref.customerId, itemId: ref.itemId, currency: ref.currency, rate: ref.rate, expected: e });
      }
    });
  }
  return { asOf: opts.asOf, currency: opts.currency ?? opts.baseCurrency, draws, seed, weeks, lines, notes };
}
