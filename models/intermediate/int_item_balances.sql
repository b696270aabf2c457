-- grain: one row per item (item_kind, item_id) with a non-zero balance at $as_of
select
  $as_of::date as as_of,
  item_kind,
  item_id,
  sum(amount) as balance
from int_ar_events
where event_date <= $as_of::date
group by item_kind, item_id
having sum(amount) <> 0
