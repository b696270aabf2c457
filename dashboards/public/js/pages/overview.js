/**
 * CFO overview: KPI tiles with the change since the last month-end, DSO/ADD/CEI over 24 months, aging by month,
 * the 13-week cash forecast, dispute causes and risk concentration. Every number comes from the API. The as-of
 * filter goes to every call; segment, collector and document currency cut the KPI tiles, trends, aging, dispute
 * causes and risk views (the routes' own filters, so every figure is the server's). The cash forecast is simulated
 * and calibrated for the whole book only (its P10–P90 range does not split into cuts), so under a filter its cards
 * keep the whole book and say so in a visible notice. The group-by filter splits today's aging by segment,
 * collector or document currency.
 * Changing a filter redraws the page in place and keeps the filters in the URL.
 */
import { el, clear } from '../dom.js';
import { apiGet, apiTable } from '../api.js';
import { fmt } from '../format.js';
import { shell } from '../shell.js';
import { chartCard } from '../components/chart-card.js';
import { bandChart, horizontalBarChart, lineChart, paretoChart, stackedBarChart } from '../components/charts.js';
import { card, chartWidth, fill } from './common.js';

export const AGING_METRICS = [
  ['aging_current', 'Current'],
  ['aging_1_30', '1–30'],
  ['aging_31_60', '31–60'],
  ['aging_61_90', '61–90'],
  ['aging_91_120', '91–120'],
  ['aging_120_plus', '120+'],
];
const AGING_COLORS = ['#2e7d32', '#9ccc65', '#fdd835', '#fb8c00', '#e64a19', '#8e0000'];
const DSO_SERIES = [
  ['dso_countback', 'Countback DSO'],
  ['dso_best_possible', 'Best possible DSO'],
  ['add', 'Average days delinquent'],
];
const RISK_CLASSES = ['A', 'B', 'C', 'D', 'E'];
const RISK_COLORS = ['#1b7f4b', '#7cb342', '#f9a825', '#ef6c00', '#b3261e'];

const GROUPS = { segment: 'segment', collector: 'collector', currency: 'document currency' };
/** The metric routes' filters (query names of GET /api/v1/metrics/summary, aging and trend). */
const SCOPE_KEYS = ['segment', 'collectorId', 'documentCurrency'];

function readFilters(search) {
  const params = new URLSearchParams(search);
  return {
    asOf: params.get('asOf') || undefined,
    segment: params.get('segment') || undefined,
    collectorId: params.get('collectorId') || undefined,
    documentCurrency: params.get('documentCurrency') || undefined,
    groupBy: Object.hasOwn(GROUPS, params.get('groupBy') ?? '') ? params.get('groupBy') : 'segment',
  };
}
let filters = readFilters(location.search);
/** The current cut for card titles (scopeLabel); empty for the whole book. */
let cut = '';

/**
 * The notice on a card that cannot honour the filters, shown only while a filter is on. The forecast is one
 * Monte Carlo simulation of the whole book, with its intervals calibrated on whole-book backtests: cutting its
 * per-customer means would give a P50 without an honest P10–P90, so the card says it is not filtered instead.
 */
export function wholeBookCaveat(label) {
  return label
    ? 'Whole book — not filtered: the forecast and its P10–P90 range are simulated and calibrated for the whole book only, so they do not split by segment, collector or currency.'
    : undefined;
}

/** The scope part of the filters, as query parameters (absent = the whole book). */
export function scopeQuery(f) {
  return Object.fromEntries(SCOPE_KEYS.filter((k) => f[k]).map((k) => [k, f[k]]));
}

/** A short description of the cut for titles, e.g. " — smb, Avery Quinn, EUR"; empty for the whole book. */
export function scopeLabel(f, collectors = []) {
  const parts = [f.segment, f.collectorId ? (collectors.find((c) => c.id === f.collectorId)?.name ?? f.collectorId) : undefined, f.documentCurrency ? `${f.documentCurrency} documents` : undefined].filter(Boolean);
  return parts.length ? ` — ${parts.join(', ')}` : '';
}

