/**
 * `node bin/run-ts.mjs scoring/cash-application/evaluate-bank-files.ts [--customers N] [--seed S]`: cash
 * application on the demo's bank files. Generates the demo set once, then per bank format (camt053, bai2,
 * nacha) writes the bank-feed payments as that file (`emitBankFeed`, which takes them out of payments.csv),
 * loads everything through the normal ingest path into a temporary warehouse, runs cash application at the
 * end date and compares the automatic invoice applications of the bank's payments with
 * `truth/payment_applications.csv`, joined through `truth/bank_payments.csv` (demo payment id ↔ bank
 * reference). Counts are invoice links (a payment settling three invoices is three links).
 * `npm run evaluate:cash-app -- --bank-format F` runs one format through `evaluateBankFiles`.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { Warehouse } from '../../core/warehouse.ts';
import { BANK_FORMATS, emitBankFeed, type BankFormat } from '../../ingest/demo/bank/index.ts';
import { generateDemo } from '../../ingest/demo/index.ts';
import { loadDemo } from '../../ingest/demo/load.ts';
import { readCanonicalCsv } from '../../ingest/profiles/writers/emit.ts';
import { runCashApplication } from './run.ts';

export interface BankFileOptions {
  readonly customers: number;
  readonly seed: number;
  readonly formats?: readonly BankFormat[];
}

/** The results table (markdown) for each bank format, one warehouse per format. */
export async function evaluateBankFiles(options: BankFileOptions): Promise<string> {
  const base = mkdtempSync(join(tmpdir(), 'ar-intel-bank-eval-'));
  try {
    const demoDir = join(base, 'demo');
    const demo = await generateDemo({ customers: options.customers, seed: options.seed, out: demoDir });
    const rows: string[] = ['| format | bank payments | true invoice links | auto-applied correctly | wrong auto applications |', '|---|---:|---:|---:|---:|'];
    for (const format of options.formats ?? BANK_FORMATS) {
      const dir = join(base, format);
      cpSync(demoDir, dir, { recursive: true });
      const bank = emitBankFeed(format, dir, demo.endDate);
      const wh = await Warehouse.open(join(dir, 'warehouse.duckdb'));
      try {
        const files = demo.files.map((p) => join(dir, p.slice(demoDir.length + 1)));
        const load = await loadDemo(wh, { ...demo, dir, files: [...files, bank.path] });
        if (load.problems.length > 0) throw new Error(`${format}: demo files did not load cleanly:\n${load.problems.join('\n')}`);
        await runCashApplication(wh, demo.endDate);
        const demoId = new Map(readCanonicalCsv(join(dir, 'truth', 'bank_payments.csv')).map((r) => [r.bank_reference ?? '', r.payment_id ?? '']));
        const moved = new Set(demoId.values());
        const truth = new Map<string, Set<string>>();
        for (const t of readCanonicalCsv(join(dir, 'truth', 'payment_applications.csv'))) {
          if (!moved.has(t.payment_id ?? '') || !t.invoice_id) continue;
          const set = truth.get(t.payment_id ?? '') ?? new Set<string>();
          set.add(t.invoice_id);
          truth.set(t.payment_id ?? '', set);
        }
        const apps = await wh.all<{ bank_reference: string; invoice_id: string }>(
          `select p.bank_reference, a.invoice_id from payment_applications a join payments p using (payment_id)
           where p.payment_id like 'BNK-%' and a.method = 'auto' and a.invoice_id is not null`,
        );
        const right = apps.filter((a) => truth.get(demoId.get(a.bank_reference) ?? '')?.has(a.invoice_id) ?? false).length;
        const links = [...truth.values()].reduce((s, set) => s + set.size, 0);
        const pct = (n: number, d: number) => (d === 0 ? '–' : `${((100 * n) / d).toFixed(1)} %`);
        rows.push(`| ${format} | ${bank.payments} | ${links} | ${right} (${pct(right, links)}) | ${apps.length - right} (${pct(apps.length - right, apps.length)}) |`);
      } finally {
        wh.close();
      }
    }
    return rows.join('\n');
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

const Args = z.object({
  customers: z.coerce.number().int().min(10).default(200),
  seed: z.coerce.number().int().min(0).default(42),
});

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { customers: { type: 'string' }, seed: { type: 'string' } } });
  const args = Args.parse(values);
  const table = await evaluateBankFiles(args);
  console.log(`node bin/run-ts.mjs scoring/cash-application/evaluate-bank-files.ts --customers ${args.customers} --seed ${args.seed}\n`);
  console.log(table);
}
