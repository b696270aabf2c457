/**
 * Statement entries → canonical `payments` rows. Only money received from someone is a payment:
 * - a credit that is neither a reversal nor a returned item → one payment (a camt batch whose TxDtls
 *   carry amounts adding up to the entry becomes one payment per TxDtls, each with its own payer);
 * - a debit that reverses or returns an earlier receipt (camt RvslInd on a debit, MT940 RC, BAI2 555/557,
 *   ACH return of a debit) → a NEGATIVE payment with method 'return', so cash received nets out;
 * - everything else is skipped and counted: plain debits (fees, outgoing payments), credits that bring
 *   back our own outgoing payments (returned transfers, RD), pending/information-only entries.
 * payment_id is derived from the account and the bank's identity of the booking, so loading the same
 * booking again (a re-sent statement, camt.052 then camt.053) finds the same id.
 */
import { createHash } from 'node:crypto';
import { formatMoney } from '../../core/money.ts';
import { units, unitsToCents } from './decimal.ts';
import type { BankEntry, BankFile, BankStatement, BankTransaction } from './model.ts';
import type { RejectedRow } from '../load-run.ts';

export interface BankPaymentRow {
  readonly paymentId: string;
  readonly payerName: string | null;
  readonly receivedDate: string;
  readonly valueDate: string | null;
  /** Decimal string with two places; negative for returns. */
  readonly amount: string;
  readonly currency: string;
  readonly method: 'bank_transfer' | 'ach' | 'return';
  readonly reference: string | null;
  readonly remittanceText: string | null;
  readonly bankAccount: string | null;
  readonly bankReference: string | null;
  readonly source: string;
  readonly sourceLine: number | null;
}

export interface SkipCounts {
  debits: number;
  returnedOutgoing: number;
  notBooked: number;
}

export interface Conversion {
  readonly rows: BankPaymentRow[];
  readonly rejected: RejectedRow[];
  readonly skipped: SkipCounts;
  readonly receipts: number;
  readonly returns: number;
  readonly entriesRead: number;
}

type Kind = 'receipt' | 'return' | 'skip-debit' | 'skip-returned-outgoing' | 'skip-not-booked';

export function classifyEntry(e: BankEntry): Kind {
  if (e.status !== null && e.status !== 'BOOK') return 'skip-not-booked';
  const undoes = e.reversal || e.returned;
  if (e.direction === 'credit') return undoes ? 'skip-returned-outgoing' : 'receipt';
  return undoes ? 'return' : 'skip-debit';
}

function hashId(parts: readonly (string | null)[]): string {
  return `BNK-${createHash('sha256').update(parts.map((p) => p ?? '').join('\u001f')).digest('hex').slice(0, 24)}`;
}

interface Draft {
  identity: (string | null)[];
  row: Omit<BankPaymentRow, 'paymentId'>;
}

function where(file: string, e: BankEntry): string {
  return e.line !== null ? `line ${e.line}` : (e.element ?? file);
}

function joinText(lines: readonly string[]): string | null {
  const t = lines.map((l) => l.trim()).filter((l) => l !== '').join(' | ');
  return t === '' ? null : t;
}

/** Itemised parts of a batch credit, when the bank gave amounts that add up to the entry. */
function itemised(e: BankEntry): BankTransaction[] | null {
  if (e.transactions.length < 2) return null;
  let sum = 0n;
  for (const t of e.transactions) {
    if (t.amount === null || (t.direction !== null && t.direction !== e.direction)) return null;
    sum += units(t.amount);
  }
  return sum === units(e.amount) ? [...e.transactions] : null;
}

export function toPayments(file: BankFile, fileName: string): Conversion {
  const drafts: Draft[] = [];
  const rejected: RejectedRow[] = [];
  const skipped: SkipCounts = { debits: 0, returnedOutgoing: 0, notBooked: 0 };
  let receipts = 0;
  let returns = 0;
  let entriesRead = 0;
  const method = file.format === 'nacha' ? 'ach' : 'bank_transfer';

  const push = (s: BankStatement, e: BankEntry, part: BankTransaction | null, partIndex: number | null, sign: 1n | -1n) => {
    const amountText = part?.amount ?? e.amount;
    const cents = unitsToCents(units(amountText));
    const currency = part?.currency ?? e.currency ?? s.currency;
    const received = e.bookingDate ?? e.valueDate ?? s.toDate;
    const line = e.line;
    if (cents === undefined) {
      rejected.push({ line, field: 'amount', value: amountText, reason: `${where(fileName, e)}: amount ${amountText} has more than two decimals; payments are kept in cents` });
      return;
    }
    if (currency === null) {
      rejected.push({ line, field: 'currency', value: null, reason: `${where(fileName, e)}: neither the entry nor the statement gives a currency` });
      return;
    }
    if (received === null) {
      rejected.push({ line, field: 'booking date', value: null, reason: `${where(fileName, e)}: the entry has no booking or value date` });
      return;
    }
    const bankReference = part ? (part.accountServicerReference ?? part.endToEndId ?? e.bankReference) : e.bankReference;
    const remittance = part ? [...part.remittance, ...part.additionalRemittance] : [...e.remittance];
    const isReturn = sign < 0n;
    if (isReturn) remittance.unshift(`${e.reversal ? 'reversal' : 'returned item'}${e.returnReason ? ` (reason ${e.returnReason})` : ''}`);
    const creditorReference = part ? (part.creditorReferences[0] ?? null) : e.creditorReference;
    drafts.push({
      // Identity of the booking as the bank sees it; without any bank reference, its position in the file.
      identity: bankReference
        ? [s.accountId, bankReference, received, isReturn ? 'R' : 'C', String(sign * cents), partIndex === null ? null : String(partIndex)]
        : [s.accountId, 'pos', s.id, String(e.index), partIndex === null ? null : String(partIndex), received, String(sign * cents)],
      row: {
        payerName: part?.payerName ?? (part ? null : e.payerName),
        receivedDate: received,
        valueDate: e.valueDate,
        amount: formatMoney(sign * cents),
        currency,
        method: isReturn ? 'return' : method,
        reference: creditorReference,
        remittanceText: joinText(remittance),
        bankAccount: part ? part.payerAccount : e.payerAccount,
        bankReference,
        source: file.format,
        sourceLine: line,
      },
    });
  };

  for (const s of file.statements) {
    for (const e of s.entries) {
      entriesRead++;
      const kind = classifyEntry(e);
      if (kind === 'skip-debit') skipped.debits++;
      else if (kind === 'skip-returned-outgoing') skipped.returnedOutgoing++;
      else if (kind === 'skip-not-booked') skipped.notBooked++;
      else if (kind === 'return') {
        returns++;
        push(s, e, null, null, -1n);
      } else {
        const parts = itemised(e);
        if (parts) {
          parts.forEach((p, i) => {
            if (p.returnReason !== null) skipped.returnedOutgoing++;
            else {
              receipts++;
              push(s, e, p, i + 1, 1n);
            }
          });
        } else {
          receipts++;
          // A single TxDtls was already lifted into the entry (payer, references, remittance).
          push(s, e, null, null, 1n);
        }
      }
    }
  }

  // Two bookings with the same identity in one file (e.g. two identical card payments without a
  // reference) stay distinct, deterministically, by their order.
  const seen = new Map<string, number>();
  const rows = drafts.map((d) => {
    const base = hashId(d.identity);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return { paymentId: n === 1 ? base : hashId([...d.identity, `#${n}`]), ...d.row };
  });
  return { rows, rejected, skipped, receipts, returns, entriesRead };
}
