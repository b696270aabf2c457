/**
 * Trained delinquency-model bundles kept for reuse (table risk_model_store). Training the models of an
 * as-of date reads 13 snapshots of the open book and fits several models — most of a scoring run — while
 * the models of a date a few days earlier are as good: the training windows differ by days in a
 * year-long window. A stored bundle trained for D' is reused for D when
 * - D' ≤ D (it never saw anything after D) and D − D' ≤ the caller's maximum age,
 * - it is of the current model family and feature list (a code change retrains), and
 * - the ledger as known at D' is unchanged: the fingerprint of the rows dated on or before D'
 *   (ledger-fingerprint.sql) equals the one stored with it, so a backfill or correction retrains.
 * The bundle is stored whole as JSON (doubles round-trip exactly), so a reused bundle scores exactly as
 * the freshly trained one did.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { daysBetween } from '../../core/as-of.ts';
import type { Warehouse } from '../../core/warehouse.ts';
import { MODEL_FAMILY, type RiskModelBundle } from '../delinquency.ts';
import { FEATURE_NAMES } from '../features/vector.ts';

const FINGERPRINT_SQL = readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'ledger-fingerprint.sql'), 'utf8');

// JSON turns NaN (an undefined metric) into null; read it back as NaN
const num = z
  .number()
  .nullable()
  .transform((v) => v ?? Number.NaN);

const GbtNode = z.object({ f: z.number().int(), t: z.number(), l: z.number().int(), r: z.number().int(), v: z.number() });
const GbtModel = z.object({
  kind: z.literal('gbt'),
  base: z.number(),
  trees: z.array(z.array(GbtNode)),
  params: z.object({ trees: z.number(), depth: z.number(), learningRate: z.number(), minLeaf: z.number(), lambda: z.number(), bins: z.number() }),
});
const LogisticModel = z.object({ kind: z.literal('logistic'), means: z.array(z.number()), scales: z.array(z.number()), weights: z.array(z.number()), lambda: z.number() });
const Isotonic = z.object({ kind: z.literal('isotonic'), x: z.array(z.number()), y: z.array(z.number()) });
const TargetModel = z.object({
  target: z.enum(['late', 'late30']),
  algorithm: z.enum(['logistic', 'gbt', 'history']),
  logistic: LogisticModel.nullable(),
  gbt: GbtModel.nullable(),
  calibrator: Isotonic.nullable(),
  nTrain: z.number().int(),
  nCalib: z.number().int(),
  candidates: z.record(z.string(), z.object({ logLoss: num, auc: num })),
});
const Bundle = z.object({
  family: z.string(),
  asOf: z.string(),
  trainFrom: z.string(),
  trainTo: z.string(),
  calibFrom: z.string(),
  calibTo: z.string(),
  features: z.array(z.string()),
  late: TargetModel,
  late30: TargetModel,
  days: z.object({
    priorWeight: z.number(),
    decay: z.number(),
    maxHistory: z.number().int(),
    widen: z.number(),
    calibMae: num,
    calibCoverage: num,
    nCalib: z.number().int(),
  }),
  daysModel: z
    .object({
      p10: GbtModel,
      p50: GbtModel,
      p90: GbtModel,
      widen: z.number(),
      nTrain: z.number().int(),
      nCalib: z.number().int(),
      calibMae: num,
      empiricalCalibMae: num,
      calibCoverage: num,
    })
    .nullable(),
  writeOff: z.object({ buckets: z.array(z.string()), bands: z.array(z.number()), rate: z.array(z.array(z.number())), lagDays: z.number() }),
});

/** Fingerprint of the ledger rows dated on or before `asOf` that a model of `asOf` learnt from. */
export async function ledgerFingerprint(wh: Warehouse, asOf: string): Promise<string> {
  const row = await wh.one<{ fingerprint: string }>(FINGERPRINT_SQL, [asOf]);
  return String(row?.fingerprint ?? '');
}

