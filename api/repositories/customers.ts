/**
 * Customer 360: everything a collector needs on one screen, read point-in-time at the as-of date so
 * the page agrees with the worklist and the metrics of the same date.
 */
import type { Warehouse } from '../../core/warehouse.ts';
import { addDays } from '../../core/as-of.ts';
import { queryModel } from '../../models/dag.ts';
import { paydexIndex } from '../../models/payment-behaviour.ts';

const n = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const s = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export async function searchCustomers(wh: Warehouse, query: string, collectorId: string | null, limit: number) {
  const rows = await wh.all<{ customer_id: string; name: string; collector_id: string | null; segment: string | null; country: string | null; currency: string }>(
    `select customer_id, name, collector_id, segment, country, currency from customers
     where (lower(name) like '%' || lower($q) || '%' or lower(customer_id) = lower($q))
       and ($collector::varchar is null or collector_id = $collector)
     order by (lower(customer_id) = lower($q)) desc, name limit $limit`,
    { q: query, collector: collectorId, limit },
  );
  return rows.map((r) => ({ customerId: r.customer_id, name: r.name, collectorId: r.collector_id, segment: r.segment, country: r.country, currency: r.currency }));
}

type Row = Record<string, unknown>;

/** The part of the 360 that only a run or an ingest changes: master data, the ledger, scores. */
export interface CustomerLedgerPart {
  readonly profile: Row;
  readonly open: readonly Row[];
  readonly history: readonly Row[];
  readonly scores: readonly Row[];
}

export async function customerLedgerPart(wh: Warehouse, customerId: string, asOf: string, baseCurrency: string): Promise<CustomerLedgerPart | undefined> {
  const profile = await wh.one<Row>(
    `select c.customer_id, c.name, c.parent_id, c.segment, c.industry, c.country, c.currency, c.payment_terms_days,
            c.credit_limit::varchar as credit_limit, c.collector_id, co.name as collector_name, c.contact_name, c.email, c.phone,
            coalesce(c.strategic, false) as strategic
     from customers c left join collectors co on co.collector_id = c.collector_id where c.customer_id = $1`,
    [customerId],
  );
  if (!profile) return undefined;
  const params = { as_of: asOf, basis: 'due', bucket_edges: '0,30,60,90,120', base_currency: baseCurrency, customer_id: customerId };
  const [open, history, scores] = await Promise.all([
    queryModel(wh, 'mart_open_items', params, {
      select: `m.item_kind, m.item_id, m.invoice_id, m.doc_date::varchar as doc_date, m.due_date::varchar as due_date, m.currency,
               m.open_amount::varchar as open_amount, m.open_base::varchar as open_base, m.days_past_due, m.bucket,
               sc.p_late, sc.p_late30, sc.expected_pay_date::varchar as expected_pay_date`,
      tail: `left join invoice_scores sc on sc.invoice_id = m.invoice_id and sc.as_of = $as_of::date
             where m.customer_id = $customer_id order by m.due_date, m.item_id`,
    }),
    queryModel(wh, 'mart_closed_invoices', { as_of: asOf, from: addDays(asOf, -730), base_currency: baseCurrency, customer_id: customerId }, {
      select: `m.invoice_id, m.invoice_date::varchar as invoice_date, m.due_date::varchar as due_date, m.closed_date::varchar as closed_date,
               m.amount::varchar as amount, m.days_late, m.days_to_pay, m.written_off`,
      tail: 'where m.customer_id = $customer_id order by m.closed_date',
    }),
    wh.all<Row>(
      `select as_of::varchar as as_of, score, risk_class, reasons from customer_scores
       where customer_id = $1 and as_of <= $2::date order by as_of`,
      [customerId, asOf],
    ),
  ]);
  return { profile, open, history, scores };
}

