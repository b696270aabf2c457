-- grain: one row per customer inside the requested scope: $segment and $collector_id, each null = any.
-- Readers filter with "both null, or customer_id in (this)", so an unscoped read also keeps the lines of
-- no known customer (unidentified cash), which belong to no segment or collector.
select customer_id
from stg_customers
where ($segment::varchar is null or segment = $segment::varchar)
  and ($collector_id::varchar is null or collector_id = $collector_id::varchar)
