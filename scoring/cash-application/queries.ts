/**
 * Every SQL read of cash application, in one place. Candidate generation that is set-wise stays in
 * DuckDB: open items point-in-time (only applications, credit notes and write-offs dated on or
 * before the as-of date count), unapplied payment remainders, and what earlier matches taught about
 * payer accounts. Amounts leave as bigint cents in text form so nothing passes through a float.
 */

/** $1 = as-of date. Invoices and unlinked credit notes with something left open at the as-of date. */
export const OPEN_ITEMS_SQL = `
with inv_applied as (
  select invoice_id, sum(amount) as applied
  from payment_applications
  where invoice_id is not null and applied_date <= $1::date
  group by invoice_id
), inv_credited as (
  select invoice_id, sum(amount) as credited
  from credit_notes
  where invoice_id is not null and credit_date <= $1::date
  group by invoice_id
), inv_written as (
  select invoice_id, sum(amount) as written
  from write_offs
  where write_off_date <= $1::date
  group by invoice_id
), cn_used as (
  -- Credit consumed by a payment is stored negative; imports may carry it positive.
  select credit_note_id, sum(abs(amount)) as used
  from payment_applications
  where credit_note_id is not null and applied_date <= $1::date
  group by credit_note_id
), invoice_items as (
  select 'invoice' as kind, i.invoice_id as id, i.customer_id, i.currency,
         i.invoice_date as document_date, i.due_date,
         i.amount, i.amount - coalesce(a.applied, 0) - coalesce(c.credited, 0) - coalesce(w.written, 0) as open_amount,
         i.po_number, i.tax_amount,
         coalesce(i.discount_pct, cu.discount_pct) as discount_pct,
         coalesce(i.discount_days, cu.discount_days) as discount_days
  from invoices i
  left join inv_applied a on a.invoice_id = i.invoice_id
  left join inv_credited c on c.invoice_id = i.invoice_id
  left join inv_written w on w.invoice_id = i.invoice_id
  left join customers cu on cu.customer_id = i.customer_id
  where i.invoice_date <= $1::date
), credit_items as (
  select 'credit_note' as kind, n.credit_note_id as id, n.customer_id, n.currency,
         n.credit_date as document_date, n.credit_date as due_date,
         n.amount, n.amount - coalesce(u.used, 0) as open_amount,
         null::varchar as po_number, null::decimal(18, 2) as tax_amount,
         null::decimal(5, 2) as discount_pct, null::integer as discount_days
  from credit_notes n
  left join cn_used u on u.credit_note_id = n.credit_note_id
  where n.invoice_id is null and n.credit_date <= $1::date
), items as (
  select * from invoice_items union all select * from credit_items
)
select kind, id, customer_id, currency,
       strftime(document_date, '%Y-%m-%d') as document_date, strftime(due_date, '%Y-%m-%d') as due_date,
       (amount * 100)::bigint::varchar as amount_cents, (open_amount * 100)::bigint::varchar as open_cents,
       po_number, (tax_amount * 100)::bigint::varchar as tax_cents,
       discount_pct::double as discount_pct, discount_days
from items
where open_amount > 0
`;

export const CUSTOMERS_SQL = `select customer_id, name, parent_id from customers`;

/** $1 = as-of date. Payments received by the as-of date with cash not yet applied or parked on account. */
export const PENDING_PAYMENTS_SQL = `
with applied as (
  -- cross-currency applications carry what they took from the payment in payment_amount
  select payment_id, sum(coalesce(payment_amount, amount)) as applied from payment_applications group by payment_id
), parked as (
  select payment_id, sum(amount) as parked from cash_app_on_account group by payment_id
)
select p.payment_id, p.customer_id, p.payer_name,
       strftime(p.received_date, '%Y-%m-%d') as received_date, strftime(p.value_date, '%Y-%m-%d') as value_date,
       (p.amount * 100)::bigint::varchar as amount_cents,
       ((p.amount - coalesce(a.applied, 0) - coalesce(k.parked, 0)) * 100)::bigint::varchar as remaining_cents,
       p.currency, p.reference, p.remittance_text, p.bank_account, p.bank_reference
from payments p
left join applied a on a.payment_id = p.payment_id
left join parked k on k.payment_id = p.payment_id
where p.received_date <= $1::date and p.amount - coalesce(a.applied, 0) - coalesce(k.parked, 0) > 0
order by p.received_date, p.payment_id
`;

