/**
 * Frames a chart: title, subtitle (units), the chart element, its data as a table behind a disclosure, and a CSV
 * download of the same rows. `data-chart` names the card so tests and readers can find it. `caveat` is a short
 * statement shown in a notice above the chart, for what a reader must not miss (e.g. that a card ignores the
 * page's filters); it is part of the card's accessible description.
 */
import { el } from '../dom.js';
import { downloadCsv } from '../csv.js';
import { dataTable } from './data-table.js';

export function chartCard({ id, title, subtitle, chart, data, columns, span = 'span-6', note, caveat }) {
  const csvColumns = columns.map((c) => ({ label: c.label, key: c.key, value: c.value }));
  const slug = id.replace(/[^a-z0-9-]+/gi, '-');
  return el(
    'section',
    { class: `card ${span}`, 'data-chart': id, 'aria-labelledby': `${slug}-title`, 'aria-describedby': caveat ? `${slug}-caveat` : undefined },
    el('h2', { id: `${slug}-title` }, title),
    subtitle ? el('p', { class: 'subtitle' }, subtitle) : null,
    caveat ? el('p', { class: 'notice warn', id: `${slug}-caveat`, 'data-caveat': '' }, caveat) : null,
    data.length ? el('figure', { 'aria-label': title }, chart) : el('p', { class: 'empty' }, 'No data for this selection.'),
    note ? el('p', { class: 'subtitle' }, note) : null,
    el(
      'div',
      { class: 'tools' },
      el('details', {}, el('summary', {}, `Data table (${data.length} ${data.length === 1 ? 'row' : 'rows'})`), dataTable(data, { columns })),
      el('button', { type: 'button', class: 'secondary', onclick: () => downloadCsv(`${slug}.csv`, data, csvColumns), 'aria-label': `Download ${title} as CSV` }, 'Download CSV'),
    ),
  );
}
