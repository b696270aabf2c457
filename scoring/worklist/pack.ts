/**
 * The worklists stage's build, set-based: DuckDB joins the open items with their scores, disputes and
 * promises, computes each item's status and packs every customer's stored item list as JSON
 * (pack-items.sql); JavaScript reads only the numbers the strategy needs, one column vector at a time, and
 * decides each customer's value, action and reasons with the same pure function as the object path
 * (decideCustomer in ../worklist.ts); DuckDB then ranks every collector's list and the team queue with
 * window functions, cuts at capacity and writes worklist_items (store.sql). Output is byte-equal to
 * loadWorklistInputs → buildWorklists → writeWorklists (test/worklist/worklist-reference.test.ts), which
 * `evaluate:worklist` still uses because it needs each item as an object.
 */
import { readFileSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Warehouse } from '../../core/warehouse.ts';
import { bindParams, compile, persistedIn } from '../../models/dag.ts';
import { ensurePersisted } from '../../models/persisted.ts';
import { PERSISTED_MODELS } from '../../models/persisted.ts';
import { decideCustomer, type DecisionItem, type ItemStatus } from '../worklist.ts';
import type { Strategy } from '../strategy.ts';
import { CUSTOMER_CONTEXT, OPEN_DISPUTES, customerContext, loadPromiseState, type ContextRow, type PromiseState } from './inputs.ts';

const sql = (name: string) => readFileSync(new URL(`./${name}.sql`, import.meta.url), 'utf8');
/** Statements of a .sql file (split at a semicolon ending a line; comments dropped). */
const statements = (text: string) =>
  text
    .split(/;\s*$/m)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter(Boolean);
const JSON_MACROS = statements(sql('json-macros'));
const PACK_ITEMS = sql('pack-items');
const STORE = sql('store');
const OPEN_ITEMS_PARAMS = { basis: 'due', bucket_edges: '0,30,60,90,120' } as const;

/** Wall and CPU time of each phase, for the bench. */
export type WorklistPhase = 'pack' | 'decide' | 'store';

export interface WorklistBuildSummary {
  /** worklist_items rows written (one per customer with scored open invoices). */
  readonly rows: number;
  readonly onCollectorLists: number;
  readonly inTeamQueue: number;
}

const STATUS: readonly ItemStatus[] = ['actionable', 'disputed', 'promised'];

/** A column vector of the item stream (getItem is all the decision reads of it). */
interface Column {
  getItem(row: number): unknown;
}

/**
 * An item of the decision stream. The invoice id is decoded from its vector only when read, which the
 * decision does for one item per customer at most (the riskiest-item reason): decoding a string per item
 * was the largest single cost of handing a million items to JavaScript.
 */
class StreamedItem implements DecisionItem {
  readonly #ids: Column;
  readonly #row: number;
  constructor(
    ids: Column,
    row: number,
    readonly openBase: number,
    readonly daysPastDue: number,
    readonly pWriteOff: number,
    readonly payDays: DecisionItem['payDays'],
    readonly dispute: DecisionItem['dispute'],
    readonly promisedDate: string | null,
  ) {
    this.#ids = ids;
    this.#row = row;
  }
  get invoiceId(): string {
    return this.#ids.getItem(this.#row) as string;
  }
}

/** Runs one statement with the named parameters it uses. */
async function exec(conn: DuckDBConnection, text: string, params: Record<string, string | number>) {
  await conn.run(text, bindParams(text, params));
}

async function uploadPromises(conn: DuckDBConnection, promises: PromiseState) {
  await conn.run('create or replace temp table worklist_promises (invoice_id varchar, customer_id varchar, promised_date varchar)');
  const app = await conn.createAppender('worklist_promises', 'main', 'temp');
  try {
    for (const [invoiceId, date] of promises.invoicePromise) {
      app.appendVarchar(invoiceId);
      app.appendNull();
      app.appendVarchar(date);
      app.endRow();
    }
    for (const [customerId, date] of promises.accountPromise) {
      app.appendNull();
      app.appendVarchar(customerId);
      app.appendVarchar(date);
      app.endRow();
    }
    app.flushSync();
  } finally {
    app.closeSync();
  }
}

const DECISION_COLUMNS = `customer_id varchar, collector_id varchar, queue varchar, score double, total_open double, total_overdue double,
  total_at_risk double, max_days_past_due integer, action varchar, channel varchar, step varchar, reasons varchar, suppressed_by varchar`;

/**
 * Reads the packed items customer by customer (ordered by customer number, then the item order of the
 * stored list) and appends one decision per customer. Only numbers, the invoice id and the rare dispute
 * and promise texts cross into JavaScript.
 */
