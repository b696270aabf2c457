import type { Command } from 'commander';
import { z } from 'zod';
import { isoDate, resolveAsOf } from '../../core/as-of.ts';
import { arSummary, type ArSummary } from '../../models/metrics.ts';
import { configFrom, parseOptions, withWarehouse } from '../context.ts';

const Options = z.object({
  asOf: isoDate.optional(),
  json: z.boolean().default(false),
  months: z.coerce.number().int().min(1).max(24).default(3),
  ceiMonths: z.coerce.number().int().min(1).max(24).optional(),
});

/** Plain-text summary: figures right-aligned so columns read at a glance. */
export function formatSummary(s: ArSummary): string {
  const days = (x: number | null) => (x === null ? 'n/a' : x.toFixed(1));
  const pct = (x: number | null) => (x === null ? 'n/a' : `${x.toFixed(1)} %`);
  const width = Math.max(...s.buckets.map((b) => b.amount.length), s.totalAr.length) + 2;
  const line = (label: string, value: string) => `  ${label.padEnd(26)}${value.padStart(width)}`;
  return [
    `AR summary as of ${s.asOf} (${s.currency}; DSO/CEI period ${s.periodStart}..${s.asOf}, ${s.periodDays} days)`,
    line('total AR (receivables base)', s.totalAr),
    line('  open invoices', s.invoiceAr),
    line('  unapplied credits', s.unappliedCredits),
    line('  unapplied cash', s.unappliedCash),
    line('current', s.currentAr),
    line('overdue', s.overdueAr),
    line('disputed (open)', s.disputedAr),
    'aging (days past due):',
    ...s.buckets.map((b) => `${line(`  ${b.label}`, b.amount)}  (${b.count})`),
    `DSO simple ${days(s.dso.simple)} | countback ${days(s.dso.countback)}${s.countbackExhausted ? '' : ' (history exhausted)'} | average ${days(s.dso.average)} | true ${days(s.dso.true)} | best possible ${days(s.dso.bestPossible)} | ADD ${days(s.dso.add)}`,
    `CEI ${pct(s.cei)} (N = ${s.ceiMonths}) | current ${pct(s.percentCurrent)} | over 90 days past due ${pct(s.percentOver90)}`,
  ].join('\n');
}

export function registerMetrics(program: Command): void {
  program
    .command('metrics')
    .description('print the AR summary (open AR, aging, DSO family, CEI) as of a date')
    .option('--as-of <date>', 'as-of date YYYY-MM-DD (default: latest date in the data)')
    .option('--months <n>', 'DSO/CEI period in calendar months ending at the as-of date', '3')
    .option('--cei-months <n>', 'N dividing credit sales in CEI (default: --months; 1 = annual form)')
    .option('--json', 'print the summary as JSON (the API shape)')
    .action(async (raw: unknown, cmd: Command) => {
      const opts = parseOptions(Options, raw);
      const config = configFrom(cmd);
      await withWarehouse(config, async (wh) => {
        const asOf = await resolveAsOf(wh, opts.asOf);
        const summary = await arSummary(wh, {
          asOf,
          baseCurrency: config.baseCurrency,
          months: opts.months,
          ...(opts.ceiMonths !== undefined ? { ceiMonths: opts.ceiMonths } : {}),
        });
        console.log(opts.json ? JSON.stringify(summary, null, 2) : formatSummary(summary));
      });
    });
}
