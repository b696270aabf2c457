-- Grain: one row per snapshot date. $1: comma-separated dates (YYYY-MM-DD).
create or replace temp table score_snaps as
select distinct cast(unnest(string_split($1, ',')) as date) as s