/** First day of the month 23 months before `asOf`'s month: 24 month-ends including the as-of month. */
export function trendFrom(asOf) {
  const d = new Date(`${asOf.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - 24);
  return d.toISOString().slice(0, 10);
}

// KPI tiles and charts share series; each is fetched once per as-of date and cut.
const trendCache = new Map();
function trend(metric, asOf) {
  const scope = scopeQuery(filters);
  const key = JSON.stringify([metric, asOf, scope]);
  if (!trendCache.has(key)) {
    trendCache.set(
      key,
      apiGet('/api/v1/metrics/trend', { metric, from: trendFrom(asOf), to: asOf, ...scope }).then((res) =>
        res.points.filter((p) => p.value !== null).map((p) => ({ date: p.date, value: Number(p.value) })),
      ),
    );
  }
  return trendCache.get(key);
}

function kpiTile({ label, value, change, betterWhen, format, hint }) {
  let tone = '';
  let text = 'no month-end to compare';
  if (change !== null && change !== undefined && Number.isFinite(change)) {
    const good = betterWhen === 'lower' ? change < 0 : change > 0;
    tone = change === 0 ? '' : good ? 'good' : 'bad';
    text = `${change > 0 ? '▲' : change < 0 ? '▼' : '■'} ${format(Math.abs(change))} vs last month-end`;
  }
  return el(
    'div',
    { class: 'kpi', 'data-kpi': label, title: hint },
    el('div', { class: 'label' }, label),
    el('div', { class: 'value' }, value),
    el('div', { class: `change ${tone}` }, text),
  );
}

async function kpis(summary) {
  const asOf = summary.asOf;
  const last = async (metric) => {
    const points = await trend(metric, asOf);
    const before = points.filter((p) => p.date < asOf);
    return before.length ? before[before.length - 1].value : null;
  };
  const [totalAr, pctCurrent, dso, bpdso, add, cei, unapplied] = await Promise.all(
    ['total_ar', 'percent_current', 'dso_countback', 'dso_best_possible', 'add', 'cei', 'unapplied_cash'].map(last),
  );
  const cur = summary.currency;
  const diff = (now, then) => (now === null || then === null ? null : Number(now) - Number(then));
  const overdue = summary.percentCurrent === null ? null : 100 - summary.percentCurrent;
  const overduePrev = pctCurrent === null ? null : 100 - pctCurrent;
  const pts = (v) => `${fmt.number(v, 1)} pts`;
  return el(
    'div',
    { class: 'kpis', role: 'list', 'aria-label': `Key figures as of ${fmt.date(asOf)}${cut}` },
    [
      kpiTile({ label: 'Total AR', value: fmt.money(summary.totalAr, cur), change: diff(summary.totalAr, totalAr), betterWhen: 'lower', format: (v) => fmt.money(v, cur, { compact: true }), hint: 'Open invoices + unapplied credits + unapplied cash' }),
      kpiTile({ label: 'Overdue', value: overdue === null ? '–' : fmt.percent(overdue / 100), change: diff(overdue, overduePrev), betterWhen: 'lower', format: pts, hint: 'Share of AR past its due date' }),
      kpiTile({ label: 'DSO (countback)', value: fmt.days(summary.dso.countback), change: diff(summary.dso.countback, dso), betterWhen: 'lower', format: (v) => fmt.days(v) }),
      kpiTile({ label: 'Best possible DSO', value: fmt.days(summary.dso.bestPossible), change: diff(summary.dso.bestPossible, bpdso), betterWhen: 'lower', format: (v) => fmt.days(v) }),
      kpiTile({ label: 'ADD', value: fmt.days(summary.dso.add), change: diff(summary.dso.add, add), betterWhen: 'lower', format: (v) => fmt.days(v), hint: 'Average days delinquent = simple DSO − best possible DSO' }),
      kpiTile({ label: `CEI (${summary.ceiMonths} mo)`, value: summary.cei === null ? '–' : fmt.percent(summary.cei / 100), change: diff(summary.cei, cei), betterWhen: 'higher', format: pts, hint: 'Collection effectiveness index' }),
      kpiTile({ label: 'Unapplied cash', value: fmt.money(Math.abs(Number(summary.unappliedCash)), cur), change: unapplied === null ? null : Math.abs(Number(summary.unappliedCash)) - Math.abs(unapplied), betterWhen: 'lower', format: (v) => fmt.money(v, cur, { compact: true }), hint: 'Cash received and not yet applied to invoices' }),
    ].map((t) => (t.setAttribute('role', 'listitem'), t)),
  );
}

async function dsoTrend(asOf) {
  const series = await Promise.all(DSO_SERIES.map(async ([metric, name]) => (await trend(metric, asOf)).map((p) => ({ month: p.date, series: name, days: p.value }))));
  const data = series.flat().map((d) => ({ ...d, date: new Date(`${d.month}T00:00:00Z`) }));
  return chartCard({
    id: 'dso-trend',
    title: `DSO and days delinquent, last 24 months${cut}`,
    subtitle: 'Countback DSO, best possible DSO and ADD at each month-end (days)',
    data,
    columns: [
      { key: 'month', label: 'Month-end' },
      { key: 'series', label: 'Metric' },
      { key: 'days', label: 'Days', numeric: true, format: (v) => fmt.number(v, 1) },
    ],
    chart: lineChart(data, {
      label: 'dso',
      x: 'date',
      y: 'days',
      series: 'series',
      seriesDomain: DSO_SERIES.map((s) => s[1]),
      colors: ['#1f5fa8', '#2e7d32', '#d9822b'],
      xLabel: 'Month-end',
      yLabel: 'Days ↑',
      width: chartWidth(6),
      xFormat: (d) => fmt.month(d.toISOString()),
      yFormat: (v) => fmt.days(v),
    }),
  });
}

async function ceiTrend(asOf) {
  const data = (await trend('cei', asOf)).map((p) => ({ month: p.date, date: new Date(`${p.date}T00:00:00Z`), series: 'CEI', cei: p.value }));
  // CEI lives in 0–100 %; month-ends with too little history can fall far outside and would flatten the rest.
  const outside = data.filter((d) => d.cei < 0 || d.cei > 110);
  return chartCard({
    note: outside.length
      ? `Not drawn (outside 0–110 %): ${outside.map((d) => `${fmt.month(d.month)} ${fmt.number(d.cei, 1)} %`).join(', ')}; see the data table.`
      : undefined,
    id: 'cei-trend',
    title: `Collection effectiveness, last 24 months${cut}`,
    subtitle: 'CEI over the trailing period at each month-end (%; 100 % = everything collectable was collected)',
    data,
    columns: [
      { key: 'month', label: 'Month-end' },
      { key: 'cei', label: 'CEI (%)', numeric: true, format: (v) => fmt.number(v, 1) },
    ],
    chart: lineChart(data, {
      label: 'cei',
      x: 'date',
      y: 'cei',
      series: 'series',
      seriesDomain: ['CEI'],
      colors: ['#6a1b9a'],
      xLabel: 'Month-end',
      yLabel: 'CEI (%) ↑',
      yDomain: [0, 110],
      width: chartWidth(6),
      xFormat: (d) => fmt.month(d.toISOString()),
      yFormat: (v) => `${fmt.number(v, 1)} %`,
    }),
  });
}

async function agingByMonth(asOf, currency) {
  const series = await Promise.all(AGING_METRICS.map(async ([metric, bucket]) => (await trend(metric, asOf)).map((p) => ({ month: p.date, bucket, amount: p.value }))));
  const data = series.flat().filter((d) => d.amount !== 0);
  const months = [...new Set(data.map((d) => d.month))].sort();
  const width = chartWidth(12);
  // About one labelled month per 60 px, so labels never overlap on a tablet.
  const step = Math.max(1, Math.ceil(months.length / Math.floor((width - 80) / 60)));
  return chartCard({
    id: 'aging-trend',
    title: `Aging by month${cut}`,
    subtitle: `Open AR at each month-end split by days past due (${currency})`,
    span: 'span-12',
    data,
    columns: [
      { key: 'month', label: 'Month-end' },
      { key: 'bucket', label: 'Days past due' },
      { key: 'amount', label: `Amount (${currency})`, numeric: true, format: (v) => fmt.money(v, currency) },
    ],
    chart: stackedBarChart(data, {
      label: 'aging',
      x: 'month',
      xDomain: months,
      y: 'amount',
      fill: 'bucket',
      fillDomain: AGING_METRICS.map((m) => m[1]),
      colors: AGING_COLORS,
      xLabel: 'Month-end',
      yLabel: `Open AR (${currency}) ↑`,
      xTicks: months.filter((_, i) => (months.length - 1 - i) % step === 0),
      xTickFormat: (m) => fmt.month(m),
      tickRotate: -35,
      marginBottom: 62,
      marginLeft: 70,
      width,
      yTickFormat: (v) => fmt.money(v, currency, { compact: true }),
      yFormat: (v) => fmt.money(v, currency),
    }),
  });
}

/** Open AR now, by group (segment, collector or document currency) and days-past-due bucket. */
export function agingByGroupSeries(items, noGroup = '(none)') {
  return items.flatMap((i) =>
    i.buckets.filter((b) => Number(b.amount) !== 0).map((b) => ({ group: i.name ?? i.key ?? noGroup, bucket: b.label, amount: Number(b.amount) })),
  );
}

async function agingByGroup(asOf, currency, groupBy) {
  const res = await apiGet('/api/v1/metrics/aging', { asOf, groupBy, ...scopeQuery(filters) });
  const items = [...res.items].sort((a, b) => Number(b.total) - Number(a.total));
  const labels = items[0]?.buckets.map((b) => b.label) ?? [];
  const data = agingByGroupSeries(items, `(no ${GROUPS[groupBy]})`);
  const groups = [...new Set(data.map((d) => d.group))];
  return chartCard({
    id: 'aging-by-group',
    title: `Aging by ${GROUPS[groupBy]}${cut}`,
    subtitle: `Open AR on ${fmt.date(asOf)} by ${GROUPS[groupBy]} and days past due, largest first (${currency})`,
    span: 'span-12',
    data,
    columns: [
      { key: 'group', label: GROUPS[groupBy] },
      { key: 'bucket', label: 'Days past due' },
      { key: 'amount', label: `Amount (${currency})`, numeric: true, format: (v) => fmt.money(v, currency) },
    ],
    chart: stackedBarChart(data, {
      label: 'group aging',
      x: 'group',
      xDomain: groups,
      y: 'amount',
      fill: 'bucket',
      fillDomain: labels,
      colors: AGING_COLORS.slice(0, labels.length),
      xLabel: GROUPS[groupBy],
      yLabel: `Open AR (${currency}) ↑`,
      tickRotate: groups.length > 8 ? -30 : 0,
      marginBottom: groups.length > 8 ? 70 : 40,
      marginLeft: 70,
      width: chartWidth(12),
      yTickFormat: (v) => fmt.money(v, currency, { compact: true }),
      yFormat: (v) => fmt.money(v, currency),
    }),
  });
}

const COMPONENTS = [
  ['openAr', 'Open AR'],
  ['orders', 'Open orders'],
  ['newBusiness', 'New business'],
];

/** The stored forecast made closest to a quarter (91 days) before `asOf`, with its weeks that have actuals. */
export function lastQuarterRun(runs, asOf) {
  const target = Date.parse(`${asOf}T00:00:00Z`) - 91 * 86_400_000;
  const withActuals = runs.filter((r) => r.asOf < asOf && r.weeks.length > 0);
  if (!withActuals.length) return null;
  return withActuals.reduce((best, r) => (Math.abs(Date.parse(`${r.asOf}T00:00:00Z`) - target) < Math.abs(Date.parse(`${best.asOf}T00:00:00Z`) - target) ? r : best));
}

async function cashForecast(asOf) {
  const [res, accuracy] = await Promise.all([
    apiGet('/api/v1/forecast/cash', { asOf, weeks: 13 }),
    // 409 NO_DATA: no stored forecast has actuals yet; its message says why.
    apiGet('/api/v1/forecast/accuracy').catch((err) => ({ unavailable: err instanceof Error ? err.message : String(err) })),
  ]);
  const currency = res.currency;
  const money = (v) => fmt.money(v, currency);
  const data = res.weeks.map((w) => ({ week: w.weekStart, date: new Date(`${w.weekStart}T00:00:00Z`), p10: Number(w.p10), p50: Number(w.p50), p90: Number(w.p90), expected: Number(w.expected), actual: null }));
  const components = res.weeks.flatMap((w) => COMPONENTS.map(([key, label]) => ({ week: w.weekStart, component: label, amount: Number(w[key]) }))).filter((d) => d.amount !== 0);
  const weekLabel = (iso) => fmt.date(iso).replace(/,? \d{4}$/, '');
  const cards = [
    chartCard({
      id: 'cash-forecast',
      title: '13-week cash forecast',
      subtitle: `Expected receipts per week from ${fmt.date(res.asOf)}, P50 with the P10–P90 range (${currency})`,
      caveat: wholeBookCaveat(cut),
      data,
      columns: [
        { key: 'week', label: 'Week starting' },
        { key: 'p10', label: `P10 (${currency})`, numeric: true, format: money },
        { key: 'p50', label: `P50 (${currency})`, numeric: true, format: money },
        { key: 'p90', label: `P90 (${currency})`, numeric: true, format: money },
        { key: 'expected', label: `Mean (${currency})`, numeric: true, format: money },
      ],
      chart: bandChart(data, {
        label: 'forecast',
        x: 'date',
        low: 'p10',
        mid: 'p50',
        high: 'p90',
        actual: 'actual',
        xLabel: 'Week starting',
        yLabel: `Receipts (${currency}) ↑`,
        width: chartWidth(6),
        marginLeft: 70,
        xFormat: (d) => fmt.date(d.toISOString().slice(0, 10)),
        yFormat: money,
        yTickFormat: (v) => fmt.money(v, currency, { compact: true }),
      }),
    }),
    chartCard({
      id: 'forecast-components',
      title: 'Where the cash comes from',
      subtitle: `Mean expected receipts per week by source: open invoices, open orders, business not yet ordered (${currency})`,
      caveat: wholeBookCaveat(cut),
      data: components,
      columns: [
        { key: 'week', label: 'Week starting' },
        { key: 'component', label: 'Source' },
        { key: 'amount', label: `Amount (${currency})`, numeric: true, format: money },
      ],
      chart: stackedBarChart(components, {
        label: 'components',
        x: 'week',
        xDomain: res.weeks.map((w) => w.weekStart),
        y: 'amount',
        fill: 'component',
        fillDomain: COMPONENTS.map((c) => c[1]),
        colors: ['#1f5fa8', '#7fa7d6', '#f0b429'],
        xLabel: 'Week starting',
        yLabel: `Receipts (${currency}) ↑`,
        xTickFormat: weekLabel,
        tickRotate: -35,
        marginBottom: 60,
        marginLeft: 70,
        width: chartWidth(6),
        yTickFormat: (v) => fmt.money(v, currency, { compact: true }),
        yFormat: money,
      }),
    }),
  ];
  const run = accuracy.runs ? lastQuarterRun(accuracy.runs, res.asOf) : null;
  if (run) {
    const vs = run.weeks.flatMap((w) => [
      { week: w.weekStart, date: new Date(`${w.weekStart}T00:00:00Z`), series: 'Forecast', amount: Number(w.forecast) },
      { week: w.weekStart, date: new Date(`${w.weekStart}T00:00:00Z`), series: 'Actual', amount: Number(w.actual) },
    ]);
    cards.push(
      chartCard({
        id: 'forecast-vs-actual',
        title: 'Last quarter: forecast against actual',
        subtitle: `Forecast made on ${fmt.date(run.asOf)} against the receipts that arrived (${accuracy.currency})`,
        caveat: wholeBookCaveat(cut),
        span: 'span-12',
        data: vs,
        columns: [
          { key: 'week', label: 'Week starting' },
          { key: 'series', label: 'Series' },
          { key: 'amount', label: `Amount (${accuracy.currency})`, numeric: true, format: (v) => fmt.money(v, accuracy.currency) },
        ],
        chart: lineChart(vs, {
          label: 'forecast vs actual',
          x: 'date',
          y: 'amount',
          series: 'series',
          seriesDomain: ['Forecast', 'Actual'],
          colors: ['#1f5fa8', '#b3261e'],
          xLabel: 'Week starting',
          yLabel: `Receipts (${accuracy.currency}) ↑`,
          width: chartWidth(12),
          marginLeft: 70,
          xFormat: (d) => fmt.date(d.toISOString().slice(0, 10)),
          yFormat: (v) => fmt.money(v, accuracy.currency),
          yTickFormat: (v) => fmt.money(v, accuracy.currency, { compact: true }),
        }),
      }),
    );
  } else {
    cards.push(card('Last quarter: forecast against actual', null, el('p', { class: 'empty', 'data-unavailable': 'forecast-accuracy' }, `No earlier forecast to compare with actual receipts yet${accuracy.unavailable ? ` (${accuracy.unavailable})` : ''}; this fills in as \`ar-intel run\` stores a forecast week after week.`), 'span-12'));
  }
  return el('div', { class: 'grid span-12' }, cards);
}

