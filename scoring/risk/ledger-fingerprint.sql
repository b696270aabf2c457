-- Grain: one row: a fingerprint of the ledger as known at $1 (the as-of date a model was trained for):
-- per table, the row count and the sum of row hashes of the rows dated on or before $1, over the columns
-- the features and outcomes read. Columns that legitimately change after $1 (a promise's status, a
-- dispute resolved later) are left out or cut at $1, so ordinary new activity never invalidates a model;
-- a backfill, deletion or correction of that history does.
select concat_ws('|',
  (select concat_ws(':', count(*), coalesce(sum(hash(customer_id, segment, industry, country, currency, credit_limit)), 0)) from customers),
  (select concat_ws(':', count(*), coalesce(sum(hash(invoice_id, customer_id, invoice_date, due_date, amount, currency, terms_days)), 0))
     from invoices where invoice_date <= $1::date),
  (select concat_ws(':', count(*), coalesce(sum(hash(application_id, invoice_id, credit_note_id, amount, applied_date)), 0))
     from payment_applications where applied_date <= $1::date),
  (select concat_ws(':', count(*), coalesce(sum(hash(credit_note_id, invoice_id, amount, credit_date)), 0))
     from credit_notes where credit_date <= $1::date),
  (select concat_ws(':', count(*), coalesce(sum(hash(write_off_id, invoice_id, amount, write_off_date)), 0))
     from write_offs where write_off_date <= $1::date),
  (select concat_ws(':', count(*), coalesce(sum(hash(dispute_id, invoice_id, customer_id, opened_date,
          case when resolved_date <= $1::date then resolved_date end)), 0))
     from disputes where opened_date <= $1::date),
  (select concat_ws(':', count(*), coalesce(sum(hash(promise_id, customer_id, created_date, promised_date)), 0))
     from promises_to_pay where created_date <= $1::date),
  (select concat_ws(':', count(*), coalesce(sum(hash(activity_id, customer_id, activity_at)), 0))
     from activities where cast(activity_at as date) <= $1::date)
) as fingerprint
