-- grain: one row per (invoice, instalment) of invoices that carry a payment schedule
select
  invoice_id,
  seq,
  due_date,
  amount::decimal(18, 2) as amount
from invoice_instalments
