-- grain: one row per payment application (payment → invoice, or payment → credit note)
select
  application_id,
  payment_id,
  invoice_id,
  credit_note_id,
  amount::decimal(18, 2) as amount,
  -- what the application took from its payment, in the payment's currency (differs from amount only
  -- for a cross-currency application, migration 0013)
  coalesce(payment_amount, amount)::decimal(18, 2) as payment_amount,
  applied_date
from payment_applications
