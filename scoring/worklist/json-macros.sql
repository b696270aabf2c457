-- Temporary macros that write JSON exactly as JavaScript's JSON.stringify does, so text packed in SQL is
-- byte-equal to what the object path serialises. DuckDB's to_json already matches for ordinary strings and
-- for non-integral doubles; it differs for integral doubles (1.0 vs 1), exponents of 1e21 and above
-- (1e21 vs 1e+21) and control characters (\u001F vs \u001f), which these macros write the JavaScript way.
create or replace temp macro json_char(c) as
  case when c = '"' then '\"' when c = '\' then '\\'
       when c = chr(8) then '\b' when c = chr(9) then '\t' when c = chr(10) then '\n' when c = chr(12) then '\f' when c = chr(13) then '\r'
       when ord(c) < 32 then '\u' || lpad(lower(to_hex(ord(c))), 4, '0')
       else c end;
create or replace temp macro json_text(s) as
  case when s is null then 'null'
       when not regexp_matches(s, '[\x00-\x1f]') then to_json(s)::varchar
       -- rare: a control character; escaped one character at a time
       else '"' || array_to_string(list_transform(range(1, length(s) + 1), k -> json_char(substring(s, k::integer, 1))), '') || '"' end;
create or replace temp macro json_number(x) as
  case when x is null or isnan(x) or isinf(x) then 'null'
       when x = 0 then '0'
       -- integers JavaScript prints digit for digit (below 2^53 every integral double is exact)
       when x = trunc(x) and abs(x) < 9007199254740992 then x::bigint::varchar
       when x = trunc(x) and abs(x) < 1e21 then regexp_replace(to_json(x)::varchar, '\.0$', '')
       when abs(x) >= 1e21 then replace(to_json(x)::varchar, 'e', 'e+')
       else to_json(x)::varchar end;
