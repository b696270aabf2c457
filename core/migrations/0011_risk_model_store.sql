-- Trained delinquency-model bundles kept for reuse (issue 6 speed): one row per model family and the
-- as-of date it was trained for. A later scoring run reuses a bundle only while the fingerprint of the
-- ledger dated on or before trained_as_of still matches data_fingerprint (scoring/risk/model-store.ts).
-- A cache, not a published output: risk_models keeps describing the models behind each as-of date's scores.
create table risk_model_store (
  family           varchar not null,
  trained_as_of    date not null,
  data_fingerprint varchar not null,
  train_from       date not null,
  train_to         date not null,
  calib_from       date not null,
  calib_to         date not null,
  metrics          varchar not null,
  bundle           varchar not null,
  primary key (family, trained_as_of)
);
