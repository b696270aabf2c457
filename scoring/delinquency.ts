/**
 * Invoice-level delinquency models as of a date D, trained only on what was known at D:
 * - snapshots of the open book every 30 days from D − 150 back a year; the two newest (D − 120,
 *   D − 150) are the calibration window, the older ones the training window; a snapshot must be at
 *   least 120 days old so the outcomes of its invoices are mostly decided by D;
 * - per target (pLate, pLate30) an L2 logistic regression and gradient-boosted trees are fitted on the
 *   training window, the one with the lower log loss on the calibration window is kept, and its raw
 *   scores are calibrated isotonically on that window;
 * - an invoice already past its due date at D is late by definition (pLate = 1), one 30 days past due
 *   is late30 by definition (pLate30 = 1); the models are trained for the undecided invoices only.
 * - days to pay: the empirical conditional quantiles of days-to-pay.ts (prior weight and band width chosen
 *   on the calibration window), corrected by quantile GBTs (risk/days-model.ts) when those beat them there.
 * - write-off probability: observed write-off rate of snapshot invoices by days-past-due bucket and
 *   pLate30 band, shrunk to the bucket's rate (the history of write-offs as known at D).
 */
import { median } from 'simple-statistics';
import { addDays, daysBetween } from '../core/as-of.ts';
import { DEFAULT_DAYS_PARAMS, daysLateDistribution, widenBand, type DaysToPayParams } from './days-to-pay.ts';
import type { FeatureSet, InvoiceFeatureRow } from './features/load.ts';
import { FEATURE_NAMES, toVector, type EnrichedRow } from './features/vector.ts';
import { fitGbt, gbtContributions, gbtLogit, packedContributions, packTrees, sumTreesBatch, type GbtModel, type PackedTrees } from './models/gbt.ts';
import { applyIsotonic, fitIsotonic, type IsotonicCalibrator } from './models/isotonic.ts';
import { fitLogistic, logisticContributions, logisticLogit, type LogisticModel } from './models/logistic.ts';
import { outcomeAt } from './outcomes.ts';
import { factReason, topReasons, type Reason } from './reasons.ts';
import { rocAuc } from './evaluation/metrics.ts';
import { fitDaysModel, predictDaysBatch, type DaysModel, type DaysQuantiles } from './risk/days-model.ts';
import { timedSync, type PhaseClock } from './risk/phases.ts';

export const MODEL_FAMILY = 'delinquency-v2';
export const OUTCOME_GAP_DAYS = 120;
export const SNAPSHOT_STEP_DAYS = 30;
export const CALIB_SNAPSHOTS = 2;
export const TRAIN_SNAPSHOTS = 10;
const MIN_TRAIN_ROWS = 60;

export type Target = 'late' | 'late30';
export type Algorithm = 'logistic' | 'gbt' | 'history';

export interface TargetModel {
  readonly target: Target;
  readonly algorithm: Algorithm;
  readonly logistic: LogisticModel | null;
  readonly gbt: GbtModel | null;
  readonly calibrator: IsotonicCalibrator | null;
  readonly nTrain: number;
  readonly nCalib: number;
  /** Calibration-window log loss and AUC of each candidate, the evidence for the choice. */
  readonly candidates: Record<string, { logLoss: number; auc: number }>;
}

export interface WriteOffTable {
  readonly buckets: string[];
  readonly bands: number[];
  /** rate[bucket][band] */
  readonly rate: number[][];
  readonly lagDays: number;
}

export interface RiskModelBundle {
  readonly family: string;
  readonly asOf: string;
  readonly trainFrom: string;
  readonly trainTo: string;
  readonly calibFrom: string;
  readonly calibTo: string;
  readonly features: string[];
  readonly late: TargetModel;
  readonly late30: TargetModel;
  readonly days: DaysToPayParams & { readonly calibMae: number; readonly calibCoverage: number; readonly nCalib: number };
  /** Learned days-to-pay quantiles; null when they did not beat the empirical ones on the calibration window. */
  readonly daysModel: DaysModel | null;
  readonly writeOff: WriteOffTable;
}

