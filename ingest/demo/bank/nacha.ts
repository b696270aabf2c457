/**
 * Bank-feed ACH payments (method `ach`, USD) as a NACHA file of CTX batches, as the company's bank passes
 * incoming corporate credits on: one batch per payer and effective date (the payer is the batch's
 * originating company: name, and a 10-digit company id derived from its bank account), one 22 (checking
 * credit) entry per payment whose trace number is the bank reference, and the payer's remittance in 05
 * addenda of 80 characters. Batch and file control records carry the counts, entry hash and totals.
 */
import { createHash } from 'node:crypto';
import { chunks, groupBy, remittanceLines, type FeedPayment } from './feed.ts';

/** What an ACH file can carry: USD ACH credits up to the 10-digit amount field. */
export function isAchPayment(p: FeedPayment): boolean {
  return p.method === 'ach' && p.currency === 'USD' && p.cents > 0n && p.cents < 10_000_000_000n;
}

// The demo company's bank (receiving DFI) and the originators' bank (ODFI): invented routing numbers
// with a valid ABA check digit.
const RDFI = '12345678';
const RDFI_CHECK = '0';
const ODFI = '87654321';

const yymmdd = (iso: string) => iso.slice(2, 10).replace(/-/g, '');
const alnum = (s: string) => s.normalize('NFKD').replace(/[^\x20-\x7e]/g, '').toUpperCase();
const left = (s: string, n: number) => alnum(s).slice(0, n).padEnd(n, ' ');
const right = (v: bigint | number | string, n: number) => String(v).padStart(n, '0').slice(-n);

function record(parts: readonly string[]): string {
  const r = parts.join('');
  if (r.length !== 94) throw new RangeError(`NACHA record of ${r.length} characters: ${r}`);
  return r;
}

/** A stable 10-digit company id for a payer's bank account ('1' + 9 digits), standing in for its EIN. */
function companyId(p: FeedPayment): string {
  const h = createHash('sha256').update(p.bankAccount || p.payerName).digest();
  return `1${right(h.readUInt32BE(0) % 1_000_000_000, 9)}`;
}

export function renderNacha(payments: readonly FeedPayment[], opts: { created: string }): string {
  const ach = payments.filter(isAchPayment);
  const lines: string[] = [
    record(['1', '01', ` ${RDFI}${RDFI_CHECK}`, ` ${ODFI}0`, yymmdd(opts.created), '1800', 'A', '094', '10', '1', left('AR-INTEL DEMO BANK', 23), left('ACH ORIGINATORS', 23), left('', 8)]),
  ];
  let batches = 0;
  let entries = 0;
  let hash = 0n;
  let credit = 0n;
  for (const [, items] of groupBy(ach, (p) => `${p.receivedDate}|${companyId(p)}|${p.payerName}`)) {
    const first = items[0] as FeedPayment;
    batches++;
    const id = companyId(first);
    const batchNo = right(batches, 7);
    lines.push(record(['5', '220', left(first.payerName, 16), left('', 20), id, 'CTX', left('PAYMENT', 10), yymmdd(first.receivedDate), yymmdd(first.receivedDate), '   ', '1', ODFI, batchNo]));
    let count = 0;
    let batchHash = 0n;
    let batchCredit = 0n;
    for (const p of items) {
      const addenda = remittanceLines(p).flatMap((l) => chunks(alnum(l), 80));
      const trace = right(p.bankReference.replace(/\D/g, ''), 15);
      lines.push(
        record(['6', '22', RDFI, RDFI_CHECK, left(`ARINTEL-DEMO-USD`, 17), right(p.cents, 10), left(p.reference, 15), right(addenda.length, 4), left('AR-INTEL DEMO CO', 16), '  ', '  ', addenda.length > 0 ? '1' : '0', trace]),
      );
      addenda.forEach((text, i) => lines.push(record(['7', '05', left(text, 80), right(i + 1, 4), trace.slice(-7)])));
      count += 1 + addenda.length;
      batchHash += BigInt(RDFI);
      batchCredit += p.cents;
    }
    lines.push(record(['8', '220', right(count, 6), right(batchHash % 10_000_000_000n, 10), right(0, 12), right(batchCredit, 12), id, left('', 19), left('', 6), ODFI, batchNo]));
    entries += count;
    hash += batchHash;
    credit += batchCredit;
  }
  const recordsSoFar = lines.length + 1;
  const blocks = Math.ceil(recordsSoFar / 10);
  lines.push(record(['9', right(batches, 6), right(blocks, 6), right(entries, 8), right(hash % 10_000_000_000n, 10), right(0, 12), right(credit, 12), left('', 39)]));
  // Files are blocked in tens of records, padded with all-9 records.
  while (lines.length % 10 !== 0) lines.push('9'.repeat(94));
  return `${lines.join('\n')}\n`;
}
