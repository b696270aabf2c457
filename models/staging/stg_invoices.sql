-- grain: one row per invoice (canonical invoices, renamed and typed; no filtering)
select
  invoice_id,
  customer_id,
  order_id,
  invoice_date,
  due_date,
  amount::decimal(18, 2) as amount,
  tax_amount::decimal(18, 2) as tax_amount,
  currency
from invoices