export interface InvoiceScore {
  readonly asOf: string;
  readonly invoiceId: string;
  readonly customerId: string;
  readonly segment: string;
  readonly currency: string;
  readonly invoiceDate: string;
  readonly dueDate: string;
  readonly openAmount: number;
  readonly daysPastDue: number;
  readonly pLate: number;
  readonly pLate30: number;
  readonly pWriteOff: number;
  readonly expectedLoss: number;
  readonly expectedWriteOffMonth: string;
  /** Days from the invoice date. */
  readonly daysToPayP10: number;
  readonly daysToPayP50: number;
  readonly daysToPayP90: number;
  readonly expectedPayDate: string;
  readonly reasons: Reason[];
}

/** Snapshot dates used to train (oldest first) and calibrate the models of as-of D. */
export function trainingSnapshots(asOf: string): { train: string[]; calib: string[] } {
  const calib: string[] = [];
  for (let k = CALIB_SNAPSHOTS - 1; k >= 0; k--) calib.push(addDays(asOf, -OUTCOME_GAP_DAYS - SNAPSHOT_STEP_DAYS * k));
  const train: string[] = [];
  for (let k = TRAIN_SNAPSHOTS - 1; k >= 0; k--) train.push(addDays(asOf, -OUTCOME_GAP_DAYS - SNAPSHOT_STEP_DAYS * (CALIB_SNAPSHOTS + k)));
  return { train, calib };
}

const MAX_POOL = 2000;

/** Every k-th value of a sorted list: the same distribution in at most MAX_POOL values. */
function thin(sorted: number[]): number[] {
  if (sorted.length <= MAX_POOL) return sorted;
  const out: number[] = [];
  for (let i = 0; i < MAX_POOL; i++) out.push(sorted[Math.floor(((i + 0.5) * sorted.length) / MAX_POOL)] as number);
  return out;
}

function poolFor(set: FeatureSet, r: InvoiceFeatureRow): number[] {
  const bySeg = set.segmentPools.get(r.snapshot);
  if (!bySeg) return [];
  const own = bySeg.get(r.segment);
  if (own && own.length >= 20) return thin(own);
  return thin([...bySeg.values()].flat().sort((a, b) => a - b));
}

export function enrich(set: FeatureSet, rows: readonly InvoiceFeatureRow[], params: DaysToPayParams): EnrichedRow[] {
  const pools = new Map<string, number[]>();
  return rows.map((row) => {
    const key = `${row.snapshot}|${row.segment}`;
    let pool = pools.get(key);
    if (!pool) pools.set(key, (pool = poolFor(set, row)));
    const minDaysLate = daysBetween(row.dueDate, row.snapshot) + 1;
    return { row, days: daysLateDistribution(row.daysLateList, pool, minDaysLate, params) };
  });
}

const clampP = (p: number) => Math.min(1 - 1e-6, Math.max(1e-6, p));
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

function logLoss(p: readonly number[], y: readonly number[]): number {
  let s = 0;
  p.forEach((v, i) => {
    const q = clampP(v);
    s -= (y[i] as number) * Math.log(q) + (1 - (y[i] as number)) * Math.log(1 - q);
  });
  return p.length ? s / p.length : Number.NaN;
}

/** Whether the target is already decided at the snapshot (past due ⇒ late; 30+ days past due ⇒ late30). */
export function decided(target: Target, daysPastDue: number): boolean {
  return target === 'late' ? daysPastDue >= 0 : daysPastDue >= 30;
}

function rawLogit(m: TargetModel, e: EnrichedRow, x: readonly number[]): number {
  if (m.algorithm === 'logistic' && m.logistic) return logisticLogit(m.logistic, x);
  if (m.algorithm === 'gbt' && m.gbt) return gbtLogit(m.gbt, x);
  const p = clampP(m.target === 'late' ? e.days.pLate : e.days.pLate30);
  return Math.log(p / (1 - p));
}

