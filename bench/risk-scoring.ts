/**
 * `npm run bench:risk -- --db FILE [--as-of D] [--days 7]`: what reusing a stored risk model saves in the
 * nightly `scores` stage. Baseline, in the same process: scoring as of D − days with training (what every
 * run did before models were kept). Measured: scoring as of D reusing that model (what the next nightly
 * run does while the model is under 28 days old and the ledger up to its training date is unchanged).
 * Works on a copy of the warehouse (it writes risk_model_store). Writes bench/results/risk-scoring.{json,md}.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { addDays, latestDataDate } from '../core/as-of.ts';
import { Warehouse } from '../core/warehouse.ts';
import { MODEL_MAX_AGE_DAYS, scoreInvoicesAsOf } from '../scoring/score-invoices.ts';

const { values } = parseArgs({ options: { db: { type: 'string' }, 'as-of': { type: 'string' }, days: { type: 'string' } } });
const opts = z
  .object({ db: z.string().min(1), 'as-of': z.iso.date().optional(), days: z.coerce.number().int().min(1).max(MODEL_MAX_AGE_DAYS).default(7) })
  .safeParse(values);
if (!opts.success) {
  console.error(`error: ${opts.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}`);
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'bench-risk-'));
const db = join(dir, 'bench.duckdb');
copyFileSync(opts.data.db, db);
const wh = await Warehouse.open(db);
try {
  const asOf = opts.data['as-of'] ?? (await latestDataDate(wh));
  const trainedFor = addDays(asOf, -opts.data.days);
  const load0 = loadavg()[0] ?? 0;
  let t = performance.now();
  const trained = await scoreInvoicesAsOf(wh, trainedFor, { keepModel: true });
  const trainSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  const reused = await scoreInvoicesAsOf(wh, asOf, { reuseMaxAgeDays: MODEL_MAX_AGE_DAYS });
  const reuseSeconds = (performance.now() - t) / 1000;
  if (!reused.modelNote.startsWith('reused')) throw new Error(`the model was not reused: ${reused.modelNote}`);
  const result = {
    warehouse: opts.data.db,
    trainedFor,
    asOf,
    openInvoices: { trained: trained.scores.length, reused: reused.scores.length },
    baselineTrainAndScoreSeconds: trainSeconds,
    reuseAndScoreSeconds: reuseSeconds,
    ratio: reuseSeconds / trainSeconds,
    machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? '', loadAverageStart: load0, loadAverageEnd: loadavg()[0] },
  };
  const command = `npm run bench:risk -- --db ${opts.data.db}${opts.data['as-of'] ? ` --as-of ${opts.data['as-of']}` : ''} --days ${opts.data.days}`;
  const md = [
    '# Risk scoring: reused model vs retraining',
    '',
    `\`${command}\``,
    '',
    '| run | as of | open invoices | seconds |',
    '|---|---|---|---|',
    `| baseline: train (13 snapshots, 7 models) + score | ${trainedFor} | ${trained.scores.length} | ${trainSeconds.toFixed(1)} |`,
    `| nightly run reusing that model + score | ${asOf} | ${reused.scores.length} | ${reuseSeconds.toFixed(1)} |`,
    '',
    `Ratio ${result.ratio.toFixed(3)} (${cpus().length} cores, load average ${load0.toFixed(1)} → ${(loadavg()[0] ?? 0).toFixed(1)}).`,
    '',
  ].join('\n');
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results');
  writeFileSync(join(out, 'risk-scoring.json'), JSON.stringify(result, null, 2));
  writeFileSync(join(out, 'risk-scoring.md'), md);
  console.log(md);
} finally {
  wh.close();
  rmSync(dir, { recursive: true, force: true });
}
