/**
 * `npm run bench:risk -- --db FILE [--as-of D] [--days 7] [--model-from FILE]`: the nightly `scores` stage
 * with a reused risk model, phase by phase (model lookup, features SQL, read, JS assembly, days-to-pay,
 * prediction + reasons, customer scores, writes), wall and CPU seconds each.
 * Baseline, in the same process: scoring as of D − days with training (what every run did before models
 * were kept). Measured: the `scores` stage as of D reusing that model (scoreAsOfAndStore with the nightly
 * run's tolerance: invoice scores, customer scores and both writes).
 * `--model-from FILE`: instead of training (hours at a million invoices on the shared machine), keep the
 * newest model stored in FILE's risk_model_store as if trained here for D − days; the reuse path's work
 * does not depend on which model of the same family it scores with, and the report says it was transplanted.
 * Works on a copy of the warehouse (it writes risk_model_store and the score tables). Writes
 * bench/results/risk-scoring.{json,md} (or risk-scoring-<label>.* with --label).
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { addDays, latestDataDate } from '../core/as-of.ts';
import { Warehouse } from '../core/warehouse.ts';
import type { RiskModelBundle } from '../scoring/delinquency.ts';
import { findReusableModel, keepModel } from '../scoring/risk/model-store.ts';
import { PhaseClock } from '../scoring/risk/phases.ts';
import { MODEL_MAX_AGE_DAYS, scoreInvoicesAsOf } from '../scoring/score-invoices.ts';
import { scoreAsOfAndStore } from '../scoring/stage.ts';

const { values } = parseArgs({
  options: { db: { type: 'string' }, 'as-of': { type: 'string' }, days: { type: 'string' }, 'model-from': { type: 'string' }, label: { type: 'string' } },
});
const opts = z
  .object({
    db: z.string().min(1),
    'as-of': z.iso.date().optional(),
    days: z.coerce.number().int().min(1).max(MODEL_MAX_AGE_DAYS).default(7),
    'model-from': z.string().min(1).optional(),
    label: z.string().regex(/^[\w-]+$/).optional(),
  })
  .safeParse(values);
if (!opts.success) {
  console.error(`error: ${opts.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}`);
  process.exit(2);
}

const seconds = (ms: number) => ms / 1000;
const cpuNow = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

/** The newest bundle stored in another warehouse (read on a copy: opening migrates). */
async function storedBundle(file: string, dir: string): Promise<RiskModelBundle> {
  const copy = join(dir, 'model-source.duckdb');
  copyFileSync(file, copy);
  const src = await Warehouse.open(copy);
  try {
    const row = await src.one<{ d: string }>('select max(trained_as_of)::varchar as d from risk_model_store');
    if (!row?.d) throw new Error(`${file} holds no stored risk model`);
    const found = await findReusableModel(src, row.d, 0);
    if (!found.bundle) throw new Error(`the model stored in ${file} is not usable: ${found.note}`);
    return found.bundle;
  } finally {
    src.close();
    rmSync(copy, { force: true });
  }
}

