/**
 * Cash application exceptions: payments the matcher could not apply with confidence. Selecting one lists its
 * ranked candidate matches; a person confirms one (the payment is applied) or rejects it (it leaves the list).
 * Below them, the deductions: short payments applied within tolerance whose unpaid rest is a dispute candidate.
 * Each is opened as a dispute, accepted or dismissed here (POST /api/v1/disputes/deductions/{id}), and the list
 * and the by-cause chart are read again after every decision.
 */
import { el, clear } from '../dom.js';
import { apiGet, apiPost } from '../api.js';
import { fmt } from '../format.js';
import { shell } from '../shell.js';
import { chartCard } from '../components/chart-card.js';
import { dataTable } from '../components/data-table.js';
import { deductionSummary, deductionsTable } from '../components/deductions.js';
import { horizontalBarChart } from '../components/charts.js';
import { badge, card, chartWidth, errorNotice, fill } from './common.js';

const PAGE_SIZE = 50;
const DEDUCTIONS_PAGE = 100;
const DECIDED = { dispute: 'disputed', accept: 'accepted', dismiss: 'dismissed' };
const DEDUCTION_LABELS = { candidate: 'deduction(s) to decide', disputed: 'disputed deduction(s)', accepted: 'accepted deduction(s)', dismissed: 'dismissed deduction(s)', all: 'deduction(s)' };

function allocationText(c, currency) {
  const parts = c.allocations.map((a) => `${a.invoiceId ?? a.creditNoteId} ${fmt.money(a.amount, currency, { exact: true })}${a.discounted ? ' (discount taken)' : ''}`);
  if (Number(c.onAccount) !== 0) parts.push(`on account ${fmt.money(c.onAccount, currency)}`);
  return parts.join('; ') || '–';
}

/** Candidate confidence as chart rows, best first; the label names rank and customer. */
export function candidateSeries(exception) {
  return exception.candidates.map((c) => ({ candidate: `#${c.rank} ${c.customerId ?? 'unknown customer'}`, rank: c.rank, customerId: c.customerId, rule: c.rule, confidence: c.confidence }));
}

function candidateView(exception, onDecide) {
  const cur = exception.currency;
  const series = candidateSeries(exception);
  const list = el(
    'ol',
    { class: 'candidates', 'aria-label': 'Candidate matches, best first' },
    exception.candidates.map((c) =>
      el(
        'li',
        { class: 'card', 'data-candidate': c.rank },
        el('h3', {}, `#${c.rank} · ${c.customerId ?? 'unknown customer'} · ${fmt.percent(c.confidence, 0)} confidence`),
        el('p', {}, el('strong', {}, 'Rule: '), c.rule),
        el('p', {}, el('strong', {}, 'Applies to: '), allocationText(c, cur)),
        c.deduction ? el('p', {}, el('strong', {}, 'Deduction: '), `${c.deduction.invoiceId} ${fmt.money(c.deduction.amount, cur)} (${c.deduction.cause}) — ${c.deduction.because}`) : null,
        c.evidence.length ? el('ul', { class: 'evidence' }, c.evidence.map((e) => el('li', {}, e))) : null,
        el(
          'div',
          { class: 'tools' },
          el('button', { type: 'button', onclick: () => onDecide('confirm', c.rank) }, `Confirm #${c.rank}`),
          el('button', { type: 'button', class: 'danger', onclick: () => onDecide('reject', c.rank) }, `Reject #${c.rank}`),
        ),
      ),
    ),
  );
  return el(
    'div',
    { class: 'grid' },
    card(
      `Payment ${exception.paymentId}`,
      `${fmt.money(exception.amount, cur)} unapplied, received ${fmt.date(exception.receivedDate)} from ${exception.payerName ?? 'an unknown payer'}`,
      el(
        'div',
        {},
        el('p', {}, el('strong', {}, 'Why it needs a person: '), exception.reason),
        exception.reference ? el('p', {}, el('strong', {}, 'Reference: '), exception.reference) : null,
        exception.remittanceText ? el('p', {}, el('strong', {}, 'Remittance: '), exception.remittanceText) : null,
        exception.candidates.length ? list : el('p', { class: 'empty' }, 'No candidates left: apply it in the ERP or leave it on account.'),
      ),
      'span-8',
      { 'data-exception': exception.paymentId },
    ),
    chartCard({
      id: 'candidate-confidence',
      title: 'Candidate confidence',
      subtitle: 'Matcher confidence per candidate, best first (%)',
      span: 'span-4',
      data: series,
      columns: [
        { key: 'rank', label: 'Rank' },
        { key: 'customerId', label: 'Customer' },
        { key: 'rule', label: 'Rule' },
        { key: 'confidence', label: 'Confidence (0–1)', numeric: true, format: (v) => fmt.percent(v, 0) },
      ],
      chart: horizontalBarChart(series, {
        label: 'confidence',
        y: 'candidate',
        x: 'confidence',
        yDomain: series.map((s) => s.candidate),
        xDomain: [0, 1],
        xLabel: 'Confidence (%) →',
        xTickFormat: (v) => fmt.percent(v, 0),
        xFormat: (v) => fmt.percent(v, 0),
        width: chartWidth(4),
        marginLeft: 120,
      }),
    }),
  );
}

