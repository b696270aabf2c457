/**
 * The exported API of invoice risk scoring: `scoreInvoicesAsOf(wh, asOf)` trains the models of D on
 * what was known at D and scores every invoice open at D; `writeInvoiceScores` persists the scores
 * (invoice_scores) and the models (risk_models) for that as-of date, replacing an earlier run of it.
 * The worklist and the cash forecast read invoice_scores, or call scoreInvoicesAsOf directly.
 * Trained models are kept in risk_model_store and reused while valid (risk/model-store.ts): by default
 * only a model trained for the as-of date itself (identical to retraining); the nightly run accepts one
 * up to MODEL_MAX_AGE_DAYS old.
 */
import type { Warehouse } from '../core/warehouse.ts';
import { loadFeatures, type FeatureSet } from './features/load.ts';
import { scoreRows, trainBundle, trainingSnapshots, type InvoiceScore, type RiskModelBundle, type TargetModel } from './delinquency.ts';
import { findReusableModel, keepModel } from './risk/model-store.ts';
import { timed, type PhaseClock } from './risk/phases.ts';
import { insertViaStage, type StageColumn } from './risk/stage-rows.ts';

export type { InvoiceScore, RiskModelBundle } from './delinquency.ts';

export interface ScoringResult {
  readonly asOf: string;
  readonly bundle: RiskModelBundle;
  readonly scores: InvoiceScore[];
  readonly features: FeatureSet;
  /** How the models were obtained: trained now, or which stored model was reused. */
  readonly modelNote: string;
}

export interface ScoreOptions {
  /** Reuse a stored model trained at most this many days before the as-of date (default 0: only its own). */
  readonly reuseMaxAgeDays?: number;
  /** Keep a newly trained model for later reuse (a write to risk_model_store). */
  readonly keepModel?: boolean;
  /** Records wall and CPU time per phase (benchmarks). */
  readonly clock?: PhaseClock;
}

/** The nightly run's tolerance: one training snapshot step, so a reused model is never a whole step behind. */
export const MODEL_MAX_AGE_DAYS = 28;

export async function scoreInvoicesAsOf(wh: Warehouse, asOf: string, opts: ScoreOptions = {}): Promise<ScoringResult> {
  const { clock } = opts;
  const reuse = await timed(clock, 'model lookup', () => findReusableModel(wh, asOf, opts.reuseMaxAgeDays ?? 0));
  if (reuse.bundle) {
    // features of the as-of date only: they do not depend on which other snapshots are loaded with them
    const features = await loadFeatures(wh, [asOf], clock);
    return { asOf, bundle: reuse.bundle, scores: scoreRows(reuse.bundle, features, features.rows, clock), features, modelNote: reuse.note };
  }
  const { train, calib } = trainingSnapshots(asOf);
  const features = await loadFeatures(wh, [...train, ...calib, asOf], clock);
  const bundle = trainBundle(features, asOf, clock);
  const scores = scoreRows(bundle, features, features.rows.filter((r) => r.snapshot === asOf), clock);
  if (opts.keepModel) await timed(clock, 'keep model', () => keepModel(wh, bundle));
  return { asOf, bundle, scores, features, modelNote: `trained for ${asOf} (${reuse.note})` };
}

/** Version of a model row of a scoring date; the model itself may have been trained for an earlier date (metrics.trainedAsOf). */
export function modelVersion(bundle: RiskModelBundle, target: 'late' | 'late30' | 'days' | 'write_off', asOf: string = bundle.asOf): string {
  return `${bundle.family}:${target}:${asOf}`;
}

function targetMetrics(m: TargetModel, trainedAsOf: string) {
  return { candidates: m.candidates, chosen: m.algorithm, calibrated: m.calibrator !== null, trainedAsOf };
}

function targetParams(m: TargetModel) {
  return { logistic: m.algorithm === 'logistic' ? m.logistic : null, gbt: m.algorithm === 'gbt' ? m.gbt : null, calibrator: m.calibrator };
}

