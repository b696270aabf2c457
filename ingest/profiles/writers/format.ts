/**
 * Text helpers the system-layout writers share: CSV lines with a chosen delimiter, ISO dates in an
 * export's date pattern, and decimal strings in an export's number style.
 */
import { parseMoney } from '../../../core/money.ts';

/** One canonical record as text, as in the canonical CSV files. */
export type CanonicalRow = Readonly<Record<string, string>>;
/** Canonical records by kind (`invoices`, `payments`, …); kinds a layout does not carry are ignored. */
export type CanonicalSet = Readonly<Partial<Record<string, readonly CanonicalRow[]>>>;

export interface RenderedFile {
  /** File name inside the output directory, e.g. `transactions.csv`. */
  readonly name: string;
  readonly content: string;
}

export function csvLine(cells: readonly string[], delimiter = ','): string {
  return cells
    .map((c) => (c.includes(delimiter) || /["\r\n]/.test(c) || c !== c.trim() ? `"${c.replace(/"/g, '""')}"` : c))
    .join(delimiter);
}

export function csvText(header: readonly string[], rows: readonly (readonly string[])[], opts: { delimiter?: string; eol?: string; quoteAll?: boolean } = {}): string {
  const d = opts.delimiter ?? ',';
  const eol = opts.eol ?? '\n';
  const line = (cells: readonly string[]) => (opts.quoteAll ? cells.map((c) => `"${c.replace(/"/g, '""')}"`).join(d) : csvLine(cells, d));
  return [line(header), ...rows.map(line)].join(eol) + eol;
}

/** ISO date → pattern with yyyy, MM, M, dd, d (what the profiles read back). */
export function formatDate(iso: string, pattern: string): string {
  if (iso === '') return '';
  const [y = '', m = '', d = ''] = iso.slice(0, 10).split('-');
  return pattern.replace(/yyyy|MM|M|dd|d/g, (t) => {
    switch (t) {
      case 'yyyy':
        return y;
      case 'MM':
        return m;
      case 'M':
        return String(Number(m));
      case 'dd':
        return d;
      default:
        return String(Number(d));
    }
  });
}

export interface AmountStyle {
  readonly decimal: '.' | ',';
  readonly thousands: string;
  /** SAP writes the minus after the number ("1.234,56-"). */
  readonly trailingMinus?: boolean;
}

/** Canonical decimal text → the export's number style; '' stays ''. */
export function formatAmount(text: string, style: AmountStyle): string {
  if (text === '') return '';
  const cents = parseMoney(text);
  if (cents === undefined) throw new RangeError(`not an amount: ${text}`);
  const neg = cents < 0n;
  const abs = neg ? -cents : cents;
  const whole = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, style.thousands);
  const body = `${whole}${style.decimal}${(abs % 100n).toString().padStart(2, '0')}`;
  if (!neg) return body;
  return style.trailingMinus ? `${body}-` : `-${body}`;
}

export function negateAmount(text: string): string {
  if (text === '') return text;
  return text.startsWith('-') ? text.slice(1) : `-${text}`;
}

export function cents(text: string | undefined): bigint {
  return text === undefined || text === '' ? 0n : (parseMoney(text) ?? 0n);
}

export const rowsOf = (set: CanonicalSet, kind: string): readonly CanonicalRow[] => set[kind] ?? [];

/** Sum of applications per invoice and per credit note, and per payment. */
export function appliedTotals(set: CanonicalSet): {
  byInvoice: Map<string, { cents: bigint; lastDate: string; lastPayment: string }>;
  byPayment: Map<string, bigint>;
  byCreditNote: Map<string, bigint>;
} {
  const byInvoice = new Map<string, { cents: bigint; lastDate: string; lastPayment: string }>();
  const byPayment = new Map<string, bigint>();
  const byCreditNote = new Map<string, bigint>();
  for (const a of rowsOf(set, 'applications')) {
    const amount = cents(a.amount);
    const inv = a.invoice_id ?? '';
    if (inv !== '') {
      const prev = byInvoice.get(inv) ?? { cents: 0n, lastDate: '', lastPayment: '' };
      const date = a.applied_date ?? '';
      byInvoice.set(inv, {
        cents: prev.cents + amount,
        lastDate: date > prev.lastDate ? date : prev.lastDate,
        lastPayment: date >= prev.lastDate ? (a.payment_id ?? '') : prev.lastPayment,
      });
    }
    const pay = a.payment_id ?? '';
    if (pay !== '') byPayment.set(pay, (byPayment.get(pay) ?? 0n) + amount);
    const cn = a.credit_note_id ?? '';
    if (cn !== '') byCreditNote.set(cn, (byCreditNote.get(cn) ?? 0n) + amount);
  }
  return { byInvoice, byPayment, byCreditNote };
}