/** The part collectors change between runs: activities, promises, disputes, and the open items' marks. */
async function customerCollectorPart(wh: Warehouse, customerId: string, asOf: string) {
  const [disputeMarks, promiseMarks, activities, promises, disputes] = await Promise.all([
    wh.all<Row>(
      `select invoice_id, min(dispute_id) as dispute_id, min(cause) as cause from disputes
       where opened_date <= $2::date and (resolved_date > $2::date or (resolved_date is null and status in ('open', 'in_review')))
         and invoice_id in (select invoice_id from invoices where customer_id = $1)
       group by invoice_id`,
      [customerId, asOf],
    ),
    wh.all<Row>(
      `select invoice_id, min(promise_id) as promise_id, max(promised_date)::varchar as promised_date from promises_to_pay
       where status = 'open' and created_date <= $2::date and invoice_id in (select invoice_id from invoices where customer_id = $1)
       group by invoice_id`,
      [customerId, asOf],
    ),
    wh.all<Row>(
      `select activity_id, activity_type, outcome, collector_id, strftime(activity_at, '%Y-%m-%dT%H:%M:%S') as activity_at,
              next_follow_up::varchar as next_follow_up, invoice_id, note
       from activities where customer_id = $1 and activity_at::date <= $2::date order by activity_at desc limit 200`,
      [customerId, asOf],
    ),
    wh.all<Row>(
      `select promise_id, invoice_id, created_date::varchar as created_date, promised_date::varchar as promised_date,
              amount::varchar as amount, status, collector_id, note
       from promises_to_pay where customer_id = $1 and created_date <= $2::date order by promised_date desc limit 200`,
      [customerId, asOf],
    ),
    wh.all<Row>(
      `select d.dispute_id, d.invoice_id, d.opened_date::varchar as opened_date, d.amount::varchar as amount, d.cause, d.status,
              d.resolved_date::varchar as resolved_date, d.resolution, d.owner, d.note
       from disputes d join invoices i on i.invoice_id = d.invoice_id
       where i.customer_id = $1 and d.opened_date <= $2::date order by d.opened_date desc limit 200`,
      [customerId, asOf],
    ),
  ]);
  return {
    disputeOf: new Map(disputeMarks.map((r) => [String(r.invoice_id), r])),
    promiseOf: new Map(promiseMarks.map((r) => [String(r.invoice_id), r])),
    activities,
    promises,
    disputes,
  };
}

/**
 * Customer 360. `ledgerPart` lets a caller reuse the run-dependent part (the heavy model reads) while the
 * collector-written part is read fresh every time — the API keeps it per warehouse state.
 */
