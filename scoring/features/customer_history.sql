-- Grain: one row per customer invoiced in the 24 months up to the as-of date $1.
-- Point-in-time: invoices dated <= $1; an invoice counts as paid only when settlements dated <= $1
-- reach its amount; write-offs dated <= $1.
with inv as (
  select i.invoice_id, i.customer_id, i.invoice_date, i.due_date, i.amount::double as amount
  from invoices i where i.invoice_date <= $1::date and i.amount > 0
),
ev as (
  select invoice_id, applied_date as d, amount::double as amt, 0 as is_wo from payment_applications
  where invoice_id is not null and applied_date <= $1::date
  union all
  select invoice_id, credit_date, amount::double, 0 from credit_notes where invoice_id is not null and credit_date <= $1::date
  union all
  select invoice_id, write_off_date, amount::double, 1 from write_offs where write_off_date <= $1::date
),
cum as (
  select invoice_id, d, is_wo, sum(amt) over (partition by invoice_id order by d, is_wo rows between unbounded preceding and current row) as c
  from ev
),
life as (
  select i.invoice_id, min(c.d) filter (where c.c >= i.amount - 0.005) as close_date,
         min(c.d) filter (where c.is_wo = 1) as wo_date
  from inv i join cum c on c.invoice_id = i.invoice_id group by i.invoice_id
),
closed as (
  select i.customer_id, i.amount, l.close_date, date_diff('day', i.due_date, l.close_date) as days_late,
         (l.wo_date is not null and l.wo_date <= l.close_date) as written_off
  from inv i join life l on l.invoice_id = i.invoice_id
  where l.close_date is not null
),
per_customer as (
  select customer_id,
         count(*) filter (where not written_off) as paid_invoices,
         sum(amount * days_late) filter (where not written_off and close_date > $1::date - interval 365 day)
           / nullif(sum(amount) filter (where not written_off and close_date > $1::date - interval 365 day), 0) as wadl_12m,
         sum(amount) filter (where not written_off and close_date > $1::date - interval 365 day) as paid_amount_12m,
         count(*) filter (where not written_off and close_date > $1::date - interval 365 day) as paid_12m,
         count(*) filter (where written_off and close_date > $1::date - interval 365 day) as written_off_12m,
         sum(amount) filter (where written_off and close_date > $1::date - interval 365 day) as written_off_amount_12m
  from closed group by customer_id
),
active as (
  select customer_id, sum(amount) filter (where invoice_date > $1::date - interval 365 day) as invoiced_12m
  from inv where invoice_date > $1::date - interval 730 day group by customer_id
)
select c.customer_id, coalesce(c.segment, '') as segment, coalesce(c.industry, '') as industry, coalesce(c.country, '') as country,
       coalesce(p.paid_invoices, 0) as paid_invoices, p.wadl_12m, coalesce(p.paid_amount_12m, 0) as paid_amount_12m,
       coalesce(p.paid_12m, 0) as paid_12m, coalesce(p.written_off_12m, 0) as written_off_12m,
       coalesce(p.written_off_amount_12m, 0) as written_off_amount_12m, coalesce(a.invoiced_12m, 0) as invoiced_12m
from customers c
join active a on a.customer_id = c.customer_id
left join per_customer p on p.customer_id = c.customer_id
order by c.customer_id
