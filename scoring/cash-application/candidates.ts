/**
 * Set-based candidate generation: which open items a pass of cash application can touch, worked out
 * in DuckDB so a million open items never all pass through TypeScript.
 *
 * - Reference candidates: the reference tokens of every pending payment's remittance text are keyed in
 *   TypeScript (references.ts: OCR-folded form, numeric cores) and joined in SQL to the same keys of
 *   every open item's references (REF_HITS_SQL). Only the items found are indexed for reference
 *   lookups; the matcher then finds among them exactly what it would have found among all.
 * - Customers in play: the customers of those items, and of every payment's customer evidence (its
 *   customer id, payer accounts seen before, payer-name matches through the trigram index), with their
 *   corporate families. Only their open items are read back, columnar and typed.
 *
 * Every rule of the matcher looks only at the open items of a customer with evidence or of a referenced
 * document (and of their families), so restricting the items this way changes no outcome.
 */
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { readColumnsJS } from '../../core/columns.ts';
import type { Warehouse } from '../../core/warehouse.ts';
import { coreKeys, foldRef, plainRef, referenceTokens } from './references.ts';
import type { MatchContext, OpenItem, PaymentToMatch } from './matcher.ts';
import {
  CANDIDATE_TEMP_TABLES,
  CREATE_IN_PLAY_SQL,
  CREATE_REF_KEYS_SQL,
  IN_PLAY_ITEMS_SQL,
  MATERIALISE_OPEN_ITEMS_SQL,
  REF_HITS_SQL,
  REF_HIT_CUSTOMERS_SQL,
} from './queries.ts';

/** The text the matcher searches for references (matcher.ts proposeMatches). */
export function remittanceText(p: Pick<PaymentToMatch, 'remittanceText' | 'reference'>): string {
  return [p.remittanceText, p.reference].filter((t): t is string => !!t && t.trim() !== '').join(' ');
}

/** Lookup keys of every reference token in the payments' texts, as ReferenceIndex.lookup uses them. */
export function referenceKeys(payments: Iterable<Pick<PaymentToMatch, 'remittanceText' | 'reference'>>): { fold: Set<string>; core: Set<string> } {
  const fold = new Set<string>();
  const core = new Set<string>();
  const seen = new Set<string>();
  for (const p of payments) {
    const text = remittanceText(p);
    if (!text) continue;
    for (const token of referenceTokens(text)) {
      if (seen.has(token)) continue;
      seen.add(token);
      if (plainRef(token).length === 0) continue;
      // The index keeps folded forms of 3+ characters only; shorter ones can never match.
      const f = foldRef(token);
      if (f.length >= 3) fold.add(f);
      for (const c of coreKeys(token)) core.add(c);
    }
  }
  return { fold, core };
}

export interface Candidates {
  /** Open items of every customer in play (each customer's complete list). */
  readonly items: OpenItem[];
  /** The subset a reference token of some pending payment can find. */
  readonly referenceItems: OpenItem[];
  /** Customers in play, families included. */
  readonly customers: number;
}

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 → 'YYYY-MM-DD', remembered (a ledger has a few thousand distinct dates). */
function isoDay(cache: Map<number, string>, day: number): string {
  let s = cache.get(day);
  if (s === undefined) cache.set(day, (s = new Date(day * DAY_MS).toISOString().slice(0, 10)));
  return s;
}

async function appendColumn(conn: DuckDBConnection, table: string, rows: Iterable<readonly string[]>): Promise<void> {
  const appender = await conn.createAppender(table, 'main', 'temp');
  try {
    for (const row of rows) {
      for (const v of row) appender.appendVarchar(v);
      appender.endRow();
    }
  } finally {
    appender.closeSync();
  }
}

const text = (v: DuckDBValue | undefined): string => (v === null || v === undefined ? '' : String(v));
const cents = (v: DuckDBValue | undefined): bigint => (typeof v === 'bigint' ? v : BigInt(text(v) || '0'));
const maybeCents = (v: DuckDBValue | undefined): bigint | null => (v === null || v === undefined ? null : cents(v));
const maybeNumber = (v: DuckDBValue | undefined): number | null => (v === null || v === undefined ? null : Number(v));

/** One string object per distinct value: a million items share a few thousand customer ids and currencies. */
function intern(pool: Map<string, string>, v: DuckDBValue | undefined): string {
  const s = text(v);
  const hit = pool.get(s);
  if (hit !== undefined) return hit;
  pool.set(s, s);
  return s;
}

