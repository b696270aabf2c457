-- grain: one row per aging bucket k (due-date basis, $bucket_edges) over consecutive month-end pairs
-- (M, next month-end) with M ≥ $from and the next month-end ≤ $as_of (fed month-end balances): amount of
-- open invoice lines in bucket k at M, and the part of those same lines found in bucket k + 1 at the next
-- month-end. Roll rate k → k + 1 = rolled / amount.
with lines as materialized (
  select as_of, item_id, line_no, bucket, open_base
  from mart_open_items
  where item_kind = 'invoice'
),
pairs as (
  select a.bucket, a.open_base as amount, b.open_base as next_amount, b.bucket as next_bucket
  from lines a
  left join lines b
    on b.item_id = a.item_id
   and b.line_no = a.line_no
   and b.as_of = last_day(a.as_of + 1)
  where a.as_of >= $from::date
    and last_day(a.as_of + 1) <= $as_of::date
)
select
  bucket,
  sum(amount) as amount,
  coalesce(sum(next_amount) filter (where next_bucket = bucket + 1), 0) as rolled
from pairs
group by bucket
