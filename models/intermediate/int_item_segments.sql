-- grain: one row per (item_kind, item_id, valid_from) with a non-zero balance: the interval
-- [valid_from, valid_until) over which the item's balance (sum of its events dated up to then) is
-- constant; valid_until is the next event's date, or 9999-12-31. Zero stretches are left out: a settled
-- item has no row after its settlement, so the table holds what point-in-time reads need (and settled
-- history does not fill the row groups a recent date scans). Carries the item's attributes
-- (int_ar_items) so readers need no join. Independent of any as-of date, so it is persisted
-- (item_balance_segments) and a point-in-time balance is a range lookup, not a sum over every event.
with daily as (
  select item_kind, item_id, event_date, sum(amount) as amount
  from int_ar_events
  group by item_kind, item_id, event_date
),
segments as (
  select
    item_kind,
    item_id,
    event_date as valid_from,
    coalesce(lead(event_date) over w, date '9999-12-31') as valid_until,
    (sum(amount) over (w rows between unbounded preceding and current row))::decimal(18, 2) as balance
  from daily
  window w as (partition by item_kind, item_id order by event_date)
)
select
  s.item_kind,
  s.item_id,
  s.valid_from,
  s.valid_until,
  s.balance,
  it.invoice_id,
  it.customer_id,
  it.doc_date,
  it.due_date,
  it.doc_amount,
  it.currency
from segments s
join int_ar_items it on it.item_kind = s.item_kind and it.item_id = s.item_id
where s.balance <> 0
