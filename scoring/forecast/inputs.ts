/**
 * Everything the cash forecast of as-of D reads from the warehouse, using only what was known at D
 * (dates ≤ D; statuses only to drop cancelled records), so the same code serves backtests. All SQL of
 * the forecast lives here, with bound parameters.
 */
import type { Warehouse } from '../../core/warehouse.ts';
import { addDays } from '../../core/as-of.ts';

export interface FxRate { readonly currency: string; readonly rate: number | null }
export interface OpenPromise { readonly promiseId: string; readonly customerId: string; readonly invoiceId: string | null; readonly promisedDate: string; readonly amount: number }
export interface OpenDispute { readonly disputeId: string; readonly invoiceId: string; readonly openedDate: string; readonly amount: number; readonly cause: string }
export interface ClosedDispute { readonly cause: string; readonly daysOpen: number; readonly lost: boolean }
export interface OpenOrder { readonly orderId: string; readonly customerId: string; readonly currency: string; readonly amount: number; readonly expectedInvoiceDate: string | null; readonly orderDate: string }
export interface CustomerInfo { readonly customerId: string; readonly segment: string; readonly termsDays: number; readonly daysLate: number[] }
export interface WeeklyInvoicing { readonly weekStart: string; readonly customerId: string; readonly currency: string; readonly amount: number }

export interface ForecastInputs {
  readonly fx: FxRate[];
  readonly promises: OpenPromise[];
  readonly promiseHistory: { readonly settled: number; readonly kept: number };
  readonly disputes: OpenDispute[];
  readonly closedDisputes: ClosedDispute[];
  readonly orders: OpenOrder[];
  readonly orderLagDays: number | null;
  readonly customers: CustomerInfo[];
  readonly invoicing: WeeklyInvoicing[];
  /** Of the invoices dated 3–15 months before as-of: amount invoiced, credited by linked credit notes and written off (by as-of). */
  readonly settlement: { readonly invoiced: number; readonly credited: number; readonly writtenOff: number };
  /** Share of the last year's receipts (by amount) credited on a Saturday or Sunday; null without receipts. */
  readonly weekendReceiptShare: number | null;
}

const n = (v: unknown): number => Number(v ?? 0);

