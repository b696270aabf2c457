/**
 * Deductions: the unpaid rest of a short payment that cash application applied within tolerance
 * (GET /api/v1/disputes/deductions). Pure: (list, options) → element. A table with amount, customer, likely cause
 * and evidence; for a candidate, three buttons that call `onDecide(deduction, action)` with action `dispute` (opens
 * a dispute with the likely cause), `accept` (a valid deduction: credit it in the ERP) or `dismiss` (not a
 * deduction); a status filter; and a CSV download of the rows shown, like every chart card.
 */
import { el } from '../dom.js';
import { downloadCsv } from '../csv.js';
import { fmt } from '../format.js';
import { dataTable } from './data-table.js';

export const DEDUCTION_STATUSES = [
  ['candidate', 'To decide'],
  ['disputed', 'Disputed'],
  ['accepted', 'Accepted'],
  ['dismissed', 'Dismissed'],
  ['all', 'All'],
];

export const DEDUCTION_ACTIONS = [
  ['dispute', 'Open dispute', 'Open a dispute for'],
  ['accept', 'Accept', 'Accept'],
  ['dismiss', 'Dismiss', 'Dismiss'],
];

const customerOf = (d) => (d.customerName ? `${d.customerName} (${d.customerId})` : (d.customerId ?? 'unknown customer'));
const amountOf = (d, exact = true) => (d.currency ? fmt.money(d.amount, d.currency, { exact }) : fmt.number(d.amount, 2));
/** How much, from whom, on which invoice: for confirmations. */
export const deductionSummary = (d) => `${amountOf(d)} from ${customerOf(d)}, invoice ${d.invoiceId}`;
/** Words a screen reader hears for a row's buttons: which deduction, how much, from whom. */
export const deductionLabel = (d) => `deduction ${d.deductionId}, ${deductionSummary(d)}`;

/** The CSV columns: raw API values, so the file can be re-read by a spreadsheet without parsing formatted money. */
export const DEDUCTION_CSV_COLUMNS = [
  { key: 'deductionId', label: 'Deduction' },
  { key: 'openedDate', label: 'Opened' },
  { key: 'customerId', label: 'Customer ID' },
  { key: 'customerName', label: 'Customer' },
  { key: 'invoiceId', label: 'Invoice' },
  { key: 'paymentId', label: 'Payment' },
  { key: 'amount', label: 'Amount' },
  { key: 'currency', label: 'Currency' },
  { key: 'causeGuess', label: 'Likely cause' },
  { key: 'evidence', label: 'Evidence' },
  { key: 'status', label: 'Status' },
  { key: 'disputeId', label: 'Dispute' },
];

function actions(d, onDecide) {
  if (d.status !== 'candidate') return d.disputeId ? `dispute ${d.disputeId}` : '–';
  return el(
    'div',
    { class: 'tools', role: 'group', 'aria-label': `Decide ${deductionLabel(d)}` },
    DEDUCTION_ACTIONS.map(([action, text, verb]) =>
      el(
        'button',
        { type: 'button', class: action === 'dispute' ? undefined : 'secondary', 'data-action': action, 'data-deduction': d.deductionId, 'aria-label': `${verb} ${deductionLabel(d)}`, onclick: () => onDecide(d, action) },
        text,
      ),
    ),
  );
}

/**
 * list: the API answer ({ items, total, byCause }); status: the status shown; onStatus(status) when the reader picks
 * another; onDecide(deduction, action) for a button.
 */
export function deductionsTable(list, { status, onStatus, onDecide }) {
  const items = list.items;
  const statusSelect = el(
    'select',
    { name: 'deduction-status', onchange: (e) => onStatus(e.target.value) },
    DEDUCTION_STATUSES.map(([value, text]) => el('option', { value, selected: value === status }, text)),
  );
  return el(
    'div',
    {},
    el(
      'div',
      { class: 'tools' },
      el('label', {}, 'Show ', statusSelect),
      el(
        'button',
        { type: 'button', class: 'secondary', 'aria-label': 'Download deductions as CSV', onclick: () => downloadCsv(`deductions-${status}.csv`, items, DEDUCTION_CSV_COLUMNS) },
        'Download CSV',
      ),
    ),
    dataTable(items, {
      empty: status === 'candidate' ? 'No deductions to decide: every short payment was settled.' : 'No deductions with this status.',
      columns: [
        { key: 'openedDate', label: 'Opened', format: (v) => fmt.date(v) },
        { label: 'Customer', value: customerOf },
        { key: 'invoiceId', label: 'Invoice' },
        { key: 'paymentId', label: 'Payment' },
        { key: 'amount', label: 'Amount', numeric: true, format: (_v, r) => amountOf(r) },
        { key: 'causeGuess', label: 'Likely cause' },
        { key: 'evidence', label: 'Evidence' },
        { key: 'status', label: 'Status' },
        { label: 'Decide', value: (r) => r.deductionId, format: (_v, r) => actions(r, onDecide) },
      ],
    }),
  );
}
