-- Batch pipeline bookkeeping: one row per `ar-intel run`, one per stage, so a reader can tell which
-- as-of date the published numbers belong to and why a run failed.
create sequence pipeline_run_seq start 1;

create table pipeline_runs (
  run_id      bigint primary key default nextval('pipeline_run_seq'),
  as_of       date not null,
  status      varchar not null check (status in ('running', 'succeeded', 'failed')),
  published   boolean not null default false,
  started_at  timestamp not null,
  finished_at timestamp,
  error       varchar
);

create table pipeline_stage_runs (
  run_id      bigint not null,
  stage       varchar not null,
  seq         integer not null,
  status      varchar not null check (status in ('running', 'succeeded', 'failed', 'skipped')),
  rows        bigint,
  started_at  timestamp not null,
  finished_at timestamp,
  error       varchar,
  primary key (run_id, stage)
);
