-- grain: one row per (month opened, cause) among disputes opened between $from and $to
select
  opened_month as month,
  cause,
  count(*) as disputes,
  sum(amount_base) as amount,
  sum(leakage_base) as leakage
from mart_dispute_facts
group by opened_month, cause
