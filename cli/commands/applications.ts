import type { Command } from 'commander';
import { z } from 'zod';
import { ArIntelError } from '../../core/errors.ts';
import { resolveAsOf } from '../../core/as-of.ts';
import { configFrom, parseOptions, withWarehouse } from '../context.ts';
import { writeExport } from '../../scoring/cash-application/export.ts';
import { settleCashApplication } from '../../scoring/cash-application/run.ts';
import { cashApplicationOptions } from '../../scoring/cash-application/stage.ts';

const Options = z.object({
  out: z.string().min(1, 'give the CSV file to write, e.g. --out applications.csv'),
  match: z.boolean().default(false),
  asOf: z.string().optional(),
});

export function registerApplications(program: Command): void {
  program
    .command('applications')
    .description('export every cash application (auto, confirmed, exception, on_account) as CSV for audit')
    .requiredOption('--out <file>', 'CSV file to write')
    .option('--match', 'run cash application first (as the pipeline stage does)', false)
    .option('--as-of <date>', 'as-of date for --match, YYYY-MM-DD (default: latest date in the data)')
    .action(async (raw: unknown, cmd: Command) => {
      const opts = parseOptions(Options, raw);
      const config = configFrom(cmd);
      await withWarehouse(config, async (wh) => {
        if (opts.match) {
          const asOf = await resolveAsOf(wh, opts.asOf);
          const r = await settleCashApplication(wh, asOf, cashApplicationOptions());
          console.log(`cash application as of ${asOf}: ${r.payments} payments, ${r.autoApplied} applied automatically, ${r.exceptions} exceptions`);
        } else if (opts.asOf !== undefined) {
          throw new ArIntelError('VALIDATION', '--as-of only applies together with --match', { field: 'asOf' });
        }
        const n = await writeExport(wh, opts.out);
        console.log(`wrote ${n} rows to ${opts.out}`);
      });
    });
}