/** The bundle without the candidate models that were not chosen: what scoring needs, and all it stores. */
export function chosenOnly(bundle: RiskModelBundle): RiskModelBundle {
  const keep = (m: RiskModelBundle['late']) => ({ ...m, logistic: m.algorithm === 'logistic' ? m.logistic : null, gbt: m.algorithm === 'gbt' ? m.gbt : null });
  return { ...bundle, late: keep(bundle.late), late30: keep(bundle.late30) };
}

/** Stores a freshly trained bundle for reuse (replacing one of the same family and date). */
export async function keepModel(wh: Warehouse, bundle: RiskModelBundle): Promise<void> {
  const fingerprint = await ledgerFingerprint(wh, bundle.asOf);
  const metrics = {
    late: { algorithm: bundle.late.algorithm, nTrain: bundle.late.nTrain, nCalib: bundle.late.nCalib, candidates: bundle.late.candidates },
    late30: { algorithm: bundle.late30.algorithm, nTrain: bundle.late30.nTrain, nCalib: bundle.late30.nCalib, candidates: bundle.late30.candidates },
    days: { calibMae: bundle.days.calibMae, calibCoverage: bundle.days.calibCoverage, nCalib: bundle.days.nCalib },
    daysModel: bundle.daysModel && {
      calibMae: bundle.daysModel.calibMae,
      empiricalCalibMae: bundle.daysModel.empiricalCalibMae,
      calibCoverage: bundle.daysModel.calibCoverage,
      widen: bundle.daysModel.widen,
      nTrain: bundle.daysModel.nTrain,
    },
  };
  await wh.transaction(async (conn) => {
    await conn.run('delete from risk_model_store where family = $1 and trained_as_of = $2::date', [bundle.family, bundle.asOf]);
    await conn.run(
      `insert into risk_model_store (family, trained_as_of, data_fingerprint, train_from, train_to, calib_from, calib_to, metrics, bundle)
       values ($1, $2::date, $3, $4::date, $5::date, $6::date, $7::date, $8, $9)`,
      [bundle.family, bundle.asOf, fingerprint, bundle.trainFrom, bundle.trainTo, bundle.calibFrom, bundle.calibTo, JSON.stringify(metrics), JSON.stringify(chosenOnly(bundle))],
    );
  });
}

export interface ReuseDecision {
  readonly bundle: RiskModelBundle | null;
  /** Why a stored bundle was or was not used, for the run log. */
  readonly note: string;
}

/**
 * The newest stored bundle usable for scoring as of `asOf`, or null with the reason. `maxAgeDays` 0
 * accepts only a bundle trained for `asOf` itself (identical to retraining, so audits reproduce).
 */
export async function findReusableModel(wh: Warehouse, asOf: string, maxAgeDays: number): Promise<ReuseDecision> {
  const row = await wh.one<{ trained_as_of: string; data_fingerprint: string; bundle: string }>(
    `select trained_as_of::varchar as trained_as_of, data_fingerprint, bundle from risk_model_store
     where family = $1 and trained_as_of <= $2::date and trained_as_of >= $2::date - to_days($3::integer)
     order by trained_as_of desc limit 1`,
    [MODEL_FAMILY, asOf, maxAgeDays],
  );
  if (!row) return { bundle: null, note: `no stored ${MODEL_FAMILY} model within ${maxAgeDays} days before ${asOf}` };
  const trainedAsOf = row.trained_as_of;
  if ((await ledgerFingerprint(wh, trainedAsOf)) !== row.data_fingerprint) {
    return { bundle: null, note: `the ledger up to ${trainedAsOf} changed since its model was trained` };
  }
  const parsed = Bundle.safeParse(JSON.parse(row.bundle));
  if (!parsed.success) return { bundle: null, note: `stored model of ${trainedAsOf} is not readable (${parsed.error.issues[0]?.path.join('.')})` };
  const bundle = parsed.data as RiskModelBundle;
  if (bundle.features.join(',') !== FEATURE_NAMES.join(',')) return { bundle: null, note: `stored model of ${trainedAsOf} has another feature list` };
  return { bundle, note: `reused the model trained for ${trainedAsOf} (${daysBetween(trainedAsOf, asOf)} days old, ledger unchanged)` };
}
