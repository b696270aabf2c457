-- Grain: one row per (invoice, settlement day) with the cumulative amount settled by that day.
create or replace temp table score_ev_cum as
with settle_events as (
  select invoice_id, applied_date as d, amount::double as amt
  from payment_applications where invoice_id is not null
  union all
  select invoice_id, credit_date, amount::double from credit_notes where invoice_id is not null
  union all
  select invoice_id, write_off_date, amount::double from write_offs
),
ev_daily as (select invoice_id, d, sum(amt) as amt from settle_events group by invoice_id, d)
select invoice_id, d,
       sum(amt) over (partition by invoice_id order by d rows between unbounded preceding and current row) as cum
from ev_daily
