/**
 * The demo's bank feed: the payments that reach the company only through its bank (received after the
 * ERP application cutoff, so `payments.csv` carries no customer for them), read from the canonical
 * `payments.csv`, for the statement writers to render.
 */
import { parseMoney } from '../../../core/money.ts';
import { readCanonicalCsv } from '../../profiles/writers/emit.ts';

export interface FeedPayment {
  readonly paymentId: string;
  readonly receivedDate: string;
  readonly valueDate: string;
  /** Integer cents (the demo has no sub-cent amounts). */
  readonly cents: bigint;
  readonly currency: string;
  readonly payerName: string;
  readonly reference: string;
  readonly method: string;
  readonly remittanceText: string;
  readonly bankAccount: string;
  readonly bankReference: string;
}

/** Bank-feed payments of a demo `payments.csv`, in file order (chronological). */
export function readBankFeed(paymentsCsv: string): FeedPayment[] {
  return readCanonicalCsv(paymentsCsv)
    .filter((r) => (r.customer_id ?? '') === '')
    .map((r) => {
      const cents = parseMoney(r.amount ?? '');
      if (cents === undefined) throw new RangeError(`${r.payment_id}: amount '${r.amount}' is not a money amount`);
      return {
        paymentId: r.payment_id ?? '',
        receivedDate: r.received_date ?? '',
        valueDate: r.value_date || r.received_date || '',
        cents,
        currency: r.currency ?? 'USD',
        payerName: r.payer_name ?? '',
        reference: r.reference ?? '',
        method: r.method ?? '',
        remittanceText: r.remittance_text ?? '',
        bankAccount: r.bank_account ?? '',
        bankReference: r.bank_reference ?? '',
      };
    });
}

/** What the payer wrote, as remittance lines: the reference, then the free text unless it only repeats it. */
export function remittanceLines(p: FeedPayment): string[] {
  const lines = [p.reference, p.remittanceText].filter((s) => s.trim() !== '');
  return lines.length === 2 && lines[1]?.includes(lines[0] ?? '') ? [lines[1] ?? ''] : lines;
}

/** Groups in first-seen order. */
export function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = out.get(k);
    if (list) list.push(it);
    else out.set(k, [it]);
  }
  return out;
}

/** Cut text into pieces of at most `size` characters (fixed-width records and length-limited XML elements). */
export function chunks(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** The demo company's own account in each currency (where the statements are about). */
export const ownAccount = (currency: string): string => `ARINTEL-DEMO-${currency}`;
