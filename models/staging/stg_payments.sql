-- grain: one row per received payment (negative amounts are refunds paid out)
select
  payment_id,
  customer_id,
  received_date,
  amount::decimal(18, 2) as amount,
  currency
from payments
