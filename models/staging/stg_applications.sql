-- grain: one row per payment application (payment → invoice, or payment → credit note)
select
  application_id,
  payment_id,
  invoice_id,
  credit_note_id,
  amount::decimal(18, 2) as amount,
  applied_date
from payment_applications
