-- API keys (only a SHA-256 of the secret is stored) and the audit log of every write made through the API.
create table api_keys (
  key_id       varchar primary key,
  key_hash     varchar not null unique,
  role         varchar not null check (role in ('collector', 'credit', 'cfo', 'admin')),
  collector_id varchar,
  label        varchar,
  created_at   timestamp not null,
  revoked_at   timestamp,
  check (role <> 'collector' or collector_id is not null)
);

create sequence audit_seq start 1;

create table audit_log (
  audit_id    bigint primary key default nextval('audit_seq'),
  occurred_at timestamp not null,
  key_id      varchar,
  role        varchar,
  method      varchar not null,
  route       varchar not null,
  status      integer not null,
  entity      varchar,
  entity_id   varchar,
  before_json varchar,
  after_json  varchar
);
