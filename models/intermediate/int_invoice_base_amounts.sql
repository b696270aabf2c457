-- grain: one row per invoice dated up to $as_of: its amount in base currency at the invoice-date rate
-- (latest rate ≤ invoice date, else the earliest known; null when the currency has no rate at all)
with earliest as (
  select currency, arg_min(rate, rate_date) as rate from stg_fx_rates group by currency
)
select
  i.invoice_id,
  i.customer_id,
  i.invoice_date,
  i.due_date,
  i.amount,
  i.currency,
  i.order_id,
  i.tax_amount,
  round(i.amount * case when i.currency = $base_currency then 1::decimal(18, 8) else coalesce(r.rate, e.rate) end, 2)::decimal(18, 2) as amount_base
from stg_invoices i
asof left join stg_fx_rates r on r.currency = i.currency and i.invoice_date >= r.rate_date
left join earliest e on e.currency = i.currency
where i.invoice_date <= $as_of::date