function contributions(m: TargetModel, x: readonly number[]): number[] {
  if (m.algorithm === 'logistic' && m.logistic) return logisticContributions(m.logistic, x);
  if (m.algorithm === 'gbt' && m.gbt) return gbtContributions(m.gbt, x);
  // the history model has one input; the reason then is that input
  return FEATURE_NAMES.map((n) => (n === (m.target === 'late' ? 'history_p_late' : 'history_p_late30') ? 1 : 0));
}

export function predictTarget(m: TargetModel, e: EnrichedRow, x: readonly number[]): number {
  const raw = sigmoid(rawLogit(m, e, x));
  return m.calibrator ? applyIsotonic(m.calibrator, raw) : raw;
}

interface Labelled {
  e: EnrichedRow;
  x: number[];
  y: number;
}

function labelled(rows: readonly EnrichedRow[], target: Target, knownAt: string): Labelled[] {
  const out: Labelled[] = [];
  for (const e of rows) {
    if (decided(target, e.row.daysPastDue)) continue;
    const y = outcomeAt(e.row, knownAt)[target];
    if (y === null) continue;
    out.push({ e, x: toVector(e), y });
  }
  return out;
}

export function fitTarget(target: Target, train: readonly EnrichedRow[], calib: readonly EnrichedRow[], knownAt: string): TargetModel {
  const tr = labelled(train, target, knownAt);
  const ca = labelled(calib, target, knownAt);
  const base: Omit<TargetModel, 'algorithm' | 'calibrator' | 'candidates'> = { target, logistic: null, gbt: null, nTrain: tr.length, nCalib: ca.length };
  const history: TargetModel = { ...base, algorithm: 'history', calibrator: null, candidates: {} };
  const yTr = tr.map((r) => r.y);
  const yCa = ca.map((r) => r.y);
  const twoClasses = (ys: number[]) => ys.some((v) => v === 1) && ys.some((v) => v === 0);
  if (tr.length < MIN_TRAIN_ROWS || !twoClasses(yTr)) {
    return ca.length >= 20 && twoClasses(yCa) ? { ...history, calibrator: fitIsotonic(ca.map((r) => sigmoid(rawLogit(history, r.e, r.x))), yCa) } : history;
  }
  const logistic = fitLogistic(tr.map((r) => r.x), yTr, 1);
  const candidates: Record<string, { logLoss: number; auc: number }> = {};
  const canValidate = ca.length >= 20 && twoClasses(yCa);
  const gbt = fitGbt(tr.map((r) => r.x), yTr);
  const withModels: Omit<TargetModel, 'algorithm'> = { ...base, logistic, gbt, calibrator: null, candidates };
  let best: Algorithm = 'gbt';
  if (canValidate) {
    let bestLoss = Infinity;
    for (const algorithm of ['logistic', 'gbt', 'history'] as const) {
      const m: TargetModel = { ...withModels, algorithm };
      const p = ca.map((r) => sigmoid(rawLogit(m, r.e, r.x)));
      const loss = logLoss(p, yCa);
      candidates[algorithm] = { logLoss: loss, auc: rocAuc(p, yCa) };
      if (algorithm !== 'history' && loss < bestLoss) {
        bestLoss = loss;
        best = algorithm;
      }
    }
    const chosen: TargetModel = { ...withModels, algorithm: best };
    const calibrator = fitIsotonic(ca.map((r) => sigmoid(rawLogit(chosen, r.e, r.x))), yCa);
    return { ...chosen, calibrator, candidates };
  }
  return { ...withModels, algorithm: best };
}

