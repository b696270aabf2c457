-- grain: one row per credit note
select
  credit_note_id,
  customer_id,
  invoice_id,
  credit_date,
  amount::decimal(18, 2) as amount,
  currency,
  reason
from credit_notes
