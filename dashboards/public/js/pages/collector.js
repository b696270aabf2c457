/**
 * Collector workspace: a collector's ranked worklist with reasons and recommended actions; selecting a customer
 * opens the customer 360 (open items, days late over time, activities, promises, disputes). Until the server offers
 * the worklist API the page says so instead of showing empty tables.
 */
import { el, clear } from '../dom.js';
import { apiGet, apiPost, idempotencyKey, isMissingRoute } from '../api.js';
import { fmt } from '../format.js';
import { shell } from '../shell.js';
import { chartCard } from '../components/chart-card.js';
import { dataTable } from '../components/data-table.js';
import { scatterChart } from '../components/charts.js';
import { badge, card, chartWidth, errorNotice, fill } from './common.js';

const params = new URLSearchParams(location.search);

/** Paid invoices as chart points: when each closed and how many days late (negative = early). */
export function paymentPoints(history) {
  return history.map((h) => ({ ...h, date: new Date(`${h.closedDate}T00:00:00Z`), paid: h.writtenOff ? 'Written off' : 'Paid' }));
}

/** Allowed dispute causes, read from the API's own OpenAPI document so the form never drifts from the contract. */
async function disputeCauses() {
  try {
    const doc = await apiGet('/docs/json');
    const schema = doc.paths?.['/api/v1/disputes']?.post?.requestBody?.content?.['application/json']?.schema;
    return schema?.properties?.cause?.enum ?? null;
  } catch {
    return null;
  }
}

function actionForms(c, causes, onDone) {
  const id = c.profile.customerId;
  const invoices = c.openItems.filter((i) => i.invoiceId);
  const invoiceSelect = (name, withAccount) =>
    el(
      'select',
      { name },
      withAccount ? el('option', { value: '' }, 'Whole account') : null,
      invoices.map((i) => el('option', { value: i.invoiceId }, `${i.invoiceId} · ${fmt.money(i.openAmount, i.currency, { exact: true })} open`)),
    );
  const status = el('div', { 'aria-live': 'polite' });
  const submit = (form, path, build, done) =>
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const data = new FormData(form);
      const button = form.querySelector('button');
      button.disabled = true;
      try {
        await apiPost(path, build(data), { 'idempotency-key': idempotencyKey() });
        clear(status, el('div', { class: 'notice ok', role: 'status' }, done));
        form.reset();
        await onDone(status);
      } catch (err) {
        clear(status, errorNotice(err, 'Not saved'));
      } finally {
        button.disabled = false;
      }
    });
  const text = (data, k) => (String(data.get(k) ?? '').trim() || undefined);

  const call = el(
    'form',
    { class: 'stack', 'aria-label': 'Log a contact', 'data-form': 'activity' },
    el('label', {}, 'Type', el('select', { name: 'type' }, ['call', 'email', 'letter', 'note'].map((t) => el('option', { value: t }, t)))),
    el('label', {}, 'Outcome', el('input', { name: 'outcome', maxlength: '200', placeholder: 'reached AP, will pay Friday' })),
    el('label', {}, 'Note', el('input', { name: 'note', maxlength: '4000' })),
    el('label', {}, 'Follow up on', el('input', { name: 'nextFollowUp', type: 'date' })),
    el('button', { type: 'submit' }, 'Log contact'),
  );
  submit(call, '/api/v1/activities', (d) => ({ customerId: id, type: d.get('type'), outcome: text(d, 'outcome'), note: text(d, 'note'), nextFollowUp: text(d, 'nextFollowUp') }), 'Contact logged.');

  const promise = el(
    'form',
    { class: 'stack', 'aria-label': 'Record a promise to pay', 'data-form': 'promise' },
    el('label', {}, 'Invoice', invoiceSelect('invoiceId', true)),
    el('label', {}, 'Amount (blank = open amount)', el('input', { name: 'amount', inputmode: 'decimal', placeholder: '1250.00' })),
    el('label', {}, 'Promised date', el('input', { name: 'promisedDate', type: 'date', required: true })),
    el('label', {}, 'Note', el('input', { name: 'note', maxlength: '4000' })),
    el('button', { type: 'submit' }, 'Record promise'),
  );
  submit(
    promise,
    '/api/v1/promises',
    (d) => ({ customerId: id, invoiceIds: text(d, 'invoiceId') ? [text(d, 'invoiceId')] : undefined, amount: text(d, 'amount'), promisedDate: text(d, 'promisedDate'), note: text(d, 'note') }),
    'Promise recorded.',
  );

  const dispute = el(
    'form',
    { class: 'stack', 'aria-label': 'Open a dispute', 'data-form': 'dispute' },
    el('label', {}, 'Invoice', invoiceSelect('invoiceId', false)),
    el('label', {}, 'Amount', el('input', { name: 'amount', inputmode: 'decimal', required: true, placeholder: '250.00' })),
    el('label', {}, 'Cause', causes ? el('select', { name: 'cause' }, causes.map((k) => el('option', { value: k }, k.replace(/_/g, ' ')))) : el('input', { name: 'cause', required: true })),
    el('label', {}, 'Note', el('input', { name: 'note', maxlength: '4000' })),
    el('button', { type: 'submit', disabled: invoices.length === 0 }, 'Open dispute'),
  );
  submit(dispute, '/api/v1/disputes', (d) => ({ invoiceId: text(d, 'invoiceId'), amount: text(d, 'amount'), cause: text(d, 'cause'), note: text(d, 'note') }), 'Dispute opened.');

  return card(
    'Log what happened',
    'Saved through the API at once; the next worklist run takes it into account.',
    el('div', {}, status, el('h3', {}, 'Contact'), call, el('h3', {}, 'Promise to pay'), promise, el('h3', {}, 'Dispute'), dispute),
    'span-12',
    { 'data-actions': '' },
  );
}

