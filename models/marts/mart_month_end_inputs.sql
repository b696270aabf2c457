-- grain: one row per (as_of, measure): the inputs of the metric history in one pass over the open lines
-- (fed month-end balances by the models stage): receivables base and its lines, current / overdue /
-- over-90 AR, one measure per aging bucket ('bucket_<k>', due-date basis, $bucket_edges) and the true DSO.
with lines as materialized (
  select as_of, item_kind, bucket, days_past_due, doc_date, open_base from mart_open_items
),
true_dso as (
  select o.as_of, sum(date_diff('day', o.doc_date, o.as_of) * o.open_base::double / s.credit_sales::double) as value
  from lines o
  join int_credit_sales_monthly s on s.month_start = date_trunc('month', o.doc_date)::date
  where o.item_kind = 'invoice' and s.credit_sales > 0
  group by o.as_of
)
select as_of, 'total_ar' as measure, sum(open_base) as amount, null::double as value from lines group by as_of
union all
select as_of, 'invoice_ar', coalesce(sum(open_base) filter (where item_kind = 'invoice'), 0), null from lines group by as_of
union all
select as_of, 'unapplied_credits', coalesce(sum(open_base) filter (where item_kind = 'credit_note'), 0), null from lines group by as_of
union all
select as_of, 'unapplied_cash', coalesce(sum(open_base) filter (where item_kind = 'payment'), 0), null from lines group by as_of
union all
select as_of, 'current_ar', coalesce(sum(open_base) filter (where bucket = 0), 0), null from lines group by as_of
union all
select as_of, 'over_90_ar', coalesce(sum(open_base) filter (where days_past_due > 90), 0), null from lines group by as_of
union all
select as_of, 'bucket_' || bucket, sum(open_base), null from lines group by as_of, bucket
union all
select as_of, 'true_dso', null, value from true_dso
