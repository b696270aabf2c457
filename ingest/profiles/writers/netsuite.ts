/** Canonical invoices, credit notes and payments as a NetSuite Transaction saved-search CSV (profile netsuite-transactions). */
import { appliedTotals, cents, csvText, formatAmount, formatDate, negateAmount, rowsOf, type CanonicalSet, type RenderedFile } from './format.ts';
import { formatMoney } from '../../../core/money.ts';

export const NETSUITE_HEADER = [
  'Internal ID', 'Date', 'Type', 'Document Number', 'Name', 'Due Date/Receive By', 'Terms', 'Currency', 'Amount',
  'Amount Remaining', 'Status', 'PO/Check Number', 'Memo',
];

const TERMS = new Set(['10', '15', '30', '45', '60', '90']);
const US = { decimal: '.', thousands: ',' } as const;
const date = (iso: string | undefined) => formatDate(iso ?? '', 'M/d/yyyy');

export function renderNetsuite(set: CanonicalSet): RenderedFile[] {
  const applied = appliedTotals(set);
  const rows: { sort: string; cells: string[] }[] = [];
  for (const i of rowsOf(set, 'invoices')) {
    const open = cents(i.amount) - (applied.byInvoice.get(i.invoice_id ?? '')?.cents ?? 0n);
    const terms = i.terms_days === '0' ? 'Due on receipt' : TERMS.has(i.terms_days ?? '') ? `Net ${i.terms_days}` : '';
    rows.push({
      sort: `${i.invoice_date}1${i.invoice_id}`,
      cells: ['', date(i.invoice_date), 'Invoice', i.invoice_id ?? '', i.customer_id ?? '', date(i.due_date), terms, i.currency ?? '',
        formatAmount(i.amount ?? '', US), formatAmount(formatMoney(open), US), open === 0n ? 'Paid In Full' : 'Open', i.po_number ?? '', ''],
    });
  }
  for (const c of rowsOf(set, 'credit_notes')) {
    rows.push({
      sort: `${c.date}2${c.credit_note_id}`,
      cells: ['', date(c.date), 'Credit Memo', c.credit_note_id ?? '', c.customer_id ?? '', '', '', c.currency ?? '',
        formatAmount(negateAmount(c.amount ?? ''), US), '', 'Open', '', c.reason ?? ''],
    });
  }
  for (const p of rowsOf(set, 'payments')) {
    const unapplied = cents(p.amount) - (applied.byPayment.get(p.payment_id ?? '') ?? 0n);
    rows.push({
      sort: `${p.received_date}3${p.payment_id}`,
      // NetSuite has no payer-name field: the Name column is the customer, or the payer for unidentified cash.
      cells: ['', date(p.received_date), 'Payment', p.payment_id ?? '', p.customer_id || p.payer_name || '', '', '', p.currency ?? '',
        formatAmount(p.amount ?? '', US), formatAmount(formatMoney(unapplied), US), 'Deposited', p.reference ?? '', p.remittance_text ?? ''],
    });
  }
  rows.sort((a, b) => (a.sort < b.sort ? -1 : a.sort > b.sort ? 1 : 0));
  rows.forEach((r, k) => (r.cells[0] = String(100000 + k)));
  return [{ name: 'transactions.csv', content: csvText(NETSUITE_HEADER, rows.map((r) => r.cells)) }];
}
