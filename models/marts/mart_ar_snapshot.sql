-- grain: one row per (as_of, aging bucket with open lines): everything the AR summary needs from the
-- open lines in one statement, so they are computed once rather than once per figure — the position
-- (mart_ar_position, repeated on each row), the true DSO (mart_true_dso) and the bucket's base-currency
-- amount, invoice part and line count (as mart_aging with $group_by 'none', base currency).
with buckets as (
  select
    as_of,
    bucket,
    sum(open_base) as bucket_amount,
    coalesce(sum(open_base) filter (where item_kind = 'invoice'), 0) as bucket_invoice_amount,
    count(*) as bucket_lines
  from mart_open_items
  group by as_of, bucket
)
select
  p.*,
  t.true_dso,
  b.bucket,
  b.bucket_amount,
  b.bucket_invoice_amount,
  b.bucket_lines
from mart_ar_position p
left join mart_true_dso t on t.as_of = p.as_of
left join buckets b on b.as_of = p.as_of