// amounts travel as the cent strings they always were (toFixed(2), cast to DECIMAL(18,2) in SQL)
const INVOICE_SCORE_STAGE: readonly StageColumn<InvoiceScore>[] = [
  { name: 'invoice_id', type: 'varchar', get: (s) => s.invoiceId },
  { name: 'customer_id', type: 'varchar', get: (s) => s.customerId },
  { name: 'open_amount', type: 'varchar', get: (s) => s.openAmount.toFixed(2) },
  { name: 'currency', type: 'varchar', get: (s) => s.currency },
  { name: 'due_date', type: 'varchar', get: (s) => s.dueDate },
  { name: 'p_late', type: 'double', get: (s) => s.pLate },
  { name: 'p_late30', type: 'double', get: (s) => s.pLate30 },
  { name: 'p_write_off', type: 'double', get: (s) => s.pWriteOff },
  { name: 'expected_loss', type: 'varchar', get: (s) => s.expectedLoss.toFixed(2) },
  { name: 'expected_write_off_month', type: 'varchar', get: (s) => s.expectedWriteOffMonth },
  { name: 'days_to_pay_p10', type: 'double', get: (s) => s.daysToPayP10 },
  { name: 'days_to_pay_p50', type: 'double', get: (s) => s.daysToPayP50 },
  { name: 'days_to_pay_p90', type: 'double', get: (s) => s.daysToPayP90 },
  { name: 'expected_pay_date', type: 'varchar', get: (s) => s.expectedPayDate },
  { name: 'reasons', type: 'varchar', get: (s) => JSON.stringify(s.reasons) },
];

export async function writeInvoiceScores(wh: Warehouse, result: ScoringResult): Promise<number> {
  const { bundle, asOf } = result;
  const version = `${bundle.family}:${bundle.asOf}`;
  await wh.transaction(async (conn) => {
    await conn.run('delete from invoice_scores where as_of = $1::date', [asOf]);
    await conn.run('delete from risk_models where as_of = $1::date', [asOf]);
    const seq = Date.parse(`${asOf}T00:00:00Z`) / 86_400_000;
    const models: [string, string, string, number, number, unknown, unknown][] = [
      ['late', bundle.late.algorithm, modelVersion(bundle, 'late', asOf), bundle.late.nTrain, bundle.late.nCalib, targetMetrics(bundle.late, bundle.asOf), targetParams(bundle.late)],
      ['late30', bundle.late30.algorithm, modelVersion(bundle, 'late30', asOf), bundle.late30.nTrain, bundle.late30.nCalib, targetMetrics(bundle.late30, bundle.asOf), targetParams(bundle.late30)],
      [
        'days_to_pay',
        bundle.daysModel ? 'quantile_gbt' : 'empirical_conditional_quantiles',
        modelVersion(bundle, 'days', asOf),
        bundle.daysModel?.nTrain ?? 0,
        bundle.days.nCalib,
        { calibMae: bundle.daysModel?.calibMae ?? bundle.days.calibMae, calibCoverage: bundle.daysModel?.calibCoverage ?? bundle.days.calibCoverage, empiricalCalibMae: bundle.days.calibMae, trainedAsOf: bundle.asOf },
        // the empirical parameters stay at the top level: the forecast spreads not-yet-issued invoices with them
        { ...bundle.days, quantileGbt: bundle.daysModel },
      ],
      ['write_off', 'rate_table', modelVersion(bundle, 'write_off', asOf), 0, 0, { trainedAsOf: bundle.asOf }, bundle.writeOff],
    ];
    for (const [target, algorithm, v, nTrain, nCalib, metrics, params] of models) {
      await conn.run(
        `insert into risk_models (model_version, as_of, target, algorithm, train_from, train_to, calib_from, calib_to, n_train, n_calib,
           metrics, params, created_seq)
         values ($1, $2::date, $3, $4, $5::date, $6::date, $7::date, $8::date, $9, $10, $11, $12, $13)`,
        [v, asOf, target, algorithm, bundle.trainFrom, bundle.trainTo, bundle.calibFrom, bundle.calibTo, nTrain, nCalib, JSON.stringify(metrics), JSON.stringify({ features: bundle.features, ...(params as object) }), seq],
      );
    }
    await insertViaStage(
      conn,
      'invoice_scores_stage',
      INVOICE_SCORE_STAGE,
      result.scores,
      `insert into invoice_scores (as_of, invoice_id, customer_id, open_amount, currency, due_date, p_late, p_late30, p_write_off,
         expected_loss, expected_write_off_month, days_to_pay_p10, days_to_pay_p50, days_to_pay_p90, expected_pay_date, reasons, model_version)
       select $1::date, invoice_id, customer_id, open_amount::decimal(18,2), currency, due_date::date, p_late, p_late30, p_write_off,
              expected_loss::decimal(18,2), expected_write_off_month, days_to_pay_p10::integer, days_to_pay_p50::integer,
              days_to_pay_p90::integer, expected_pay_date::date, reasons, $2
       from temp.main.invoice_scores_stage`,
      [asOf, version],
    );
  });
  return result.scores.length;
}
