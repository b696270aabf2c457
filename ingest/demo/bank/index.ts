/**
 * `ar-intel demo --bank-format camt053|bai2|nacha`: the bank-feed payments (those without a customer in
 * payments.csv) written as a bank file instead, so file → parser → cash application runs on demo data.
 * Each payment the bank file carries is taken OUT of payments.csv (otherwise it would be loaded twice, once
 * as PAY-… and once as the bank's BNK-…), and `truth/bank_payments.csv` maps the demo payment id to the
 * bank reference the loaded payment keeps, so the ground truth still applies. A NACHA file carries only
 * the USD ACH payments; the others stay in payments.csv.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderBai2 } from './bai2.ts';
import { renderCamt053 } from './camt053.ts';
import { readBankFeed, type FeedPayment } from './feed.ts';
import { isAchPayment, renderNacha } from './nacha.ts';

export const BANK_FORMATS = ['camt053', 'bai2', 'nacha'] as const;
export type BankFormat = (typeof BANK_FORMATS)[number];

const FILE_NAME: Readonly<Record<BankFormat, string>> = { camt053: 'statement.camt053.xml', bai2: 'statement.bai2', nacha: 'ach-ctx.ach' };

export interface BankFeedResult {
  /** The bank file written (under `<demo dir>/bank/`). */
  readonly path: string;
  /** Payments moved from payments.csv into the bank file. */
  readonly payments: number;
}

function render(format: BankFormat, feed: readonly FeedPayment[], created: string): string {
  switch (format) {
    case 'camt053':
      return renderCamt053(feed, { created, messageId: `ARINTEL-DEMO-${created}` });
    case 'bai2':
      return renderBai2(feed, { created, fileId: created.replace(/-/g, '') });
    case 'nacha':
      return renderNacha(feed, { created });
  }
}

/** Writes the bank file for a generated demo set in `dir` and takes its payments out of payments.csv. */
export function emitBankFeed(format: BankFormat, dir: string, endDate: string): BankFeedResult {
  const paymentsCsv = join(dir, 'payments.csv');
  const feed = readBankFeed(paymentsCsv).filter((p) => format !== 'nacha' || isAchPayment(p));
  mkdirSync(join(dir, 'bank'), { recursive: true });
  const path = join(dir, 'bank', FILE_NAME[format]);
  writeFileSync(path, render(format, feed, endDate));
  const moved = new Set(feed.map((p) => p.paymentId));
  // Rows are kept byte for byte; the payment id is the first field and never quoted.
  const text = readFileSync(paymentsCsv, 'utf8');
  const kept = text.split('\n').filter((line, i) => i === 0 || !moved.has(line.slice(0, line.indexOf(','))));
  writeFileSync(paymentsCsv, kept.join('\n'));
  const truth = ['payment_id,bank_reference,format', ...feed.map((p) => `${p.paymentId},${p.bankReference},${format}`)];
  mkdirSync(join(dir, 'truth'), { recursive: true });
  writeFileSync(join(dir, 'truth', 'bank_payments.csv'), `${truth.join('\n')}\n`);
  return { path, payments: feed.length };
}
