-- grain: one row per aging bucket k (0 = not yet due, k ≥ 1 as in $bucket_edges) for the cohort of
-- invoices dated between $cohort_from and $cohort_to that had time to age past the last edge by $as_of:
-- reached = base amount still unpaid when the cohort entered bucket k (bucket 0: all invoiced; bucket k:
-- unpaid at due date + edge[k]), loss = base amount neither paid nor credited by $as_of (still open or
-- written off). Loss rate k = loss / reached k (IFRS 9 provision matrix from cohort history).
with edges as (
  select e.edge, row_number() over (order by e.edge) as k
  from (select unnest(list_transform(string_split($bucket_edges, ','), x -> trim(x)::integer)) as edge) e
),
last_edge as (
  select max(edge) as edge from edges
),
cohort as (
  select i.invoice_id, i.due_date, i.amount, i.amount_base
  from int_invoice_base_amounts i
  where i.invoice_date between $cohort_from::date and $cohort_to::date
    and i.due_date + (select edge from last_edge) < $as_of::date
    and i.amount > 0
),
cures as (
  -- payments and credits cure; write-offs are losses, not cures
  select item_id as invoice_id, event_date, -amount as cured
  from int_ar_events
  where item_kind = 'invoice' and source in ('application', 'credit_note') and event_date <= $as_of::date
),
unpaid_at as (
  select c.invoice_id, e.k, c.amount - coalesce(sum(u.cured), 0) as unpaid
  from cohort c
  cross join edges e
  left join cures u on u.invoice_id = c.invoice_id and u.event_date <= c.due_date + e.edge
  group by c.invoice_id, e.k, c.amount
),
lost as (
  select c.invoice_id, greatest(c.amount - coalesce(sum(u.cured), 0), 0) as unpaid
  from cohort c
  left join cures u on u.invoice_id = c.invoice_id
  group by c.invoice_id, c.amount
),
rated as (
  select invoice_id, amount_base / amount as to_base from cohort
),
buckets as (
  select 0 as k, sum(c.amount_base) as reached from cohort c
  union all
  select u.k, sum(greatest(least(u.unpaid, c.amount), 0) * r.to_base)
  from unpaid_at u
  join cohort c on c.invoice_id = u.invoice_id
  join rated r on r.invoice_id = u.invoice_id
  group by u.k
)
select
  b.k as bucket,
  coalesce(b.reached, 0)::double as reached,
  (select coalesce(sum(l.unpaid * r.to_base), 0) from lost l join rated r on r.invoice_id = l.invoice_id)::double as loss,
  (select count(*) from cohort) as cohort_invoices
from buckets b