async function disputeCauses(asOf) {
  const res = await apiGet('/api/v1/disputes/causes', { to: asOf, ...scopeQuery(filters) });
  const cur = res.currency;
  const data = res.causes.map((c) => ({ cause: c.cause, amount: Number(c.amount), count: c.count, medianDays: c.medianDaysToResolve, p90Days: c.p90DaysToResolve }));
  const resolved = data.filter((d) => d.medianDays !== null);
  return el(
    'div',
    { class: 'grid span-12' },
    chartCard({
      id: 'dispute-pareto',
      title: `Dispute causes (Pareto)${cut}`,
      subtitle: `Disputed amount by cause, ${fmt.date(res.from)} – ${fmt.date(res.to)}, with the cumulative share (${cur})`,
      data,
      columns: [
        { key: 'cause', label: 'Cause' },
        { key: 'count', label: 'Disputes', numeric: true },
        { key: 'amount', label: `Amount (${cur})`, numeric: true, format: (v) => fmt.money(v, cur) },
        { key: 'medianDays', label: 'Median days to resolve', numeric: true, format: (v) => fmt.number(v, 1) },
        { key: 'p90Days', label: 'P90 days to resolve', numeric: true, format: (v) => fmt.number(v, 1) },
      ],
      chart: paretoChart(data, {
        label: 'disputes',
        x: 'cause',
        y: 'amount',
        xLabel: 'Cause',
        yLabel: `Disputed amount (${cur}) ↑`,
        barLegend: 'Disputed amount',
        width: chartWidth(6),
        marginLeft: 70,
        yTickFormat: (v) => fmt.money(v, cur, { compact: true }),
        yFormat: (v) => fmt.money(v, cur),
      }),
    }),
    chartCard({
      id: 'dispute-days',
      title: `Days to resolve by cause${cut}`,
      subtitle: 'Median days from opening to resolution of resolved disputes (days)',
      data: resolved,
      columns: [
        { key: 'cause', label: 'Cause' },
        { key: 'medianDays', label: 'Median days', numeric: true, format: (v) => fmt.number(v, 1) },
        { key: 'p90Days', label: 'P90 days', numeric: true, format: (v) => fmt.number(v, 1) },
      ],
      chart: horizontalBarChart(resolved, { label: 'resolve days', y: 'cause', x: 'medianDays', xLabel: 'Median days to resolve →', width: chartWidth(6), marginLeft: 160, xFormat: (v) => fmt.days(v) }),
    }),
  );
}