function customer360(c, forms) {
  const cur = c.profile.currency;
  const points = paymentPoints(c.paymentHistory);
  const p = c.profile;
  return el(
    'div',
    { class: 'grid', 'data-customer': p.customerId },
    card(
      `${p.name} (${p.customerId})`,
      `${[p.segment, p.industry, p.country].filter(Boolean).join(' · ')} · terms ${p.paymentTermsDays ?? '–'} days · collector ${p.collectorName ?? p.collectorId ?? '–'}`,
      el(
        'dl',
        { class: 'facts' },
        el('dt', {}, 'Risk'), el('dd', {}, c.risk.score === null ? '–' : `${c.risk.score} / 100, class ${c.risk.riskClass}`),
        el('dt', {}, 'Exposure'), el('dd', {}, fmt.money(c.credit.exposure, c.credit.exposureCurrency)),
        el('dt', {}, 'Credit limit'), el('dd', {}, c.credit.creditLimit === null ? '–' : fmt.money(c.credit.creditLimit, cur)),
        el('dt', {}, 'Weighted days late'), el('dd', {}, fmt.days(c.metrics.weightedAverageDaysLate)),
        el('dt', {}, 'Contact'), el('dd', {}, [p.contact.name, p.contact.phone, p.contact.email].filter(Boolean).join(' · ') || '–'),
      ),
      'span-6',
    ),
    chartCard({
      id: 'payment-history',
      title: 'Payment history',
      subtitle: 'Days late of each paid invoice by the date it was closed (days; below 0 = paid early)',
      data: points,
      columns: [
        { key: 'invoiceId', label: 'Invoice' },
        { key: 'dueDate', label: 'Due' },
        { key: 'closedDate', label: 'Closed' },
        { key: 'amount', label: `Amount (${cur})`, numeric: true, format: (v) => fmt.money(v, cur) },
        { key: 'daysLate', label: 'Days late', numeric: true },
      ],
      chart: scatterChart(points, {
        label: 'payments',
        x: 'date',
        y: 'daysLate',
        fill: 'paid',
        fillDomain: ['Paid', 'Written off'],
        colors: ['#1f5fa8', '#b3261e'],
        xLabel: 'Closed',
        yLabel: 'Days late ↑',
        width: chartWidth(6),
        title: (d) => `${d.invoiceId}: ${d.daysLate} days late, ${fmt.money(d.amount, cur)}`,
      }),
    }),
    forms,
    card(
      'Open items',
      null,
      dataTable(c.openItems, {
        empty: 'Nothing open.',
        columns: [
          { key: 'itemId', label: 'Item' },
          { key: 'dueDate', label: 'Due', format: (v) => fmt.date(v) },
          { key: 'openAmount', label: 'Open', numeric: true, format: (v, r) => fmt.money(v, r.currency, { exact: true }) },
          { key: 'daysPastDue', label: 'Days past due', numeric: true },
          { key: 'pLate30', label: 'P(30+ days late)', numeric: true, format: (v) => fmt.percent(v, 0) },
          { label: 'Status', value: (r) => (r.disputeId ? `disputed: ${r.disputeCause}` : r.promiseId ? `promised ${r.promisedDate}` : ''), format: (v) => v || '–' },
        ],
      }),
      'span-12',
      { 'data-table': 'open-items' },
    ),
    card(
      'Activities',
      null,
      c.activities.length
        ? el('ol', { class: 'timeline' }, c.activities.map((a) => el('li', {}, el('strong', {}, `${fmt.date(a.at)} · ${a.type}`), a.outcome ? ` — ${a.outcome}` : '', a.note ? el('div', { class: 'subtitle' }, a.note) : null)))
        : el('p', { class: 'empty' }, 'No activities yet.'),
      'span-4',
    ),
    card(
      'Promises to pay',
      null,
      dataTable(c.promises, {
        empty: 'No promises.',
        columns: [
          { key: 'promisedDate', label: 'Promised for', format: (v) => fmt.date(v) },
          { key: 'amount', label: 'Amount', numeric: true, format: (v) => fmt.money(v, cur, { exact: true }) },
          { key: 'status', label: 'Status' },
        ],
      }),
      'span-4',
      { 'data-table': 'promises' },
    ),
    card(
      'Disputes',
      null,
      dataTable(c.disputes, {
        empty: 'No disputes.',
        columns: [
          { key: 'invoiceId', label: 'Invoice' },
          { key: 'cause', label: 'Cause' },
          { key: 'amount', label: 'Amount', numeric: true, format: (v) => fmt.money(v, cur, { exact: true }) },
          { key: 'status', label: 'Status' },
        ],
      }),
      'span-4',
      { 'data-table': 'disputes' },
    ),
  );
}

