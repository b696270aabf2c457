-- grain: one row per customer with open invoices at $as_of: who collects it, how it is contacted, its
-- current and month-earlier risk score, credit limit, and the last contact dated on or before $as_of.
with open_customers as (
  select distinct customer_id from invoice_scores where as_of = $as_of::date
),
last_contact as (
  select customer_id, max(activity_at)::date as last_contact_date
  from activities
  where activity_at::date <= $as_of::date
  group by customer_id
),
score_now as (
  select customer_id, score, risk_class from customer_scores where as_of = $as_of::date
),
score_before as (
  select customer_id, arg_max(score, as_of) as score
  from customer_scores
  where as_of <= $as_of::date - 25 and as_of >= $as_of::date - 60
  group by customer_id
),
cust as (
  select c.*, $as_of::date as as_of from customers c join open_customers o on o.customer_id = c.customer_id
),
limits as (
  select cust.customer_id,
         case when cust.currency = $base_currency then cust.credit_limit
              else round(cust.credit_limit * r.rate, 2) end as credit_limit_base
  from cust
  asof left join fx_rates r on r.currency = cust.currency and r.base_currency = $base_currency and cust.as_of >= r.rate_date
)
select
  c.customer_id,
  c.name,
  c.collector_id,
  c.segment,
  coalesce(c.strategic, false) as strategic,
  l.credit_limit_base::double as credit_limit_base,
  c.currency,
  c.contact_name,
  c.email,
  c.phone,
  sn.score,
  sn.risk_class,
  sb.score as previous_score,
  lc.last_contact_date::varchar as last_contact_date
from cust c
left join limits l on l.customer_id = c.customer_id
left join score_now sn on sn.customer_id = c.customer_id
left join score_before sb on sb.customer_id = c.customer_id
left join last_contact lc on lc.customer_id = c.customer_id
