/**
 * Forecasts made at earlier origins and the receipts that followed them, as known at a later date: the
 * calibration set of forecast.ts and the rows of the rolling-origin backtest. Each origin's forecast uses
 * only what was known at that origin; a week counts only once it has fully elapsed by the later date.
 * Simulation items and forecasts are memoised per origin, so a backtest over many origins scores each
 * date once; scoring reuses risk models as the nightly run does (score-invoices.ts MODEL_MAX_AGE_DAYS).
 */
import { addDays } from '../../core/as-of.ts';
import { MODEL_MAX_AGE_DAYS } from '../score-invoices.ts';
import type { Warehouse } from '../../core/warehouse.ts';
import { buildItems, type BuiltItems } from './build-items.ts';
import { bestTimingScale, learnCalibration, type Calibration, type CalibrationObs } from './calibration.ts';
import { loadActualReceipts } from './inputs.ts';
import { componentByWeek, drawsFor, rescaleTiming, sampleComponent, type SimItems } from './simulate.ts';
import { dateOfDay } from './weeks.ts';
import { forecastFromItems, prepareForecast, type CashForecast, type PreparedForecast, type ScoreSource } from './uncalibrated.ts';

/** Calibration and backtest origins are 4 weeks apart. */
export const ORIGIN_STEP_DAYS = 28;
/** Origins with less history than this before them are skipped: the risk model has nothing to learn from. */
const MIN_HISTORY_DAYS = 91;
/** Draws of an earlier origin's forecast (fewer for very large portfolios, as for the forecast itself: simulate.ts drawsFor). */
const CALIBRATION_DRAWS = 500;
/** Open AR items per origin the timing search evaluates (a systematic sample beyond that). */
const TIMING_SAMPLE = 50_000;

export interface PastOriginSettings {
  readonly baseCurrency: string;
  readonly currency: string | null;
  readonly weeks: number;
  readonly draws?: number;
  readonly scores?: ScoreSource;
  /** Keep the risk models trained for these origins (risk_model_store) so later runs reuse them. */
  readonly keepModels?: boolean;
  /**
   * Keep each origin's scores and inputs for `preparedAt` (the backtest forecasts the origins themselves).
   * Off by default: the calibration needs only the simulation items, and a million open invoices' score
   * objects at six origins are gigabytes of heap.
   */
  readonly keepPrepared?: boolean;
}

export interface OriginWeek extends CalibrationObs {
  readonly origin: string;
  readonly weekStart: string;
  readonly openAr: number;
  readonly later: number;
  /** Receipts applied to invoices dated ≤ origin. */
  readonly actualOpenAr: number;
}

interface Origin {
  /** null unless the settings keep it (keepPrepared). */
  readonly prepared: PreparedForecast | null;
  readonly built: BuiltItems;
}

interface Actual {
  readonly weekStart: string;
  readonly horizon: number;
  readonly total: number;
  readonly openAr: number;
}

export class PastOrigins {
  private readonly origins = new Map<string, Promise<Origin | null>>();
  private readonly forecasts = new Map<string, CashForecast>();
  private firstDate: Promise<string | null> | undefined;

  constructor(
    private readonly wh: Warehouse,
    private readonly settings: PastOriginSettings,
  ) {}

  /** What was known at `origin` and its simulation items; null when the data starts less than 13 weeks before it. */
  originAt(origin: string): Promise<Origin | null> {
    let p = this.origins.get(origin);
    if (!p) {
      p = this.prepare(origin);
      this.origins.set(origin, p);
    }
    return p;
  }

  async preparedAt(origin: string): Promise<PreparedForecast | null> {
    return (await this.originAt(origin))?.prepared ?? null;
  }

  private async prepare(origin: string): Promise<Origin | null> {
    this.firstDate ??= this.wh.one<{ d: string | null }>('select min(invoice_date)::varchar as d from invoices').then((r) => r?.d ?? null);
    const first = await this.firstDate;
    if (first === null || origin < addDays(first, MIN_HISTORY_DAYS)) return null;
    const s = this.settings;
    // an origin without stored scores is scored like the nightly run scores: reusing a model trained for a
    // date at most 4 weeks earlier (never later), so origins 4 weeks apart train every other one
    const prepared = await prepareForecast(this.wh, origin, s.baseCurrency, s.scores ?? 'stored-or-score', { reuseMaxAgeDays: MODEL_MAX_AGE_DAYS, keepModel: s.keepModels ?? false });
    const built = buildItems(prepared.scores, prepared.inputs, { asOf: origin, weeks: s.weeks, baseCurrency: s.baseCurrency, currency: s.currency, daysParams: prepared.daysParams });
    // the drill-down refs (one object per invoice) serve only lines, which earlier origins never produce
    return { prepared: s.keepPrepared ? prepared : null, built: s.keepPrepared ? built : { ...built, refs: [] } };
  }

