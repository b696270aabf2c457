-- grain: one row per dispute opened between $from and $to: days to resolve, leakage (credit notes and
-- write-offs on its invoice dated from the opening up to $to, capped at the disputed amount), base
-- amounts at the invoice-date rate, and where the invoice carries an order, the upstream causes:
-- shipped late (after the promised ship date), shipped partially (shipped < ordered), or invoiced at a
-- different amount than ordered (net of tax). Only disputes inside the requested scope (int_scoped_disputes:
-- $segment, $collector_id, $document_currency; null = the whole book).
with leak as (
  select d.dispute_id, sum(x.amount) as leaked
  from int_scoped_disputes d
  join (
    select invoice_id, credit_date as on_date, amount from stg_credit_notes where invoice_id is not null
    union all
    select invoice_id, write_off_date, amount from stg_write_offs
  ) x on x.invoice_id = d.invoice_id and x.on_date >= d.opened_date and x.on_date <= $to::date
  group by d.dispute_id
)
select
  d.dispute_id,
  d.invoice_id,
  d.scope_customer_id as customer_id,
  d.opened_date,
  date_trunc('month', d.opened_date)::date as opened_month,
  d.cause,
  d.status,
  case when d.resolved_date <= $to::date then d.resolved_date end as resolved_date,
  case when d.resolved_date <= $to::date then date_diff('day', d.opened_date, d.resolved_date) end as days_to_resolve,
  d.amount,
  case when d.invoice_amount <> 0 then round(d.amount * d.invoice_amount_base / d.invoice_amount, 2) else d.amount end::decimal(18, 2) as amount_base,
  least(coalesce(l.leaked, 0), d.amount)::decimal(18, 2) as leakage,
  case when d.invoice_amount <> 0 then round(least(coalesce(l.leaked, 0), d.amount) * d.invoice_amount_base / d.invoice_amount, 2) else 0 end::decimal(18, 2) as leakage_base,
  o.order_id is not null as has_order,
  coalesce(o.shipped_date > o.promised_ship_date, false) as shipped_late,
  coalesce(o.shipped_amount < o.amount, false) as shipped_partially,
  coalesce(abs(d.invoice_amount - o.amount) > 0.005 and abs(d.invoice_amount - coalesce(d.invoice_tax_amount, 0) - o.amount) > 0.005, false) as price_mismatch
from int_scoped_disputes d
left join stg_orders o on o.order_id = d.invoice_order_id
left join leak l on l.dispute_id = d.dispute_id
where d.opened_date between $from::date and $to::date
