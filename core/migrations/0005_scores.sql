-- Risk scores (issue 6): one row per (as_of, invoice) and per (as_of, customer) so trends can be read
-- back over successive runs, plus the trained models that produced them (version, training window,
-- metrics) so any score can be traced to the model and the data window it was fitted on.

create table risk_models (
  model_version   varchar primary key,
  as_of           date not null,
  target          varchar not null,
  algorithm       varchar not null,
  train_from      date not null,
  train_to        date not null,
  calib_from      date,
  calib_to        date,
  n_train         integer not null,
  n_calib         integer not null,
  metrics         varchar not null,
  params          varchar not null,
  created_seq     bigint not null
);

create table invoice_scores (
  as_of             date not null,
  invoice_id        varchar not null,
  customer_id       varchar not null,
  open_amount       decimal(18, 2) not null,
  currency          varchar not null,
  due_date          date not null,
  p_late            double not null check (p_late between 0 and 1),
  p_late30          double not null check (p_late30 between 0 and 1),
  p_write_off       double not null check (p_write_off between 0 and 1),
  expected_loss     decimal(18, 2) not null,
  expected_write_off_month varchar not null,
  days_to_pay_p10   integer not null,
  days_to_pay_p50   integer not null,
  days_to_pay_p90   integer not null,
  expected_pay_date date not null,
  reasons           varchar not null,
  model_version     varchar not null,
  primary key (as_of, invoice_id)
);

create table customer_scores (
  as_of            date not null,
  customer_id      varchar not null,
  score            integer not null check (score between 0 and 100),
  risk_class       varchar not null check (risk_class in ('A', 'B', 'C', 'D', 'E')),
  basis            varchar not null check (basis in ('behavioural', 'new_customer')),
  paid_invoices    integer not null,
  days_beyond_terms double,
  open_invoices    integer not null,
  max_p_late30     double,
  reasons          varchar not null,
  primary key (as_of, customer_id)
);
