-- grain: one row per promise to pay, evaluated at $as_of with a grace of $tolerance_days days:
-- paid = money received from the promise's creation up to promised date + tolerance (and ≤ as_of) —
-- on the promised invoice (its applications, dated by the payment's receipt) or, for a promise on the
-- account, any payment of the customer. Outcome: cancelled stays cancelled; open until the promised date
-- + tolerance has passed; then kept (paid ≥ amount), partially_kept (0 < paid < amount) or broken.
with promises as (
  select p.*, p.promised_date + $tolerance_days::integer as deadline
  from stg_promises p
),
paid_on_invoice as (
  select p.promise_id, sum(a.amount) as paid
  from promises p
  join stg_applications a on a.invoice_id = p.invoice_id
  join stg_payments pay on pay.payment_id = a.payment_id
  where p.invoice_id is not null
    and pay.received_date between p.created_date and least(p.deadline, $as_of::date)
    and a.applied_date <= $as_of::date
  group by p.promise_id
),
paid_on_account as (
  select p.promise_id, sum(pay.amount) as paid
  from promises p
  join stg_payments pay on pay.customer_id = p.customer_id
  where p.invoice_id is null
    and pay.received_date between p.created_date and least(p.deadline, $as_of::date)
  group by p.promise_id
)
select
  p.promise_id,
  p.customer_id,
  p.invoice_id,
  coalesce(p.collector_id, c.collector_id) as collector_id,
  p.created_date,
  p.promised_date,
  p.deadline,
  p.amount,
  p.currency,
  p.status as recorded_status,
  coalesce(pi.paid, pa.paid, 0)::decimal(18, 2) as paid,
  case
    when p.status = 'cancelled' then 'cancelled'
    when p.deadline > $as_of::date then 'open'
    when coalesce(pi.paid, pa.paid, 0) >= p.amount then 'kept'
    when coalesce(pi.paid, pa.paid, 0) > 0 then 'partially_kept'
    else 'broken'
  end as outcome
from promises p
left join paid_on_invoice pi on pi.promise_id = p.promise_id
left join paid_on_account pa on pa.promise_id = p.promise_id
left join stg_customers c on c.customer_id = p.customer_id
where p.created_date <= $as_of::date
