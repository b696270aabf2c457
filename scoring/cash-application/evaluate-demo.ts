/**
 * `npm run evaluate:cash-app [-- --customers N --seed S --dir DEMO_DIR]`: generates the demo data
 * set (or reuses DEMO_DIR), loads it into a temporary warehouse through the normal ingest path,
 * runs cash application at the latest data date and scores every automatic application against
 * `truth/payment_applications.csv`. Prints the table with the command that produced it.
 * `--bank-format camt053|bai2|nacha` instead scores the bank-feed payments written as that bank file
 * (file → parser → matcher; evaluate-bank-files.ts).
 */
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { latestDataDate } from '../../core/as-of.ts';
import { parseMoney } from '../../core/money.ts';
import { Warehouse } from '../../core/warehouse.ts';
import { BANK_FORMATS } from '../../ingest/demo/bank/index.ts';
import { generateDemo } from '../../ingest/demo/index.ts';
import { ingestFiles } from '../../ingest/index.ts';
import { LOAD_ORDER } from '../../ingest/demo/index.ts';
import { evaluateMatching, metricsTable, type PaymentFacts, type TargetRow } from './evaluate.ts';
import { evaluateBankFiles } from './evaluate-bank-files.ts';
import { PENDING_PAYMENTS_SQL } from './queries.ts';
import { runCashApplication } from './run.ts';
import { cashApplicationOptions } from './stage.ts';

const Args = z.object({
  customers: z.coerce.number().int().min(10).default(1000),
  seed: z.coerce.number().int().min(0).default(42),
  dir: z.string().optional(),
  keep: z.boolean().default(false),
  bankFormat: z.enum(BANK_FORMATS).optional(),
});

/** Minimal RFC 4180 reader for the truth file (no embedded line breaks there). */
function readCsv(file: string): Record<string, string>[] {
  const lines = readFileSync(file, 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l !== '');
  const split = (line: string): string[] => {
    const out: string[] = [];
    let cur = '';
    let q = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (q) {
        if (ch === '"' && line[i + 1] === '"') {
          cur += '"';
          i++;
        } else if (ch === '"') q = false;
        else cur += ch;
      } else if (ch === '"') q = true;
      else if (ch === ',') {
        out.push(cur);
        cur = '';
      } else cur += ch;
    }
    out.push(cur);
    return out;
  };
  const [head, ...rest] = lines;
  const cols = split(head ?? '');
  return rest.map((l, n) => {
    const cells = split(l);
    if (cells.length !== cols.length) throw new Error(`${file} line ${n + 2}: ${cells.length} fields, expected ${cols.length}`);
    return Object.fromEntries(cols.map((c, i) => [c, cells[i] ?? '']));
  });
}

function cents(text: string, where: string): bigint {
  const c = parseMoney(text);
  if (c === undefined) throw new Error(`${where}: not an amount: "${text}"`);
  return c;
}

