-- Grain: one row per (snapshot date s, invoice open at s).
-- Point-in-time: every input is filtered to rows dated <= s (invoice date, application date, credit-note
-- date, write-off date, dispute opened date, promise created date, activity time). A dispute resolved
-- after s is still open at s; a promise counts as broken only once its promised date has passed by s.
-- An invoice's closing date is the first day its settlements reach its amount: it is known at s only
-- when it is <= s, because every settlement that makes it up is dated on or before it.
-- Reads the temp tables score_snaps, score_inv_life and score_ev_cum (see the sibling .sql files).
-- The customer's list of recent days late comes from recent_days_late.sql, once per customer rather than
-- repeated on every open invoice's row.
with closed as (
  -- invoices closed on or before s, within the 12 months before s: the customer's recent track record
  select s.s, l.invoice_id, l.customer_id, l.segment, l.industry, l.country, l.amount, l.close_date,
         date_diff('day', l.due_date, l.close_date) as days_late,
         (l.first_wo_date is not null and l.first_wo_date <= l.close_date) as written_off,
         (l.first_app_date is not null and l.first_app_date < l.close_date) as partial
  from score_inv_life l
  join score_snaps s on l.close_date <= s.s and l.close_date > s.s - interval 365 day
),
cust_hist as (
  select s, customer_id,
         count(*) as n_closed,
         sum(amount * days_late) / nullif(sum(amount), 0) as wadl_12m,
         sum(amount * days_late) filter (where close_date > s - interval 182 day)
           / nullif(sum(amount) filter (where close_date > s - interval 182 day), 0) as wadl_6m,
         sum(amount * days_late) filter (where close_date > s - interval 91 day)
           / nullif(sum(amount) filter (where close_date > s - interval 91 day), 0) as wadl_3m,
         sum(amount * days_late) filter (where close_date <= s - interval 91 day)
           / nullif(sum(amount) filter (where close_date <= s - interval 91 day), 0) as wadl_older,
         avg(case when days_late > 0 then 1.0 else 0.0 end) as late_share,
         avg(case when days_late > 30 or written_off then 1.0 else 0.0 end) as late30_share,
         count(*) filter (where close_date > s - interval 182 day) as n_closed_6m,
         count(*) filter (where days_late > 0 and close_date > s - interval 182 day) as n_late_6m,
         avg(case when partial then 1.0 else 0.0 end) as partial_share,
         count(*) filter (where written_off) as n_written_off
  from closed group by s, customer_id
),
seg_prior as (
  select s, segment, avg(case when days_late > 0 then 1.0 else 0.0 end) as late_share,
         avg(case when days_late > 30 or written_off then 1.0 else 0.0 end) as late30_share,
         sum(amount * days_late) / nullif(sum(amount), 0) as wadl
  from closed group by s, segment
),
ind_prior as (
  select s, industry, avg(case when days_late > 0 then 1.0 else 0.0 end) as late_share,
         avg(case when days_late > 30 or written_off then 1.0 else 0.0 end) as late30_share
  from closed group by s, industry
),
country_prior as (
  select s, country, avg(case when days_late > 0 then 1.0 else 0.0 end) as late_share,
         avg(case when days_late > 30 or written_off then 1.0 else 0.0 end) as late30_share
  from closed group by s, country
),
global_prior as (
  select s, avg(case when days_late > 0 then 1.0 else 0.0 end) as late_share,
         avg(case when days_late > 30 or written_off then 1.0 else 0.0 end) as late30_share,
         sum(amount * days_late) / nullif(sum(amount), 0) as wadl
  from closed group by s
),
open_cand as (
  select s.s, l.*
  from score_inv_life l
  join score_snaps s on l.invoice_date <= s.s and (l.close_date is null or l.close_date > s.s)
),
open_inv as (
  -- settlements dated <= s reduce the open amount; later ones are invisible at s
  select o.*, o.amount - coalesce(e.cum, 0) as open_amount
  from open_cand o
  asof left join score_ev_cum e on e.invoice_id = o.invoice_id and e.d <= o.s
),
cust_open as (
  select s, customer_id, sum(open_amount) as open_ar,
         sum(open_amount) filter (where due_date < s) / nullif(sum(open_amount), 0) as overdue_share,
         max(date_diff('day', due_date, s)) as max_dpd,
         count(*) as n_open
  from open_inv group by s, customer_id
),
cust_amounts as (
  select s.s, i.customer_id, median(i.amount) as median_amount, count(*) as n_invoices_12m
  from score_inv_life i join score_snaps s on i.invoice_date <= s.s and i.invoice_date > s.s - interval 365 day
  group by s.s, i.customer_id
),
cust_first as (
  select customer_id, min(invoice_date) as first_invoice_date from score_inv_life group by customer_id
),
last_pay as (
  select s.s, i.customer_id, max(a.applied_date) as last_applied
  from payment_applications a
  join score_inv_life i on i.invoice_id = a.invoice_id
  join score_snaps s on a.applied_date <= s.s
  group by s.s, i.customer_id
),
disp as (
  select d.invoice_id, d.opened_date, d.resolved_date, d.status, coalesce(d.customer_id, i.customer_id) as customer_id
  from disputes d left join score_inv_life i on i.invoice_id = d.invoice_id
),
cust_disp as (
  select s.s, d.customer_id,
         count(*) filter (where d.opened_date > s.s - interval 365 day) as n_disputes_12m,
         count(*) filter (where d.resolved_date is null or d.resolved_date > s.s) as n_disputes_open
  from disp d join score_snaps s on d.opened_date <= s.s
  group by s.s, d.customer_id
),
inv_disp as (
  select s.s, d.invoice_id, count(*) as n_open_disputes
  from disp d join score_snaps s on d.opened_date <= s.s and (d.resolved_date is null or d.resolved_date > s.s)
  group by s.s, d.invoice_id
),
cust_prom as (
  select s.s, p.customer_id,
         count(*) filter (where p.promised_date < s.s and p.status in ('broken', 'partially_kept')) as n_broken,
         count(*) filter (where p.promised_date < s.s and p.status in ('kept', 'broken', 'partially_kept')) as n_due_promises
  from promises_to_pay p join score_snaps s on p.created_date <= s.s and p.created_date > s.s - interval 365 day
  group by s.s, p.customer_id
),
cust_act as (
  select s.s, a.customer_id, count(*) as n_activities_90d
  from activities a join score_snaps s on cast(a.activity_at as date) <= s.s and cast(a.activity_at as date) > s.s - interval 90 day
  group by s.s, a.customer_id
),
final as (
  select o.s::varchar as snapshot, o.invoice_id, o.customer_id,
         coalesce(o.segment, '') as segment, coalesce(o.industry, '') as industry, coalesce(o.country, '') as country,
         o.invoice_date::varchar as invoice_date, o.due_date::varchar as due_date, o.currency,
         o.amount, o.open_amount, o.terms_days,
         date_diff('day', o.invoice_date, o.s) as age_days,
         date_diff('day', o.due_date, o.s) as days_past_due,
         case when day(o.invoice_date) >= day(last_day(o.invoice_date)) - 2 then 1 else 0 end as month_end,
         case when o.customer_currency is not null and o.currency <> o.customer_currency then 1 else 0 end as foreign_currency,
         case when o.open_amount < o.amount - 0.005 then 1 else 0 end as partially_paid,
         o.amount / nullif(ca.median_amount, 0) as amount_rel,
         coalesce(ca.n_invoices_12m, 0) as n_invoices_12m,
         date_diff('day', cf.first_invoice_date, o.s) as tenure_days,
         coalesce(h.n_closed, 0) as n_closed,
         coalesce(h.n_closed_6m, 0) as n_closed_6m,
         coalesce(h.n_late_6m, 0) as n_late_6m,
         h.wadl_12m, h.wadl_6m, h.wadl_3m, h.wadl_older, h.late_share, h.late30_share, h.partial_share,
         coalesce(h.n_written_off, 0) as n_written_off,
         sp.late_share as seg_late_share, sp.late30_share as seg_late30_share, sp.wadl as seg_wadl,
         ip.late_share as ind_late_share, ip.late30_share as ind_late30_share,
         cp.late_share as country_late_share, cp.late30_share as country_late30_share,
         gp.late_share as global_late_share, gp.late30_share as global_late30_share, gp.wadl as global_wadl,
         co.open_ar, co.overdue_share, co.max_dpd, co.n_open,
         co.open_ar / nullif(o.credit_limit, 0) as exposure_ratio,
         date_diff('day', lp.last_applied, o.s) as days_since_payment,
         coalesce(cd.n_disputes_12m, 0) as n_disputes_12m,
         coalesce(cd.n_disputes_open, 0) as n_disputes_open,
         coalesce(idp.n_open_disputes, 0) as invoice_disputed,
         coalesce(pr.n_broken, 0) as n_broken_promises,
         coalesce(pr.n_due_promises, 0) as n_due_promises,
         coalesce(ac.n_activities_90d, 0) as n_activities_90d,
         o.close_date::varchar as outcome_close_date,
         o.first_wo_date::varchar as outcome_first_wo_date
  from open_inv o
  left join cust_hist h on h.s = o.s and h.customer_id = o.customer_id
  left join seg_prior sp on sp.s = o.s and sp.segment is not distinct from o.segment
  left join ind_prior ip on ip.s = o.s and ip.industry is not distinct from o.industry
  left join country_prior cp on cp.s = o.s and cp.country is not distinct from o.country
  left join global_prior gp on gp.s = o.s
  left join cust_open co on co.s = o.s and co.customer_id = o.customer_id
  left join cust_amounts ca on ca.s = o.s and ca.customer_id = o.customer_id
  left join cust_first cf on cf.customer_id = o.customer_id
  left join last_pay lp on lp.s = o.s and lp.customer_id = o.customer_id
  left join cust_disp cd on cd.s = o.s and cd.customer_id = o.customer_id
  left join inv_disp idp on idp.s = o.s and idp.invoice_id = o.invoice_id
  left join cust_prom pr on pr.s = o.s and pr.customer_id = o.customer_id
  left join cust_act ac on ac.s = o.s and ac.customer_id = o.customer_id
  where o.open_amount > 0.005
)
-- sorted by the caller: ordering wide rows here costs more than sorting them in memory
select * from final
