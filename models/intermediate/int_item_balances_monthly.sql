-- grain: one row per (month_end, item) with a non-zero balance at that month-end (with its attributes), for every
-- month-end from the first event up to $as_of. Set-wise: balances are constant between events, so
-- each item's balance segments (int_item_segments) are range-joined to the month-ends (no per-month loop).
with month_ends as (
  select (m + interval 1 month - interval 1 day)::date as month_end
  from range(
    date_trunc('month', coalesce((select min(valid_from) from int_item_segments), $as_of::date)),
    date_trunc('month', $as_of::date) + interval 1 month,
    interval 1 month
  ) as t(m)
)
select
  me.month_end as as_of,
  s.item_kind,
  s.item_id,
  s.balance,
  s.invoice_id,
  s.customer_id,
  s.doc_date,
  s.due_date,
  s.doc_amount,
  s.currency
from int_item_segments s
join month_ends me
  on me.month_end >= s.valid_from
 and me.month_end < s.valid_until
where s.balance <> 0
  and me.month_end <= $as_of::date
