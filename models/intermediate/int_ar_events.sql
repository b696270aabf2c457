-- grain: one row per change of an open item's balance, dated when it takes effect at the earliest on
-- the date of every document involved (an application never counts before its payment is received or
-- before its invoice exists). Applications appear twice (on the target and on the payment), so the
-- events of all items sum to invoices − credit notes − write-offs − payments, whatever is applied.
with credits_on_invoices as (
  select c.credit_note_id, c.invoice_id, c.credit_date, c.amount, i.invoice_date, i.currency
  from stg_credit_notes c
  join stg_invoices i on i.invoice_id = c.invoice_id
),
standalone_credits as (
  select item_id as credit_note_id, doc_date, currency from int_ar_items where item_kind = 'credit_note'
),
applications as (
  select
    a.application_id,
    a.payment_id,
    p.currency as payment_currency,
    a.amount,
    a.payment_amount,
    -- a payment applied to a credit note that was itself issued against an invoice reopens that invoice
    case when i.invoice_id is not null then 'invoice'
         when sc.credit_note_id is not null then 'credit_note'
         else 'invoice' end as target_kind,
    coalesce(i.invoice_id, sc.credit_note_id, ci.invoice_id) as target_id,
    coalesce(i.currency, sc.currency, ci.currency) as target_currency,
    a.credit_note_id is not null as to_credit_note,
    greatest(a.applied_date, p.received_date, coalesce(i.invoice_date, sc.doc_date, ci.credit_date, ci.invoice_date)) as effective_date
  from stg_applications a
  join stg_payments p on p.payment_id = a.payment_id
  -- plain equi-joins (null keys never match), so DuckDB hash-joins instead of looping
  left join stg_invoices i on i.invoice_id = a.invoice_id
  left join standalone_credits sc on sc.credit_note_id = a.credit_note_id
  left join credits_on_invoices ci on ci.credit_note_id = a.credit_note_id
  where coalesce(i.invoice_id, sc.credit_note_id, ci.invoice_id) is not null
)
select item_kind, item_id, doc_date as event_date, doc_amount as amount, currency, 'document' as source
from int_ar_items
union all
select 'invoice', invoice_id, greatest(credit_date, invoice_date), -amount, currency, 'credit_note'
from credits_on_invoices
union all
select 'invoice', w.invoice_id, greatest(w.write_off_date, i.invoice_date), -w.amount, i.currency, 'write_off'
from stg_write_offs w
join stg_invoices i on i.invoice_id = w.invoice_id
union all
-- on the target: an application to an invoice lowers it; one to a credit note consumes (raises) it
select target_kind, target_id, effective_date,
       case when to_credit_note then amount else -amount end, target_currency, 'application'
from applications
union all
-- on the payment: what is applied to invoices is no longer unapplied cash; a credit consumed adds to it
select 'payment', payment_id, effective_date,
       case when to_credit_note then -payment_amount else payment_amount end, payment_currency, 'application'
from applications
