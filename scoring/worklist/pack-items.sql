-- grain: one row per open invoice line with a risk score at $as_of — the worklist's items — with what the
-- per-customer decision reads (amount in base currency, days past due, payment quantiles as days from $as_of,
-- write-off probability, dispute, promise) and the item's entry of the stored item list, packed as JSON here
-- so a million items never become JavaScript objects. The JSON is byte-for-byte what JSON.stringify writes
-- for WorklistEntry.items (key order, number and string forms): see json_number / json_text below.
-- The two placeholders are the compiled mart_open_items model and open-disputes.sql (pack.ts); temp table
-- worklist_promises holds the open promises the worklist sees (scoring/worklist/inputs.ts).
create or replace temp table worklist_pack_items as
with lines as (
  select * from (__OPEN_ITEMS__) as m
),
exposure as (
  -- every open line counts towards the customer's exposure (credit notes and unapplied cash included)
  select customer_id, sum(open_base)::double as exposure from lines group by customer_id
),
disputes as (
  __OPEN_DISPUTES__
),
items as (
  select l.customer_id, l.invoice_id, l.open_amount::varchar as open_amount, l.open_base::double as open_base, l.currency,
         l.due_date::varchar as due_date, l.due_date as due, l.days_past_due::integer as days_past_due, s.p_late, s.p_late30, s.p_write_off,
         date_diff('day', $as_of::date, l.doc_date + s.days_to_pay_p10)::integer as pay10,
         date_diff('day', $as_of::date, l.doc_date + s.days_to_pay_p50)::integer as pay50,
         date_diff('day', $as_of::date, l.doc_date + s.days_to_pay_p90)::integer as pay90,
         d.invoice_id is not null as disputed, d.cause as dispute_cause, d.owner as dispute_owner,
         pi.promised_date as promised_date, pa.promised_date as account_promise_date
  from lines l
  join invoice_scores s on s.invoice_id = l.invoice_id and s.as_of = $as_of::date
  left join disputes d on d.invoice_id = l.invoice_id
  left join temp.main.worklist_promises pi on pi.invoice_id = l.invoice_id
  left join temp.main.worklist_promises pa on pa.invoice_id is null and pa.customer_id = l.customer_id
  where l.item_kind = 'invoice' and l.open_amount > 0
),
statused as (
  -- itemStatus() of scoring/worklist.ts: disputed; else promised until promiseGraceDays after its own or the account's promised date
  select i.*,
         case when disputed then 1
              when coalesce(promised_date, account_promise_date) is not null
                   and date_diff('day', $as_of::date, coalesce(promised_date, account_promise_date)::date) + $grace_days >= 0 then 2
              else 0 end::utinyint as status
  from items i
)
-- seq: the item's place in customer order and, within a customer, the stored list's order (due date, then
-- invoice id; a DATE sorts as its ISO text does, and cheaper); everything after this statement orders by this one
-- integer instead of sorting strings again
select row_number() over (order by s.customer_id, s.due, s.invoice_id) as seq, s.customer_id, s.invoice_id, s.open_base, s.days_past_due, s.p_write_off, s.pay10, s.pay50, s.pay90, s.status,
       s.dispute_cause, s.dispute_owner, s.promised_date, e.exposure,
       -- an amount's and a date's text never needs escaping: quoted as they are (null as JSON null)
       '{"invoiceId":' || json_text(s.invoice_id) || ',"openAmount":' || coalesce('"' || s.open_amount || '"', 'null')
       || ',"currency":' || json_text(s.currency) || ',"dueDate":' || coalesce('"' || s.due_date || '"', 'null')
       || ',"daysPastDue":' || coalesce(s.days_past_due::varchar, 'null')
       || ',"pLate":' || json_number(s.p_late) || ',"pLate30":' || json_number(s.p_late30)
       || ',"status":' || (case s.status when 1 then '"disputed"' when 2 then '"promised"' else '"actionable"' end) || '}' as item_json
from statused s
join exposure e on e.customer_id = s.customer_id
