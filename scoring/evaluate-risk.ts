/**
 * `npm run evaluate:risk [-- --db PATH --cutoffs N --step DAYS --horizon DAYS --json FILE]`: the honest
 * time-based backtest of the delinquency models on a warehouse (default: the configured one), with
 * the baselines in the same run. Prints the table and the command that produced it.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { latestDataDate } from '../core/as-of.ts';
import { loadConfig } from '../core/config.ts';
import { ArIntelError } from '../core/errors.ts';
import { Warehouse } from '../core/warehouse.ts';
import { formatReport, runBacktest } from './evaluation/backtest.ts';

const { values } = parseArgs({
  options: { db: { type: 'string' }, cutoffs: { type: 'string' }, step: { type: 'string' }, horizon: { type: 'string' }, json: { type: 'string' } },
});
const opts = z
  .object({
    cutoffs: z.coerce.number().int().min(1).max(24).default(4),
    step: z.coerce.number().int().min(7).max(365).default(61),
    horizon: z.coerce.number().int().min(30).max(730).default(150),
  })
  .safeParse(values);
if (!opts.success) {
  console.error(`error: ${opts.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}`);
  process.exit(2);
}
const config = loadConfig(process.env, values.db ? { dbPath: values.db } : {});
const wh = await Warehouse.open(config.dbPath);
try {
  const dataEnd = await latestDataDate(wh);
  const t0 = performance.now();
  const report = await runBacktest(wh, { dataEnd, cutoffs: opts.data.cutoffs, stepDays: opts.data.step, horizonDays: opts.data.horizon, log: (m) => console.log(m) });
  console.log(formatReport(report));
  console.log(`\n(${((performance.now() - t0) / 1000).toFixed(1)} s) command: npm run evaluate:risk -- --db ${config.dbPath} --cutoffs ${opts.data.cutoffs} --step ${opts.data.step} --horizon ${opts.data.horizon}`);
  if (values.json) writeFileSync(values.json, JSON.stringify(report, null, 2));
} catch (err) {
  console.error(err instanceof ArIntelError ? `error: ${err.describe()}` : err);
  process.exitCode = 1;
} finally {
  wh.close();
}