/**
 * Open AR per customer (base currency) joined with each customer's risk class. The aging is the filtered one, so
 * customers outside the cut have no exposure and drop out.
 */
export function riskExposure(scores, aging) {
  const totals = new Map(aging.map((a) => [a.key, { total: Number(a.total), name: a.name }]));
  return scores
    .map((s) => ({ customerId: s.customerId, name: s.name ?? totals.get(s.customerId)?.name ?? s.customerId, segment: s.segment, score: s.score, riskClass: s.riskClass, exposure: totals.get(s.customerId)?.total ?? 0 }))
    .filter((r) => r.exposure > 0);
}

export function exposureByClass(rows) {
  return RISK_CLASSES.map((riskClass) => {
    const inClass = rows.filter((r) => r.riskClass === riskClass);
    return { riskClass, customers: inClass.length, exposure: inClass.reduce((s, r) => s + r.exposure, 0) };
  }).filter((r) => r.customers > 0);
}

/** The 20 riskiest customers with open AR: lowest score first, larger exposure breaking ties. */
export function topRisky(rows, n = 20) {
  return [...rows].sort((a, b) => a.score - b.score || b.exposure - a.exposure).slice(0, n);
}

async function riskConcentration(asOf, currency) {
  // every scored customer and every customer's aging: the two largest tables of the page, read as Arrow streams
  const [scores, aging] = await Promise.all([
    apiTable('/api/v1/scores/customers', { sort: 'risk', limit: 10000, asOf }),
    apiTable('/api/v1/metrics/aging', { groupBy: 'customer', asOf, ...scopeQuery(filters) }),
  ]);
  const rows = riskExposure(scores.items, aging.items);
  const byClass = exposureByClass(rows);
  const short = (name) => (name.length > 26 ? `${name.slice(0, 25)}…` : name);
  const seen = new Set();
  const top = topRisky(rows).map((r) => {
    let label = `${short(r.name)} (${r.riskClass}, ${r.score})`;
    if (seen.has(label)) label = `${label} ${r.customerId}`;
    seen.add(label);
    return { ...r, label };
  });
  const which = cut;
  return el(
    'div',
    { class: 'grid span-12' },
    chartCard({
      id: 'exposure-by-class',
      title: `Exposure by risk class${which}`,
      subtitle: `Open AR of scored customers by class, A = safest (${currency})`,
      span: 'span-4',
      data: byClass,
      columns: [
        { key: 'riskClass', label: 'Risk class' },
        { key: 'customers', label: 'Customers', numeric: true },
        { key: 'exposure', label: `Open AR (${currency})`, numeric: true, format: (v) => fmt.money(v, currency) },
      ],
      chart: horizontalBarChart(byClass, {
        label: 'exposure',
        y: 'riskClass',
        yDomain: byClass.map((r) => r.riskClass),
        x: 'exposure',
        fill: 'riskClass',
        fillDomain: RISK_CLASSES,
        colors: RISK_COLORS,
        yLabel: 'Risk class',
        xLabel: `Open AR (${currency}) →`,
        marginLeft: 50,
        width: chartWidth(4),
        xTickFormat: (v) => fmt.money(v, currency, { compact: true }),
        xFormat: (v) => fmt.money(v, currency),
      }),
    }),
    chartCard({
      id: 'top-risky',
      title: `Top ${top.length} risky customers${which}`,
      subtitle: `Lowest risk scores among customers with open AR, by open AR (${currency})`,
      span: 'span-8',
      data: top,
      columns: [
        { key: 'customerId', label: 'Customer' },
        { key: 'name', label: 'Name' },
        { key: 'segment', label: 'Segment' },
        { key: 'score', label: 'Score (0–100)', numeric: true },
        { key: 'riskClass', label: 'Class' },
        { key: 'exposure', label: `Open AR (${currency})`, numeric: true, format: (v) => fmt.money(v, currency) },
      ],
      chart: horizontalBarChart(top, {
        label: 'risky customers',
        y: 'label',
        yDomain: top.map((r) => r.label),
        x: 'exposure',
        fill: 'riskClass',
        fillDomain: RISK_CLASSES,
        colors: RISK_COLORS,
        xLabel: `Open AR (${currency}) →`,
        marginLeft: 245,
        width: chartWidth(8),
        xTickFormat: (v) => fmt.money(v, currency, { compact: true }),
        xFormat: (v) => fmt.money(v, currency),
      }),
    }),
  );
}

