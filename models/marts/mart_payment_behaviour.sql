-- grain: one row per customer with invoices paid (not written off) between $from and $as_of:
-- weighted average days late (Σ base amount × days late / Σ base amount), average days late,
-- weighted and simple average days to pay.
select
  c.customer_id,
  cu.customer_name,
  cu.collector_id,
  count(*) as paid_invoices,
  sum(c.amount_base) as paid_amount,
  sum(c.amount_base * c.days_late)::double / nullif(sum(c.amount_base), 0)::double as weighted_days_late,
  avg(c.days_late) as average_days_late,
  sum(c.amount_base * c.days_to_pay)::double / nullif(sum(c.amount_base), 0)::double as weighted_days_to_pay,
  avg(c.days_to_pay) as average_days_to_pay
from mart_closed_invoices c
left join stg_customers cu on cu.customer_id = c.customer_id
where not c.written_off
  and c.amount_base > 0
group by c.customer_id, cu.customer_name, cu.collector_id