export async function loadForecastInputs(wh: Warehouse, asOf: string, baseCurrency: string): Promise<ForecastInputs> {
  const fx = await wh.all<{ currency: string; rate: string | null }>(
    `with cur as (select distinct currency from invoices union select distinct currency from orders)
     select c.currency,
       (case when c.currency = $2 then 1
        else coalesce(
          (select r.rate from fx_rates r where r.currency = c.currency and r.base_currency = $2 and r.rate_date <= $1::date order by r.rate_date desc limit 1),
          (select r.rate from fx_rates r where r.currency = c.currency and r.base_currency = $2 order by r.rate_date limit 1)) end)::double as rate
     from cur c`,
    [asOf, baseCurrency],
  );
  const promises = await wh.all<{ promise_id: string; customer_id: string; invoice_id: string | null; promised_date: string; amount: string }>(
    `select promise_id, customer_id, invoice_id, promised_date, amount from promises_to_pay
     where created_date <= $1::date and promised_date >= $1::date - 7 and status <> 'cancelled'
     order by promised_date, promise_id`,
    [asOf],
  );
  const ph = await wh.one<{ settled: string; kept: number | null }>(
    `select count(*) as settled,
       sum(case status when 'kept' then 1 when 'partially_kept' then 0.5 else 0 end)::double as kept
     from promises_to_pay where promised_date between $1::date - 365 and $1::date - 8 and status in ('kept', 'partially_kept', 'broken')`,
    [asOf],
  );
  const disputes = await wh.all<{ dispute_id: string; invoice_id: string; opened_date: string; amount: string; cause: string }>(
    `select dispute_id, invoice_id, opened_date, amount, cause from disputes
     where opened_date <= $1::date and (resolved_date > $1::date or (resolved_date is null and status in ('open', 'in_review')))`,
    [asOf],
  );
  const closed = await wh.all<{ cause: string; days_open: number; lost: boolean }>(
    `select cause, date_diff('day', opened_date, resolved_date)::integer as days_open,
       (coalesce(resolution, '') ilike '%credit%' or coalesce(resolution, '') ilike '%write%') as lost
     from disputes where resolved_date <= $1::date and resolved_date > $1::date - 730`,
    [asOf],
  );
  const orders = await wh.all<{ order_id: string; customer_id: string; currency: string; amount: string; expected_invoice_date: string | null; order_date: string }>(
    `select o.order_id, o.customer_id, o.currency, o.amount, o.expected_invoice_date, o.order_date from orders o
     where o.order_date <= $1::date and coalesce(lower(o.status), '') not in ('cancelled', 'canceled')
       and not exists (select 1 from invoices i where i.order_id = o.order_id and i.invoice_date <= $1::date)
     order by o.order_id`,
    [asOf],
  );
  const lag = await wh.one<{ lag: number | null }>(
    `select median(date_diff('day', o.order_date, i.invoice_date))::double as lag
     from orders o join invoices i on i.order_id = o.order_id
     where i.invoice_date <= $1::date and i.invoice_date > $1::date - 365`,
    [asOf],
  );
  const customers = await wh.all<{ customer_id: string; segment: string | null; terms: number | null; days_late: unknown }>(
    `with paid as (
       select a.invoice_id, sum(a.amount) as amt, max(p.received_date) as closed
       from payment_applications a join payments p on p.payment_id = a.payment_id
       where a.invoice_id is not null and p.received_date <= $1::date
       group by a.invoice_id),
     hist as (
       select i.customer_id, list(date_diff('day', i.due_date, paid.closed)::integer order by paid.closed desc, i.invoice_id desc) as days_late,
         median(date_diff('day', i.invoice_date, i.due_date))::double as terms
       from invoices i join paid on paid.invoice_id = i.invoice_id
       where paid.amt >= i.amount - 0.01 and paid.closed > $1::date - 365
       group by i.customer_id)
     select c.customer_id, c.segment, coalesce(c.payment_terms_days, h.terms)::double as terms, h.days_late
     from customers c left join hist h on h.customer_id = c.customer_id`,
    [asOf],
  );
  const invoicing = await wh.all<{ week_start: string; customer_id: string; currency: string; amount: string }>(
    `select date_trunc('week', invoice_date)::date as week_start, customer_id, currency, sum(amount) as amount
     from invoices where invoice_date <= $1::date and invoice_date > $1::date - 800
     group by all order by all`,
    [asOf],
  );
  const settlement = await wh.one<{ invoiced: number; credited: number; written_off: number }>(
    `with mature as (select invoice_id, amount from invoices where invoice_date between $1::date - 455 and $1::date - 90)
     select coalesce((select sum(amount) from mature), 0)::double as invoiced,
       coalesce((select sum(cn.amount) from credit_notes cn join mature m on m.invoice_id = cn.invoice_id where cn.credit_date <= $1::date), 0)::double as credited,
       coalesce((select sum(w.amount) from write_offs w join mature m on m.invoice_id = w.invoice_id where w.write_off_date <= $1::date), 0)::double as written_off`,
    [asOf],
  );
  const weekend = await wh.one<{ share: number | null }>(
    `select (coalesce(sum(amount) filter (where dayofweek(received_date) in (0, 6)), 0) / nullif(sum(amount), 0))::double as share
     from payments where received_date <= $1::date and received_date > $1::date - 365 and amount > 0`,
    [asOf],
  );
  return {
    weekendReceiptShare: weekend?.share === null || weekend?.share === undefined ? null : n(weekend.share),
    settlement: { invoiced: n(settlement?.invoiced), credited: n(settlement?.credited), writtenOff: n(settlement?.written_off) },
    fx: fx.map((r) => ({ currency: r.currency, rate: r.rate === null ? null : n(r.rate) })),
    promises: promises.map((r) => ({ promiseId: r.promise_id, customerId: r.customer_id, invoiceId: r.invoice_id, promisedDate: r.promised_date, amount: n(r.amount) })),
    promiseHistory: { settled: n(ph?.settled), kept: n(ph?.kept) },
    disputes: disputes.map((r) => ({ disputeId: r.dispute_id, invoiceId: r.invoice_id, openedDate: r.opened_date, amount: n(r.amount), cause: r.cause })),
    closedDisputes: closed.map((r) => ({ cause: r.cause, daysOpen: n(r.days_open), lost: Boolean(r.lost) })),
    orders: orders.map((r) => ({ orderId: r.order_id, customerId: r.customer_id, currency: r.currency, amount: n(r.amount), expectedInvoiceDate: r.expected_invoice_date, orderDate: r.order_date })),
    orderLagDays: lag?.lag ?? null,
    customers: customers.map((r) => ({
      customerId: r.customer_id,
      segment: r.segment ?? '',
      termsDays: r.terms ?? 30,
      daysLate: Array.isArray(r.days_late) ? (r.days_late as unknown[]).map(n) : [],
    })),
    invoicing: invoicing.map((r) => ({ weekStart: r.week_start, customerId: r.customer_id, currency: r.currency, amount: n(r.amount) })),
  };
}