function select(name, label, options, current, allLabel) {
  return el(
    'label',
    {},
    label,
    el('select', { name }, allLabel ? el('option', { value: '' }, allLabel) : null, options.map(([value, text]) => el('option', { value, selected: value === current }, text))),
  );
}

/** The filter form; choosing in a select applies at once, the date applies with Apply (or Enter). */
function filterBar(asOf, options, onChange) {
  const form = el(
    'form',
    { class: 'filters', method: 'get', action: '/', 'aria-label': 'Filters' },
    el('label', {}, 'As of', el('input', { type: 'date', name: 'asOf', value: asOf, required: true })),
    select('segment', 'Segment', options.segments.map((s) => [s, s]), filters.segment, 'All segments'),
    select('collectorId', 'Collector', options.collectors.map((c) => [c.id, c.name ?? c.id]), filters.collectorId, 'All collectors'),
    select('documentCurrency', 'Document currency', options.documentCurrencies.map((c) => [c, c]), filters.documentCurrency, 'All currencies'),
    select('groupBy', 'Group aging by', Object.entries(GROUPS), filters.groupBy),
    el('button', { type: 'submit' }, 'Apply'),
  );
  const apply = () => {
    const q = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v) q.set(k, String(v));
    onChange(q);
  };
  form.addEventListener('change', (e) => {
    if (e.target instanceof window.HTMLSelectElement) apply();
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    apply();
  });
  return form;
}

