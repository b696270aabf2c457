-- grain: one row per (as_of, open line): an invoice instalment, a standalone credit note or a payment's
-- unapplied rest, in document currency. An invoice without a schedule is one line due on its due date;
-- reductions (payments, credits, write-offs) fill an invoice's instalments in due order, and anything
-- beyond the invoice amount (overpayment) or a negative reduction lands on the last instalment.
with balances as (
  select as_of, item_kind, item_id, balance, invoice_id, customer_id, doc_date, due_date, doc_amount, currency
  from int_item_balances
),
schedule as (
  select
    invoice_id,
    seq,
    due_date,
    amount,
    coalesce(sum(amount) over (partition by invoice_id order by due_date, seq
                               rows between unbounded preceding and 1 preceding), 0) as before,
    row_number() over (partition by invoice_id order by due_date desc, seq desc) = 1 as is_last
  from stg_instalments
  -- only the schedules of invoices open at the date (a semi-join, not every schedule ever)
  where invoice_id in (select item_id from balances where item_kind = 'invoice')
),
lines as (
  select
    b.*,
    coalesce(s.seq, 1) as line_no,
    coalesce(s.due_date, b.due_date) as line_due_date,
    coalesce(s.before, 0) as before,
    coalesce(s.is_last, true) as is_last,
    -- the last line takes whatever the schedule does not cover, so lines always sum to the document
    case when s.seq is null or s.is_last then b.doc_amount - coalesce(s.before, 0) else s.amount end as line_amount,
    b.doc_amount - b.balance as reduced
  from balances b
  left join schedule s on b.item_kind = 'invoice' and s.invoice_id = b.item_id
),
allocated as (
  select
    *,
    line_amount - case
      when is_last then case when reduced < 0 then reduced else greatest(reduced - before, 0) end
      else least(greatest(reduced - before, 0), line_amount)
    end as open_amount
  from lines
)
select
  as_of,
  item_kind,
  item_id,
  invoice_id,
  customer_id,
  line_no,
  doc_date,
  line_due_date as due_date,
  currency,
  open_amount::decimal(18, 2) as open_amount
from allocated
where open_amount <> 0
