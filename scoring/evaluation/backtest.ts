/**
 * Time-based backtest of the delinquency models. For each cutoff C the models are trained exactly as
 * production would at C (only snapshots and outcomes known at C), then every invoice open at C is
 * scored and compared with what happened after C (outcomes as known at the end of the data, E).
 * Baselines in the same run: (a) days past due at C, (b) the customer's historical late share, (c)
 * "pays on terms" (pays on the due date; already overdue invoices pay the next day).
 */
import { addDays, daysBetween } from '../../core/as-of.ts';
import type { Warehouse } from '../../core/warehouse.ts';
import { decided, scoreRows, trainBundle, trainingSnapshots, type InvoiceScore, type Target } from '../delinquency.ts';
import { loadFeatures, type FeatureSet, type InvoiceFeatureRow } from '../features/load.ts';
import { lateShareShrunk } from '../features/vector.ts';
import { applyIsotonic, fitIsotonic } from '../models/isotonic.ts';
import { outcomeAt } from '../outcomes.ts';
import { brier, calibrationTable, intervalCoverage, meanAbsoluteError, prAuc, rocAuc, topDecileCapture, type CalibrationBin } from './metrics.ts';

export interface ClassMetrics {
  readonly n: number;
  readonly positives: number;
  readonly rocAuc: number;
  readonly prAuc: number;
  readonly brier: number;
  readonly calibrationError: number;
  readonly topDecileCapture: number;
}

export interface TargetReport {
  readonly target: Target;
  /** 'all' = every open invoice; 'undecided' = not yet determined at the cutoff (the models' real work). */
  readonly subset: 'all' | 'undecided';
  readonly model: ClassMetrics;
  readonly calibration: CalibrationBin[];
  readonly baselines: Record<'days_past_due' | 'late_share' | 'pays_on_terms', ClassMetrics>;
}

export interface DaysReport {
  readonly n: number;
  readonly maeModel: number;
  readonly maePaysOnTerms: number;
  readonly ratio: number;
  readonly coverageP10P90: number;
}

export interface BacktestReport {
  readonly dataEnd: string;
  readonly cutoffs: string[];
  readonly algorithms: Record<string, string>;
  readonly targets: TargetReport[];
  readonly days: DaysReport;
}

interface TestRow {
  row: InvoiceFeatureRow;
  score: InvoiceScore;
  dpdProb: number;
  dpdProb30: number;
  lateShare: number;
  lateShare30: number;
  knownAt: string;
}

function classMetrics(p: number[], y: number[], amounts: number[]): ClassMetrics {
  return {
    n: y.length,
    positives: y.reduce((s, v) => s + v, 0),
    rocAuc: rocAuc(p, y),
    prAuc: prAuc(p, y),
    brier: brier(p, y),
    calibrationError: calibrationTable(p, y).error,
    topDecileCapture: topDecileCapture(p, y, amounts),
  };
}

export interface BacktestOptions {
  /** Number of cutoffs, newest first. */
  readonly cutoffs?: number;
  /** Days between cutoffs. */
  readonly stepDays?: number;
  /** Days after the newest cutoff that must be observed for outcomes. */
  readonly horizonDays?: number;
  readonly dataEnd: string;
  readonly log?: (m: string) => void;
  /** Feature loader (default: loadFeatures on the warehouse); a cache can stand in while iterating on models. */
  readonly features?: (snapshots: string[]) => Promise<FeatureSet>;
}

