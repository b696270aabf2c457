-- Cash application bookkeeping beside payment_applications (which holds every applied amount with
-- its method, rule, confidence and evidence): the exceptions queue, cash parked on account,
-- short payments opened as deduction candidates, and what people taught the matcher.

create sequence cash_app_exception_seq start 1;

-- A payment the matcher could not apply with enough confidence, with its ranked candidate matches
-- (JSON). Open rows are replaced by every run; resolved rows stay for the audit trail.
create table cash_app_exceptions (
  exception_id bigint primary key default nextval('cash_app_exception_seq'),
  payment_id   varchar not null,
  customer_id  varchar,
  amount       decimal(18, 2) not null,
  currency     varchar not null,
  as_of        date not null,
  run_id       bigint,
  reason       varchar not null,
  candidates   varchar not null,
  status       varchar not null default 'open' check (status in ('open', 'confirmed', 'rejected')),
  resolved_at  timestamp
);

-- Cash received from a known customer but not applied to any item (overpayment, advance).
create table cash_app_on_account (
  on_account_id varchar primary key,
  payment_id    varchar not null,
  customer_id   varchar,
  amount        decimal(18, 2) not null check (amount > 0),
  applied_date  date not null,
  method        varchar not null check (method in ('auto', 'manual')),
  rule          varchar,
  confidence    double,
  evidence      varchar,
  run_id        bigint
);

-- The unpaid rest of a short payment: a deduction to chase or a dispute to open, with a cause guess.
create table cash_app_deductions (
  deduction_id varchar primary key,
  payment_id   varchar not null,
  invoice_id   varchar not null,
  customer_id  varchar,
  amount       decimal(18, 2) not null check (amount > 0),
  cause_guess  varchar not null,
  evidence     varchar,
  opened_date  date not null,
  status       varchar not null default 'candidate' check (status in ('candidate', 'disputed', 'accepted', 'dismissed')),
  run_id       bigint
);

-- Payer bank account → customer, taught by a person confirming a match.
create table cash_app_payer_accounts (
  bank_account varchar not null,
  customer_id  varchar not null,
  payment_id   varchar,
  learned_date date not null,
  primary key (bank_account, customer_id)
);

-- A candidate a person rejected for a payment; the matcher never proposes it again.
create table cash_app_rejections (
  payment_id    varchar not null,
  target        varchar not null,
  rejected_date date not null,
  primary key (payment_id, target)
);
