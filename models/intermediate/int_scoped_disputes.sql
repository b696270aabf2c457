-- grain: one row per dispute inside the requested scope (models/scope.ts; each filter null = any): its
-- customer (the dispute's own, else its invoice's) among int_scope_customers, and its invoice's document
-- currency = $document_currency. A dispute whose invoice the warehouse lacks (or dates after $as_of) has no
-- document currency: it counts in the whole book and in no currency cut; one of no known customer is in no
-- segment or collector. The invoice's amounts (document, and base at the invoice-date rate), order and tax
-- come along, so readers need not look the invoice up again (one join instead of three at 1M invoices).
select
  d.*,
  coalesce(d.customer_id, i.customer_id) as scope_customer_id,
  i.currency as document_currency,
  i.amount as invoice_amount,
  i.amount_base as invoice_amount_base,
  i.order_id as invoice_order_id,
  i.tax_amount as invoice_tax_amount
from stg_disputes d
left join int_invoice_base_amounts i on i.invoice_id = d.invoice_id
where ($document_currency::varchar is null or i.currency = $document_currency::varchar)
  and (($segment::varchar is null and $collector_id::varchar is null)
       or coalesce(d.customer_id, i.customer_id) in (select customer_id from int_scope_customers))
