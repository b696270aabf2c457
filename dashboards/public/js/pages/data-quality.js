/** Data quality: freshness of each source table, recent loads, and the rows a load rejected with their reasons. */
import { el, clear } from '../dom.js';
import { apiGet } from '../api.js';
import { fmt } from '../format.js';
import { shell } from '../shell.js';
import { chartCard } from '../components/chart-card.js';
import { dataTable } from '../components/data-table.js';
import { horizontalBarChart, stackedBarChart } from '../components/charts.js';
import { badge, card, chartWidth, fill } from './common.js';

const ROW_KINDS = [
  { key: 'rowsLoaded', label: 'Loaded' },
  { key: 'rowsUpdated', label: 'Updated' },
  { key: 'rowsDuplicate', label: 'Duplicate' },
  { key: 'rowsRejected', label: 'Rejected' },
];
const ROW_COLORS = ['#1b7f4b', '#5aa3e8', '#b0b8c4', '#b3261e'];

const statusTone = { loaded: 'good', partial: 'warn', failed: 'bad', duplicate: 'muted', running: 'muted' };

function freshnessTable(data) {
  return dataTable(data.items, {
    caption: data.newestDate ? `Days behind are counted from the newest date in any transaction table, ${fmt.date(data.newestDate)}; master data shows its latest date only.` : undefined,
    columns: [
      { key: 'table', label: 'Table' },
      { key: 'rows', label: 'Rows', numeric: true, format: (v) => fmt.number(v) },
      { key: 'latestDate', label: 'Latest date', format: (v, r) => (r.dateColumn ? fmt.date(v) : 'no date column') },
      {
        key: 'daysBehind',
        label: 'Days behind',
        numeric: true,
        format: (v, r) => (r.rows === 0 ? badge('empty', 'bad') : v === null ? '–' : v > 31 ? badge(fmt.number(v), 'bad') : v > 7 ? badge(fmt.number(v), 'warn') : fmt.number(v)),
      },
      { key: 'lastLoadedAt', label: 'Last loaded', format: (v) => fmt.date(v) },
    ],
  });
}

/** One row per (load run, outcome) with a non-zero count, oldest run first, for the stacked bars. */
export function loadRowsSeries(runs, max = 20) {
  const recent = runs.slice(0, max).reverse();
  return recent.flatMap((r) =>
    ROW_KINDS.filter((k) => r[k.key] > 0).map((k) => ({ run: `#${r.loadRunId}`, file: r.fileName, outcome: k.label, rows: r[k.key] })),
  );
}

/** Rejected rows counted by field, most frequent first. */
export function rejectsByField(rows) {
  const counts = new Map();
  for (const r of rows) {
    const key = r.field ?? '(whole row)';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([field, rows]) => ({ field, rows })).sort((a, b) => b.rows - a.rows || a.field.localeCompare(b.field));
}

async function showRejected(slot, run) {
  await fill(slot, 'Rejected rows', async () => {
    const { items } = await apiGet(`/api/v1/load-runs/${run.loadRunId}/rejected-rows`, { limit: 1000 });
    const byField = rejectsByField(items);
    const title = `Rejected rows of load #${run.loadRunId} (${run.fileName})`;
    if (!items.length) return card(title, null, el('p', { class: 'empty' }, 'This load rejected no rows.'));
    return el(
      'div',
      { class: 'grid' },
      chartCard({
        id: 'rejects-by-field',
        title: 'Rejections by field',
        subtitle: `Load #${run.loadRunId}: number of rejected rows per field (rows)`,
        span: 'span-4',
        data: byField,
        columns: [
          { key: 'field', label: 'Field' },
          { key: 'rows', label: 'Rejected rows', numeric: true },
        ],
        chart: horizontalBarChart(byField, { label: 'rejects', y: 'field', x: 'rows', xLabel: 'Rejected rows →', integer: true, width: chartWidth(4), marginLeft: 110, xFormat: (v) => fmt.number(v) }),
      }),
      card(
        title,
        `${fmt.number(items.length)} row(s) shown, with the line of the file, the field and the reason.`,
        dataTable(items, {
          columns: [
            { key: 'line', label: 'Line', numeric: true },
            { key: 'field', label: 'Field' },
            { key: 'value', label: 'Value' },
            { key: 'reason', label: 'Reason' },
          ],
        }),
        'span-8',
        { 'data-table': 'rejected-rows' },
      ),
    );
  });
}