const { values } = parseArgs({
  options: { customers: { type: 'string' }, seed: { type: 'string' }, dir: { type: 'string' }, keep: { type: 'boolean' }, 'bank-format': { type: 'string' } },
});
const args = Args.parse({ ...values, bankFormat: values['bank-format'] });
if (args.bankFormat) {
  // The bank file is written from a freshly generated demo set (it moves the bank-feed payments out of payments.csv).
  if (args.dir) throw new Error('--bank-format generates its own demo set; it cannot be combined with --dir');
  const table = await evaluateBankFiles({ customers: args.customers, seed: args.seed, formats: [args.bankFormat] });
  console.log(`$ npm run evaluate:cash-app -- --bank-format ${args.bankFormat} --customers ${args.customers} --seed ${args.seed}\n`);
  console.log(table);
  process.exit(0);
}
const work = mkdtempSync(join(tmpdir(), 'ar-intel-cash-app-'));
const t0 = performance.now();
let dir = args.dir;
if (!dir) {
  dir = join(work, 'demo');
  await generateDemo({ customers: args.customers, seed: args.seed, out: dir });
}
const truthFile = join(dir, 'truth', 'payment_applications.csv');
if (!existsSync(truthFile)) throw new Error(`${truthFile} not found: the directory must hold a demo data set with its truth/`);
const wh = await Warehouse.open(join(work, 'eval.duckdb'));
try {
  const files = LOAD_ORDER.map((k) => join(dir, `${k}.csv`)).filter((f) => existsSync(f));
  const loaded = await ingestFiles(wh, files);
  const failed = loaded.filter((r) => r.status === 'failed');
  if (failed.length > 0) throw new Error(`ingest failed: ${failed.map((f) => `${f.file}: ${f.message}`).join('; ')}`);
  const t1 = performance.now();
  const asOf = await latestDataDate(wh);
  const before = await wh.all<{ payment_id: string; amount_cents: string; remittance_text: string | null; reference: string | null }>(PENDING_PAYMENTS_SQL, [asOf]);
  const result = await runCashApplication(wh, asOf, cashApplicationOptions());
  const t2 = performance.now();
  const after = new Map((await wh.all<{ payment_id: string; remaining_cents: string }>(PENDING_PAYMENTS_SQL, [asOf])).map((r) => [r.payment_id, BigInt(r.remaining_cents)]));
  const parked = new Map(
    (await wh.all<{ payment_id: string; c: string }>(`select payment_id, (sum(amount) * 100)::bigint::varchar as c from cash_app_on_account group by 1`)).map((r) => [r.payment_id, BigInt(r.c)]),
  );
  const scope = new Set(before.map((b) => b.payment_id));
  const payments: PaymentFacts[] = before.map((b) => ({
    paymentId: b.payment_id,
    text: [b.remittance_text, b.reference].filter(Boolean).join(' '),
    cents: BigInt(b.amount_cents),
    unappliedCents: after.get(b.payment_id) ?? 0n,
    onAccountCents: parked.get(b.payment_id) ?? 0n,
  }));
  const auto: TargetRow[] = (
    await wh.all<{ payment_id: string; invoice_id: string | null; credit_note_id: string | null; amount: string }>(
      `select payment_id, invoice_id, credit_note_id, amount::varchar as amount from payment_applications where method = 'auto'`,
    )
  ).map((r) => ({ paymentId: r.payment_id, invoiceId: r.invoice_id, creditNoteId: r.credit_note_id, cents: cents(r.amount, 'payment_applications') }));
  const imported: TargetRow[] = (
    await wh.all<{ payment_id: string; invoice_id: string | null; credit_note_id: string | null; amount: string }>(
      `select payment_id, invoice_id, credit_note_id, amount::varchar as amount from payment_applications where method = 'imported'`,
    )
  )
    .filter((r) => scope.has(r.payment_id))
    .map((r) => ({ paymentId: r.payment_id, invoiceId: r.invoice_id, creditNoteId: r.credit_note_id, cents: cents(r.amount, 'payment_applications') }));
  const truth: TargetRow[] = readCsv(truthFile)
    .filter((r) => scope.has(r.payment_id ?? ''))
    .map((r, i) => ({
      paymentId: r.payment_id ?? '',
      invoiceId: r.invoice_id || null,
      creditNoteId: r.credit_note_id || null,
      cents: cents(r.amount ?? '', `${truthFile} row ${i + 2}`),
    }));
  const metrics = evaluateMatching(truth, auto, payments, imported);
  const command = `npm run evaluate:cash-app -- ${args.dir ? `--dir ${args.dir}` : `--customers ${args.customers} --seed ${args.seed}`}`;
  console.log(`$ ${command}`);
  console.log(
    `demo ${args.dir ?? `${args.customers} customers, seed ${args.seed}`}; as of ${asOf}; ${result.payments} payments with unapplied cash ` +
      `(auto ${result.autoApplied}, exceptions ${result.exceptions}); threshold ${cashApplicationOptions().autoThreshold}`,
  );
  console.log(metricsTable(metrics));
  console.log(
    `load ${((t1 - t0) / 1000).toFixed(1)} s, cash application ${((t2 - t1) / 1000).toFixed(1)} s ` +
      `(read ${(result.ms.load / 1000).toFixed(1)} s, match ${(result.ms.match / 1000).toFixed(1)} s, write ${(result.ms.write / 1000).toFixed(1)} s)`,
  );
} finally {
  wh.close();
  if (!args.keep) rmSync(work, { recursive: true, force: true });
  else console.log(`kept ${work}`);
}
