-- grain: one row per as_of: true DSO in Oracle's documented form, Σ over open invoices of
-- (as_of − invoice date) × open amount / credit sales of the invoice's month (base currency; months
-- with no positive sales contribute nothing rather than dividing by zero).
select
  o.as_of,
  sum(date_diff('day', o.doc_date, o.as_of) * o.open_base::double / s.credit_sales::double) as true_dso,
  count(*) as terms
from mart_open_items o
join int_credit_sales_monthly s on s.month_start = date_trunc('month', o.doc_date)::date
where o.item_kind = 'invoice'
  and s.credit_sales > 0
group by o.as_of
