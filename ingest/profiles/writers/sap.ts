/**
 * Canonical receivables as an SAP FBL5N line-item list (profile sap-fbl5n): German number and date
 * style, semicolon-separated as Excel saves it in German locales. An invoice whose applications cover
 * it in full is shown cleared (clearing document = its last payment, clearing date = last application),
 * as is a payment applied in full; an unapplied remainder of a payment stays an open DZ item.
 */
import { appliedTotals, cents, csvText, formatAmount, formatDate, rowsOf, type CanonicalSet, type RenderedFile } from './format.ts';
import { formatMoney } from '../../../core/money.ts';

export const SAP_HEADER = [
  'Company Code', 'Customer', 'Assignment', 'Document Number', 'Document Type', 'Document Date', 'Posting Date', 'Net due date',
  'Amount in doc. curr.', 'Document currency', 'Amount in local currency', 'Local Currency', 'Clearing Document', 'Clearing date',
  'Reason code', 'Reference', 'Text',
];

const DE = { decimal: ',', thousands: '.', trailingMinus: true } as const;
const date = (iso: string | undefined) => formatDate(iso ?? '', 'dd.MM.yyyy');

export function renderSap(set: CanonicalSet, companyCode = '1000'): RenderedFile[] {
  const applied = appliedTotals(set);
  const rows: { sort: string; cells: string[] }[] = [];
  const line = (o: {
    customer: string; assignment?: string; doc: string; type: string; docDate: string; postDate?: string; due?: string;
    amount: string; currency: string; clearing?: string; clearingDate?: string; reason?: string; reference?: string; text?: string;
  }) => {
    const amount = formatAmount(o.amount, DE);
    rows.push({
      sort: `${o.customer}\u0000${o.docDate}\u0000${o.doc}`,
      cells: [companyCode, o.customer, o.assignment ?? '', o.doc, o.type, date(o.docDate), date(o.postDate ?? o.docDate), date(o.due ?? o.docDate),
        amount, o.currency, amount, o.currency, o.clearing ?? '', date(o.clearingDate), o.reason ?? '', o.reference ?? '', o.text ?? ''],
    });
  };
  const fullyPaid = new Set<string>();
  for (const i of rowsOf(set, 'invoices')) {
    const id = i.invoice_id ?? '';
    const app = applied.byInvoice.get(id);
    let clearing = '';
    let clearingDate = '';
    if (i.paid_date && i.paid_amount && cents(i.paid_amount) === cents(i.amount)) {
      clearing = `CL${id}`;
      clearingDate = i.paid_date;
    } else if (app && app.cents === cents(i.amount)) {
      clearing = app.lastPayment;
      clearingDate = app.lastDate;
      fullyPaid.add(id);
    }
    line({
      customer: i.customer_id ?? '', assignment: i.po_number, doc: id, type: 'RV', docDate: i.invoice_date ?? '', due: i.due_date,
      amount: i.amount ?? '', currency: i.currency ?? '', clearing, clearingDate,
      reason: clearing === '' && i.disputed === 'true' ? 'ZD1' : '', reference: id,
    });
  }
  for (const c of rowsOf(set, 'credit_notes')) {
    line({
      customer: c.customer_id ?? '', assignment: c.invoice_id, doc: c.credit_note_id ?? '', type: 'DG', docDate: c.date ?? '',
      amount: formatMoney(-cents(c.amount)), currency: c.currency ?? '', reason: c.reason,
    });
  }
  // Cash that cleared invoices in full is represented by those clearings; what remains is open on account.
  const clearedCash = new Map<string, bigint>();
  for (const a of rowsOf(set, 'applications')) {
    if (a.invoice_id && fullyPaid.has(a.invoice_id)) {
      clearedCash.set(a.payment_id ?? '', (clearedCash.get(a.payment_id ?? '') ?? 0n) + cents(a.amount));
    }
  }
  for (const p of rowsOf(set, 'payments')) {
    const id = p.payment_id ?? '';
    const remainder = cents(p.amount) - (clearedCash.get(id) ?? 0n);
    if (remainder === 0n) {
      line({ customer: p.customer_id ?? '', doc: id, type: 'DZ', docDate: p.value_date || p.received_date || '', postDate: p.received_date,
        amount: formatMoney(-cents(p.amount)), currency: p.currency ?? '', clearing: id, clearingDate: p.received_date, reference: p.reference, text: p.remittance_text });
    } else {
      line({ customer: p.customer_id || p.payer_name || '', doc: id, type: 'DZ', docDate: p.value_date || p.received_date || '', postDate: p.received_date,
        amount: formatMoney(-remainder), currency: p.currency ?? '', reference: p.reference, text: p.remittance_text });
    }
  }
  rows.sort((a, b) => (a.sort < b.sort ? -1 : a.sort > b.sort ? 1 : 0));
  return [{ name: 'fbl5n-line-items.csv', content: csvText(SAP_HEADER, rows.map((r) => r.cells), { delimiter: ';', eol: '\r\n' }) }];
}