function worklistTable(list, onSelect, selected) {
  return dataTable(list.items, {
    selectedIndex: selected,
    empty: 'Nothing to do today.',
    rowLabel: (r) => `Rank ${r.rank}: ${r.name ?? r.customerId}, ${r.action}`,
    onSelect,
    columns: [
      { key: 'rank', label: '#', numeric: true },
      { key: 'name', label: 'Customer', format: (v, r) => v ?? r.customerId },
      { key: 'totalOverdue', label: 'Overdue', numeric: true, format: (v, r) => fmt.money(v, r.currency) },
      { key: 'totalAtRisk', label: 'At risk', numeric: true, format: (v, r) => fmt.money(v, r.currency) },
      { key: 'maxDaysPastDue', label: 'Max days past due', numeric: true },
      { key: 'action', label: 'Recommended action', format: (v, r) => el('span', {}, badge(r.channel, 'muted'), ' ', v) },
      { key: 'reasons', label: 'Why', format: (v) => v.slice(0, 2).join('; ') },
    ],
  });
}

async function main() {
  const page = shell('/collector.html', 'Collector workspace', 'Ranked worklist with reasons and recommended actions; select a customer for the full picture.');
  const head = el('div');
  const listSlot = el('div');
  const detail = el('div');
  page.append(head, listSlot, detail);

  const collectors = await apiGet('/api/v1/metrics/aging', { groupBy: 'collector' })
    .then((r) => r.items.filter((i) => i.key && i.key !== 'all').map((i) => ({ id: i.key, name: i.name ?? i.key })))
    .catch(() => []);
  const chosen = params.get('collector') || collectors[0]?.id || 'team';
  clear(
    head,
    el(
      'form',
      { class: 'filters', method: 'get', action: '/collector.html', 'aria-label': 'Choose a worklist' },
      el('label', {}, 'Worklist of', el('select', { name: 'collector' }, [...collectors.map((c) => el('option', { value: c.id, selected: c.id === chosen }, `${c.name} (${c.id})`)), el('option', { value: 'team', selected: chosen === 'team' }, 'Team queue')])),
      el('button', { type: 'submit' }, 'Show'),
    ),
  );

  let list;
  try {
    list = await apiGet(`/api/v1/worklists/${encodeURIComponent(chosen)}`, { pageSize: 100 });
  } catch (err) {
    clear(
      listSlot,
      isMissingRoute(err)
        ? el('div', { class: 'notice', role: 'status', 'data-unavailable': 'worklists' }, 'Worklists are not available on this server yet: it does not provide GET /api/v1/worklists. Run a version with the worklist stage to use this page.')
        : errorNotice(err, 'Worklist'),
    );
    return;
  }
  const causes = disputeCauses();
  // Loads (or reloads, after a form was saved) the customer 360 below the worklist.
  const show360 = (customerId, status) =>
    fill(detail, 'Customer 360', async () => {
      const c = await apiGet(`/api/v1/customers/${encodeURIComponent(customerId)}`);
      const view = customer360(c, actionForms(c, await causes, (s) => show360(customerId, s)));
      if (status) view.querySelector('[data-actions] h2')?.after(status);
      return view;
    });
  let selected = -1;
  const render = () =>
    clear(
      listSlot,
      card(
        `Worklist for ${fmt.date(list.date)}`,
        `${fmt.number(list.total)} customer(s), best expected value of a contact first${list.total > list.items.length ? `; the first ${list.items.length} shown` : ''}.`,
        worklistTable(
          list,
          (r, i) => {
            selected = i;
            render();
            void show360(r.customerId);
          },
          selected,
        ),
        'span-12',
        { 'data-table': 'worklist' },
      ),
    );
  render();
}

void main().finally(() => document.body.setAttribute('data-ready', 'true'));
