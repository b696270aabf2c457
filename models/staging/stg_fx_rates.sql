-- grain: one row per (rate_date, currency) quoted against the configured base currency ($base_currency)
select
  rate_date,
  currency,
  rate::decimal(18, 8) as rate
from fx_rates
where base_currency = $base_currency
