/**
 * Learned days-to-pay quantiles: three quantile GBTs (P10, P50, P90) correct the customer's empirical
 * conditional days-late distribution (days-to-pay.ts) using every invoice feature — how late the customer
 * has paid recently, its trend, disputes, promises, the invoice's own age and amount. They predict the
 * residual (actual days late − empirical median) so thin histories fall back to the empirical model.
 * Trained on the training snapshots' invoices paid by the as-of date; on the later calibration window
 * the P10–P90 band is widened or narrowed to cover about 80 %, and the learned model is kept only if its
 * median beats the empirical median's MAE there (otherwise scoring uses the empirical quantiles).
 */
import { mean } from 'simple-statistics';
import { widenBand } from '../days-to-pay.ts';
import { toVector, type EnrichedRow } from '../features/vector.ts';
import { packTrees, sumTreesBatch, type GbtModel } from '../models/gbt.ts';
import { fitQuantileGbt, predictQuantileGbt } from '../models/quantile-gbt.ts';
import { outcomeAt } from '../outcomes.ts';

export interface DaysModel {
  readonly p10: GbtModel;
  readonly p50: GbtModel;
  readonly p90: GbtModel;
  readonly widen: number;
  readonly nTrain: number;
  readonly nCalib: number;
  /** Calibration-window MAE of the learned and of the empirical median, and the learned band's coverage. */
  readonly calibMae: number;
  readonly empiricalCalibMae: number;
  readonly calibCoverage: number;
}

export interface DaysQuantiles {
  readonly p10: number;
  readonly p50: number;
  readonly p90: number;
}

const MIN_ROWS = 200;

function paid(rows: readonly EnrichedRow[], knownAt: string): { e: EnrichedRow; x: number[]; y: number }[] {
  const out: { e: EnrichedRow; x: number[]; y: number }[] = [];
  for (const e of rows) {
    const dl = outcomeAt(e.row, knownAt).daysLate;
    if (dl !== null) out.push({ e, x: toVector(e), y: dl });
  }
  return out;
}

/** Unwidened learned quantiles of days late (after the due date), never before the earliest possible day. */
function rawQuantiles(m: Pick<DaysModel, 'p10' | 'p50' | 'p90'>, e: EnrichedRow, x: readonly number[]) {
  const anchor = e.days.p50;
  const min = e.days.minDaysLate;
  const q = [predictQuantileGbt(m.p10, x), predictQuantileGbt(m.p50, x), predictQuantileGbt(m.p90, x)].map((r) => Math.max(min, Math.round(anchor + r))).sort((a, b) => a - b);
  return { raw10: q[0] as number, p50: q[1] as number, raw90: q[2] as number, minDaysLate: min };
}

export function predictDays(m: DaysModel, e: EnrichedRow, x: readonly number[]): DaysQuantiles {
  const r = rawQuantiles(m, e, x);
  return { p50: r.p50, ...widenBand(r, m.widen) };
}

/**
 * `predictDays` for many rows at once: `x` holds their feature vectors row-major (`width` columns), the
 * three quantile models run tree by tree over all rows (packed trees, the same sums), the rest per row as above.
 */
export function predictDaysBatch(m: DaysModel, rows: readonly EnrichedRow[], x: Float64Array, width: number): DaysQuantiles[] {
  const r10 = sumTreesBatch(packTrees(m.p10), x, width);
  const r50 = sumTreesBatch(packTrees(m.p50), x, width);
  const r90 = sumTreesBatch(packTrees(m.p90), x, width);
  return rows.map((e, i) => {
    const anchor = e.days.p50;
    const min = e.days.minDaysLate;
    const q = [r10[i] as number, r50[i] as number, r90[i] as number].map((r) => Math.max(min, Math.round(anchor + r))).sort((a, b) => a - b);
    const raw = { raw10: q[0] as number, p50: q[1] as number, raw90: q[2] as number, minDaysLate: min };
    return { p50: raw.p50, ...widenBand(raw, m.widen) };
  });
}

export function fitDaysModel(train: readonly EnrichedRow[], calib: readonly EnrichedRow[], knownAt: string): DaysModel | null {
  const tr = paid(train, knownAt);
  const ca = paid(calib, knownAt);
  if (tr.length < MIN_ROWS || ca.length < 30) return null;
  const residual = tr.map((r) => r.y - r.e.days.p50);
  const xs = tr.map((r) => r.x);
  const models = { p10: fitQuantileGbt(xs, residual, 0.1), p50: fitQuantileGbt(xs, residual, 0.5), p90: fitQuantileGbt(xs, residual, 0.9) };
  const raws = ca.map((r) => rawQuantiles(models, r.e, r.x));
  const calibMae = mean(raws.map((q, i) => Math.abs(q.p50 - (ca[i] as (typeof ca)[number]).y)));
  const empiricalCalibMae = mean(ca.map((r) => Math.abs(r.e.days.p50 - r.y)));
  let widen = 1;
  let coverage = Number.NaN;
  let bestGap = Infinity;
  for (let k = 5; k <= 30; k++) {
    const w = k / 10;
    const cov = mean(raws.map((q, i) => {
      const band = widenBand(q, w);
      const y = (ca[i] as (typeof ca)[number]).y;
      return y >= band.p10 && y <= band.p90 ? 1 : 0;
    }));
    if (Math.abs(cov - 0.8) < bestGap - 1e-9) {
      bestGap = Math.abs(cov - 0.8);
      widen = w;
      coverage = cov;
    }
  }
  return { ...models, widen, nTrain: tr.length, nCalib: ca.length, calibMae, empiricalCalibMae, calibCoverage: coverage };
}
