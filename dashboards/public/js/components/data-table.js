/**
 * A plain accessible table: `columns` are { key | value(row), label, format?(v,row), numeric? }. Pure: (rows,
 * options) → element. `onSelect` makes rows keyboard-selectable buttons (Enter/Space) for drill-downs.
 */
import { el } from '../dom.js';

export function dataTable(rows, { columns, caption, onSelect, rowLabel, empty = 'No rows.', selectedIndex = -1 } = {}) {
  if (!rows.length) return el('p', { class: 'empty' }, empty);
  const valueOf = (c, r) => (typeof c.value === 'function' ? c.value(r) : r[c.key]);
  const head = el('tr', {}, columns.map((c) => el('th', { scope: 'col', class: c.numeric ? 'num' : undefined }, c.label)));
  const body = rows.map((r, i) => {
    const cells = columns.map((c) => {
      const v = valueOf(c, r);
      const shown = c.format ? c.format(v, r) : v ?? '–';
      return el('td', { class: c.numeric ? 'num' : undefined }, shown);
    });
    if (!onSelect) return el('tr', {}, cells);
    const tr = el('tr', {
      tabindex: '0',
      role: 'button',
      'aria-label': rowLabel ? rowLabel(r) : undefined,
      class: i === selectedIndex ? 'selected' : undefined,
      onclick: () => onSelect(r, i),
      onkeydown: (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          onSelect(r, i);
        }
      },
    }, cells);
    tr.style.cursor = 'pointer';
    return tr;
  });
  return el('div', { class: 'table-wrap' }, el('table', { class: 'data' }, caption ? el('caption', {}, caption) : null, el('thead', {}, head), el('tbody', {}, body)));
}
