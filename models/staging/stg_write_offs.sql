-- grain: one row per write-off of (part of) an invoice
select
  write_off_id,
  invoice_id,
  write_off_date,
  amount::decimal(18, 2) as amount,
  reason
from write_offs
