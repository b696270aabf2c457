-- grain: one row per promise to pay
select
  promise_id,
  customer_id,
  invoice_id,
  collector_id,
  created_date,
  promised_date,
  amount::decimal(18, 2) as amount,
  currency,
  status
from promises_to_pay
