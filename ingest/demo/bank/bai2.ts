/**
 * Bank-feed payments as a BAI2 file: one group per booking day, one account per currency with opening (010)
 * and closing (015) ledger balances, one 16 detail per payment (type code by payment method, the bank
 * reference, what the payer wrote as text) with 88 continuations naming the payer (DBNM) and its account
 * (DACT), value-dated (funds type V); 49/98/99 trailers carry the control totals and record counts the format requires.
 */
import { groupBy, ownAccount, remittanceLines, type FeedPayment } from './feed.ts';

// 195 incoming money transfer, 165 preauthorized ACH credit, 115 lockbox deposit, 399 miscellaneous credit.
const TYPE: Readonly<Record<string, string>> = { wire: '195', ach: '165', check: '115', card: '399' };

const yymmdd = (iso: string) => iso.slice(2, 10).replace(/-/g, '');
// '/' ends a record and ',' separates fields: neither may appear inside a reference or a name.
const clean = (s: string) => s.replace(/[/,]/g, ' ').replace(/\s+/g, ' ').trim();

/** Lines of at most `width` characters, broken between words (a reference is never cut in two). */
function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') out.push(line);
  return out;
}

export function renderBai2(payments: readonly FeedPayment[], opts: { created: string; fileId: string }): string {
  const lines: string[] = [`01,ARINTELBANK,ARINTELDEMO,${yymmdd(opts.created)},1800,${opts.fileId},,,2/`];
  let fileSum = 0n;
  let fileRecords = 1;
  let groups = 0;
  const running = new Map<string, bigint>();
  for (const [day, ofDay] of groupBy(payments, (p) => p.receivedDate)) {
    const group: string[] = [`02,ARINTELDEMO,ARINTELBANK,1,${yymmdd(day)},,USD,2/`];
    let groupSum = 0n;
    let accounts = 0;
    for (const [currency, items] of groupBy(ofDay, (p) => p.currency)) {
      const opening = running.get(currency) ?? 0n;
      const closing = items.reduce((s, p) => s + p.cents, opening);
      running.set(currency, closing);
      const acct: string[] = [`03,${ownAccount(currency)},${currency},010,${opening},,,015,${closing},,/`];
      let sum = opening + closing;
      for (const p of items) {
        sum += p.cents;
        const [first = '', ...rest] = wrap(clean(remittanceLines(p).join(' ')), 80);
        acct.push(`16,${TYPE[p.method] ?? '399'},${p.cents},V,${yymmdd(p.valueDate)},,${clean(p.bankReference)},,${first}`);
        if (p.payerName) acct.push(`88,DBNM: ${clean(p.payerName)}`);
        if (p.bankAccount) acct.push(`88,DACT: ${clean(p.bankAccount)}`);
        // Long remittance text continues on further 88 records, as banks wrap it.
        for (const more of rest) acct.push(`88,${more}`);
      }
      acct.push(`49,${sum},${acct.length + 1}/`);
      group.push(...acct);
      groupSum += sum;
      accounts++;
    }
    group.push(`98,${groupSum},${accounts},${group.length + 1}/`);
    lines.push(...group);
    fileSum += groupSum;
    fileRecords += group.length;
    groups++;
  }
  lines.push(`99,${fileSum},${groups},${fileRecords + 1}/`);
  return `${lines.join('\n')}\n`;
}