const dir = mkdtempSync(join(tmpdir(), 'bench-risk-'));
const db = join(dir, 'bench.duckdb');
copyFileSync(opts.data.db, db);
const wh = await Warehouse.open(db);
try {
  const asOf = opts.data['as-of'] ?? (await latestDataDate(wh));
  const trainedFor = addDays(asOf, -opts.data.days);
  const load0 = loadavg()[0] ?? 0;
  let baseline: { openInvoices: number; wallSeconds: number; cpuSeconds: number } | null = null;
  const trainClock = new PhaseClock();
  let modelSource: string;
  if (opts.data['model-from']) {
    const bundle = await storedBundle(opts.data['model-from'], dir);
    await keepModel(wh, { ...bundle, asOf: trainedFor });
    modelSource = `transplanted from ${opts.data['model-from']} (trained there for ${bundle.asOf}); training not measured`;
  } else {
    const t = performance.now();
    const c = cpuNow();
    const trained = await scoreInvoicesAsOf(wh, trainedFor, { keepModel: true, clock: trainClock });
    baseline = { openInvoices: trained.scores.length, wallSeconds: seconds(performance.now() - t), cpuSeconds: seconds(cpuNow() - c) };
    modelSource = `trained here for ${trainedFor}`;
  }
  const load1 = loadavg()[0] ?? 0;
  const clock = new PhaseClock();
  const t = performance.now();
  const c = cpuNow();
  const { result, customers } = await scoreAsOfAndStore(wh, asOf, { reuseMaxAgeDays: MODEL_MAX_AGE_DAYS, clock });
  const reuse = { wallSeconds: seconds(performance.now() - t), cpuSeconds: seconds(cpuNow() - c) };
  if (!result.modelNote.startsWith('reused')) throw new Error(`the model was not reused: ${result.modelNote}`);
  const invoices = await wh.one<{ n: string }>('select count(*)::varchar as n from invoices');
  const phases = clock.timings.map((p) => ({ phase: p.phase, wallSeconds: seconds(p.wallMs), cpuSeconds: seconds(p.cpuMs) }));
  const trainPhases = trainClock.timings.map((p) => ({ phase: p.phase, wallSeconds: seconds(p.wallMs), cpuSeconds: seconds(p.cpuMs) }));
  const out = {
    warehouse: opts.data.db,
    invoicesInWarehouse: Number(invoices?.n ?? 0),
    trainedFor,
    asOf,
    modelSource,
    algorithms: { late: result.bundle.late.algorithm, late30: result.bundle.late30.algorithm, days: result.bundle.daysModel ? 'quantile_gbt' : 'empirical' },
    openInvoicesScored: result.scores.length,
    customersScored: customers.length,
    baselineTrainAndScore: baseline,
    baselinePhases: trainPhases,
    reuseScoresStage: reuse,
    phases,
    machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? '', loadAverageStart: load0, loadAverageBeforeReuse: load1, loadAverageEnd: loadavg()[0] ?? 0 },
  };
  const command =
    `npm run bench:risk -- --db ${opts.data.db}${opts.data['as-of'] ? ` --as-of ${opts.data['as-of']}` : ''} --days ${opts.data.days}` +
    `${opts.data['model-from'] ? ` --model-from ${opts.data['model-from']}` : ''}${opts.data.label ? ` --label ${opts.data.label}` : ''}`;
  const f = (x: number) => x.toFixed(1);
  const md = [
    '# Risk scoring: the nightly scores stage with a reused model',
    '',
    `\`${command}\``,
    '',
    `${out.invoicesInWarehouse.toLocaleString('en-US')} invoices in the warehouse; model ${modelSource} ` +
      `(late: ${out.algorithms.late}, late30: ${out.algorithms.late30}, days: ${out.algorithms.days}).`,
    '',
    '| run | as of | open invoices | wall s | CPU s |',
    '|---|---|---:|---:|---:|',
    ...(baseline ? [`| baseline: train (13 snapshots, 7 models) + score invoices | ${trainedFor} | ${baseline.openInvoices} | ${f(baseline.wallSeconds)} | ${f(baseline.cpuSeconds)} |`] : []),
    `| scores stage reusing that model (invoices + ${customers.length} customers + writes) | ${asOf} | ${result.scores.length} | ${f(reuse.wallSeconds)} | ${f(reuse.cpuSeconds)} |`,
    '',
    '| phase of the reuse run | wall s | CPU s |',
    '|---|---:|---:|',
    ...phases.map((p) => `| ${p.phase} | ${p.wallSeconds.toFixed(2)} | ${p.cpuSeconds.toFixed(2)} |`),
    '',
    ...(trainPhases.length
      ? ['| phase of the baseline (training) run | wall s | CPU s |', '|---|---:|---:|', ...trainPhases.map((p) => `| ${p.phase} | ${p.wallSeconds.toFixed(2)} | ${p.cpuSeconds.toFixed(2)} |`), '']
      : []),
    `${cpus().length} cores, load average ${load0.toFixed(1)} at start, ${load1.toFixed(1)} before the reuse run, ${(loadavg()[0] ?? 0).toFixed(1)} at the end.` +
      (baseline ? ` Ratio reuse/baseline (wall) ${(reuse.wallSeconds / baseline.wallSeconds).toFixed(3)}.` : ''),
    '',
  ].join('\n');
  const results = join(dirname(fileURLToPath(import.meta.url)), 'results');
  const name = opts.data.label ? `risk-scoring-${opts.data.label}` : 'risk-scoring';
  writeFileSync(join(results, `${name}.json`), JSON.stringify(out, null, 2));
  writeFileSync(join(results, `${name}.md`), md);
  console.log(md);
} finally {
  wh.close();
  rmSync(dir, { recursive: true, force: true });
}
