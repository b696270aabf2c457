/**
 * Every SQL read of cash application, in one place. Candidate generation that is set-wise stays in
 * DuckDB: open items point-in-time (only applications, credit notes and write-offs dated on or
 * before the as-of date count), unapplied payment remainders, and what earlier matches taught about
 * payer accounts. Amounts leave as bigint cents in text form so nothing passes through a float.
 */

/**
 * $1 = as-of date. Invoices and unlinked credit notes with something left open at the as-of date,
 * in types the client reads without parsing text: cents as bigint, dates as days since 1970-01-01.
 */
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
       (document_date - date '1970-01-01')::integer as document_day, (due_date - date '1970-01-01')::integer as due_day,
       (amount * 100)::bigint as amount_cents, (open_amount * 100)::bigint as open_cents,
       po_number, (tax_amount * 100)::bigint as tax_cents,
       discount_pct::double as discount_pct, discount_days::integer as discount_days
from items
where open_amount > 0
`;

/**
 * Candidate generation, set-wise (candidates.ts). One connection, its own temporary tables:
 * the open items are computed once, the reference keys of every pending payment's remittance text
 * (computed in TypeScript by references.ts, appended to cash_app_ref_keys) are joined to the keys of
 * every open item's references, and only the open items of the customers in play are read back.
 */
export const CANDIDATE_TEMP_TABLES = ['cash_app_open', 'cash_app_ref_keys', 'cash_app_ref_hits', 'cash_app_in_play'] as const;

/** $1 = as-of date. */
export const MATERIALISE_OPEN_ITEMS_SQL = `create temp table cash_app_open as ${OPEN_ITEMS_SQL}`;

export const CREATE_REF_KEYS_SQL = `create temp table cash_app_ref_keys (key_kind varchar, key varchar)`;

/**
 * Open items a payment's reference token can find: the set-wise twin of ReferenceIndex in
 * references.ts. A document is indexed under each reference (invoice number and PO number; credit
 * note number) by its OCR-folded form (3+ characters) and its numeric cores (coreKeys: the digits
 * after the first digit, the trailing digits of the folded form, the last digit group when there are
 * several; leading zeros dropped; 4+ digits). Only ASCII references are keyed here; a reference with
 * other characters (NFKD folding, Unicode case rules) is always a candidate and ReferenceIndex
 * decides in TypeScript, so this may find more than the index would, never less.
 */
export const REF_HITS_SQL = `
create temp table cash_app_ref_hits as
with refs as (
  select kind, id, customer_id, id as ref from cash_app_open
  union all
  select kind, id, customer_id, po_number from cash_app_open where kind = 'invoice' and po_number is not null
), forms as (
  select kind, id, customer_id, upper(ref) as up, regexp_replace(upper(ref), '[^A-Z0-9]', '', 'g') as plain
  from refs
  where strlen(ref) = length(ref)
), folded as (
  select kind, id, customer_id, plain,
         translate(plain, 'OQILSBZ', '0011582') as fold,
         length(regexp_extract(plain, '^[A-Z]*')) as lead,
         list_filter(regexp_split_to_array(up, '[^A-Z0-9]+'), g -> regexp_matches(g, '[0-9]')) as groups
  from forms
  where plain <> ''
), cores as (
  select kind, id, customer_id, ltrim(raw, '0') as core
  from (
    select kind, id, customer_id,
           unnest([
             case when lead < length(plain) then regexp_extract(substr(fold, lead + 1), '[0-9]+$') end,
             regexp_extract(fold, '[0-9]+$'),
             case when len(groups) > 1 then regexp_extract(translate(groups[-1], 'OQILSBZ', '0011582'), '[0-9]+$') end
           ]) as raw
    from folded
  )
  where raw is not null and raw <> ''
), item_keys as (
  select kind, id, customer_id, 'fold' as key_kind, fold as key from folded where length(fold) >= 3
  union all
  -- cores shorter than 4 digits never identify a document (references.ts MIN_CORE_DIGITS)
  select kind, id, customer_id, 'core', core from cores where length(core) >= 4
)
select distinct kind, id, customer_id
from item_keys k
join cash_app_ref_keys q on q.key_kind = k.key_kind and q.key = k.key
union
select kind, id, customer_id from refs where strlen(ref) <> length(ref)
`;

export const REF_HIT_CUSTOMERS_SQL = `select distinct customer_id from cash_app_ref_hits`;

export const CREATE_IN_PLAY_SQL = `create temp table cash_app_in_play (customer_id varchar)`;

/** Open items of the customers in play, and whether a reference key can find them. */
export const IN_PLAY_ITEMS_SQL = `
select o.kind, o.id, o.customer_id, o.currency, o.document_day, o.due_day, o.amount_cents, o.open_cents,
       o.po_number, o.tax_cents, o.discount_pct, o.discount_days, h.id is not null as referenced
from cash_app_open o
left join cash_app_ref_hits h on h.kind = o.kind and h.id = o.id
where o.customer_id in (select customer_id from cash_app_in_play)
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
