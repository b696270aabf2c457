-- grain: one row per calendar month (month_start) with documents dated up to $as_of: credit sales in
-- base currency = invoices − credit notes dated in the month, each day's total per currency converted
-- at that day's rate (latest ≤ date, else the earliest known). The as-of month is month-to-date.
-- Scope (optional, null = all): customers of int_scope_customers, documents in $document_currency.
with all_docs as (
  select invoice_date as doc_date, customer_id, currency, amount from stg_invoices where invoice_date <= $as_of::date
  union all
  select credit_date, customer_id, currency, -amount from stg_credit_notes where credit_date <= $as_of::date
),
docs as (
  select doc_date, currency, amount
  from all_docs
  where ($document_currency::varchar is null or currency = $document_currency::varchar)
    and (($segment::varchar is null and $collector_id::varchar is null)
         or customer_id in (select customer_id from int_scope_customers))
),
by_day as (
  select doc_date, currency, sum(amount) as amount from docs group by doc_date, currency
),
earliest as (
  select currency, arg_min(rate, rate_date) as rate from stg_fx_rates group by currency
),
rated as (
  select
    d.doc_date,
    d.amount,
    case when d.currency = $base_currency then 1::decimal(18, 8) else coalesce(r.rate, e.rate) end as rate,
    d.currency
  from by_day d
  asof left join stg_fx_rates r on r.currency = d.currency and d.doc_date >= r.rate_date
  left join earliest e on e.currency = d.currency
)
select
  date_trunc('month', doc_date)::date as month_start,
  sum(round(amount * rate, 2))::decimal(18, 2) as credit_sales,
  string_agg(distinct currency, ',') filter (where rate is null) as unrated_currencies
from rated
group by 1
