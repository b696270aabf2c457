-- Grain: one row per invoice with its settlement milestones (closing, first application, first write-off).
-- Run once per scoring session into a temp table; every reader filters the milestones against its own
-- snapshot date, so the table itself carries no as-of.
-- A milestone dated d depends only on settlements dated <= d, which is what makes filtering it by
-- "<= s" point-in-time safe. Reads the temp table score_ev_cum (ev_cum.sql), built just before.
create or replace temp table score_inv_life as
with inv as (
  select i.invoice_id, i.customer_id, i.invoice_date, i.due_date, i.amount::double as amount, i.currency,
         coalesce(i.terms_days, date_diff('day', i.invoice_date, i.due_date)) as terms_days,
         c.segment, c.industry, c.country, c.currency as customer_currency,
         c.credit_limit::double as credit_limit
  from invoices i
  left join customers c on c.customer_id = i.customer_id
  where i.amount > 0
),
life as (
  select e.invoice_id,
         min(e.d) filter (where e.cum >= i.amount - 0.005) as close_date,
         min(e.d) filter (where e.is_app = 1) as first_app_date,
         min(e.d) filter (where e.is_wo = 1) as first_wo_date
  from score_ev_cum e join inv i on i.invoice_id = e.invoice_id
  group by e.invoice_id
)
select inv.*, life.close_date, life.first_app_date, life.first_wo_date
from inv left join life on life.invoice_id = inv.invoice_id