/** Picks the days-to-pay prior weight (by MAE) and band width (by P10–P90 coverage nearest 80 %) on the calibration rows. */
function fitDaysParams(set: FeatureSet, calibRows: readonly InvoiceFeatureRow[], knownAt: string): RiskModelBundle['days'] {
  const known = calibRows.map((row) => ({ row, o: outcomeAt(row, knownAt) })).filter((r) => r.o.daysLate !== null);
  if (known.length < 30) return { ...DEFAULT_DAYS_PARAMS, calibMae: Number.NaN, calibCoverage: Number.NaN, nCalib: known.length };
  let best = { ...DEFAULT_DAYS_PARAMS };
  let bestMae = Infinity;
  for (const priorWeight of [1, 3, 8]) {
    for (const decay of [0.9, 0.97]) {
      const params = { ...DEFAULT_DAYS_PARAMS, priorWeight, decay };
      const enriched = enrich(set, known.map((k) => k.row), params);
      const mae = enriched.reduce((s, e, i) => s + Math.abs(e.days.p50 - ((known[i] as (typeof known)[number]).o.daysLate as number)), 0) / known.length;
      if (mae < bestMae - 1e-9) {
        bestMae = mae;
        best = params;
      }
    }
  }
  let bestWiden = 1;
  let bestGap = Infinity;
  let bestCov = Number.NaN;
  const enriched = enrich(set, known.map((k) => k.row), best);
  for (let widen = 0.6; widen <= 3.001; widen += 0.1) {
    const cov = enriched.reduce((s, e, i) => {
      const dl = (known[i] as (typeof known)[number]).o.daysLate as number;
      const band = widenBand(e.days, widen);
      return s + (dl >= band.p10 && dl <= band.p90 ? 1 : 0);
    }, 0) / known.length;
    if (Math.abs(cov - 0.8) < bestGap - 1e-9) {
      bestGap = Math.abs(cov - 0.8);
      bestWiden = Math.round(widen * 10) / 10;
      bestCov = cov;
    }
  }
  return { ...best, widen: bestWiden, calibMae: bestMae, calibCoverage: bestCov, nCalib: known.length };
}

const WO_BUCKETS = ['current', '1-30', '31-60', '61-90', '91+'];
const WO_BANDS = [0.2, 0.5, 0.8, 1.01];
const bucketOf = (dpd: number) => (dpd <= 0 ? 0 : dpd <= 30 ? 1 : dpd <= 60 ? 2 : dpd <= 90 ? 3 : 4);
const bandOf = (p: number) => WO_BANDS.findIndex((b) => p < b);

function fitWriteOff(rows: readonly { e: EnrichedRow; pLate30: number }[], knownAt: string): WriteOffTable {
  const K = 20;
  const cells = WO_BUCKETS.map(() => WO_BANDS.map(() => ({ n: 0, wo: 0 })));
  const lags: number[] = [];
  let totalN = 0;
  let totalWo = 0;
  for (const { e, pLate30 } of rows) {
    const woDate = e.row.outcomeFirstWoDate !== null && e.row.outcomeFirstWoDate <= knownAt ? e.row.outcomeFirstWoDate : null;
    const y = woDate !== null ? 1 : 0;
    if (woDate) lags.push(daysBetween(e.row.dueDate, woDate));
    const cell = (cells[bucketOf(e.row.daysPastDue)] as { n: number; wo: number }[])[Math.max(0, bandOf(pLate30))] as { n: number; wo: number };
    cell.n += e.row.openAmount;
    cell.wo += y * e.row.openAmount;
    totalN += e.row.openAmount;
    totalWo += y * e.row.openAmount;
  }
  const overall = totalN > 0 ? totalWo / totalN : 0;
  // amounts are weights here, so the prior strength is K "average invoices"
  const avgAmount = rows.length ? totalN / rows.length : 1;
  const rate = cells.map((bandCells) => {
    const bn = bandCells.reduce((s, c) => s + c.n, 0);
    const bw = bandCells.reduce((s, c) => s + c.wo, 0);
    const bucketRate = (bw + K * avgAmount * overall) / (bn + K * avgAmount);
    return bandCells.map((c) => (c.wo + K * avgAmount * bucketRate) / (c.n + K * avgAmount));
  });
  const lagDays = lags.length ? Math.round(median(lags)) : 120;
  return { buckets: WO_BUCKETS, bands: WO_BANDS, rate, lagDays };
}

