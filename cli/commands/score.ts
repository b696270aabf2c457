import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { z } from 'zod';
import { isoDate, resolveAsOf } from '../../core/as-of.ts';
import { configFrom, parseOptions, withWarehouse } from '../context.ts';
import { scoresToCsv } from '../../scoring/export-csv.ts';
import { scoreAsOfAndStore } from '../../scoring/stage.ts';

const Options = z.object({ asOf: isoDate.optional(), out: z.string().min(1), store: z.boolean().default(true) });

export function registerScore(program: Command): void {
  program
    .command('score')
    .description('score every invoice open at the as-of date (pLate, pLate30, days to pay) and write them to a CSV')
    .option('--as-of <date>', 'as-of date YYYY-MM-DD (default: latest date in the data)')
    .requiredOption('--out <file>', 'CSV file to write')
    .option('--no-store', 'do not save the scores in the warehouse (invoice_scores, customer_scores)')
    .action(async (raw: unknown, cmd: Command) => {
      const opts = parseOptions(Options, raw);
      const config = configFrom(cmd);
      await withWarehouse(config, async (wh) => {
        const asOf = await resolveAsOf(wh, opts.asOf);
        const t0 = performance.now();
        const { result } = await scoreAsOfAndStore(wh, asOf, { store: opts.store });
        writeFileSync(opts.out, scoresToCsv(result.scores));
        console.log(
          `scored ${result.scores.length} open invoices as of ${asOf} in ${((performance.now() - t0) / 1000).toFixed(1)} s ` +
            `(pLate: ${result.bundle.late.algorithm}, pLate30: ${result.bundle.late30.algorithm}) → ${opts.out}`,
        );
      });
    });
}
