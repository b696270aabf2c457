-- grain: one row per invoice dated up to $as_of inside the requested scope (models/scope.ts; each filter
-- null = any): its customer among int_scope_customers and its document currency = $document_currency,
-- with its base-currency amount at the invoice-date rate (int_invoice_base_amounts).
select b.*
from int_invoice_base_amounts b
where ($document_currency::varchar is null or b.currency = $document_currency::varchar)
  and (($segment::varchar is null and $collector_id::varchar is null)
       or b.customer_id in (select customer_id from int_scope_customers))
