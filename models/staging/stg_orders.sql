-- grain: one row per sales order
select
  order_id,
  customer_id,
  order_date,
  amount::decimal(18, 2) as amount,
  currency,
  promised_ship_date,
  shipped_date,
  shipped_amount::decimal(18, 2) as shipped_amount
from orders
