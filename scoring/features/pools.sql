-- Grain: one row per (snapshot s, segment): days late (closing date - due date) of every invoice of the
-- segment closed by payment in the 12 months up to s, the prior that thin customer histories shrink to.
-- Reads the temp tables score_snaps and score_inv_life.
with closed as (
  select s.s, coalesce(l.segment, '') as segment, date_diff('day', l.due_date, l.close_date) as days_late
  from score_inv_life l
  join score_snaps s on l.close_date <= s.s and l.close_date > s.s - interval 365 day
  where l.first_wo_date is null or l.first_wo_date > l.close_date
)
select s::varchar as snapshot, segment, list(days_late order by days_late) as days_late_list
from closed group by s, segment
order by snapshot, segment