async function main() {
  const page = shell('/data-quality.html', 'Data quality', 'How fresh each source is, what recent loads did, and why rows were rejected.');
  const grid = el('div', { class: 'grid' });
  const freshSlot = el('div', { class: 'span-12' });
  const chartSlot = el('div', { class: 'span-12' });
  const runsSlot = el('div', { class: 'span-12' });
  const rejectSlot = el('div', { class: 'span-12' });
  grid.append(freshSlot, chartSlot, runsSlot, rejectSlot);
  page.append(grid);

  const freshDone = fill(freshSlot, 'Freshness', async () => {
    const data = await apiGet('/api/v1/data-quality/freshness');
    return card('Freshness by source table', 'Row count, latest business date and last load of each canonical table.', freshnessTable(data), 'span-12', { 'data-table': 'freshness' });
  });

  const { items: runs } = await apiGet('/api/v1/load-runs', { limit: 100 }).catch((err) => {
    void fill(runsSlot, 'Load runs', () => Promise.reject(err));
    return { items: null };
  });
  if (!runs) return freshDone;
  const series = loadRowsSeries(runs);
  clear(
    chartSlot,
    chartCard({
      id: 'load-rows',
      title: 'Rows per load',
      subtitle: 'Outcome of every row read, for the 20 most recent loads (rows)',
      span: 'span-12',
      data: series,
      columns: [
        { key: 'run', label: 'Load' },
        { key: 'file', label: 'File' },
        { key: 'outcome', label: 'Outcome' },
        { key: 'rows', label: 'Rows', numeric: true },
      ],
      chart: stackedBarChart(series, {
        label: 'load rows',
        x: 'run',
        xDomain: [...new Set(series.map((d) => d.run))],
        y: 'rows',
        fill: 'outcome',
        fillDomain: ROW_KINDS.map((k) => k.label),
        colors: ROW_COLORS,
        xLabel: 'Load run',
        yLabel: 'Rows ↑',
        width: chartWidth(12),
        height: 260,
        yFormat: (v) => fmt.number(v),
        yTickFormat: (v) => fmt.number(v),
      }),
    }),
  );

  let selected = runs.findIndex((r) => r.rowsRejected > 0);
  const renderRuns = () =>
    clear(
      runsSlot,
      card(
        'Recent loads',
        'Select a load (click, or Enter) to see its rejected rows.',
        dataTable(runs, {
          selectedIndex: selected,
          rowLabel: (r) => `Load ${r.loadRunId}, ${r.fileName}, ${r.rowsRejected} rejected`,
          onSelect: (r, i) => {
            selected = i;
            renderRuns();
            void showRejected(rejectSlot, r);
          },
          empty: 'No loads yet. Load files with `ar-intel ingest` or `ar-intel demo --load`.',
          columns: [
            { key: 'loadRunId', label: 'Load', numeric: true },
            { key: 'fileName', label: 'File' },
            { key: 'kind', label: 'Kind' },
            { key: 'status', label: 'Status', format: (v) => badge(v, statusTone[v] ?? 'muted') },
            { key: 'rowsRead', label: 'Read', numeric: true, format: (v) => fmt.number(v) },
            { key: 'rowsLoaded', label: 'Loaded', numeric: true, format: (v) => fmt.number(v) },
            { key: 'rowsUpdated', label: 'Updated', numeric: true, format: (v) => fmt.number(v) },
            { key: 'rowsDuplicate', label: 'Duplicate', numeric: true, format: (v) => fmt.number(v) },
            { key: 'rowsRejected', label: 'Rejected', numeric: true, format: (v) => (v > 0 ? badge(fmt.number(v), 'bad') : fmt.number(v)) },
            { key: 'startedAt', label: 'Started', format: (v) => fmt.date(v) },
            { key: 'message', label: 'Message' },
          ],
        }),
        'span-12',
        { 'data-table': 'load-runs' },
      ),
    );
  renderRuns();
  const first = runs[selected];
  if (first) await showRejected(rejectSlot, first);
  else clear(rejectSlot);
  await freshDone;
}

void main().finally(() => document.body.setAttribute('data-ready', 'true'));
