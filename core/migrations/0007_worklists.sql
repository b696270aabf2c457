-- Collector worklists (issue 8): one row per (as_of, customer) in a collector's list or a team queue,
-- ranked by expected value of acting, with the strategy version it was built with; plus the
-- idempotency keys that make collector writes safe to retry.
create table collection_strategies (
  version     varchar primary key,
  definition  varchar not null,
  created_at  timestamp not null
);

create table worklist_items (
  as_of            date not null,
  customer_id      varchar not null,
  collector_id     varchar,
  queue            varchar not null check (queue in ('collector', 'team', 'dispute_owner', 'suppressed')),
  rank             integer,
  score            double not null,
  total_open       decimal(18, 2) not null,
  total_overdue    decimal(18, 2) not null,
  total_at_risk    decimal(18, 2) not null,
  currency         varchar not null,
  max_days_past_due integer not null,
  action           varchar not null,
  channel          varchar not null,
  step             varchar not null,
  reasons          varchar not null,
  items            varchar not null,
  suppressed_by    varchar,
  strategy_version varchar not null,
  primary key (as_of, customer_id)
);

create table idempotency_keys (
  idem_key     varchar not null,
  route        varchar not null,
  request_hash varchar not null,
  status       integer not null,
  response     varchar not null,
  created_at   timestamp not null,
  primary key (idem_key, route)
);
