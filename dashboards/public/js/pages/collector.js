/**
 * Collector workspace. It is built on the worklist and customer 360 APIs (GET /api/v1/worklists/:collectorId,
 * GET /api/v1/customers/:id, POST /api/v1/activities, /promises, /disputes); until the server offers them the page
 * says so instead of showing empty tables.
 */
import { el, clear } from '../dom.js';
import { apiGet, isMissingRoute } from '../api.js';
import { shell } from '../shell.js';
import { card, errorNotice } from './common.js';

async function main() {
  const page = shell('/collector.html', 'Collector workspace', 'Ranked worklist, customer 360 and the forms to log calls, promises and disputes.');
  const slot = el('div');
  page.append(slot);
  try {
    await apiGet('/api/v1/worklists/team');
    clear(slot, card('Worklists', null, el('p', {}, 'The worklist API is available; this page does not show it yet.')));
  } catch (err) {
    clear(
      slot,
      isMissingRoute(err)
        ? el('div', { class: 'notice', role: 'status', 'data-unavailable': 'worklists' }, 'Worklists are not available on this server yet: it does not provide GET /api/v1/worklists. Run a version with the worklist stage to use this page.')
        : errorNotice(err, 'Worklists'),
    );
  }
}

void main().finally(() => document.body.setAttribute('data-ready', 'true'));
