/**
 * Canonical receivables as a QuickBooks Online A/R Aging Detail report (profile quickbooks-ar-aging-detail):
 * title block, open items grouped in aging sections by days past due at the as-of date, section totals.
 */
import { appliedTotals, cents, csvText, formatAmount, formatDate, rowsOf, type CanonicalSet, type RenderedFile } from './format.ts';
import { daysBetween } from '../../../core/as-of.ts';
import { formatMoney } from '../../../core/money.ts';

export const QUICKBOOKS_HEADER = ['Date', 'Transaction Type', 'Num', 'Customer', 'Due Date', 'Amount', 'Open Balance'];

const US = { decimal: '.', thousands: ',' } as const;
const date = (iso: string | undefined) => formatDate(iso ?? '', 'MM/dd/yyyy');
const SECTIONS = ['Current', '1 - 30 days past due', '31 - 60 days past due', '61 - 90 days past due', '91 or more days past due'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function section(due: string, asOf: string): number {
  const late = daysBetween(due, asOf);
  return late <= 0 ? 0 : late <= 30 ? 1 : late <= 60 ? 2 : late <= 90 ? 3 : 4;
}

export function renderQuickbooks(set: CanonicalSet, opts: { asOf?: string; company?: string } = {}): RenderedFile[] {
  const applied = appliedTotals(set);
  const dates = [
    ...rowsOf(set, 'invoices').map((i) => i.invoice_date ?? ''),
    ...rowsOf(set, 'payments').map((p) => p.received_date ?? ''),
    ...rowsOf(set, 'credit_notes').map((c) => c.date ?? ''),
  ];
  const asOf = opts.asOf ?? dates.reduce((a, b) => (b > a ? b : a), '');
  const items: { section: number; sort: string; cells: string[]; open: bigint }[] = [];
  for (const i of rowsOf(set, 'invoices')) {
    const paid = i.paid_date && i.paid_date <= asOf ? cents(i.paid_amount) : 0n;
    const open = cents(i.amount) - (applied.byInvoice.get(i.invoice_id ?? '')?.cents ?? 0n) - paid;
    if (open <= 0n || (i.invoice_date ?? '') > asOf) continue;
    items.push({
      section: section(i.due_date ?? '', asOf), sort: `${i.invoice_date}${i.invoice_id}`, open,
      cells: [date(i.invoice_date), 'Invoice', i.invoice_id ?? '', i.customer_id ?? '', date(i.due_date), formatAmount(i.amount ?? '', US), formatAmount(formatMoney(open), US)],
    });
  }
  for (const c of rowsOf(set, 'credit_notes')) {
    const open = cents(c.amount) - (applied.byCreditNote.get(c.credit_note_id ?? '') ?? 0n);
    if (open <= 0n || (c.date ?? '') > asOf) continue;
    items.push({
      section: 0, sort: `${c.date}${c.credit_note_id}`, open: -open,
      cells: [date(c.date), 'Credit Memo', c.credit_note_id ?? '', c.customer_id ?? '', date(c.date), formatAmount(formatMoney(-cents(c.amount)), US), formatAmount(formatMoney(-open), US)],
    });
  }
  for (const p of rowsOf(set, 'payments')) {
    const open = cents(p.amount) - (applied.byPayment.get(p.payment_id ?? '') ?? 0n);
    if (open <= 0n || (p.received_date ?? '') > asOf) continue;
    items.push({
      section: 0, sort: `${p.received_date}${p.payment_id}`, open: -open,
      cells: [date(p.received_date), 'Payment', p.payment_id ?? '', p.customer_id || p.payer_name || '', date(p.received_date), formatAmount(formatMoney(-cents(p.amount)), US), formatAmount(formatMoney(-open), US)],
    });
  }
  const [y = '', m = '1', d = '1'] = asOf.split('-');
  const rows: string[][] = [];
  let total = 0n;
  SECTIONS.forEach((name, s) => {
    const these = items.filter((x) => x.section === s).sort((a, b) => (a.sort < b.sort ? -1 : 1));
    if (these.length === 0) return;
    rows.push([name, '', '', '', '', '', '']);
    let sum = 0n;
    for (const x of these) {
      rows.push(x.cells);
      sum += x.open;
    }
    total += sum;
    rows.push([`Total for ${name}`, '', '', '', '', '', `$${formatAmount(formatMoney(sum), US)}`]);
  });
  rows.push(['TOTAL', '', '', '', '', '', `$${formatAmount(formatMoney(total), US)}`]);
  const title = [opts.company ?? 'ar-intel demo company', 'A/R Aging Detail', `As of ${MONTHS[Number(m) - 1] ?? ''} ${Number(d)}, ${y}`, ''];
  return [{ name: 'ar-aging-detail.csv', content: `${title.map((t) => (t.includes(',') ? `"${t}"` : t)).join('\n')}\n${csvText(QUICKBOOKS_HEADER, rows)}` }];
}

export const QUICKBOOKS_INVOICE_LIST_HEADER = ['Date', 'Num', 'Customer', 'Memo/Description', 'Due Date', 'Amount', 'Open Balance'];

/**
 * Canonical invoices as a QuickBooks Online Invoice List report (profile quickbooks-invoice-list): every invoice
 * dated on or before the as-of date with its open balance then; a Currency column only when some invoice is not
 * in USD (as a multicurrency company's report shows it).
 */
export function renderQuickbooksInvoiceList(set: CanonicalSet, opts: { asOf?: string; company?: string } = {}): RenderedFile {
  const applied = appliedTotals(set);
  const invoices = rowsOf(set, 'invoices');
  const asOf = opts.asOf ?? invoices.reduce((a, i) => ((i.invoice_date ?? '') > a ? (i.invoice_date ?? '') : a), '');
  const multiCurrency = invoices.some((i) => (i.currency ?? 'USD') !== 'USD');
  const rows: string[][] = [];
  let total = 0n;
  let totalOpen = 0n;
  const sorted = invoices.filter((i) => (i.invoice_date ?? '') <= asOf).sort((a, b) => (`${a.invoice_date}${a.invoice_id}` < `${b.invoice_date}${b.invoice_id}` ? -1 : 1));
  for (const i of sorted) {
    const paid = i.paid_date && i.paid_date <= asOf ? cents(i.paid_amount) : 0n;
    const appliedCents = applied.byInvoice.get(i.invoice_id ?? '')?.cents ?? 0n;
    let open = cents(i.amount) - appliedCents - paid;
    if (open < 0n) open = 0n;
    total += cents(i.amount);
    totalOpen += open;
    const memo = i.po_number ? `PO ${i.po_number}` : '';
    const cells = [date(i.invoice_date), i.invoice_id ?? '', i.customer_id ?? '', memo, date(i.due_date), formatAmount(i.amount ?? '', US), formatAmount(formatMoney(open), US)];
    rows.push(multiCurrency ? [...cells, i.currency ?? ''] : cells);
  }
  // A multicurrency report has no meaningful grand total across currencies; QuickBooks then totals in home currency,
  // which the demo does not know, so the TOTAL row only carries amounts for a single-currency list.
  const totalRow = ['TOTAL', '', '', '', '', multiCurrency ? '' : `$${formatAmount(formatMoney(total), US)}`, multiCurrency ? '' : `$${formatAmount(formatMoney(totalOpen), US)}`];
  rows.push(multiCurrency ? [...totalRow, ''] : totalRow);
  const header = multiCurrency ? [...QUICKBOOKS_INVOICE_LIST_HEADER, 'Currency'] : QUICKBOOKS_INVOICE_LIST_HEADER;
  const title = [opts.company ?? 'ar-intel demo company', 'Invoice List', 'All Dates', ''];
  return { name: 'invoice-list.csv', content: `${title.join('\n')}\n${csvText(header, rows)}` };
}
