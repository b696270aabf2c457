-- grain: one row for the period $from..$to: invoices issued and how many / how much of them were
-- disputed (dispute rate by count and value), disputes resolved in the period and their value. Only
-- invoices and disputes inside the requested scope ($segment, $collector_id, $document_currency; null = all).
with issued as (
  select count(*) as invoices, coalesce(sum(amount_base), 0) as invoiced
  from int_scoped_invoices
  where invoice_date between $from::date and $to::date
),
disputed as (
  select count(distinct i.invoice_id) as invoices, coalesce(sum(i.amount_base), 0) as invoiced
  from int_scoped_invoices i
  where i.invoice_date between $from::date and $to::date
    and exists (select 1 from stg_disputes d where d.invoice_id = i.invoice_id and d.opened_date <= $to::date)
),
resolved as (
  select
    count(*) as disputes,
    coalesce(sum(case when i.amount <> 0 then round(d.amount * i.amount_base / i.amount, 2) else d.amount end::decimal(18, 2)), 0) as amount
  from int_scoped_disputes d
  left join int_invoice_base_amounts i on i.invoice_id = d.invoice_id
  where d.resolved_date between $from::date and $to::date
)
select
  issued.invoices as invoices_issued,
  issued.invoiced as invoiced_amount,
  disputed.invoices as disputed_invoices,
  disputed.invoiced as disputed_invoiced_amount,
  resolved.disputes as resolved_disputes,
  resolved.amount as resolved_amount,
  date_diff('day', $from::date, $to::date) + 1 as period_days
from issued, disputed, resolved