async function decideAll(conn: DuckDBConnection, asOf: string, baseCurrency: string, strategy: Strategy, promises: PromiseState) {
  const context = (await conn.runAndReadAll(
    // contact details are not part of the decision (the API reads them from customers): not decoded here
    `select x.* replace (null::varchar as contact_name, null::varchar as email, null::varchar as phone),
            p.first_seq::double as first_seq, p.last_seq::double as last_seq, p.exposure
     from (${CUSTOMER_CONTEXT}) x join temp.main.worklist_pack_customers p on p.customer_id = x.customer_id
     order by p.first_seq`,
    bindParams(CUSTOMER_CONTEXT, { as_of: asOf, base_currency: baseCurrency }),
  )).getRowObjectsJson() as (ContextRow & { first_seq: number; last_seq: number; exposure: number })[];

  await conn.run(`create or replace temp table worklist_decisions (${DECISION_COLUMNS})`);
  const app = await conn.createAppender('worklist_decisions', 'main', 'temp');
  const text = (v: string | null) => (v === null ? app.appendNull() : app.appendVarchar(v));
  // items arrive in seq order: each customer's items are the contiguous run first_seq..last_seq of its context
  // row; items of a customer without a context row are skipped (as the object path does)
  let next = 0; // index into context of the customer whose items are being collected
  let items: DecisionItem[] = [];
  let statuses: ItemStatus[] = [];
  const flush = (row: ContextRow & { exposure: number }) => {
    const e = decideCustomer(asOf, customerContext(row, promises, row.exposure), items, statuses, strategy, baseCurrency);
    text(e.customerId);
    text(e.collectorId);
    app.appendVarchar(e.queue);
    app.appendDouble(e.score);
    app.appendDouble(e.totalOpen);
    app.appendDouble(e.totalOverdue);
    app.appendDouble(e.totalAtRisk);
    app.appendInteger(e.maxDaysPastDue);
    app.appendVarchar(e.action);
    app.appendVarchar(e.channel);
    app.appendVarchar(e.step);
    app.appendVarchar(JSON.stringify(e.reasons));
    text(e.suppressedBy);
    app.endRow();
    items = [];
    statuses = [];
  };
  try {
    const result = await conn.stream(
      `select seq::double, invoice_id, open_base, days_past_due, p_write_off, pay10, pay50, pay90, status, dispute_cause, dispute_owner, promised_date
       from temp.main.worklist_pack_items order by seq`,
    );
    for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
      const [seqs, invoiceId, openBase, dpd, pWriteOff, p10, p50, p90, status, cause, owner, promised] = Array.from({ length: 12 }, (_, k) =>
        chunk.getColumnVector(k),
      );
      // the item objects outlive this loop (a customer's items can span two chunks): their id column keeps
      // the chunk, whose native memory holds the strings, reachable until they are decided
      const ids: Column & { readonly chunk: unknown } = { chunk, getItem: (row) => invoiceId?.getItem(row) };
      for (let r = 0; r < chunk.rowCount; r += 1) {
        const seq = seqs?.getItem(r) as number;
        let row = context[next];
        while (row && row.last_seq < seq) {
          if (items.length) flush(row);
          next += 1;
          row = context[next];
        }
        if (!row || seq < row.first_seq) continue;
        const s = STATUS[status?.getItem(r) as number] ?? 'actionable';
        items.push(
          new StreamedItem(
            ids,
            r,
            openBase?.getItem(r) as number,
            dpd?.getItem(r) as number,
            pWriteOff?.getItem(r) as number,
            { p10: p10?.getItem(r) as number, p50: p50?.getItem(r) as number, p90: p90?.getItem(r) as number },
            s === 'disputed' ? { cause: cause?.getItem(r) as string | null, owner: owner?.getItem(r) as string | null } : null,
            promised?.getItem(r) as string | null,
          ),
        );
        statuses.push(s);
      }
    }
    const last = context[next];
    if (last && items.length) flush(last);
    app.flushSync();
  } finally {
    app.closeSync();
  }
}

/**
 * Builds every collector's list and the team queue for `asOf` and replaces that date's worklist_items, in
 * one transaction. `onPhase` is called as each phase ends (pack, decide, store), for the bench's timings.
 */
export async function buildAndStoreWorklists(
  wh: Warehouse,
  asOf: string,
  baseCurrency: string,
  strategy: Strategy,
  builtAt: string,
  onPhase: (phase: WorklistPhase) => void = () => undefined,
): Promise<WorklistBuildSummary> {
  // the open-item model reads the persisted balance segments; bring them up to date before the transaction
  await ensurePersisted(wh, persistedIn('mart_open_items'));
  const promises = await loadPromiseState(wh, asOf, strategy);
  return wh.transaction(async (conn) => {
    for (const m of JSON_MACROS) await conn.run(m);
    await uploadPromises(conn, promises);
    const pack = PACK_ITEMS.split('__OPEN_ITEMS__').join(compile('mart_open_items', {}, PERSISTED_MODELS)).split('__OPEN_DISPUTES__').join(OPEN_DISPUTES);
    await exec(conn, pack, { ...OPEN_ITEMS_PARAMS, as_of: asOf, base_currency: baseCurrency, grace_days: strategy.suppression.promiseGraceDays });
    await conn.run(
      `create or replace temp table worklist_pack_customers as
       select customer_id, min(seq) as first_seq, max(seq) as last_seq, any_value(exposure) as exposure,
              '[' || string_agg(item_json, ',' order by seq) || ']' as items_json
       from temp.main.worklist_pack_items group by customer_id`,
    );
    onPhase('pack');
    await decideAll(conn, asOf, baseCurrency, strategy, promises);
    onPhase('decide');
    await conn.run(
      `insert into collection_strategies (version, definition, created_at) values ($1, $2, $3::timestamp) on conflict do nothing`,
      [strategy.version, JSON.stringify(strategy), builtAt],
    );
    await conn.run('delete from worklist_items where as_of = $1::date', [asOf]);
    await exec(conn, STORE, { as_of: asOf, base_currency: baseCurrency, version: strategy.version });
    const counts = (await conn.runAndReadAll(
      `select count(*)::integer as rows, count(*) filter (where queue = 'collector')::integer as listed, count(*) filter (where queue = 'team')::integer as team
       from worklist_items where as_of = $1::date`,
      [asOf],
    )).getRowObjectsJson()[0] as { rows: number; listed: number; team: number } | undefined;
    for (const t of ['worklist_decisions', 'worklist_pack_customers', 'worklist_pack_items', 'worklist_promises']) await conn.run(`drop table temp.main.${t}`);
    onPhase('store');
    return { rows: counts?.rows ?? 0, onCollectorLists: counts?.listed ?? 0, inTeamQueue: counts?.team ?? 0 };
  });
}
