import type { Command } from 'commander';
import { dirname, join } from 'node:path';
import cliProgress from 'cli-progress';
import { z } from 'zod';
import { ArIntelError } from '../../core/errors.ts';
import { isoDate } from '../../core/as-of.ts';
import { configFrom, withWarehouse } from '../context.ts';
import { DEFAULT_END_DATE, demoOptionsSchema, generateDemo, type DemoOptionsInput, type DemoResult } from '../../ingest/demo/index.ts';
import { loadDemo } from '../../ingest/demo/load.ts';
import { EXPORT_FORMATS } from '../../ingest/profiles/writers/index.ts';
import { emitFormat } from '../../ingest/profiles/writers/emit.ts';
import { BANK_FORMATS, emitBankFeed } from '../../ingest/demo/bank/index.ts';

const intText = () =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform((s) => Number(s));

const optionsSchema = z.object({
  customers: intText().optional(),
  invoices: intText().optional(),
  seed: intText().optional(),
  out: z.string().min(1).optional(),
  endDate: isoDate.optional(),
  months: intText().optional(),
  load: z.boolean().optional(),
  format: z.enum(EXPORT_FORMATS, { error: `--format must be one of ${EXPORT_FORMATS.join(', ')}` }).optional(),
  bankFormat: z.enum(BANK_FORMATS, { error: `--bank-format must be one of ${BANK_FORMATS.join(', ')}` }).optional(),
});

const FLAGS: Readonly<Record<string, string>> = {
  customers: '--customers',
  invoices: '--invoices',
  seed: '--seed',
  out: '--out',
  endDate: '--end-date',
  months: '--months',
  bankFormat: '--bank-format',
};

/** Errors name the flag the user typed, not the internal option name. */
function validate(input: DemoOptionsInput): void {
  const parsed = demoOptionsSchema.safeParse(input);
  if (parsed.success) return;
  const issue = parsed.error.issues[0];
  const key = String(issue?.path[0] ?? '');
  const flag = FLAGS[key] ?? key;
  throw new ArIntelError('VALIDATION', issue?.message ?? 'invalid value', { field: flag });
}

function bar(label: string, unit: string): cliProgress.SingleBar | undefined {
  if (!process.stderr.isTTY) return undefined;
  return new cliProgress.SingleBar(
    { stream: process.stderr, format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit}`, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
}

function summary(demo: DemoResult): string {
  const rows = Object.entries(demo.counts);
  const width = Math.max(...rows.map(([k]) => k.length));
  return [
    `demo set (seed ${demo.options.seed}) ${demo.startDate} … ${demo.endDate} in ${demo.dir}, ${(demo.ms / 1000).toFixed(1)} s`,
    ...rows.map(([k, n]) => `  ${k.padEnd(width)}  ${String(n).padStart(10)}`),
  ].join('\n');
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('generate the deterministic demo dataset as canonical CSVs (plus ground truth in <out>/truth); --load ingests it')
    .option('--customers <n>', 'number of customers (default AR_INTEL_DEMO_CUSTOMERS or 2000)')
    .option('--invoices <n>', 'target number of invoices (default: the order rates of the behavioural model, about 42 per customer over 26 months)')
    .option('--seed <s>', 'random seed; the same seed gives byte-identical files (default AR_INTEL_DEMO_SEED or 42)')
    .option('--out <dir>', 'output directory (default: demo/ beside the warehouse file)')
    .option('--end-date <date>', `last business date of the history, YYYY-MM-DD (default ${DEFAULT_END_DATE})`)
    .option('--months <m>', 'months of history ending at the end date (default 26)')
    .option('--load', 'load the generated files into the warehouse through the normal ingest path')
    .option('--format <system>', `also write the data in an ERP/CRM export layout to <out>/<system>/: ${EXPORT_FORMATS.join(', ')}`)
    .option(
      '--bank-format <format>',
      `write the bank-feed payments (those without a customer) as a bank file in <out>/bank/ instead of payments.csv: ${BANK_FORMATS.join(', ')} (nacha: the USD ACH ones); --load loads it`,
    )
    .action(async (rawOpts: unknown, cmd: Command) => {
      const parsed = optionsSchema.safeParse(rawOpts);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const key = String(issue?.path[0] ?? 'options');
        const flag = FLAGS[key] ?? key;
        throw new ArIntelError('VALIDATION', issue?.message ?? 'invalid option', { field: flag });
      }
      const opts = parsed.data;
      const config = configFrom(cmd);
      const input: DemoOptionsInput = {
        customers: opts.customers ?? (config.demoCustomers > 0 ? config.demoCustomers : 2000),
        invoices: opts.invoices,
        seed: opts.seed ?? config.demoSeed,
        out: opts.out ?? join(dirname(config.dbPath), 'demo'),
        endDate: opts.endDate,
        months: opts.months,
      };
      validate(input);
      const progress = bar('generate', 'months');
      let started = false;
      let demo: DemoResult;
      try {
        demo = await generateDemo(input, {
          onProgress: (done, total) => {
            if (!started) progress?.start(total, 0);
            started = true;
            progress?.update(done);
          },
        });
      } finally {
        progress?.stop();
      }
      console.log(summary(demo));
      if (opts.format) {
        const written = emitFormat(opts.format, demo.files, join(demo.dir, opts.format));
        console.log(`${opts.format} layout: ${written.join(', ')} (ingest them with \`ar-intel ingest\`; the profile is detected)`);
      }
      if (opts.bankFormat) {
        const bank = emitBankFeed(opts.bankFormat, demo.dir, demo.endDate);
        demo = { ...demo, files: [...demo.files, bank.path] };
        console.log(`${opts.bankFormat}: ${bank.payments} bank-feed payments moved from payments.csv to ${bank.path} (truth/bank_payments.csv maps them)`);
      }
      if (!opts.load) return;
      await withWarehouse(config, async (wh) => {
        const existing = await wh.one<{ n: string }>('select count(*)::bigint as n from invoices');
        if (Number(existing?.n ?? 0) > 0) {
          console.log(`note: ${config.dbPath} already holds ${existing?.n} invoices; demo rows are merged by their ids`);
        }
        const loadBar = bar('load', 'MB');
        const mb = (b: number) => Math.round(b / 1024 / 1024);
        let loadStarted = false;
        try {
          const load = await loadDemo(wh, demo, {
            onProgress: (done, total) => {
              if (!loadStarted) loadBar?.start(mb(total), 0);
              loadStarted = true;
              loadBar?.update(mb(done));
            },
          });
          loadBar?.stop();
          for (const r of load.results) {
            console.log(`  loaded ${r.file.padEnd(18)} ${r.status.padEnd(9)} ${String(r.rowsLoaded).padStart(9)} rows, ${r.rowsRejected} rejected`);
          }
          console.log(`loaded into ${config.dbPath} in ${(load.ms / 1000).toFixed(1)} s`);
          if (load.problems.length > 0) {
            console.error(`demo files did not load cleanly:\n  ${load.problems.join('\n  ')}`);
            process.exitCode = 1;
          }
        } finally {
          loadBar?.stop();
        }
      });
    });
}