export function writeOffProbability(t: WriteOffTable, daysPastDue: number, pLate30: number): number {
  return ((t.rate[bucketOf(daysPastDue)] ?? [])[Math.max(0, bandOf(pLate30))] as number | undefined) ?? 0;
}

/** Fits every model of as-of D from a feature set that holds D's training and calibration snapshots. */
export function trainBundle(set: FeatureSet, asOf: string, clock?: PhaseClock): RiskModelBundle {
  const { train, calib } = trainingSnapshots(asOf);
  const trainSet = new Set(train);
  const calibSet = new Set(calib);
  const trainRows = set.rows.filter((r) => trainSet.has(r.snapshot));
  const calibRows = set.rows.filter((r) => calibSet.has(r.snapshot));
  const days = timedSync(clock, 'train: days-to-pay parameters', () => fitDaysParams(set, calibRows, asOf));
  const trainE = timedSync(clock, 'train: days-to-pay distributions', () => enrich(set, trainRows, days));
  const calibE = timedSync(clock, 'train: days-to-pay distributions', () => enrich(set, calibRows, days));
  const late = timedSync(clock, 'train: late (logistic + GBT + calibration)', () => fitTarget('late', trainE, calibE, asOf));
  const late30 = timedSync(clock, 'train: late30 (logistic + GBT + calibration)', () => fitTarget('late30', trainE, calibE, asOf));
  const learnedDays = timedSync(clock, 'train: days-to-pay quantile GBTs', () => fitDaysModel(trainE, calibE, asOf));
  const woRows = timedSync(clock, 'train: write-off table', () =>
    [...trainE, ...calibE].map((e) => ({ e, pLate30: decided('late30', e.row.daysPastDue) ? 1 : predictTarget(late30, e, toVector(e)) })),
  );
  return {
    family: MODEL_FAMILY,
    asOf,
    trainFrom: train[0] as string,
    trainTo: train[train.length - 1] as string,
    calibFrom: calib[0] as string,
    calibTo: calib[calib.length - 1] as string,
    features: [...FEATURE_NAMES],
    late,
    late30,
    days,
    daysModel: learnedDays && learnedDays.calibMae < learnedDays.empiricalCalibMae ? learnedDays : null,
    writeOff: timedSync(clock, 'train: write-off table', () => fitWriteOff(woRows, asOf)),
  };
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

/** A target model prepared for scoring many rows: its GBT packed once when it is the chosen algorithm. */
interface BatchModel {
  readonly m: TargetModel;
  readonly packed: PackedTrees | null;
}

const batchModel = (m: TargetModel): BatchModel => ({ m, packed: m.algorithm === 'gbt' && m.gbt ? packTrees(m.gbt) : null });

/** `predictTarget` for every row: the same raw logit (packed trees for a GBT), sigmoid and calibration. */
function predictBatch(b: BatchModel, rows: readonly EnrichedRow[], vectors: readonly number[][], x: Float64Array, width: number): Float64Array {
  const raw = b.packed ? sumTreesBatch(b.packed, x, width) : Float64Array.from(rows, (e, i) => rawLogit(b.m, e, vectors[i] as number[]));
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const p = sigmoid(raw[i] as number);
    out[i] = b.m.calibrator ? applyIsotonic(b.m.calibrator, p) : p;
  }
  return out;
}

function batchContributions(b: BatchModel, vector: readonly number[], x: Float64Array, width: number, i: number): number[] {
  return b.packed ? packedContributions(b.packed, x, width, i) : contributions(b.m, vector);
}

