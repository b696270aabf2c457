-- grain: one row per as_of: the receivables base (CRF) in base currency split into its lines
-- (open invoices, unapplied credit notes, unapplied cash — the last two negative), the headline aging
-- figures, and the open disputed part of invoices. Every amount is a sum of mart_open_items.open_base,
-- so the lines and the buckets tie out to total_ar to the cent.
with disputed as (
  select a.as_of, d.invoice_id, sum(d.amount) as disputed_amount
  from stg_disputes d
  join (select distinct as_of from mart_open_items) a
    on d.opened_date <= a.as_of
   and (d.resolved_date > a.as_of or (d.resolved_date is null and d.status in ('open', 'in_review')))
  group by a.as_of, d.invoice_id
),
invoice_open as (
  select as_of, invoice_id, sum(open_amount) as open_amount, sum(open_base) as open_base
  from mart_open_items
  where item_kind = 'invoice'
  group by as_of, invoice_id
),
disputed_open as (
  select
    i.as_of,
    sum(case when i.open_amount <= 0 then 0
             when d.disputed_amount >= i.open_amount then i.open_base
             else round(i.open_base * d.disputed_amount / i.open_amount, 2) end::decimal(18, 2)) as disputed_ar
  from invoice_open i
  join disputed d on d.as_of = i.as_of and d.invoice_id = i.invoice_id
  group by i.as_of
),
position as (
  select
    as_of,
    sum(open_base) as total_ar,
    coalesce(sum(open_base) filter (where item_kind = 'invoice'), 0) as invoice_ar,
    coalesce(sum(open_base) filter (where item_kind = 'credit_note'), 0) as unapplied_credits,
    coalesce(sum(open_base) filter (where item_kind = 'payment'), 0) as unapplied_cash,
    coalesce(sum(open_base) filter (where bucket = 0), 0) as current_ar,
    coalesce(sum(open_base) filter (where days_past_due > 90), 0) as over_90_ar,
    count(*) as lines,
    count(distinct invoice_id) filter (where item_kind = 'invoice') as open_invoices,
    string_agg(distinct currency, ',') filter (where rate is null) as unrated_currencies
  from mart_open_items
  group by as_of
)
select
  p.*,
  coalesce(d.disputed_ar, 0) as disputed_ar
from position p
left join disputed_open d on d.as_of = p.as_of
