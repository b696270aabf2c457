-- grain: one row per invoice settled (balance ≤ 0) by $as_of whose closing date — the date of its last
-- balance event — is on or after $from: days late (closing − due), days to pay (closing − invoice date),
-- and whether a write-off took part (such invoices were not paid and are left out of payment behaviour).
with events as (
  select item_id as invoice_id, event_date, amount, source
  from int_ar_events
  where item_kind = 'invoice' and event_date <= $as_of::date
),
settled as (
  select
    invoice_id,
    max(event_date) as closed_date,
    coalesce(sum(-amount) filter (where source = 'write_off'), 0) as written_off
  from events
  group by invoice_id
  having sum(amount) <= 0
)
select
  i.invoice_id,
  i.customer_id,
  i.invoice_date,
  i.due_date,
  s.closed_date,
  i.amount,
  i.amount_base,
  date_diff('day', i.due_date, s.closed_date) as days_late,
  date_diff('day', i.invoice_date, s.closed_date) as days_to_pay,
  s.written_off > 0 as written_off
from settled s
join int_invoice_base_amounts i on i.invoice_id = s.invoice_id
where s.closed_date >= $from::date