/**
 * Scores the rows of one snapshot (the as-of date) with a bundle, in passes over all rows: days-to-pay
 * distributions, feature vectors (also laid out row-major in one Float64Array), each model over every row
 * (trees packed into typed arrays and run tree by tree), then reasons and the score rows. Every number is
 * computed with the same operations in the same order as scoring one row at a time (`predictTarget`,
 * `gbtContributions`, `predictDays`), so a score is the same to the last bit either way.
 */
export function scoreRows(bundle: RiskModelBundle, set: FeatureSet, rows: readonly InvoiceFeatureRow[], clock?: PhaseClock): InvoiceScore[] {
  const enriched = timedSync(clock, 'score: days-to-pay distributions', () => enrich(set, rows, bundle.days));
  const width = FEATURE_NAMES.length;
  const { vectors, x } = timedSync(clock, 'score: feature vectors', () => {
    const vs = enriched.map((e) => toVector(e));
    const m = new Float64Array(vs.length * width);
    vs.forEach((v, i) => m.set(v, i * width));
    return { vectors: vs, x: m };
  });
  const late = batchModel(bundle.late);
  const late30 = batchModel(bundle.late30);
  const predicted = timedSync(clock, 'score: models', () => ({
    late: predictBatch(late, enriched, vectors, x, width),
    late30: predictBatch(late30, enriched, vectors, x, width),
    days: bundle.daysModel ? predictDaysBatch(bundle.daysModel, enriched, x, width) : null,
  }));
  return timedSync(clock, 'score: reasons and rows', () => enriched.map((e, i) => {
    const r = e.row;
    const vector = vectors[i] as number[];
    const lateDecided = decided('late', r.daysPastDue);
    const late30Decided = decided('late30', r.daysPastDue);
    const pLate = lateDecided ? 1 : (predicted.late[i] as number);
    // late30 implies late, so its probability can never exceed pLate
    const pLate30 = late30Decided ? 1 : Math.min(pLate, predicted.late30[i] as number);
    const reasons: Reason[] = [];
    if (lateDecided) reasons.push(factReason('days_past_due', r.daysPastDue === 0 ? 'is due today and still unpaid' : `is already ${r.daysPastDue} days past due`));
    // explain the target still open: pLate while the invoice is not due, pLate30 after that
    const model = late30Decided || lateDecided ? late30 : late;
    const p = model === late ? pLate : pLate30;
    reasons.push(...topReasons(e, batchContributions(model, vector, x, width, i), 3 - reasons.length, p >= 0.5 ? 1 : -1));
    const pWriteOff = round4(Math.min(1, writeOffProbability(bundle.writeOff, r.daysPastDue, pLate30)));
    const terms = daysBetween(r.invoiceDate, r.dueDate);
    const q: DaysQuantiles = predicted.days ? (predicted.days[i] as DaysQuantiles) : e.days;
    const woDate = addDays(r.dueDate, bundle.writeOff.lagDays);
    const expectedWriteOff = woDate > r.snapshot ? woDate : addDays(r.snapshot, 1);
    return {
      asOf: r.snapshot,
      invoiceId: r.invoiceId,
      customerId: r.customerId,
      segment: r.segment,
      currency: r.currency,
      invoiceDate: r.invoiceDate,
      dueDate: r.dueDate,
      openAmount: r.openAmount,
      daysPastDue: r.daysPastDue,
      pLate: round4(pLate),
      pLate30: round4(pLate30),
      pWriteOff,
      expectedLoss: Math.round(pWriteOff * r.openAmount * 100) / 100,
      expectedWriteOffMonth: expectedWriteOff.slice(0, 7),
      daysToPayP10: terms + q.p10,
      daysToPayP50: terms + q.p50,
      daysToPayP90: terms + q.p90,
      expectedPayDate: addDays(r.dueDate, q.p50),
      reasons,
    };
  }));
}
