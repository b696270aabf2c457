-- grain: one row per dispute inside the requested scope (models/scope.ts; each filter null = any): its
-- customer (the dispute's own, else its invoice's) among int_scope_customers, and its invoice's document
-- currency = $document_currency. A dispute whose invoice the warehouse lacks has no document currency: it
-- counts in the whole book and in no currency cut; one of no known customer is in no segment or collector.
select
  d.*,
  coalesce(d.customer_id, i.customer_id) as scope_customer_id,
  i.currency as document_currency
from stg_disputes d
left join stg_invoices i on i.invoice_id = d.invoice_id
where ($document_currency::varchar is null or i.currency = $document_currency::varchar)
  and (($segment::varchar is null and $collector_id::varchar is null)
       or coalesce(d.customer_id, i.customer_id) in (select customer_id from int_scope_customers))
