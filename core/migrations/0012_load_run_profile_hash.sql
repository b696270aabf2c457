-- Which reading of a file a load was: the sha256 of the mapping profile's definition (null for files read
-- without a profile: canonical CSVs, bank statements). The same bytes loaded again under the same profile
-- name but an edited definition are re-read (rows merge by their natural keys); under the same definition
-- they are a duplicate; under another profile they are refused (ingest/load-run.ts, docs/data-format.md).
alter table load_runs add column profile_sha256 varchar;
