-- grain: one row per collector
select
  collector_id,
  name as collector_name
from collectors
