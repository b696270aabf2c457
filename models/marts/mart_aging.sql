-- grain: one row per (as_of, group, currency, bucket) of open lines, grouped by $group_by
-- (customer | parent | collector | segment | country | currency | none) and shown either in base
-- currency ($currency_view = 'base', every line converted) or per document currency ('document').
select
  as_of,
  case $group_by
    when 'customer' then customer_id
    when 'parent' then parent_group
    when 'collector' then collector_id
    when 'segment' then segment
    when 'country' then country
    when 'currency' then currency
    else 'all'
  end as group_key,
  case $group_by
    when 'customer' then customer_name
    when 'parent' then parent_name
    when 'collector' then collector_name
    else null
  end as group_name,
  case when $currency_view = 'document' then currency else $base_currency end as currency,
  bucket,
  sum(case when $currency_view = 'document' then open_amount else open_base end) as amount,
  coalesce(sum(case when $currency_view = 'document' then open_amount else open_base end)
           filter (where item_kind = 'invoice'), 0) as invoice_amount,
  count(*) as lines,
  -- currencies without a rate to base, so callers need no second pass over the open lines to check
  string_agg(distinct mart_open_items.currency, ',') filter (where rate is null) as unrated_currencies
from mart_open_items
group by all
