-- grain: one row for the period $from..$to: invoices issued and how many / how much of them were
-- disputed (dispute rate by count and value), disputes resolved in the period and their value. Only
-- invoices and disputes inside the requested scope ($segment, $collector_id, $document_currency; null = all).
with issued as (
  -- one pass over the period's invoices: all of them, and those carrying a dispute opened by $to
  select
    count(*) as invoices,
    coalesce(sum(i.amount_base), 0) as invoiced,
    count(*) filter (where d.invoice_id is not null) as disputed_invoices,
    coalesce(sum(i.amount_base) filter (where d.invoice_id is not null), 0) as disputed_invoiced
  from int_scoped_invoices i
  left join (select distinct invoice_id from stg_disputes where opened_date <= $to::date) d on d.invoice_id = i.invoice_id
  where i.invoice_date between $from::date and $to::date
),
resolved as (
  select
    count(*) as disputes,
    coalesce(sum(case when d.invoice_amount <> 0 then round(d.amount * d.invoice_amount_base / d.invoice_amount, 2) else d.amount end::decimal(18, 2)), 0) as amount
  from int_scoped_disputes d
  where d.resolved_date between $from::date and $to::date
)
select
  issued.invoices as invoices_issued,
  issued.invoiced as invoiced_amount,
  issued.disputed_invoices,
  issued.disputed_invoiced as disputed_invoiced_amount,
  resolved.disputes as resolved_disputes,
  resolved.amount as resolved_amount,
  date_diff('day', $from::date, $to::date) + 1 as period_days
from issued, resolved
