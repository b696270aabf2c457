-- grain: one row per date in $dates (comma-separated): the total receivables base in base currency,
-- each currency's balance converted at that date's rate. Cheaper than open items when only totals
-- are needed (begin AR for CEI, month-end ARs for average-AR DSO). Scope as mart_open_items (null = all).
with dates as (
  select distinct trim(d)::date as as_of from unnest(string_split($dates, ',')) as t(d)
),
per_currency as (
  -- the balance segment in force at each date, in the item's currency
  select d.as_of, s.currency, sum(s.balance) as amount
  from dates d
  join int_item_segments s on s.valid_from <= d.as_of and s.valid_until > d.as_of
  where ($document_currency::varchar is null or s.currency = $document_currency::varchar)
    and (($segment::varchar is null and $collector_id::varchar is null)
         or s.customer_id in (select customer_id from int_scope_customers))
  group by d.as_of, s.currency
),
earliest as (
  select currency, arg_min(rate, rate_date) as rate from stg_fx_rates group by currency
),
rated as (
  select
    p.as_of,
    p.amount,
    p.currency,
    case when p.currency = $base_currency then 1::decimal(18, 8) else coalesce(r.rate, e.rate) end as rate
  from per_currency p
  asof left join stg_fx_rates r on r.currency = p.currency and p.as_of >= r.rate_date
  left join earliest e on e.currency = p.currency
)
select
  d.as_of,
  coalesce(sum(round(r.amount * r.rate, 2)), 0)::decimal(18, 2) as total_ar,
  string_agg(distinct r.currency, ',') filter (where r.amount <> 0 and r.rate is null) as unrated_currencies
from dates d
left join rated r on r.as_of = d.as_of
group by d.as_of
