-- Canonical warehouse: one table per business entity, money as DECIMAL(18,2) with its currency.
-- Every loaded row remembers where it came from (source_file, source_line, load_run_id) so any
-- number can be traced back to a line of an export.
-- Append-only: never edit a migration that has shipped; add the next number instead.

create sequence load_run_seq start 1;

create table load_runs (
  load_run_id      bigint primary key default nextval('load_run_seq'),
  file_name        varchar not null,
  file_sha256      varchar not null,
  kind             varchar not null,
  profile          varchar,
  status           varchar not null check (status in ('running', 'loaded', 'partial', 'duplicate', 'failed')),
  rows_read        integer not null default 0,
  rows_loaded      integer not null default 0,
  rows_updated     integer not null default 0,
  rows_rejected    integer not null default 0,
  rows_duplicate   integer not null default 0,
  balance_mismatch decimal(18, 2),
  message          varchar,
  started_at       timestamp not null,
  finished_at      timestamp
);

create table rejected_rows (
  load_run_id bigint not null,
  line        integer,
  field       varchar,
  value       varchar,
  reason      varchar not null
);

create table collectors (
  collector_id   varchar primary key,
  name           varchar not null,
  email          varchar,
  daily_capacity integer not null default 40 check (daily_capacity >= 0),
  source_file    varchar,
  source_line    integer,
  load_run_id    bigint
);

create table customers (
  customer_id        varchar primary key,
  name               varchar not null,
  parent_id          varchar,
  segment            varchar,
  industry           varchar,
  country            varchar,
  currency           varchar not null,
  payment_terms_days integer,
  discount_pct       decimal(5, 2),
  discount_days      integer,
  credit_limit       decimal(18, 2),
  collector_id       varchar,
  contact_name       varchar,
  email              varchar,
  phone              varchar,
  created_date       date,
  strategic          boolean not null default false,
  source_file        varchar,
  source_line        integer,
  load_run_id        bigint
);

create table orders (
  order_id              varchar primary key,
  customer_id           varchar not null,
  order_date            date not null,
  amount                decimal(18, 2) not null,
  currency              varchar not null,
  po_number             varchar,
  expected_invoice_date date,
  status                varchar,
  promised_ship_date    date,
  shipped_date          date,
  shipped_amount        decimal(18, 2),
  source_file           varchar,
  source_line           integer,
  load_run_id           bigint
);

create table invoices (
  invoice_id    varchar primary key,
  customer_id   varchar not null,
  order_id      varchar,
  po_number     varchar,
  invoice_date  date not null,
  due_date      date not null,
  amount        decimal(18, 2) not null,
  tax_amount    decimal(18, 2),
  currency      varchar not null,
  terms_days    integer,
  discount_pct  decimal(5, 2),
  discount_days integer,
  source_file   varchar,
  source_line   integer,
  load_run_id   bigint
);

create table credit_notes (
  credit_note_id varchar primary key,
  customer_id    varchar not null,
  invoice_id     varchar,
  credit_date    date not null,
  amount         decimal(18, 2) not null check (amount >= 0),
  currency       varchar not null,
  reason         varchar,
  source_file    varchar,
  source_line    integer,
  load_run_id    bigint
);

create table payments (
  payment_id      varchar primary key,
  customer_id     varchar,
  payer_name      varchar,
  received_date   date not null,
  value_date      date,
  amount          decimal(18, 2) not null,
  currency        varchar not null,
  method          varchar,
  reference       varchar,
  remittance_text varchar,
  bank_account    varchar,
  bank_reference  varchar,
  source          varchar,
  source_file     varchar,
  source_line     integer,
  load_run_id     bigint
);

-- One row per (payment, open item) pair; an invoice or a credit note is the target, never both.
create table payment_applications (
  application_id varchar primary key,
  payment_id     varchar not null,
  invoice_id     varchar,
  credit_note_id varchar,
  amount         decimal(18, 2) not null,
  applied_date   date not null,
  method         varchar not null check (method in ('imported', 'auto', 'manual')),
  rule           varchar,
  confidence     double,
  evidence       varchar,
  source_file    varchar,
  source_line    integer,
  load_run_id    bigint,
  check ((invoice_id is null) <> (credit_note_id is null))
);

create table disputes (
  dispute_id    varchar primary key,
  invoice_id    varchar not null,
  customer_id   varchar,
  opened_date   date not null,
  amount        decimal(18, 2) not null,
  cause         varchar not null,
  status        varchar not null default 'open' check (status in ('open', 'in_review', 'resolved', 'rejected')),
  resolved_date date,
  resolution    varchar,
  owner         varchar,
  note          varchar,
  source_file   varchar,
  source_line   integer,
  load_run_id   bigint
);

create table promises_to_pay (
  promise_id    varchar primary key,
  customer_id   varchar not null,
  invoice_id    varchar,
  collector_id  varchar,
  created_date  date not null,
  promised_date date not null,
  amount        decimal(18, 2) not null,
  currency      varchar,
  status        varchar not null default 'open'
    check (status in ('open', 'kept', 'partially_kept', 'broken', 'cancelled')),
  note          varchar,
  source_file   varchar,
  source_line   integer,
  load_run_id   bigint
);

create table activities (
  activity_id    varchar primary key,
  customer_id    varchar not null,
  invoice_id     varchar,
  collector_id   varchar,
  activity_type  varchar not null check (activity_type in ('call', 'email', 'letter', 'note')),
  outcome        varchar,
  activity_at    timestamp not null,
  next_follow_up date,
  note           varchar,
  source_file    varchar,
  source_line    integer,
  load_run_id    bigint
);

create table write_offs (
  write_off_id   varchar primary key,
  invoice_id     varchar not null,
  customer_id    varchar,
  write_off_date date not null,
  amount         decimal(18, 2) not null check (amount >= 0),
  reason         varchar,
  source_file    varchar,
  source_line    integer,
  load_run_id    bigint
);

-- 1 unit of `currency` = `rate` units of `base_currency` on `rate_date`; conversion uses the
-- latest rate dated on or before the document date.
create table fx_rates (
  rate_date     date not null,
  currency      varchar not null,
  base_currency varchar not null,
  rate          decimal(18, 8) not null check (rate > 0),
  source_file   varchar,
  source_line   integer,
  load_run_id   bigint,
  primary key (rate_date, currency, base_currency)
);
