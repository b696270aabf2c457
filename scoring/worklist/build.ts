/**
 * The worklist's object path: reads what the worklist needs at an as-of date (open items with their risk
 * scores, disputes, promises, contacts, customer scores) as one object per item, ranks it with the pure
 * functions of ../worklist.ts and writes one row per customer to worklist_items in a single transaction.
 * `evaluate:worklist` replays past dates through it (it needs every item); the pipeline's stage uses the
 * set-based build of pack.ts, which stores the same rows.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Warehouse } from '../../core/warehouse.ts';
import { CUSTOMER_CONTEXT, OPEN_DISPUTES, customerContext, loadPromiseState, type ContextRow } from './inputs.ts';
import { queryModel } from '../../models/dag.ts';
import { codePointOrder, type CollectorInput, type CustomerInput, type WorklistEntry, type WorkItemInput } from '../worklist.ts';
import type { Strategy } from '../strategy.ts';


interface ItemRow extends Record<string, unknown> {
  invoice_id: string;
  customer_id: string;
  open_amount: string;
  open_base: number;
  currency: string;
  due_date: string;
  days_past_due: number;
  p_late: number;
  p_late30: number;
  p_write_off: number;
  pay10: number;
  pay50: number;
  pay90: number;
  exposure: number;
}

export async function loadWorklistInputs(
  wh: Warehouse,
  asOf: string,
  baseCurrency: string,
  strategy: Strategy,
): Promise<{ customers: CustomerInput[]; collectors: CollectorInput[] }> {
  // One pass over the open book: every open line counts towards the customer's exposure (credit notes and
  // unapplied cash included), and only invoice lines with a score of this date become work items (qualify
  // filters after the window). Payment quantiles become days from the as-of date.
  const items = await queryModel<ItemRow>(
    wh,
    'mart_open_items',
    { as_of: asOf, basis: 'due', bucket_edges: '0,30,60,90,120', base_currency: baseCurrency },
    {
      select: `m.invoice_id, m.customer_id, m.open_amount::varchar as open_amount, m.open_base::double as open_base, m.currency,
               m.due_date::varchar as due_date, m.days_past_due::integer as days_past_due, s.p_late, s.p_late30, s.p_write_off,
               date_diff('day', $as_of::date, m.doc_date + s.days_to_pay_p10)::integer as pay10,
               date_diff('day', $as_of::date, m.doc_date + s.days_to_pay_p50)::integer as pay50,
               date_diff('day', $as_of::date, m.doc_date + s.days_to_pay_p90)::integer as pay90,
               sum(m.open_base) over (partition by m.customer_id)::double as exposure`,
      tail: `left join invoice_scores s on s.invoice_id = m.invoice_id and s.as_of = $as_of::date
             qualify m.item_kind = 'invoice' and m.open_amount > 0 and s.invoice_id is not null`,
    },
  );
  const disputes = await wh.all<{ invoice_id: string; dispute_id: string; cause: string; owner: string | null }>(OPEN_DISPUTES, { as_of: asOf });
  const promises = await loadPromiseState(wh, asOf, strategy);
  const context = await wh.all<ContextRow>(CUSTOMER_CONTEXT, { as_of: asOf, base_currency: baseCurrency });
  const collectors = await wh.all<{ collector_id: string; daily_capacity: number }>('select collector_id, daily_capacity from collectors');

  const disputeOf = new Map(disputes.map((d) => [d.invoice_id, d]));
  const itemsOf = new Map<string, WorkItemInput[]>();
  const exposureOf = new Map<string, number>();
  for (const r of items) {
    exposureOf.set(r.customer_id, r.exposure);
    const d = disputeOf.get(r.invoice_id);
    const list = itemsOf.get(r.customer_id) ?? [];
    list.push({
      invoiceId: r.invoice_id,
      openBase: r.open_base,
      openDoc: r.open_amount,
      currency: r.currency,
      dueDate: r.due_date,
      daysPastDue: r.days_past_due,
      pLate: r.p_late,
      pLate30: r.p_late30,
      pWriteOff: r.p_write_off,
      payDays: { p10: r.pay10, p50: r.pay50, p90: r.pay90 },
      dispute: d ? { disputeId: d.dispute_id, cause: d.cause, owner: d.owner } : null,
      promisedDate: promises.invoicePromise.get(r.invoice_id) ?? null,
    });
    itemsOf.set(r.customer_id, list);
  }
  for (const list of itemsOf.values()) list.sort((a, b) => codePointOrder(a.dueDate, b.dueDate) || codePointOrder(a.invoiceId, b.invoiceId));
  const customers: CustomerInput[] = context
    .filter((c) => itemsOf.has(c.customer_id))
    .map((c) => ({ ...customerContext(c, promises, exposureOf.get(c.customer_id) ?? 0), items: itemsOf.get(c.customer_id) ?? [] }));
  return {
    customers,
    collectors: collectors.map((c) => ({ collectorId: c.collector_id, dailyCapacity: Number(c.daily_capacity) })),
  };
}

const STAGE_COLUMNS = `customer_id varchar, collector_id varchar, queue varchar, rank integer, score double, total_open double,
  total_overdue double, total_at_risk double, max_days_past_due integer, action varchar, channel varchar, step varchar,
  reasons varchar, items varchar, suppressed_by varchar`;

/**
 * Streams the entries through DuckDB's appender into a temporary table and copies them over in one
 * statement: a bound VALUES list costs a parameter per field and does not scale to a hundred thousand
 * customers, the appender writes column vectors directly.
 */
