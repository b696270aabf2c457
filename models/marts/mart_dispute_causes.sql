-- grain: one row per dispute cause among disputes opened between $from and $to: count and value,
-- median and p90 days to resolve (resolved ones), leakage, and the upstream order causes.
select
  cause,
  count(*) as disputes,
  sum(amount_base) as amount,
  count(resolved_date) as resolved,
  quantile_cont(days_to_resolve, 0.5) as median_days_to_resolve,
  quantile_cont(days_to_resolve, 0.9) as p90_days_to_resolve,
  sum(leakage_base) as leakage,
  count(*) filter (where has_order) as with_order,
  count(*) filter (where shipped_late) as shipped_late,
  count(*) filter (where shipped_partially) as shipped_partially,
  count(*) filter (where price_mismatch) as price_mismatch
from mart_dispute_facts
group by cause
