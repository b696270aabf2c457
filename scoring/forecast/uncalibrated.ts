/**
 * The cash forecast of an as-of date before calibration: the open invoices' days-to-pay distributions
 * from the risk scores of that date (the stored scoring run when there is one, so the forecast spreads
 * the same P10/P50/P90 the API shows; else scored with only the data known then), the forecast inputs,
 * simulation items, simulated weekly totals and the expected amount of every invoice / order / customer
 * in every week for drill-down. forecast.ts calibrates it on earlier origins.
 */
import type { Warehouse } from '../../core/warehouse.ts';
import { NoDataError } from '../../core/errors.ts';
import { scoreAsOf } from '../stage.ts';
import type { ScoreOptions } from '../score-invoices.ts';
import type { DaysToPayParams } from '../days-to-pay.ts';
import { buildItems, type BuildOptions, type ItemRef } from './build-items.ts';
import { loadForecastInputs, type ForecastInputs } from './inputs.ts';
import { drawsFor, expectedByWeek, rescaleTiming, summarise, type Component } from './simulate.ts';
import { loadStoredScores, type InvoiceOutlook } from './stored-scores.ts';
import { dateOfDay } from './weeks.ts';

/**
 * Where the open invoices' scores come from: the stored run of the as-of date (the pipeline, after its
 * scores stage), the stored run when there is one (default), or always scored afresh.
 */
export type ScoreSource = 'stored' | 'stored-or-score' | 'score';

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
  readonly scores?: ScoreSource;
  /** Earlier origins (every 4 weeks) the calibration learns from; 0 = uncalibrated (forecast.ts). */
  readonly calibrationOrigins?: number;
  /** Stretch of the open invoices' pay-day distributions (simulate.ts rescaleTiming); 1 = as scored. */
  readonly openArTimingScale?: number;
  /** Keep the risk models trained for earlier origins in risk_model_store for later runs (a write; the pipeline does). */
  readonly keepModels?: boolean;
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
  readonly scores: InvoiceOutlook[];
  readonly scoresFrom: 'stored' | 'scored';
  readonly inputs: ForecastInputs;
  readonly daysParams: DaysToPayParams;
}

/** Everything known at the as-of date: the risk model's scores and the forecast inputs. */
/** @param scoring model reuse when the open invoices have to be scored (score-invoices.ts ScoreOptions) */
export async function prepareForecast(wh: Warehouse, asOf: string, baseCurrency: string, source: ScoreSource = 'stored-or-score', scoring: ScoreOptions = {}): Promise<PreparedForecast> {
  const inputs = await loadForecastInputs(wh, asOf, baseCurrency);
  if (source !== 'score') {
    const stored = await loadStoredScores(wh, asOf);
    if (stored) return { ...stored, scoresFrom: 'stored', inputs };
    if (source === 'stored') {
      throw new NoDataError(`no stored risk scores as of ${asOf}: the forecast reads the scores stage's invoice_scores; run \`ar-intel run --as-of ${asOf}\``);
    }
  }
  const { result } = await scoreAsOf(wh, asOf, scoring);
  return { scores: result.scores, scoresFrom: 'scored', inputs, daysParams: result.bundle.days };
}

export function forecastFromPrepared(p: PreparedForecast, opts: ForecastOptions & { mode?: BuildOptions['mode'] }): CashForecast {
  const built = buildItems(p.scores, p.inputs, {
    asOf: opts.asOf,
    weeks: opts.weeks,
    baseCurrency: opts.baseCurrency,
    currency: opts.currency,
    daysParams: p.daysParams,
    mode: opts.mode,
  });
  const items = (opts.mode ?? 'model') === 'model' ? rescaleTiming(built.items, opts.openArTimingScale ?? 1, 'open_ar') : built.items;
  return forecastFromItems(opts, items, built.refs, built.firstWeekDay, [`open invoices ${p.scoresFrom === 'stored' ? 'from the stored scores' : 'scored'} as of ${opts.asOf}`, ...built.notes], built.weekendRoll);
}

export function forecastFromItems(opts: ForecastOptions, items: Parameters<typeof summarise>[0], refs: readonly ItemRef[], firstWeekDay: number, notes: string[], weekendRoll = 0): CashForecast {
  const draws = opts.draws ?? drawsFor(items.n, DEFAULT_DRAWS);
  const seed = opts.seed ?? DEFAULT_SEED;
  const sim = summarise(items, { weeks: opts.weeks, draws, seed, commonShiftSd: opts.commonShiftSd ?? DEFAULT_COMMON_SHIFT_SD, weekendRoll });
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
      expectedByWeek(items, i, W, buf, weekendRoll);
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
