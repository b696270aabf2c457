-- Grain: one row per (snapshot s, customer, invoice closed by payment in the 12 months up to s) — the
-- customer's recent days late (closing date - due date), the same invoices as the "closed" set of
-- invoice_features.sql minus the written-off ones. The loader keeps each customer's 24 newest (ties by
-- invoice id, descending); rows on the 24 newest closing dates are all that can make that cut, so the rest
-- are not sent. Reads the temp tables score_snaps and score_inv_life.
select s.s::varchar as snapshot, l.customer_id, l.close_date::varchar as d, l.invoice_id as i,
       date_diff('day', l.due_date, l.close_date) as x
from score_inv_life l
join score_snaps s on l.close_date <= s.s and l.close_date > s.s - interval 365 day
where l.customer_id is not null
  and not (l.first_wo_date is not null and l.first_wo_date <= l.close_date)
qualify rank() over (partition by s.s, l.customer_id order by l.close_date desc) <= 24
