-- grain: one row per (as_of, open line) with its base-currency amount (open amount × the as-of rate,
-- rounded to the cent per line), its age and aging bucket, and the attributes reports group by.
-- Aging basis $basis: 'due' (as_of − due date) or 'invoice' (as_of − document date). Bucket 0 is
-- "current" (age ≤ 0); bucket k ≥ 1 holds ages in (edge[k], edge[k+1]] of the ascending list
-- $bucket_edges (e.g. '0,30,60,90,120' → 1–30, 31–60, 61–90, 91–120, 120+).
-- Scope (optional, null = all): $segment and $collector_id of the customer, $document_currency of the line.
with edges as (
  select list_transform(string_split($bucket_edges, ','), x -> trim(x)::integer) as edges
)
select
  l.as_of,
  l.item_kind,
  l.item_id,
  l.invoice_id,
  l.customer_id,
  l.line_no,
  l.doc_date,
  l.due_date,
  l.currency,
  l.open_amount,
  fx.rate,
  round(l.open_amount * fx.rate, 2)::decimal(18, 2) as open_base,
  date_diff('day', l.due_date, l.as_of) as days_past_due,
  date_diff('day', l.doc_date, l.as_of) as days_since_doc,
  case when $basis = 'invoice' then date_diff('day', l.doc_date, l.as_of)
       else date_diff('day', l.due_date, l.as_of) end as age_days,
  case when age_days <= 0 then 0
       else len(list_filter((select edges from edges), e -> e < age_days))::integer end as bucket,
  c.customer_name,
  c.parent_group,
  pc.customer_name as parent_name,
  c.collector_id,
  co.collector_name,
  c.segment,
  c.country
from int_open_lines l
left join int_fx_at_dates fx on fx.as_of = l.as_of and fx.currency = l.currency
left join stg_customers c on c.customer_id = l.customer_id
left join stg_customers pc on pc.customer_id = c.parent_group
left join stg_collectors co on co.collector_id = c.collector_id
where ($segment::varchar is null or c.segment = $segment::varchar)
  and ($collector_id::varchar is null or c.collector_id = $collector_id::varchar)
  and ($document_currency::varchar is null or l.currency = $document_currency::varchar)