async function insertEntries(conn: DuckDBConnection, asOf: string, baseCurrency: string, version: string, entries: readonly WorklistEntry[]) {
  await conn.run(`create or replace temp table worklist_stage (${STAGE_COLUMNS})`);
  const app = await conn.createAppender('worklist_stage', 'main', 'temp');
  const text = (v: string | null) => (v === null ? app.appendNull() : app.appendVarchar(v));
  try {
    for (const e of entries) {
      text(e.customerId);
      text(e.collectorId);
      app.appendVarchar(e.queue);
      if (e.rank === null) app.appendNull();
      else app.appendInteger(e.rank);
      app.appendDouble(e.score);
      app.appendDouble(e.totalOpen);
      app.appendDouble(e.totalOverdue);
      app.appendDouble(e.totalAtRisk);
      app.appendInteger(e.maxDaysPastDue);
      app.appendVarchar(e.action);
      app.appendVarchar(e.channel);
      app.appendVarchar(e.step);
      app.appendVarchar(JSON.stringify(e.reasons));
      app.appendVarchar(JSON.stringify(e.items));
      text(e.suppressedBy);
      app.endRow();
    }
    app.flushSync();
  } finally {
    app.closeSync();
  }
  // amounts were rounded to the cent in scoring; the cast to DECIMAL(18,2) stores exactly those cents
  await conn.run(
    `insert into worklist_items
     select $1::date, customer_id, collector_id, queue, rank, score, total_open::decimal(18, 2), total_overdue::decimal(18, 2),
            total_at_risk::decimal(18, 2), $2, max_days_past_due, action, channel, step, reasons, items, suppressed_by, $3
     from temp.main.worklist_stage`,
    [asOf, baseCurrency, version],
  );
  await conn.run('drop table temp.main.worklist_stage');
}

export async function writeWorklists(
  wh: Warehouse,
  asOf: string,
  baseCurrency: string,
  strategy: Strategy,
  entries: readonly WorklistEntry[],
  builtAt: string,
): Promise<void> {
  await wh.transaction(async (conn) => {
    await conn.run(
      `insert into collection_strategies (version, definition, created_at) values ($1, $2, $3::timestamp) on conflict do nothing`,
      [strategy.version, JSON.stringify(strategy), builtAt],
    );
    await conn.run('delete from worklist_items where as_of = $1::date', [asOf]);
    await insertEntries(conn, asOf, baseCurrency, strategy.version, entries);
  });
}

// the pipeline's build (set-based, same output); kept importable from here where callers always found it
export { buildAndStoreWorklists } from './pack.ts';
