-- grain: one row per receivable document that can carry an open balance, keyed by (item_kind, item_id):
-- every invoice, every standalone credit note (no invoice, or an invoice we do not hold), every payment.
-- doc_amount is signed as the item weighs on AR: invoices +, credit notes and payments −.
with standalone_credits as (
  select c.*
  from stg_credit_notes c
  where c.invoice_id is null
     or not exists (select 1 from stg_invoices i where i.invoice_id = c.invoice_id)
)
select 'invoice' as item_kind, invoice_id as item_id, invoice_id, customer_id,
       invoice_date as doc_date, due_date, amount as doc_amount, currency
from stg_invoices
union all
select 'credit_note', credit_note_id, null, customer_id,
       credit_date, credit_date, -amount, currency
from standalone_credits
union all
select 'payment', payment_id, null, customer_id,
       received_date, received_date, -amount, currency
from stg_payments