/** Receipts per ISO week after the as-of date: payments received, and the part applied to invoices dated ≤ as-of. */
export async function loadActualReceipts(wh: Warehouse, asOf: string, to: string, baseCurrency: string, currency: string | null, fxDate: string = asOf): Promise<{ weekStart: string; total: number; openAr: number }[]> {
  const rows = await wh.all<{ week_start: string; total: number; open_ar: number }>(
    `with fx as (
       select c.currency, (case when c.currency = $3 then 1 else coalesce(
         (select r.rate from fx_rates r where r.currency = c.currency and r.base_currency = $3 and r.rate_date <= $5::date order by r.rate_date desc limit 1),
         (select r.rate from fx_rates r where r.currency = c.currency and r.base_currency = $3 order by r.rate_date limit 1)) end)::double as rate
       from (select distinct currency from payments) c),
     pay as (
       select p.payment_id, p.received_date, p.amount::double * (case when $4::varchar is null then coalesce(fx.rate, 0) else 1 end) as amt, p.currency,
         (case when $4::varchar is null then coalesce(fx.rate, 0) else 1 end) as rate
       from payments p left join fx on fx.currency = p.currency
       where p.received_date > $1::date and p.received_date <= $2::date and ($4::varchar is null or p.currency = $4::varchar)),
     old as (
       select a.payment_id, sum(a.amount)::double as amt from payment_applications a join invoices i on i.invoice_id = a.invoice_id
       where i.invoice_date <= $1::date group by a.payment_id)
     select date_trunc('week', pay.received_date)::date as week_start, sum(pay.amt)::double as total,
       sum(least(coalesce(old.amt, 0) * pay.rate, pay.amt))::double as open_ar
     from pay left join old on old.payment_id = pay.payment_id group by all order by all`,
    [asOf, to, baseCurrency, currency, fxDate],
  );
  return rows.map((r) => ({ weekStart: r.week_start, total: n(r.total), openAr: n(r.open_ar) }));
}

/** Per-invoice receipts in each week after as-of (for the timing/amount split of the accuracy report). */
export async function loadInvoiceReceipts(wh: Warehouse, asOf: string, to: string): Promise<{ invoiceId: string; weekStart: string; amount: number }[]> {
  const rows = await wh.all<{ invoice_id: string; week_start: string; amount: string }>(
    `select a.invoice_id, date_trunc('week', p.received_date)::date as week_start, sum(a.amount) as amount
     from payment_applications a join payments p on p.payment_id = a.payment_id join invoices i on i.invoice_id = a.invoice_id
     where p.received_date > $1::date and p.received_date <= $2::date and i.invoice_date <= $1::date
     group by all`,
    [asOf, to],
  );
  return rows.map((r) => ({ invoiceId: r.invoice_id, weekStart: r.week_start, amount: n(r.amount) }));
}

export const horizonEnd = (asOf: string, firstWeek: string, weeks: number): string => {
  const end = addDays(firstWeek, 7 * weeks - 1);
  return end > asOf ? end : asOf;
};
