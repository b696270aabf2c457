/**
 * Credit desk: assess an existing customer or a new applicant for an order amount. Shows the score, class,
 * recommended limit and terms, exposure against the limit, the decision and the reasons behind it.
 */
import { el, clear } from '../dom.js';
import { apiGet, apiPost } from '../api.js';
import { fmt } from '../format.js';
import { shell } from '../shell.js';
import { chartCard } from '../components/chart-card.js';
import { limitBarChart } from '../components/charts.js';
import { badge, card, chartWidth, errorNotice } from './common.js';

const PARTS = ['Open AR', 'Open orders', 'Proposed order'];
const PART_COLORS = ['#1f5fa8', '#7fa7d6', '#f0b429'];
const decisionTone = { approve: 'good', review: 'warn', decline: 'bad' };

/** Exposure parts with a positive amount, in stacking order. */
export function exposureParts(a) {
  return [
    { part: 'Open AR', amount: Number(a.exposure.openAr) },
    { part: 'Open orders', amount: Number(a.exposure.openOrders) },
    { part: 'Proposed order', amount: Number(a.exposure.proposedOrder) },
  ].filter((p) => p.amount > 0);
}

function field(label, input, hint) {
  return el('label', {}, label, input, hint ? el('span', { class: 'sr-only' }, hint) : null);
}

function assessmentView(a) {
  const cur = a.currency;
  const parts = exposureParts(a);
  const limit = Number(a.recommendedCreditLimit);
  return el(
    'div',
    { class: 'grid', 'data-assessment': a.decision },
    card(
      'Decision',
      `As of ${fmt.date(a.asOf)} · ${a.customerId ? `customer ${a.customerId}` : 'new customer'} · ${a.basis === 'behavioural' ? 'score from payment behaviour' : 'score for a new customer'}`,
      el(
        'div',
        {},
        el('p', { class: 'decision' }, badge(a.decision.toUpperCase(), decisionTone[a.decision] ?? 'muted')),
        el(
          'dl',
          { class: 'facts' },
          el('dt', {}, 'Score'), el('dd', {}, `${a.score} / 100`),
          el('dt', {}, 'Risk class'), el('dd', {}, a.riskClass),
          el('dt', {}, 'Recommended limit'), el('dd', {}, fmt.money(a.recommendedCreditLimit, cur)),
          el('dt', {}, 'Limit on file'), el('dd', {}, a.creditLimitOnFile === null ? '–' : fmt.money(a.creditLimitOnFile, cur)),
          el('dt', {}, 'Payment terms'), el('dd', {}, a.recommendedPaymentTermsDays === 0 ? 'cash in advance' : `${a.recommendedPaymentTermsDays} days`),
          el('dt', {}, 'Exposure'), el('dd', {}, `${fmt.money(a.exposure.total, cur)}${a.exposure.limitUsedPct === null ? '' : ` (${fmt.percent(a.exposure.limitUsedPct / 100, 0)} of the limit)`}`),
        ),
        el('h3', {}, 'Reasons'),
        el('ul', { class: 'reasons' }, a.reasons.map((r) => el('li', {}, r))),
        el('h3', {}, 'How the limit was set'),
        el('ul', { class: 'reasons' }, a.limitBasis.map((r) => el('li', {}, r))),
      ),
      'span-6',
    ),
    chartCard({
      id: 'exposure',
      title: 'Exposure against the recommended limit',
      subtitle: `Open AR, open orders and this order, with the recommended limit as a line (${cur})`,
      data: parts,
      columns: [
        { key: 'part', label: 'Part' },
        { key: 'amount', label: `Amount (${cur})`, numeric: true, format: (v) => fmt.money(v, cur) },
      ],
      chart: limitBarChart(parts, {
        label: 'exposure',
        x: 'amount',
        part: 'part',
        partDomain: PARTS,
        colors: PART_COLORS,
        limit,
        limitLabel: `limit ${fmt.money(limit, cur, { compact: true })}`,
        xLabel: `Exposure (${cur}) →`,
        width: chartWidth(6),
        xTickFormat: (v) => fmt.money(v, cur, { compact: true }),
        xFormat: (v) => fmt.money(v, cur),
      }),
    }),
  );
}

async function main() {
  const page = shell('/credit.html', 'Credit desk', 'Assess an existing customer or a new applicant for an order before it ships.');
  const status = el('div', { 'aria-live': 'polite' });
  const result = el('div', { 'aria-live': 'polite' });

  const customers = await apiGet('/api/v1/scores/customers', { sort: 'customer', limit: 10000 })
    .then((r) => r.items)
    .catch((err) => {
      clear(status, errorNotice(err, 'Customer list'));
      return [];
    });

  const mode = el('select', { name: 'mode', id: 'mode' }, el('option', { value: 'existing' }, 'Existing customer'), el('option', { value: 'new' }, 'New customer'));
  const customer = el('input', { name: 'customerId', list: 'customer-list', placeholder: 'ID, e.g. C000003', autocomplete: 'off' });
  const datalist = el('datalist', { id: 'customer-list' }, customers.map((c) => el('option', { value: c.customerId }, `${c.name ?? ''} (${c.riskClass}, ${c.score})`)));
  const amount = el('input', { name: 'proposedOrderAmount', inputmode: 'decimal', required: true, placeholder: '25000.00' });
  const country = el('input', { name: 'country', maxlength: '2', placeholder: 'DE', size: '3' });
  const industry = el('input', { name: 'industry', placeholder: 'manufacturing' });
  const years = el('input', { name: 'yearsInBusiness', type: 'number', min: '0', step: '1' });
  const revenue = el('input', { name: 'annualRevenue', inputmode: 'decimal', placeholder: '5000000.00' });
  const bureau = el('input', { name: 'bureauScore', type: 'number', min: '0', max: '100' });

  const existingFields = el('div', { class: 'stack', 'data-mode': 'existing' }, field('Customer', customer), datalist);
  const newFields = el(
    'div',
    { class: 'stack', 'data-mode': 'new', hidden: true },
    field('Country (ISO code)', country),
    field('Industry', industry),
    field('Years in business', years),
    field('Annual revenue', revenue),
    field('Bureau score (0–100, optional)', bureau),
  );
  const form = el(
    'form',
    { class: 'filters', 'aria-label': 'Credit assessment' },
    field('Assess', mode),
    existingFields,
    newFields,
    field('Order amount', amount),
    el('button', { type: 'submit' }, 'Assess'),
  );
  mode.addEventListener('change', () => {
    existingFields.hidden = mode.value !== 'existing';
    newFields.hidden = mode.value !== 'new';
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = { proposedOrderAmount: amount.value.trim() };
    if (mode.value === 'existing') body.customerId = customer.value.trim();
    else {
      body.application = { country: country.value.trim().toUpperCase(), industry: industry.value.trim(), annualRevenue: revenue.value.trim() };
      if (years.value !== '') body.application.yearsInBusiness = Number(years.value);
      if (bureau.value !== '') body.application.bureauScore = Number(bureau.value);
    }
    clear(status, el('p', { class: 'empty' }, 'Assessing…'));
    try {
      const a = await apiPost('/api/v1/credit/assess', body);
      clear(status);
      clear(result, assessmentView(a));
    } catch (err) {
      clear(status, errorNotice(err, 'Assessment failed'));
    }
  });
  page.append(form, status, result);
}

void main().finally(() => document.body.setAttribute('data-ready', 'true'));
