/** The frame every page shares: skip link, product name, navigation with the current page marked. */
import { el } from './dom.js';
import { signIn } from './api.js';

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

/** The sign-in form shown (once) when the API answers 401; a successful sign-in reloads the page. */
function signInForm() {
  const key = el('input', { type: 'password', name: 'key', autocomplete: 'current-password', required: true, minlength: '8' });
  const message = el('p', { class: 'subtitle', 'aria-live': 'polite' }, 'This server needs an API key. Ask an administrator for one (`ar-intel keys create`).');
  const form = el(
    'form',
    { class: 'card signin', 'aria-label': 'Sign in', 'data-signin': '' },
    el('h2', {}, 'Sign in'),
    message,
    el('div', { class: 'stack' }, el('label', {}, 'API key', key), el('button', { type: 'submit' }, 'Sign in')),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await signIn(key.value.trim());
      location.reload();
    } catch (err) {
      message.textContent = err instanceof Error ? err.message : String(err);
      message.className = 'notice error';
    }
  });
  return form;
}

document.addEventListener('ar-intel:unauthenticated', () => {
  if (document.querySelector('[data-signin]')) return;
  const main = document.querySelector('main');
  const form = signInForm();
  main?.querySelector('h1')?.after(form);
  form.querySelector('input')?.focus();
});