async function main() {
  const page = shell(
    '/cash-application.html',
    'Cash application exceptions',
    'Payments the matcher could not apply on its own, with ranked candidate matches to confirm or reject; below them, the deductions short payments left, to dispute, accept or dismiss.',
  );
  const status = el('div', { 'aria-live': 'polite' });
  const listSlot = el('div');
  const detailSlot = el('div');
  const deductionStatus = el('div', { 'aria-live': 'polite' });
  const deductionSlot = el('div', { class: 'grid' });
  page.append(status, listSlot, detailSlot, deductionStatus, deductionSlot);

  let items = [];
  let total = 0;
  let selected = -1;

  const showDetail = () => {
    const ex = items[selected];
    if (!ex) return clear(detailSlot);
    clear(
      detailSlot,
      candidateView(ex, async (action, rank) => {
        try {
          const res = await apiPost('/api/v1/cash-application/matches', { paymentId: ex.paymentId, action, candidate: rank });
          const applied = res.applications.map((a) => `${a.invoiceId ?? a.creditNoteId} ${fmt.money(a.amount, ex.currency)}`).join(', ');
          clear(
            status,
            el('div', { class: 'notice ok', role: 'status' }, action === 'confirm' ? `Payment ${ex.paymentId} applied${applied ? `: ${applied}` : ''}.` : `Candidate #${rank} rejected for payment ${ex.paymentId}.`),
          );
          await reload(ex.paymentId);
          // a payment confirmed short (within tolerance) opens a deduction
          if (action === 'confirm') await showDeductions(undefined);
        } catch (err) {
          clear(status, errorNotice(err, `Could not ${action} candidate #${rank}`));
        }
      }),
    );
  };

  const renderList = () =>
    clear(
      listSlot,
      card(
        'Unmatched payments',
        `${fmt.number(total)} payment(s) waiting${total > items.length ? `, the oldest ${items.length} shown` : ''}. Select one (click, or Enter) to see its candidates.`,
        dataTable(items, {
          selectedIndex: selected,
          empty: 'No exceptions: every payment was applied or is on account.',
          rowLabel: (r) => `Payment ${r.paymentId} from ${r.payerName ?? 'unknown payer'}, ${r.amount} ${r.currency}`,
          onSelect: (_r, i) => {
            selected = i;
            renderList();
            showDetail();
            detailSlot.querySelector('button')?.focus();
          },
          columns: [
            { key: 'receivedDate', label: 'Received', format: (v) => fmt.date(v) },
            { key: 'paymentId', label: 'Payment' },
            { key: 'payerName', label: 'Payer' },
            { key: 'amount', label: 'Unapplied', numeric: true, format: (v, r) => fmt.money(v, r.currency, { exact: true }) },
            { key: 'reference', label: 'Reference' },
            { key: 'reason', label: 'Reason' },
            { label: 'Candidates', numeric: true, value: (r) => r.candidates.length, format: (v) => (v === 0 ? badge('none', 'bad') : String(v)) },
            { label: 'Best', value: (r) => r.candidates[0]?.customerId ?? null, format: (v, r) => (v ? `${v} (${fmt.percent(r.candidates[0].confidence, 0)})` : '–') },
          ],
        }),
        'span-12',
        { 'data-table': 'exceptions' },
      ),
    );

  async function reload(keepPaymentId) {
    const res = await apiGet('/api/v1/cash-application/exceptions', { limit: PAGE_SIZE });
    items = res.items;
    total = res.total;
    selected = items.findIndex((i) => i.paymentId === keepPaymentId);
    if (selected < 0 && items.length) selected = 0;
    renderList();
    showDetail();
  }

  let deductionFilter = 'candidate';

  /**
   * Reads the deductions again and redraws them. The redraw replaces the elements a keyboard user was on, so the
   * focus is put back: `focus` 'status' = the status filter just changed, a number = the index of the action
   * button to focus after a decision (else the filter when the list is now empty), undefined = leave it.
   */
  async function showDeductions(focus) {
    await fill(deductionSlot, 'Deductions', async () => deductionsView(await apiGet('/api/v1/disputes/deductions', { status: deductionFilter, limit: DEDUCTIONS_PAGE })));
    if (focus === undefined) return;
    const select = deductionSlot.querySelector('select[name="deduction-status"]');
    const buttons = deductionSlot.querySelectorAll('[data-table="deductions"] button[data-action]');
    (focus === 'status' || !buttons.length ? select : buttons[Math.min(focus, buttons.length - 1)])?.focus();
  }

  async function decide(d, action) {
    const buttons = [...deductionSlot.querySelectorAll('[data-table="deductions"] button[data-action]')];
    const at = Math.max(0, buttons.findIndex((b) => b.dataset.deduction === d.deductionId));
    try {
      const after = await apiPost(`/api/v1/disputes/deductions/${encodeURIComponent(d.deductionId)}`, { action });
      const what = action === 'dispute' ? `disputed (dispute ${after.disputeId} opened)` : DECIDED[action];
      clear(deductionStatus, el('div', { class: 'notice ok', role: 'status' }, `Deduction ${d.deductionId} ${what}: ${deductionSummary(d)}.`));
    } catch (err) {
      clear(deductionStatus, errorNotice(err, `Could not ${action} deduction ${d.deductionId}`));
    }
    // the row decided leaves the "to decide" list: the focus goes to the row that takes its place
    await showDeductions(at);
  }

  function deductionsView(res) {
    const cur = res.items.find((d) => d.currency)?.currency;
    const byCause = res.byCause.map((c) => ({ cause: c.cause, count: c.count, amount: Number(c.amount) }));
    const label = DEDUCTION_LABELS[deductionFilter];
    return [
      card(
        'Deductions',
        `${fmt.number(res.total)} ${label}${res.total > res.items.length ? `, the newest ${res.items.length} shown` : ''}: the unpaid rest of short payments cash application applied within tolerance. Open a dispute, accept the deduction, or dismiss it.`,
        deductionsTable(res, {
          status: deductionFilter,
          onStatus: (s) => {
            deductionFilter = s;
            void showDeductions('status');
          },
          onDecide: (d, action) => void decide(d, action),
        }),
        'span-8',
        { 'data-table': 'deductions' },
      ),
      chartCard({
        id: 'deductions-by-cause',
        title: 'Deductions by likely cause',
        subtitle: `Amount of the ${label} per cause guessed from the remittance${cur && res.items.every((d) => d.currency === cur) ? ` (${cur})` : ' (invoice currencies, summed as they are)'}`,
        span: 'span-4',
        data: byCause,
        columns: [
          { key: 'cause', label: 'Likely cause' },
          { key: 'count', label: 'Deductions', numeric: true },
          { key: 'amount', label: 'Amount', numeric: true, format: (v) => fmt.number(v, 2) },
        ],
        chart: horizontalBarChart(byCause, {
          label: 'deduction causes',
          y: 'cause',
          x: 'amount',
          xLabel: 'Amount →',
          xTickFormat: (v) => fmt.number(v, 0),
          xFormat: (v) => fmt.number(v, 2),
          width: chartWidth(4),
          marginLeft: 130,
        }),
      }),
    ];
  }

  await fill(listSlot, 'Exceptions', async () => {
    await reload(undefined);
    return listSlot.firstChild;
  });
  await showDeductions(undefined);
}

void main().finally(() => document.body.setAttribute('data-ready', 'true'));