  /** The uncalibrated forecast made at `origin` (open AR timing stretched by `timingScale`); null without enough history. */
  async forecastAt(origin: string, timingScale = 1): Promise<CashForecast | null> {
    const o = await this.originAt(origin);
    if (!o) return null;
    const key = `${origin}|${timingScale}`;
    let f = this.forecasts.get(key);
    if (!f) {
      const s = this.settings;
      f = forecastFromItems(
        { asOf: origin, weeks: s.weeks, baseCurrency: s.baseCurrency, currency: s.currency, draws: s.draws ?? drawsFor(o.built.items.n, CALIBRATION_DRAWS), lines: false },
        rescaleTiming(o.built.items, timingScale, 'open_ar'), o.built.refs, o.built.firstWeekDay, o.built.notes, o.built.weekendRoll,
      );
      this.forecasts.set(key, f);
    }
    return f;
  }

  /** The weeks of `origin`'s forecast that had fully elapsed by `knownAt`, with the receipts received in them. */
  private async actualsKnownAt(origin: string, knownAt: string): Promise<Actual[]> {
    const o = await this.originAt(origin);
    if (!o) return [];
    // the forecast's weeks from its first Monday: no simulation needed to know which weeks have elapsed
    const weeks = Array.from({ length: this.settings.weeks }, (_, k) => ({ weekStart: dateOfDay(o.built.firstWeekDay + 7 * k), horizon: k + 1 }));
    const elapsed = weeks.filter((w) => addDays(w.weekStart, 6) <= knownAt);
    const last = elapsed[elapsed.length - 1];
    if (!last) return [];
    const rows = new Map(
      (await loadActualReceipts(this.wh, origin, addDays(last.weekStart, 6), this.settings.baseCurrency, this.settings.currency)).map((r) => [r.weekStart, r]),
    );
    return elapsed.map((w) => ({ weekStart: w.weekStart, horizon: w.horizon, total: rows.get(w.weekStart)?.total ?? 0, openAr: rows.get(w.weekStart)?.openAr ?? 0 }));
  }

  /** Forecast against receipts for the weeks of `origin` that had fully elapsed by `knownAt`. */
  async weeksKnownAt(origin: string, knownAt: string, timingScale = 1): Promise<OriginWeek[]> {
    const f = await this.forecastAt(origin, timingScale);
    if (!f) return [];
    return (await this.actualsKnownAt(origin, knownAt)).map((a, k) => {
      const w = f.weeks[k];
      return {
        origin,
        weekStart: a.weekStart,
        horizon: a.horizon,
        expected: w?.expected ?? 0,
        openAr: w?.openAr ?? 0,
        later: (w?.orders ?? 0) + (w?.newBusiness ?? 0),
        p10: w?.p10 ?? 0,
        p50: w?.p50 ?? 0,
        p90: w?.p90 ?? 0,
        actual: a.total,
        actualOpenAr: a.openAr,
      };
    });
  }

  /**
   * Calibration of a forecast as of `asOf`, learned on the `count` origins 4, 8, … weeks before it: the
   * open AR timing scale that best matches the receipts applied to invoices open at each origin (exact
   * weekly means, no simulation), then level and band on those origins' forecasts with that timing.
   */
  async calibrationFor(asOf: string, count: number): Promise<Calibration> {
    const past: { origin: string; o: Origin; actual: Actual[] }[] = [];
    // oldest first, so a model trained for one origin can be reused by the next
    for (let k = count; k >= 1; k--) {
      const origin = addDays(asOf, -ORIGIN_STEP_DAYS * k);
      const o = await this.originAt(origin);
      const actual = o ? await this.actualsKnownAt(origin, asOf) : [];
      if (o && actual.length) past.push({ origin, o, actual });
    }
    const W = this.settings.weeks;
    const openAr = past.map((p) => sampleComponent(p.o.built.items, 'open_ar', TIMING_SAMPLE));
    const timingScale = bestTimingScale((scale) =>
      past.reduce((err, p, i) => {
        const mean = componentByWeek(rescaleTiming(openAr[i] as SimItems, scale, 'open_ar'), 'open_ar', W, p.o.built.weekendRoll);
        return err + p.actual.reduce((e, a) => e + Math.abs((mean[a.horizon - 1] as number) - a.openAr), 0);
      }, 0),
    );
    const obs: OriginWeek[] = [];
    for (const p of past) obs.push(...(await this.weeksKnownAt(p.origin, asOf, timingScale)));
    return learnCalibration(obs, past.length, timingScale);
  }
}
