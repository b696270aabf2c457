/**
 * `ar-intel demo --bank-format camt053|bai2|nacha`: the demo's bank-feed payments written as a bank file,
 * taken out of payments.csv, loaded through the normal ingest path (format detected from the content) and
 * matched by cash application — checked against the demo's ground truth through the bank reference.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemo } from '../../ingest/demo/index.ts';
import { loadDemo } from '../../ingest/demo/load.ts';
import { BANK_FORMATS, emitBankFeed, type BankFormat } from '../../ingest/demo/bank/index.ts';
import { readBankFeed } from '../../ingest/demo/bank/feed.ts';
import { readCanonicalCsv } from '../../ingest/profiles/writers/emit.ts';
import { runCashApplication } from '../../scoring/cash-application/run.ts';
import { tempWarehouse } from '../helpers/warehouse.ts';

const END = '2026-10-31';
let base: string;
let generated: Awaited<ReturnType<typeof generateDemo>>;

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'ar-intel-bankfeed-'));
  generated = await generateDemo({ customers: 40, seed: 11, months: 5, out: join(base, 'demo'), endDate: END });
}, 120_000);
afterAll(() => rmSync(base, { recursive: true, force: true }));

function copyFor(format: BankFormat, suffix = ''): string {
  const dir = join(base, `${format}${suffix}`);
  cpSync(join(base, 'demo'), dir, { recursive: true });
  return dir;
}

describe.each(BANK_FORMATS)('demo bank feed as %s', (format) => {
  it('moves the bank-feed payments into the bank file, which loads, reconciles and is matched against the truth', async () => {
    const dir = copyFor(format);
    const feed = readBankFeed(join(base, 'demo', 'payments.csv'));
    const carried = format === 'nacha' ? feed.filter((p) => p.method === 'ach' && p.currency === 'USD') : feed;
    expect(carried.length).toBeGreaterThan(format === 'nacha' ? 3 : 20);

    const emitted = emitBankFeed(format, dir, END);
    expect(emitted.payments).toBe(carried.length);
    const left = readCanonicalCsv(join(dir, 'payments.csv'));
    const before = readCanonicalCsv(join(base, 'demo', 'payments.csv'));
    expect(left.length).toBe(before.length - carried.length);
    const moved = new Set(carried.map((p) => p.paymentId));
    expect(left.some((r) => moved.has(r.payment_id ?? ''))).toBe(false);
    const truthMap = readCanonicalCsv(join(dir, 'truth', 'bank_payments.csv'));
    expect(truthMap.map((r) => r.payment_id)).toEqual(carried.map((p) => p.paymentId));

    const t = await tempWarehouse();
    try {
      const files = generated.files.map((f) => join(dir, f.slice(join(base, 'demo').length + 1)));
      const load = await loadDemo(t.wh, { ...generated, dir, files: [...files, emitted.path] });
      expect(load.problems).toEqual([]);
      const bank = load.results.find((r) => r.kind.startsWith('bank:'));
      expect(bank).toMatchObject({ kind: `bank:${format === 'camt053' ? 'camt' : format}`, status: 'loaded', rowsLoaded: carried.length, rowsRejected: 0 });
      // Opening + entries = closing on every statement that has both balances.
      expect(bank!.balanceMismatch === null || Number(bank!.balanceMismatch) === 0).toBe(true);

      // Every carried payment arrives once, with the demo's amount, currency, date and bank reference.
      const loaded = await t.wh.all<{ bank_reference: string; amount: string; currency: string; received_date: string; payer_name: string | null; customer_id: string | null }>(
        `select bank_reference, amount::varchar as amount, currency, received_date::varchar as received_date, payer_name, customer_id from payments where payment_id like 'BNK-%' order by bank_reference`,
      );
      const expected = [...carried].sort((a, b) => (a.bankReference < b.bankReference ? -1 : 1));
      expect(loaded.map((r) => [r.bank_reference, r.amount, r.currency, r.received_date, r.customer_id])).toEqual(
        expected.map((p) => [p.bankReference, `${p.cents / 100n}.${String(p.cents % 100n).padStart(2, '0')}`, p.currency, p.receivedDate, null]),
      );

      // Cash application on the bank's payments, scored against the truth through the bank reference.
      await runCashApplication(t.wh, END);
      const demoId = new Map(carried.map((p) => [p.bankReference, p.paymentId]));
      const truth = new Map<string, Set<string>>();
      for (const r of readCanonicalCsv(join(dir, 'truth', 'payment_applications.csv'))) {
        if (!moved.has(r.payment_id ?? '')) continue;
        const set = truth.get(r.payment_id ?? '') ?? new Set<string>();
        set.add(r.invoice_id ?? '');
        truth.set(r.payment_id ?? '', set);
      }
      const applied = await t.wh.all<{ bank_reference: string; invoice_id: string | null }>(
        `select p.bank_reference, a.invoice_id from payment_applications a join payments p using (payment_id)
         where p.payment_id like 'BNK-%' and a.method = 'auto'`,
      );
      let right = 0;
      let wrong = 0;
      for (const a of applied) {
        const inTruth = truth.get(demoId.get(a.bank_reference) ?? '')?.has(a.invoice_id ?? '') ?? false;
        if (inTruth) right++;
        else wrong++;
      }
      const trueLinks = [...truth.values()].reduce((s, set) => s + set.size, 0);
      // The file → parser → matcher path keeps what the matcher needs: most links found, hardly any wrong.
      expect(right / trueLinks).toBeGreaterThan(0.6);
      expect(wrong / Math.max(1, applied.length)).toBeLessThanOrEqual(0.02);
    } finally {
      t.cleanup();
    }
  }, 180_000);
});

describe('bank file layouts', () => {
  it('camt.053 statements chain their balances; BAI2 carries payer tags; NACHA keeps 94-character records', () => {
    const dir = copyFor('camt053', '-layout');
    const camt = readFileSync(emitBankFeed('camt053', dir, END).path, 'utf8');
    expect(camt).toContain('xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"');
    expect(camt).toMatch(/<EndToEndId>NOTPROVIDED<\/EndToEndId>|<EndToEndId>[^<]+<\/EndToEndId>/);
    const dir2 = copyFor('bai2', '-layout');
    const bai2 = readFileSync(emitBankFeed('bai2', dir2, END).path, 'utf8').split('\n');
    expect(bai2[0]).toMatch(/^01,ARINTELBANK,ARINTELDEMO,261031,1800,/);
    expect(bai2.some((l) => l.startsWith('88,DBNM: '))).toBe(true);
    expect(bai2.filter((l) => l !== '').at(-1)).toMatch(/^99,\d+,\d+,\d+\/$/);
    const dir3 = copyFor('nacha', '-layout');
    const ach = readFileSync(emitBankFeed('nacha', dir3, END).path, 'utf8').split('\n').filter((l) => l !== '');
    expect(ach.every((l) => l.length === 94)).toBe(true);
    expect(ach.length % 10).toBe(0);
    expect(ach.filter((l) => l.startsWith('5')).every((l) => l.slice(50, 53) === 'CTX')).toBe(true);
  });
});