export async function customer360(
  wh: Warehouse,
  customerId: string,
  asOf: string,
  baseCurrency: string,
  ledgerPart: (read: () => Promise<CustomerLedgerPart | undefined>) => Promise<CustomerLedgerPart | undefined> = (read) => read(),
) {
  const ledger = await ledgerPart(() => customerLedgerPart(wh, customerId, asOf, baseCurrency));
  if (!ledger) return undefined;
  const live = await customerCollectorPart(wh, customerId, asOf);
  const { profile: p, history, scores } = ledger;
  const open = ledger.open.map((r): Row => {
    const d = r.invoice_id === null ? undefined : live.disputeOf.get(String(r.invoice_id));
    const pr = r.invoice_id === null ? undefined : live.promiseOf.get(String(r.invoice_id));
    return { ...r, dispute_id: d?.dispute_id ?? null, dispute_cause: d?.cause ?? null, promise_id: pr?.promise_id ?? null, promised_date: pr?.promised_date ?? null };
  });
  const { activities, promises, disputes } = live;
  const openBase = open.reduce((a, r) => a + Number(r.open_base), 0);
  const paid = history.filter((h) => !h.written_off);
  const paidAmount = paid.reduce((a, h) => a + Number(h.amount), 0);
  const wadl = paidAmount > 0 ? paid.reduce((a, h) => a + Number(h.amount) * Number(h.days_late), 0) / paidAmount : null;
  const latest = scores[scores.length - 1];
  return {
    asOf,
    profile: {
      customerId: String(p.customer_id),
      name: String(p.name),
      parentId: s(p.parent_id),
      segment: s(p.segment),
      industry: s(p.industry),
      country: s(p.country),
      currency: String(p.currency),
      paymentTermsDays: n(p.payment_terms_days),
      collectorId: s(p.collector_id),
      collectorName: s(p.collector_name),
      contact: { name: s(p.contact_name), email: s(p.email), phone: s(p.phone) },
      strategic: Boolean(p.strategic),
    },
    risk: {
      score: latest ? Number(latest.score) : null,
      riskClass: latest ? String(latest.risk_class) : null,
      reasons: latest ? (JSON.parse(String(latest.reasons)) as { text: string }[]).map((r) => r.text) : [],
      trend: scores.map((r) => ({ asOf: String(r.as_of), score: Number(r.score), riskClass: String(r.risk_class) })),
    },
    credit: {
      creditLimit: s(p.credit_limit),
      exposure: openBase.toFixed(2),
      exposureCurrency: baseCurrency,
    },
    openItems: open.map((r) => ({
      kind: String(r.item_kind),
      itemId: String(r.item_id),
      invoiceId: s(r.invoice_id),
      docDate: String(r.doc_date),
      dueDate: s(r.due_date),
      currency: String(r.currency),
      openAmount: String(r.open_amount),
      openBase: String(r.open_base),
      daysPastDue: n(r.days_past_due),
      bucket: n(r.bucket),
      disputeId: s(r.dispute_id),
      disputeCause: s(r.dispute_cause),
      promiseId: s(r.promise_id),
      promisedDate: s(r.promised_date),
      pLate: n(r.p_late),
      pLate30: n(r.p_late30),
      expectedPayDate: s(r.expected_pay_date),
    })),
    paymentHistory: history.map((h) => ({
      invoiceId: String(h.invoice_id),
      invoiceDate: String(h.invoice_date),
      dueDate: String(h.due_date),
      closedDate: String(h.closed_date),
      amount: String(h.amount),
      daysLate: Number(h.days_late),
      daysToPay: Number(h.days_to_pay),
      writtenOff: Boolean(h.written_off),
    })),
    activities: activities.map((a) => ({
      activityId: String(a.activity_id),
      type: String(a.activity_type),
      outcome: s(a.outcome),
      collectorId: s(a.collector_id),
      at: String(a.activity_at),
      nextFollowUp: s(a.next_follow_up),
      invoiceId: s(a.invoice_id),
      note: s(a.note),
    })),
    promises: promises.map((r) => ({
      promiseId: String(r.promise_id),
      invoiceId: s(r.invoice_id),
      createdDate: String(r.created_date),
      promisedDate: String(r.promised_date),
      amount: String(r.amount),
      status: String(r.status),
      collectorId: s(r.collector_id),
      note: s(r.note),
    })),
    disputes: disputes.map((d) => ({
      disputeId: String(d.dispute_id),
      invoiceId: String(d.invoice_id),
      openedDate: String(d.opened_date),
      amount: String(d.amount),
      cause: String(d.cause),
      status: String(d.status),
      resolvedDate: s(d.resolved_date),
      resolution: s(d.resolution),
      owner: s(d.owner),
      note: s(d.note),
    })),
    metrics: {
      paidInvoices24m: paid.length,
      weightedAverageDaysLate: wadl === null ? null : Math.round(wadl * 10) / 10,
      paydexLike: wadl === null ? null : Math.round(paydexIndex(wadl)),
      averageDaysToPay: paid.length ? Math.round((paid.reduce((a, h) => a + Number(h.days_to_pay), 0) / paid.length) * 10) / 10 : null,
      openAmountBase: openBase.toFixed(2),
    },
  };
}
