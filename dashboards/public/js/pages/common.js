/** Page helpers shared by all dashboards: loading states and API errors shown where the data would be. */
import { el, clear } from '../dom.js';
import { isMissingRoute } from '../api.js';

export function errorNotice(err, what) {
  const msg = isMissingRoute(err)
    ? `${what}: this server does not provide that API yet.`
    : err?.status === 401
      ? `${what}: sign in to see this.`
      : err?.status === 403
        ? `${what}: your key's role may not see this.`
        : `${what}: ${err instanceof Error ? err.message : String(err)}`;
  // A feature the server does not have yet is a fact to state, not an alarm.
  return isMissingRoute(err) ? el('div', { class: 'notice', role: 'status' }, msg) : el('div', { class: 'notice error', role: 'alert' }, msg);
}

/** Runs `load` and puts its element (or the error) into `slot`, keeping the page usable if one part fails. */
export async function fill(slot, what, load) {
  clear(slot, el('p', { class: 'empty', 'aria-live': 'polite' }, `Loading ${what.toLowerCase()}…`));
  try {
    clear(slot, await load());
  } catch (err) {
    console.warn(what, err);
    clear(slot, errorNotice(err, what));
  }
}

export function card(title, subtitle, body, span = 'span-12', attrs = {}) {
  return el('section', { class: `card ${span}`, ...attrs }, el('h2', {}, title), subtitle ? el('p', { class: 'subtitle' }, subtitle) : null, body);
}

export function badge(text, tone = 'muted') {
  return el('span', { class: `badge ${tone}` }, text);
}

/**
 * Width for a chart in a card spanning `cols` of the 12-column grid, from the page width at load time (cards stack
 * to full width below 1024 px, as in app.css).
 */
export function chartWidth(cols = 12) {
  const main = document.querySelector('main');
  const inner = Math.min(1280, main ? main.clientWidth : 1280) - 40;
  const share = window.innerWidth <= 1024 ? 1 : cols / 12;
  return Math.max(280, Math.floor(inner * share - 40));
}
