-- Grain: one row per (invoice, settlement day) with the cumulative amount settled by that day and whether
-- that day holds a payment application (is_app) or a write-off (is_wo).
-- Built once per scoring session, before inv_life.sql, which derives the milestones from it: one window
-- over the settlement events serves both the milestones and the point-in-time open amounts.
create or replace temp table score_ev_cum as
with settle_events as (
  select invoice_id, applied_date as d, amount::double as amt, 1 as is_app, 0 as is_wo
  from payment_applications where invoice_id is not null
  union all
  select invoice_id, credit_date, amount::double, 0, 0 from credit_notes where invoice_id is not null
  union all
  select invoice_id, write_off_date, amount::double, 0, 1 from write_offs
),
ev_daily as (
  select invoice_id, d, sum(amt) as amt, max(is_app) as is_app, max(is_wo) as is_wo
  from settle_events group by invoice_id, d
)
select invoice_id, d, is_app, is_wo,
       sum(amt) over (partition by invoice_id order by d rows between unbounded preceding and current row) as cum
from ev_daily
