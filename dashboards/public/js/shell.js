/** The frame every page shares: skip link, product name, navigation with the current page marked. */
import { el } from './dom.js';

export const PAGES = [
  { href: '/', label: 'CFO overview' },
  { href: '/collector.html', label: 'Collector workspace' },
  { href: '/credit.html', label: 'Credit desk' },
  { href: '/cash-application.html', label: 'Cash application' },
  { href: '/data-quality.html', label: 'Data quality' },
];

/** Builds header and main; returns the main element for the page to fill. */
export function shell(current, title, lede) {
  const header = el(
    'header',
    { class: 'top' },
    el('a', { class: 'skip-link', href: '#main' }, 'Skip to content'),
    el(
      'div',
      { class: 'inner' },
      el('div', { class: 'brand' }, 'ar-intel'),
      el(
        'nav',
        { 'aria-label': 'Dashboards' },
        el('ul', {}, PAGES.map((p) => el('li', {}, el('a', { href: p.href, 'aria-current': p.href === current ? 'page' : undefined }, p.label)))),
      ),
    ),
  );
  const main = el('main', { id: 'main', tabindex: '-1' }, el('h1', {}, title), lede ? el('p', { class: 'lede' }, lede) : null);
  document.body.replaceChildren(header, main);
  document.title = `${title} · ar-intel`;
  return main;
}
