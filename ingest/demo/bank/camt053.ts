/**
 * Bank-feed payments as an ISO 20022 camt.053.001.08 bank-to-customer statement: one statement per currency
 * account and booking day, opening balance carried from the previous day, each payment an entry with its
 * bank reference (AcctSvcrRef), the payer's reference as EndToEndId, the debtor's name and account, and what
 * the payer wrote as unstructured remittance (missing or mistyped exactly as the demo's payers wrote it).
 */
import { formatMoney } from '../../../core/money.ts';
import { chunks, groupBy, ownAccount, remittanceLines, type FeedPayment } from './feed.ts';

const NS = 'urn:iso:std:iso:20022:tech:xsd:camt.053.001.08';

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const IBAN = /^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/;

function account(id: string): string {
  return IBAN.test(id) ? `<Id><IBAN>${id}</IBAN></Id>` : `<Id><Othr><Id>${esc(id.slice(0, 34))}</Id></Othr></Id>`;
}

function balance(code: 'OPBD' | 'CLBD', cents: bigint, currency: string, date: string): string {
  const ind = cents < 0n ? 'DBIT' : 'CRDT';
  const abs = cents < 0n ? -cents : cents;
  return `<Bal><Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp><Amt Ccy="${currency}">${formatMoney(abs)}</Amt><CdtDbtInd>${ind}</CdtDbtInd><Dt><Dt>${date}</Dt></Dt></Bal>`;
}

const FAMILY: Readonly<Record<string, string>> = { ach: 'RCDT', wire: 'RCDT', check: 'RCHQ', card: 'RCCN' };

function entry(p: FeedPayment, n: number): string {
  const amount = `<Amt Ccy="${p.currency}">${formatMoney(p.cents)}</Amt>`;
  const e2e = p.reference.trim() === '' ? 'NOTPROVIDED' : p.reference.trim().slice(0, 35);
  const ustrd = remittanceLines(p)
    .flatMap((l) => chunks(l, 140))
    .map((l) => `<Ustrd>${esc(l)}</Ustrd>`)
    .join('');
  return [
    `<Ntry><NtryRef>${n}</NtryRef>${amount}<CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>`,
    `<BookgDt><Dt>${p.receivedDate}</Dt></BookgDt><ValDt><Dt>${p.valueDate}</Dt></ValDt><AcctSvcrRef>${esc(p.bankReference)}</AcctSvcrRef>`,
    `<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>${FAMILY[p.method] ?? 'RCDT'}</Cd><SubFmlyCd>OTHR</SubFmlyCd></Fmly></Domn></BkTxCd>`,
    `<NtryDtls><TxDtls><Refs><AcctSvcrRef>${esc(p.bankReference)}</AcctSvcrRef><EndToEndId>${esc(e2e)}</EndToEndId></Refs>${amount}<CdtDbtInd>CRDT</CdtDbtInd>`,
    `<RltdPties><Dbtr><Pty><Nm>${esc(p.payerName.slice(0, 140))}</Nm></Pty></Dbtr>${p.bankAccount ? `<DbtrAcct>${account(p.bankAccount)}</DbtrAcct>` : ''}</RltdPties>`,
    ustrd === '' ? '' : `<RmtInf>${ustrd}</RmtInf>`,
    `</TxDtls></NtryDtls></Ntry>`,
  ].join('\n');
}

export function renderCamt053(payments: readonly FeedPayment[], opts: { created: string; messageId: string }): string {
  const out = [`<?xml version="1.0" encoding="UTF-8"?>`, `<Document xmlns="${NS}"><BkToCstmrStmt>`];
  out.push(`<GrpHdr><MsgId>${esc(opts.messageId)}</MsgId><CreDtTm>${opts.created}T18:00:00</CreDtTm></GrpHdr>`);
  let seq = 0;
  for (const [currency, ofCurrency] of groupBy(payments, (p) => p.currency)) {
    let running = 0n;
    for (const [day, ofDay] of groupBy(ofCurrency, (p) => p.receivedDate)) {
      seq++;
      const opening = running;
      for (const p of ofDay) running += p.cents;
      out.push(
        `<Stmt><Id>${currency}-${day}</Id><ElctrncSeqNb>${seq}</ElctrncSeqNb><CreDtTm>${day}T23:00:00</CreDtTm>`,
        `<FrToDt><FrDtTm>${day}T00:00:00</FrDtTm><ToDtTm>${day}T23:59:59</ToDtTm></FrToDt>`,
        `<Acct>${account(ownAccount(currency))}<Ccy>${currency}</Ccy></Acct>`,
        balance('OPBD', opening, currency, day),
        balance('CLBD', running, currency, day),
        ...ofDay.map((p, i) => entry(p, i + 1)),
        `</Stmt>`,
      );
    }
  }
  out.push(`</BkToCstmrStmt></Document>`, '');
  return out.join('\n');
}
