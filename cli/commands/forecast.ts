import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { z } from 'zod';
import { isoDate, resolveAsOf } from '../../core/as-of.ts';
import { configFrom, parseOptions, withWarehouse } from '../context.ts';
import { forecastCash } from '../../scoring/forecast/forecast.ts';
import { forecastToCsv } from '../../scoring/forecast/csv.ts';
import { storeForecast } from '../../scoring/forecast/store.ts';

const Options = z.object({
  asOf: isoDate.optional(),
  weeks: z.coerce.number().int().min(1).max(52).default(13),
  out: z.string().min(1),
  currency: z.string().regex(/^[A-Z]{3}$/, 'expected a 3-letter ISO currency code such as USD').optional(),
  store: z.boolean().default(true),
});

export function registerForecast(program: Command): void {
  program
    .command('forecast')
    .description('13-week cash receipts forecast (mean, P10/P50/P90, open AR / orders / new business) to a CSV')
    .option('--as-of <date>', 'as-of date YYYY-MM-DD (default: latest date in the data)')
    .option('--weeks <n>', 'number of weeks', '13')
    .option('--currency <code>', 'only items in this currency, reported in it (default: everything in the base currency)')
    .requiredOption('--out <file>', 'CSV file to write')
    .option('--no-store', 'do not save the forecast in the warehouse')
    .action(async (raw: unknown, cmd: Command) => {
      const opts = parseOptions(Options, raw);
      const config = configFrom(cmd);
      await withWarehouse(config, async (wh) => {
        const asOf = await resolveAsOf(wh, opts.asOf);
        const t0 = performance.now();
        const currency = opts.currency && opts.currency !== config.baseCurrency ? opts.currency : null;
        const f = await forecastCash(wh, { asOf, weeks: opts.weeks, baseCurrency: config.baseCurrency, currency });
        if (opts.store) await storeForecast(wh, `cli:${asOf}`, f, Date.now());
        writeFileSync(opts.out, forecastToCsv(f.weeks));
        console.log(`forecast of ${f.weeks.length} weeks as of ${asOf} in ${f.currency} (${f.notes.join('; ')}) in ${((performance.now() - t0) / 1000).toFixed(1)} s → ${opts.out}`);
      });
    });
}
