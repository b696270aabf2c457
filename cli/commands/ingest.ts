import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { z } from 'zod';
import { ArIntelError } from '../../core/errors.ts';
import { configFrom, withWarehouse } from '../context.ts';
import { ingestFiles, kindNames, type IngestResult } from '../../ingest/index.ts';
import { listRejectedRows } from '../../api/repositories/load-runs.ts';

const REJECTS_SHOWN = 5;
/** Below this much input a bar would only flicker. */
const PROGRESS_MIN_BYTES = 5 * 1024 * 1024;

const optionsSchema = z.object({
  kind: z
    .string()
    .refine((k) => kindNames().includes(k), { message: `--kind must be one of ${kindNames().join(', ')}` })
    .optional(),
  profile: z.string().min(1, '--profile needs a profile name or a mapping .json/.yaml path').optional(),
});

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function summary(results: readonly IngestResult[]): string {
  const head = ['file', 'kind', 'status', 'loaded', 'updated', 'rejected', 'duplicate', 'message'];
  return table([
    head,
    ...results.map((r) => [
      r.file,
      r.kind,
      r.status,
      String(r.rowsLoaded),
      String(r.rowsUpdated),
      String(r.rowsRejected),
      String(r.rowsDuplicate),
      truncate(r.message ?? '', 90),
    ]),
  ]);
}

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description(
      'load canonical CSV exports (one kind per file, detected from the header) into the warehouse; ' +
        'files are loaded in dependency order whatever order they are given in',
    )
    .argument('<files...>', 'CSV files to load')
    .option('--kind <kind>', `kind of the file(s) instead of detecting it: ${kindNames().join(', ')}`)
    .option('--profile <name|mapping.json|mapping.yaml>', 'convert ERP/CRM exports with this profile (see `ar-intel profiles`); detected from the headers when omitted')
    .action(async (files: string[], rawOpts: unknown, cmd: Command) => {
      const parsed = optionsSchema.safeParse(rawOpts);
      if (!parsed.success) {
        throw new ArIntelError('VALIDATION', parsed.error.issues.map((i) => i.message).join('; '), { field: 'kind' });
      }
      for (const f of files) {
        if (!existsSync(f)) throw new ArIntelError('VALIDATION', 'no such file', { file: f });
        if (!statSync(f).isFile()) throw new ArIntelError('VALIDATION', 'not a file (give the CSV files, e.g. dir/*.csv)', { file: f });
      }
      const config = configFrom(cmd);
      await withWarehouse(config, async (wh) => {
        const totalBytes = files.reduce((s, f) => s + statSync(f).size, 0);
        const bar =
          process.stderr.isTTY && totalBytes >= PROGRESS_MIN_BYTES
            ? new cliProgress.SingleBar(
                { stream: process.stderr, format: 'ingest [{bar}] {percentage}% | {value}/{total} MB', clearOnComplete: true },
                cliProgress.Presets.shades_classic,
              )
            : undefined;
        const mb = (b: number) => Math.round(b / 1024 / 1024);
        bar?.start(mb(totalBytes), 0);
        let results: IngestResult[];
        try {
          results = await ingestFiles(wh, files, {
            kind: parsed.data.kind,
            profile: parsed.data.profile,
            onProgress: (done) => bar?.update(mb(done)),
          });
        } finally {
          bar?.stop();
        }
        console.log(summary(results));
        for (const r of results.filter((x) => x.status === 'partial' || x.status === 'failed')) {
          const rejected = await listRejectedRows(wh, Number(r.loadRunId), REJECTS_SHOWN);
          const title =
            r.status === 'failed'
              ? `\n${r.file}: FAILED, nothing loaded — ${r.message ?? 'unknown reason'}`
              : `\n${r.file}: ${r.rowsRejected} row(s) rejected (first ${Math.min(REJECTS_SHOWN, rejected.length)} shown; all in load run ${r.loadRunId}):`;
          console.log(title);
          if (r.status === 'partial') {
            for (const x of rejected) {
              const where = x.line !== null ? ` line ${x.line}` : '';
              const field = x.field && !x.reason.startsWith(x.field) ? ` (field ${x.field})` : '';
              console.log(`  ${r.file}${where}: ${x.reason}${field}`);
            }
          }
        }
        const failed = results.filter((r) => r.status === 'failed').length;
        const partial = results.filter((r) => r.status === 'partial').length;
        if (failed > 0) {
          console.error(`\n${failed} file(s) failed and loaded nothing; fix them and ingest again.`);
          process.exitCode = 1;
        } else if (partial > 0) {
          console.log(`\n${partial} file(s) loaded partially: the rows above were rejected, every other row loaded.`);
        }
      });
    });
}
