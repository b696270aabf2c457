-- Metric marts (issue 5).
-- invoice_instalments: optional payment schedule of an invoice. When an invoice has rows here, its
-- open amount is aged per instalment (payments and credits fill instalments in due order); when it
-- has none, the invoice is one instalment due on invoices.due_date.
create table invoice_instalments (
  invoice_id  varchar not null,
  seq         integer not null check (seq >= 1),
  due_date    date not null,
  amount      decimal(18, 2) not null,
  source_file varchar,
  source_line integer,
  load_run_id bigint,
  primary key (invoice_id, seq)
);

-- Grain: one row per (month_end, metric). Rebuilt whole by the `models` stage of `ar-intel run`, so
-- dashboards draw trends without recomputing history per request. Money metrics fill `amount`
-- (base currency, exact); ratios and day counts fill `value`.
create table mart_metric_history (
  month_end date not null,
  metric    varchar not null,
  amount    decimal(18, 2),
  value     double,
  run_id    bigint,
  primary key (month_end, metric)
);
