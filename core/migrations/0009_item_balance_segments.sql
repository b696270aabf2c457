-- Persisted model tables (issue 5 performance).
-- item_balance_segments: the int_item_segments model materialised — per open item (item_kind, item_id),
-- one row per interval [valid_from, valid_until) over which its balance is constant, with the item's
-- attributes. A point-in-time balance at D is then a range lookup (valid_from <= D < valid_until)
-- instead of a sum over all ledger events. Rebuilt whole by models/persisted.ts whenever the source
-- fingerprint changes; never edited in place.
create table item_balance_segments (
  item_kind   varchar not null,
  item_id     varchar not null,
  valid_from  date not null,
  valid_until date not null,
  balance     decimal(18, 2) not null,
  invoice_id  varchar,
  customer_id varchar,
  doc_date    date,
  due_date    date,
  doc_amount  decimal(18, 2),
  currency    varchar
);

-- Grain: one row per persisted model table: the fingerprint of the source tables it was built from,
-- so readers can tell a stale table from a fresh one without rebuilding it.
create table model_table_state (
  table_name  varchar primary key,
  fingerprint varchar not null
);