/**
 * $1 = as-of date. Payer account → customer evidence: every earlier application (imported, auto or
 * confirmed), payments that name their customer, and accounts people confirmed (weighted higher).
 */
export const LEARNED_ACCOUNTS_SQL = `
with applied as (
  select p.bank_account, coalesce(i.customer_id, n.customer_id) as customer_id, count(distinct p.payment_id) as n
  from payment_applications a
  join payments p on p.payment_id = a.payment_id
  left join invoices i on i.invoice_id = a.invoice_id
  left join credit_notes n on n.credit_note_id = a.credit_note_id
  where p.bank_account is not null and a.applied_date <= $1::date
  group by 1, 2
), named as (
  select bank_account, customer_id, count(*) as n
  from payments
  where bank_account is not null and customer_id is not null and received_date <= $1::date
  group by 1, 2
), taught as (
  select bank_account, customer_id, 3 as n from cash_app_payer_accounts where learned_date <= $1::date
)
select bank_account, customer_id, sum(n)::integer as n
from (select * from applied union all select * from named union all select * from taught)
where customer_id is not null
group by 1, 2
`;

/** $1 = as-of date. Exchange rates known by the as-of date, for cross-currency matches (match-fx.ts). */
export const FX_RATES_SQL = `
select strftime(rate_date, '%Y-%m-%d') as rate_date, upper(currency) as currency, upper(base_currency) as base_currency, rate::varchar as rate
from fx_rates
where rate_date <= $1::date
`;

export const REJECTIONS_SQL = `select payment_id, target from cash_app_rejections`;

/**
 * Every application the matcher or a person made, with the statement's own reference, for audit:
 * auto and confirmed applications, cash parked on account, and the best candidate of each open
 * exception (or the bare unapplied amount when there is none). Imported applications are the
 * ledger's own and are not part of the matching output.
 */
export const EXPORT_SQL = `
with open_exceptions as (
  select e.payment_id, e.amount, e.candidates
  from cash_app_exceptions e
  where e.status = 'open'
), top_candidate as (
  select payment_id, amount, json_extract(candidates, '$[0]') as c from open_exceptions
), exception_rows as (
  select t.payment_id,
         json_extract_string(a.value, '$.invoiceId') as invoice_id,
         json_extract_string(a.value, '$.creditNoteId') as credit_note_id,
         json_extract_string(a.value, '$.amount')::decimal(18, 2) as amount,
         json_extract_string(t.c, '$.rule') as rule,
         json_extract(t.c, '$.confidence')::double as confidence,
         'exception' as status, 3 as ord
  from top_candidate t, json_each(json_extract(t.c, '$.allocations')) a
  where t.c is not null
  union all
  select payment_id, null, null, amount, coalesce(json_extract_string(c, '$.rule'), 'none'),
         coalesce(json_extract(c, '$.confidence')::double, 0), 'exception', 3
  from top_candidate
  where c is null or json_array_length(json_extract(c, '$.allocations')) = 0
), rows as (
  select payment_id, invoice_id, credit_note_id, amount, rule, confidence,
         case method when 'auto' then 'auto' else 'confirmed' end as status, 1 as ord
  from payment_applications where method in ('auto', 'manual')
  union all
  select payment_id, null, null, amount, rule, confidence, 'on_account', 2 from cash_app_on_account
  union all
  select * from exception_rows
)
select r.payment_id, p.bank_reference, r.invoice_id, r.credit_note_id, r.amount::varchar as amount, r.rule,
       r.confidence, r.status
from rows r left join payments p on p.payment_id = r.payment_id
order by r.payment_id, r.ord, r.invoice_id nulls last, r.credit_note_id
`;
