-- grain: one row per customer, with the attributes reports group by
select
  customer_id,
  name as customer_name,
  coalesce(parent_id, customer_id) as parent_group,
  collector_id,
  segment,
  country,
  currency as customer_currency,
  payment_terms_days
from customers
