-- Grain: one row for customer $2 as of $1: open AR (invoices dated <= $1 less settlements dated <= $1),
-- open orders (dated <= $1, not cancelled/closed, not yet invoiced by $1), worst days past due, and the
-- average monthly invoicing of the last 12 months.
with inv as (
  select i.invoice_id, i.due_date, i.amount, i.invoice_date, i.order_id
  from invoices i where i.customer_id = $2 and i.invoice_date <= $1::date
),
settled as (
  select invoice_id, sum(amount) as amt from (
    select invoice_id, amount from payment_applications where invoice_id is not null and applied_date <= $1::date
    union all select invoice_id, amount from credit_notes where invoice_id is not null and credit_date <= $1::date
    union all select invoice_id, amount from write_offs where write_off_date <= $1::date
  ) group by invoice_id
),
open_inv as (
  select inv.*, inv.amount - coalesce(s.amt, 0) as open_amount
  from inv left join settled s on s.invoice_id = inv.invoice_id
  where inv.amount - coalesce(s.amt, 0) > 0
),
open_orders as (
  select coalesce(sum(o.amount), 0) as amt, count(*) as n
  from orders o
  where o.customer_id = $2 and o.order_date <= $1::date
    and coalesce(lower(o.status), 'open') not in ('cancelled', 'canceled', 'closed', 'invoiced', 'rejected')
    and not exists (select 1 from inv where inv.order_id = o.order_id)
)
select (select coalesce(sum(open_amount), 0)::decimal(18, 2)::varchar from open_inv) as open_ar,
       (select amt::decimal(18, 2)::varchar from open_orders) as open_orders,
       (select max(date_diff('day', due_date, $1::date)) from open_inv) as max_dpd,
       (select (coalesce(sum(amount), 0) / 12)::decimal(18, 2)::varchar from inv where invoice_date > $1::date - interval 365 day) as monthly_purchases
