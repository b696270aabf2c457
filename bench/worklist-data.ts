/**
 * A synthetic warehouse for the worklist bench, written straight into the canonical and score tables
 * with set-based SQL (the demo generator cannot reach a million *open* invoices in reasonable time):
 * `openInvoices` open invoices over `customers` customers and `collectors` collectors, each invoice
 * scored at the as-of date, plus open disputes, promises to pay, recent contacts and two months of
 * customer scores, so every branch of the worklist build (dispute routing, promise suppression, recent
 * contacts, deterioration, foreign currency, credit limits) has rows to work on. Values come from
 * hash() of the row number: deterministic, no I/O, no JavaScript per row.
 */
import type { Warehouse } from '../core/warehouse.ts';
import { bindParams } from '../models/dag.ts';

export interface WorklistBenchShape {
  readonly asOf: string;
  readonly openInvoices: number;
  readonly customers: number;
  readonly collectors: number;
  readonly dailyCapacity: number;
}

/** A uniform draw in [0, 1) from the row number `i` and a salt. */
const u = (salt: string, i = 'i') => `(hash(${i}, '${salt}') % 1000000)::double / 1000000`;

export async function writeWorklistBenchData(wh: Warehouse, s: WorklistBenchShape): Promise<void> {
  const p = { as_of: s.asOf, n: s.openInvoices, c: s.customers, k: s.collectors, cap: s.dailyCapacity };
  await wh.transaction(async (conn) => {
    const run = (sql: string) => conn.run(sql, bindParams(sql, p));
    await run(`insert into collectors (collector_id, name, email, daily_capacity)
      select 'K' || i, 'Collector ' || i, 'k' || i || '@bench.test', $cap::integer from range($k::bigint) t(i)`);
    await run(`insert into fx_rates (rate_date, currency, base_currency, rate)
      select $as_of::date - d::integer, 'EUR', 'USD', 1.05 + 0.05 * ${u('fx', 'd')} from range(400) t(d)`);
    await run(`insert into customers (customer_id, name, segment, industry, country, currency, payment_terms_days, credit_limit,
        collector_id, contact_name, email, phone, created_date, strategic)
      select 'C' || i, 'Customer ' || i,
        case when ${u('seg')} < 0.1 then 'enterprise' when ${u('seg')} < 0.5 then 'mid' else 'small' end,
        'industry ' || (i % 12), case when ${u('cur')} < 0.15 then 'DE' else 'US' end,
        case when ${u('cur')} < 0.15 then 'EUR' else 'USD' end, 30,
        round(5000 + 200000 * ${u('lim')}, 2),
        -- 2 % of customers have no collector: they go to the team queue
        case when ${u('col')} < 0.02 then null else 'K' || (i % $k::bigint) end,
        'Contact ' || i, 'ap' || i || '@customer.test', '+1-555-' || lpad((i % 10000)::varchar, 4, '0'),
        $as_of::date - 2000, ${u('str')} < 0.01
      from range($c::bigint) t(i)`);
    // invoices issued over the last 240 days, net 30, all still open (the bench is about the open book)
    await run(`insert into invoices (invoice_id, customer_id, invoice_date, due_date, amount, currency, terms_days)
      select 'I' || i, 'C' || cust, d, d + 30, round(200 + 40000 * pow(${u('amt')}, 3), 2), cur, 30
      from (
        select i, (hash(i, 'cust') % $c::bigint)::bigint as cust,
               $as_of::date - (240 * ${u('age')})::integer as d
        from range($n::bigint) t(i)
      ) x
      join (select customer_id, currency as cur from customers) c on c.customer_id = 'C' || x.cust`);
    await run(`insert into invoice_scores (as_of, invoice_id, customer_id, open_amount, currency, due_date, p_late, p_late30, p_write_off,
        expected_loss, expected_write_off_month, days_to_pay_p10, days_to_pay_p50, days_to_pay_p90, expected_pay_date, reasons, model_version)
      select $as_of::date, invoice_id, customer_id, amount, currency, due_date,
        pl, least(pl, pl * ${u('l30', 'h')}), pw, round(amount * pw, 2), strftime(due_date + 180, '%Y-%m'),
        greatest(dp10, open_days + 1), greatest(dp50, open_days + 1), greatest(dp90, open_days + 1),
        invoice_date + greatest(dp50, open_days + 1), '[]', 'bench:' || $as_of
      from (
        select *, hash(invoice_id) as h, date_diff('day', invoice_date, $as_of::date)::integer as open_days,
          case when due_date <= $as_of::date then 1.0 else 0.1 + 0.8 * ${u('pl', 'hash(invoice_id)')} end as pl,
          0.2 * pow(${u('pw', 'hash(invoice_id)')}, 2) * least(1, greatest(0, date_diff('day', due_date, $as_of::date)) / 120) as pw,
          30 + (60 * ${u('p10', 'hash(invoice_id)')})::integer as dp10
        from invoices
      ) x, lateral (select dp10 + 15 + (30 * ${u('p50', 'hash(invoice_id)')})::integer as dp50) y,
           lateral (select dp50 + 20 + (60 * ${u('p90', 'hash(invoice_id)')})::integer as dp90) z`);
    await run(`insert into customer_scores (as_of, customer_id, score, risk_class, basis, paid_invoices, days_beyond_terms, open_invoices, max_p_late30, reasons)
      select d, customer_id, sc, case when sc >= 80 then 'A' when sc >= 70 then 'B' when sc >= 60 then 'C' when sc >= 50 then 'D' else 'E' end,
        'behavioural', 20, 10, 5, 0.5, '[]'
      from (select customer_id from customers) c,
           (select unnest([$as_of::date, $as_of::date - 30]) as d) dd,
           lateral (select (100 * ${u('score', "hash(customer_id, d)")})::integer as sc) s`);
    await run(`insert into disputes (dispute_id, invoice_id, customer_id, opened_date, amount, cause, status, owner)
      select 'D' || invoice_id, invoice_id, customer_id, $as_of::date - 5, amount, 'pricing', 'open', 'Billing'
      from invoices where ${u('dsp', 'hash(invoice_id)')} < 0.02`);
    await run(`insert into promises_to_pay (promise_id, customer_id, invoice_id, collector_id, created_date, promised_date, amount, currency, status)
      select 'P' || customer_id, customer_id, null, collector_id, $as_of::date - 12,
        $as_of::date - 10 + (20 * ${u('pd', 'hash(customer_id)')})::integer, 1000, currency, 'open'
      from customers where ${u('prm', 'hash(customer_id)')} < 0.05`);
    await run(`insert into activities (activity_id, customer_id, collector_id, activity_type, outcome, activity_at)
      select 'A' || customer_id || '-' || j, customer_id, collector_id, 'call', 'reached',
        ($as_of::date - (60 * ${u('act', 'hash(customer_id, j)')})::integer)::timestamp + interval 10 hour
      from customers, range(2) t(j)`);
  });
}
