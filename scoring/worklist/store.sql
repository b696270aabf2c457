-- Ranks and stores the day's worklists from the per-customer decisions (temp worklist_decisions) and the
-- packed item lists (temp worklist_pack_customers): buildWorklists() of scoring/worklist.ts as window
-- functions. Customers due a contact are ranked by score (ties by customer id); each collector's list takes
-- its first daily_capacity customers, and everything else due a contact (no collector, an unknown
-- collector, or over capacity) goes to the team queue, ranked the same way.
insert into worklist_items
with listed as (
  select d.customer_id, k.daily_capacity,
         row_number() over (partition by d.collector_id order by d.score desc, d.customer_id) as n
  from temp.main.worklist_decisions d
  left join collectors k on k.collector_id = d.collector_id
  where d.queue = 'collector'
),
queued as (
  select d.*,
         case when d.queue = 'collector' and l.n <= l.daily_capacity then l.n end as collector_rank,
         case when d.queue = 'collector' and l.n <= l.daily_capacity then 'collector'
              when d.queue in ('collector', 'team') then 'team'
              else d.queue end as placed
  from temp.main.worklist_decisions d
  left join listed l on l.customer_id = d.customer_id
),
ranked as (
  select q.*,
         case when placed = 'collector' then collector_rank
              when placed = 'team' then row_number() over (partition by placed order by score desc, customer_id) end as list_rank
  from queued q
)
-- amounts were rounded to the cent in scoring; the cast to DECIMAL(18,2) stores exactly those cents
select $as_of::date, r.customer_id, r.collector_id, r.placed, r.list_rank::integer, r.score, r.total_open::decimal(18, 2),
       r.total_overdue::decimal(18, 2), r.total_at_risk::decimal(18, 2), $base_currency, r.max_days_past_due, r.action, r.channel,
       r.step, r.reasons, p.items_json, r.suppressed_by, $version
from ranked r
join temp.main.worklist_pack_customers p on p.customer_id = r.customer_id
