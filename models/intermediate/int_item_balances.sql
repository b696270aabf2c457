-- grain: one row per item (item_kind, item_id) with a non-zero balance at $as_of, with its attributes:
-- the balance segment of int_item_segments in force at $as_of (a range lookup; events dated after
-- $as_of never count)
select
  $as_of::date as as_of,
  item_kind,
  item_id,
  balance,
  invoice_id,
  customer_id,
  doc_date,
  due_date,
  doc_amount,
  currency
from int_item_segments
where valid_from <= $as_of::date
  and valid_until > $as_of::date
  and balance <> 0
