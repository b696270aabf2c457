-- grain: one row per (month_end, item) with a non-zero balance at that month-end, for every
-- month-end from the first event up to $as_of. Set-wise: balances are constant between events, so
-- each item's balance segments are range-joined to the month-ends (no per-month loop).
with daily as (
  select item_kind, item_id, event_date, sum(amount) as amount
  from int_ar_events
  where event_date <= $as_of::date
  group by item_kind, item_id, event_date
),
segments as (
  select
    item_kind,
    item_id,
    event_date as valid_from,
    coalesce(lead(event_date) over w, date '9999-12-31') as valid_until,
    sum(amount) over (w rows between unbounded preceding and current row) as balance
  from daily
  window w as (partition by item_kind, item_id order by event_date)
),
month_ends as (
  select (m + interval 1 month - interval 1 day)::date as month_end
  from range(
    date_trunc('month', coalesce((select min(event_date) from daily), $as_of::date)),
    date_trunc('month', $as_of::date) + interval 1 month,
    interval 1 month
  ) as t(m)
)
select
  me.month_end as as_of,
  s.item_kind,
  s.item_id,
  s.balance
from segments s
join month_ends me
  on me.month_end >= s.valid_from
 and me.month_end < s.valid_until
where s.balance <> 0
  and me.month_end <= $as_of::date
