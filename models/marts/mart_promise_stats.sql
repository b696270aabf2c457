-- grain: one row per group ($group_by: collector | customer | none) of promises whose promised date is
-- between $from and $to, evaluated at $as_of: counts and values by outcome (values in the promise's
-- own amounts; promises are per customer and rarely mix currencies within a group).
select
  case $group_by when 'collector' then collector_id when 'customer' then customer_id else 'all' end as group_key,
  count(*) as promises,
  count(*) filter (where outcome = 'kept') as kept,
  count(*) filter (where outcome = 'partially_kept') as partially_kept,
  count(*) filter (where outcome = 'broken') as broken,
  count(*) filter (where outcome = 'open') as open,
  count(*) filter (where outcome = 'cancelled') as cancelled,
  coalesce(sum(amount) filter (where outcome = 'kept'), 0) as kept_amount,
  coalesce(sum(amount) filter (where outcome = 'partially_kept'), 0) as partially_kept_amount,
  coalesce(sum(amount) filter (where outcome = 'broken'), 0) as broken_amount,
  coalesce(sum(amount) filter (where outcome = 'open'), 0) as open_amount,
  coalesce(sum(paid) filter (where outcome = 'partially_kept'), 0) as partially_kept_paid
from int_promise_outcomes
where promised_date between $from::date and $to::date
group by all
