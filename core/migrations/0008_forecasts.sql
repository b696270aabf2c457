-- Cash forecasts (issue 7): every run stores its weekly forecast (keyed by run and as-of) and the
-- expected amount of each invoice / order / customer in each week, so later runs can compare past
-- forecasts with the receipts that arrived and explain the variance.
create table forecast_runs (
  run_id       varchar not null,
  as_of        date not null,
  currency     varchar not null,
  weeks        integer not null,
  draws        integer not null,
  seed         bigint not null,
  notes        varchar not null,
  created_seq  bigint not null,
  primary key (run_id, as_of, currency)
);

create table forecast_weeks (
  run_id       varchar not null,
  as_of        date not null,
  currency     varchar not null,
  week_start   date not null,
  horizon      integer not null,
  expected     decimal(18, 2) not null,
  p10          decimal(18, 2) not null,
  p50          decimal(18, 2) not null,
  p90          decimal(18, 2) not null,
  open_ar      decimal(18, 2) not null,
  orders       decimal(18, 2) not null,
  new_business decimal(18, 2) not null,
  primary key (run_id, as_of, currency, week_start)
);

create table forecast_items (
  run_id       varchar not null,
  as_of        date not null,
  currency     varchar not null,
  week_start   date not null,
  component    varchar not null check (component in ('open_ar', 'orders', 'new_business')),
  customer_id  varchar not null,
  item_id      varchar,
  item_currency varchar not null,
  rate         double not null,
  expected     decimal(18, 2) not null
);
