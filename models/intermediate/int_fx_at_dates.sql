-- grain: one row per (as_of, currency) among open lines: the rate to $base_currency, i.e. the latest
-- rate dated on or before as_of; when a currency has no rate that early, its earliest rate; null if
-- the currency has no rate at all (the repositories report that currency by name).
with pairs as (
  select distinct as_of, currency from int_open_lines
),
latest as (
  select p.as_of, p.currency, r.rate
  from pairs p
  asof left join stg_fx_rates r on r.currency = p.currency and p.as_of >= r.rate_date
),
earliest as (
  select currency, arg_min(rate, rate_date) as rate from stg_fx_rates group by currency
)
select
  l.as_of,
  l.currency,
  case when l.currency = $base_currency then 1::decimal(18, 8) else coalesce(l.rate, e.rate) end as rate
from latest l
left join earliest e on e.currency = l.currency
