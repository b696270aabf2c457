-- grain: one row per invoice with a dispute open at $as_of (opened on or before it, not resolved by then).
select invoice_id, min(dispute_id) as dispute_id, min(cause) as cause, sum(amount) as disputed_amount, min(owner) as owner
from disputes
where opened_date <= $as_of::date
  and (resolved_date > $as_of::date or (resolved_date is null and status in ('open', 'in_review')))
group by invoice_id