const NO_OPTIONS = { segments: [], collectors: [], documentCurrencies: [] };

async function main() {
  const page = shell('/', 'CFO overview', 'Receivables, collection performance, expected cash and risk, from the latest published run.');
  const filterSlot = el('div');
  const kpiSlot = el('div');
  const grid = el('div', { class: 'grid' });
  page.append(filterSlot, kpiSlot, grid);
  const optionsP = apiGet('/api/v1/metrics/filters').catch(() => NO_OPTIONS);
  let generation = 0;

  const render = async () => {
    const gen = ++generation;
    const options = await optionsP;
    cut = scopeLabel(filters, options.collectors);
    let summary;
    try {
      summary = await apiGet('/api/v1/metrics/summary', { asOf: filters.asOf, ...scopeQuery(filters) });
    } catch (err) {
      if (gen !== generation) return;
      clear(grid);
      await fill(kpiSlot, 'AR summary', () => Promise.reject(err));
      if (!filterSlot.firstChild) clear(filterSlot, filterBar(filters.asOf ?? '', options, onChange));
      return;
    }
    if (gen !== generation) return;
    const { asOf, currency } = summary;
    // built once, so a keyboard user's focus stays on the select they just changed
    if (!filterSlot.firstChild) clear(filterSlot, filterBar(asOf, options, onChange));
    else filterSlot.querySelector('input[name="asOf"]').value = asOf;
    // fresh containers per redraw: a slower, superseded redraw can only fill elements no longer on the page
    const kpiBox = el('div');
    clear(kpiSlot, kpiBox);
    const slots = ['span-6', 'span-6', 'span-12', 'span-12', 'span-12', 'span-12', 'span-12'].map((span) => el('div', { class: span }));
    clear(grid, slots);
    slots[2].after(slots[6]); // today's aging by group right below aging by month
    await Promise.all([
      fill(kpiBox, 'Key figures', () => kpis(summary)),
      fill(slots[0], 'DSO trend', () => dsoTrend(asOf)),
      fill(slots[1], 'CEI trend', () => ceiTrend(asOf)),
      fill(slots[2], 'Aging by month', () => agingByMonth(asOf, currency)),
      fill(slots[3], 'Cash forecast', () => cashForecast(asOf)),
      fill(slots[4], 'Dispute causes', () => disputeCauses(asOf)),
      fill(slots[5], 'Risk concentration', () => riskConcentration(asOf, currency)),
      fill(slots[6], 'Aging by group', () => agingByGroup(asOf, currency, filters.groupBy)),
    ]);
  };
  // tests and people wait for body[data-ready]: taken away while a redraw runs, back when the newest one is done
  const redraw = async () => {
    document.body.removeAttribute('data-ready');
    const gen = generation + 1;
    try {
      await render();
    } finally {
      if (gen === generation) document.body.setAttribute('data-ready', 'true');
    }
  };
  const onChange = (q) => {
    const search = q.toString();
    window.history.pushState(null, '', search ? `/?${search}` : '/');
    filters = readFilters(location.search);
    void redraw();
  };
  window.addEventListener('popstate', () => {
    filters = readFilters(location.search);
    void redraw();
  });
  await redraw();
}

void main().catch((err) => {
  console.error(err);
  document.body.setAttribute('data-ready', 'true');
});