export async function runBacktest(wh: Warehouse, opts: BacktestOptions): Promise<BacktestReport> {
  const n = opts.cutoffs ?? 4;
  const step = opts.stepDays ?? 61;
  const horizon = opts.horizonDays ?? 150;
  const cutoffs: string[] = [];
  for (let k = n - 1; k >= 0; k--) cutoffs.push(addDays(opts.dataEnd, -horizon - step * k));
  const tests: TestRow[] = [];
  const algorithms: Record<string, string> = {};
  // one cutoff at a time: each needs its own 13 snapshots, and holding all of them at once does not fit in memory
  for (const c of cutoffs) {
    const { train: tr, calib: ca } = trainingSnapshots(c);
    const set = await (opts.features ?? ((snaps: string[]) => loadFeatures(wh, snaps)))([...tr, ...ca, c]);
    const bundle = trainBundle(set, c);
    algorithms[c] = `late=${bundle.late.algorithm}, late30=${bundle.late30.algorithm}, days widen=${bundle.days.widen} prior=${bundle.days.priorWeight}`;
    opts.log?.(`cutoff ${c}: ${algorithms[c]} (train ${bundle.late.nTrain} / calib ${bundle.late.nCalib} rows)`);
    // baseline (a) needs probabilities for Brier: days past due mapped isotonically on the training snapshots
    const trainSnaps = new Set([...tr, ...ca]);
    const trainRows = set.rows.filter((r) => trainSnaps.has(r.snapshot));
    const dpdCal: Record<Target, ReturnType<typeof fitIsotonic>> = {
      late: fitDpd(trainRows, 'late', c),
      late30: fitDpd(trainRows, 'late30', c),
    };
    const rows = set.rows.filter((r) => r.snapshot === c);
    const scores = scoreRows(bundle, set, rows);
    rows.forEach((row, i) => {
      tests.push({
        row,
        score: scores[i] as InvoiceScore,
        dpdProb: applyIsotonic(dpdCal.late, row.daysPastDue),
        dpdProb30: applyIsotonic(dpdCal.late30, row.daysPastDue),
        lateShare: lateShareShrunk(row),
        lateShare30: row.late30Share ?? row.segLate30Share ?? row.globalLate30Share ?? 0,
        knownAt: opts.dataEnd,
      });
    });
  }
  const targets: TargetReport[] = [];
  for (const target of ['late', 'late30'] as const) {
    for (const subset of ['all', 'undecided'] as const) {
      const p: number[] = [];
      const y: number[] = [];
      const amt: number[] = [];
      const bDpd: number[] = [];
      const bShare: number[] = [];
      const bTerms: number[] = [];
      for (const t of tests) {
        const label = outcomeAt(t.row, t.knownAt)[target];
        if (label === null) continue;
        if (subset === 'undecided' && decided(target, t.row.daysPastDue)) continue;
        p.push(target === 'late' ? t.score.pLate : t.score.pLate30);
        y.push(label);
        amt.push(t.row.openAmount);
        bDpd.push(target === 'late' ? t.dpdProb : t.dpdProb30);
        bShare.push(target === 'late' ? t.lateShare : t.lateShare30);
        bTerms.push(decided(target, t.row.daysPastDue) ? 1 : 0);
      }
      targets.push({
        target,
        subset,
        model: classMetrics(p, y, amt),
        calibration: calibrationTable(p, y).bins,
        baselines: {
          days_past_due: classMetrics(bDpd, y, amt),
          late_share: classMetrics(bShare, y, amt),
          pays_on_terms: classMetrics(bTerms, y, amt),
        },
      });
    }
  }
  const pred: number[] = [];
  const lo: number[] = [];
  const hi: number[] = [];
  const terms: number[] = [];
  const actual: number[] = [];
  for (const t of tests) {
    const o = outcomeAt(t.row, t.knownAt);
    if (o.daysToPay === null) continue;
    actual.push(o.daysToPay);
    pred.push(t.score.daysToPayP50);
    lo.push(t.score.daysToPayP10);
    hi.push(t.score.daysToPayP90);
    const onTerms = t.row.dueDate > t.row.snapshot ? t.row.dueDate : addDays(t.row.snapshot, 1);
    terms.push(daysBetween(t.row.invoiceDate, onTerms));
  }
  const maeModel = meanAbsoluteError(pred, actual);
  const maePaysOnTerms = meanAbsoluteError(terms, actual);
  return {
    dataEnd: opts.dataEnd,
    cutoffs,
    algorithms,
    targets,
    days: { n: actual.length, maeModel, maePaysOnTerms, ratio: maeModel / maePaysOnTerms, coverageP10P90: intervalCoverage(lo, hi, actual) },
  };
}

function fitDpd(rows: readonly InvoiceFeatureRow[], target: Target, knownAt: string) {
  const x: number[] = [];
  const y: number[] = [];
  for (const r of rows) {
    const label = outcomeAt(r, knownAt)[target];
    if (label === null) continue;
    x.push(r.daysPastDue);
    y.push(label);
  }
  return fitIsotonic(x, y);
}

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '  n/a');

export function formatReport(r: BacktestReport): string {
  const lines: string[] = [];
  lines.push(`Risk backtest: data end ${r.dataEnd}, cutoffs ${r.cutoffs.join(', ')}`);
  for (const [c, a] of Object.entries(r.algorithms)) lines.push(`  ${c}: ${a}`);
  lines.push('');
  lines.push('target  subset     scorer          n      pos    ROC AUC  PR AUC  Brier   CalErr  Top10%');
  for (const t of r.targets) {
    const row = (name: string, m: ClassMetrics) =>
      `${t.target.padEnd(7)} ${t.subset.padEnd(10)} ${name.padEnd(15)} ${String(m.n).padStart(6)} ${String(m.positives).padStart(6)}   ${f3(m.rocAuc)}   ${f3(m.prAuc)}   ${f3(m.brier)}   ${f3(m.calibrationError)}   ${f3(m.topDecileCapture)}`;
    lines.push(row('model', t.model));
    for (const [name, m] of Object.entries(t.baselines)) lines.push(row(`(${name === 'days_past_due' ? 'a' : name === 'late_share' ? 'b' : 'c'}) ${name}`, m));
  }
  lines.push('');
  for (const t of r.targets) {
    lines.push(`calibration ${t.target}/${t.subset} (bin: n, mean predicted, observed)`);
    lines.push(
      '  ' +
        t.calibration
          .filter((b) => b.n > 0)
          .map((b) => `[${b.lo.toFixed(1)}-${b.hi.toFixed(1)}): ${b.n}, ${b.meanPredicted.toFixed(3)}, ${b.observed.toFixed(3)}`)
          .join(' | '),
    );
  }
  lines.push('');
  lines.push(
    `days to pay (paid invoices, n=${r.days.n}): MAE model ${f3(r.days.maeModel)} d, "pays on terms" ${f3(r.days.maePaysOnTerms)} d, ratio ${f3(r.days.ratio)}; P10-P90 coverage ${f3(r.days.coverageP10P90)}`,
  );
  return lines.join('\n');
}