/** Shared while decoding one result: distinct dates and strings. */
interface DecodeState {
  readonly dates: Map<number, string>;
  readonly strings: Map<string, string>;
}

/**
 * Appends one chunk of IN_PLAY_ITEMS_SQL's columns as open items, noting those references can find.
 * The items live for the whole pass, so every object they share instead of repeating is one the
 * garbage collector need not trace again and again.
 */
function decodeChunk(columns: DuckDBValue[][], state: DecodeState, items: OpenItem[], referenceItems: OpenItem[]): void {
  const [kind, id, customer, currency, docDay, dueDay, amount, open, po, tax, pct, days, referenced] = columns;
  const n = id?.length ?? 0;
  for (let i = 0; i < n; i++) {
    const amountCents = cents(amount?.[i]);
    const openCents = cents(open?.[i]);
    const it: OpenItem = {
      kind: kind?.[i] === 'credit_note' ? 'credit_note' : 'invoice',
      id: text(id?.[i]),
      customerId: intern(state.strings, customer?.[i]),
      currency: intern(state.strings, currency?.[i]),
      documentDate: isoDay(state.dates, Number(docDay?.[i])),
      dueDate: isoDay(state.dates, Number(dueDay?.[i])),
      amountCents,
      // most items are untouched: one bigint for both
      openCents: openCents === amountCents ? amountCents : openCents,
      poNumber: po?.[i] === null || po?.[i] === undefined ? null : text(po[i]),
      taxCents: maybeCents(tax?.[i]),
      discountPct: maybeNumber(pct?.[i]),
      discountDays: maybeNumber(days?.[i]),
    };
    items.push(it);
    if (referenced?.[i] === true) referenceItems.push(it);
  }
}

/**
 * The open items a pass over `payments` can touch, at `asOf`. `ctx` must already know the customers
 * and the learned payer accounts (it supplies customer evidence and corporate families); its items are
 * not needed. All temporary tables live on one connection (inside a publish transaction, the scope's).
 */
export async function loadCandidates(wh: Warehouse, ctx: MatchContext, asOf: string, payments: readonly PaymentToMatch[]): Promise<Candidates> {
  // Nothing pending (a quiet night, or a settled ledger): no open item can matter.
  if (payments.length === 0) return { items: [], referenceItems: [], customers: 0 };
  return wh.withConnection(async (conn) => {
    const drop = async () => {
      for (const t of CANDIDATE_TEMP_TABLES) await conn.run(`drop table if exists temp.main.${t}`);
    };
    await drop();
    try {
      // DuckDB computes the open items on its own threads while this one keys the payments.
      const materialised = conn.run(MATERIALISE_OPEN_ITEMS_SQL, [asOf]);
      let keys: ReturnType<typeof referenceKeys>;
      const inPlay = new Set<string>();
      try {
        keys = referenceKeys(payments);
        for (const p of payments) for (const c of ctx.customersInPlay(p)) inPlay.add(c);
      } finally {
        await materialised;
      }
      await conn.run(CREATE_REF_KEYS_SQL);
      await appendColumn(conn, 'cash_app_ref_keys', (function* () {
        for (const k of keys.fold) yield ['fold', k];
        for (const k of keys.core) yield ['core', k];
      })());
      await conn.run(REF_HITS_SQL);
      const hitCustomers = (await readColumnsJS(conn, REF_HIT_CUSTOMERS_SQL)).columns[0] ?? [];
      for (const c of hitCustomers) if (c !== null) for (const f of ctx.family(String(c))) inPlay.add(f);
      await conn.run(CREATE_IN_PLAY_SQL);
      await appendColumn(conn, 'cash_app_in_play', [...inPlay].map((c) => [c]));
      // Chunk by chunk (2,048 rows): a million rows converted at once would be a million-element
      // array per column, all of it garbage a moment later.
      // streamed, not materialised: also what the pipeline's worker thread forwards (jobs/worker)
      const result = await conn.stream(IN_PLAY_ITEMS_SQL);
      const decoded = { items: [] as OpenItem[], referenceItems: [] as OpenItem[] };
      const state: DecodeState = { dates: new Map(), strings: new Map() };
      for (let chunk = await result.fetchChunk(); chunk !== null && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
        decodeChunk(chunk.getColumns(), state, decoded.items, decoded.referenceItems);
      }
      await drop();
      return { ...decoded, customers: inPlay.size };
    } catch (err) {
      // An aborted transaction refuses even the clean-up (and rolls the tables back itself): keep the first error.
      await drop().catch(() => undefined);
      throw err;
    }
  });
}
