-- grain: one row per dispute
select
  dispute_id,
  invoice_id,
  customer_id,
  opened_date,
  amount::decimal(18, 2) as amount,
  cause,
  status,
  resolved_date,
  resolution
from disputes
