/** The only way pages reach data: the ar-intel HTTP API, same origin. Errors carry the API's own message. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body && typeof body.message === 'string' ? body.message : `request failed with HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

function withQuery(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params ?? {})) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

async function parse(res) {
  const text = await res.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = { message: text };
  }
  if (!res.ok) {
    // One signal for the whole page: the shell shows a single sign-in form however many calls were refused.
    if (res.status === 401) document.dispatchEvent(new window.CustomEvent('ar-intel:unauthenticated'));
    throw new ApiError(res.status, body);
  }
  return body;
}

export async function apiGet(path, params) {
  return parse(await fetch(withQuery(path, params), { headers: { accept: 'application/json' } }));
}

const ARROW_STREAM = 'application/vnd.apache.arrow.stream';

/**
 * A table-shaped route read as an Arrow IPC stream (the `Arrow` global, apache-arrow's UMD build from /vendor/):
 * for large tables it is smaller than JSON and decodes column by column. Answers the same object the JSON call
 * would: the rows under `table`, the other fields from the stream's metadata; Int64 columns come back as numbers
 * and columns the server marked as JSON (nested values) are parsed.
 */
export async function apiTable(path, params, table = 'items') {
  const res = await fetch(withQuery(path, params), { headers: { accept: `${ARROW_STREAM}, application/json;q=0.5` } });
  if (!res.ok || !(res.headers.get('content-type') ?? '').startsWith(ARROW_STREAM)) return parse(res);
  const t = window.Arrow.tableFromIPC(new Uint8Array(await res.arrayBuffer()));
  const json = new Set(t.schema.fields.filter((f) => f.metadata.get('ar-intel:encoding') === 'json').map((f) => f.name));
  const names = t.schema.fields.map((f) => f.name);
  const columns = names.map((n) => t.getChild(n));
  const rows = new Array(t.numRows);
  for (let i = 0; i < t.numRows; i++) {
    const row = {};
    names.forEach((n, j) => {
      // get(i), not toArray(): a typed array of an Int64 column would turn nulls into 0
      const v = columns[j].get(i);
      row[n] = v === undefined || v === null ? null : typeof v === 'bigint' ? Number(v) : json.has(n) && typeof v === 'string' ? JSON.parse(v) : v;
    });
    rows[i] = row;
  }
  return { ...JSON.parse(t.schema.metadata.get('ar-intel:meta') ?? '{}'), [table]: rows };
}

export async function apiPost(path, body, headers = {}) {
  return parse(
    await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', ...headers }, body: JSON.stringify(body) }),
  );
}

/** A fresh Idempotency-Key, so a form submitted twice (double click, retry) is recorded once. */
export function idempotencyKey() {
  const bytes = window.crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** True when the API has the route at all (404 with our NOT_FOUND code means the feature is not installed). */
export function isMissingRoute(err) {
  return err instanceof ApiError && err.status === 404 && err.body?.code === 'NOT_FOUND' && /^no route/.test(err.body?.message ?? '');
}

/** Signs in with an API key; the server keeps it in an HttpOnly cookie, so scripts never hold it afterwards. */
export async function signIn(key) {
  return apiPost('/api/v1/session', { key });
}
