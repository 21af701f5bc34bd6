-- Parsing macros used by ingestion. Temporary: they live in the connection, never in the
-- warehouse file. Every macro takes the raw text of one field.

-- Text: trimmed, empty -> null.
create or replace temp macro copil_text(v) as nullif(trim(v::varchar), '');

-- A number written with a decimal comma or point, spaces (incl. no-break) as thousands marks.
create or replace temp macro copil_num(v, comma) as coalesce(
    case when not comma then try_cast(trim(v::varchar) as double) end,
    try_cast(
        case when comma and contains(v::varchar, ',')
             then replace(replace(replace(replace(trim(v::varchar), ' ', ''), chr(160), ''), '.', ''), ',', '.')
             else replace(replace(trim(v::varchar), ' ', ''), chr(160), '')
        end as double));

-- Seconds: a number (decimal comma allowed) or a clock duration H:MM:SS / M:SS.
create or replace temp macro copil_seconds(v, comma) as coalesce(
    case when not comma then try_cast(trim(v::varchar) as double) end,
    case
    when regexp_full_match(trim(v::varchar), '\d+:\d{1,2}:\d{1,2}(\.\d+)?') then
        try_cast(split_part(trim(v::varchar), ':', 1) as double) * 3600
        + try_cast(split_part(trim(v::varchar), ':', 2) as double) * 60
        + try_cast(split_part(trim(v::varchar), ':', 3) as double)
    when regexp_full_match(trim(v::varchar), '\d+:\d{1,2}(\.\d+)?') then
        try_cast(split_part(trim(v::varchar), ':', 1) as double) * 60
        + try_cast(split_part(trim(v::varchar), ':', 2) as double)
    else copil_num(v, comma)
end);

-- Does the text carry a UTC offset after a clock time (2026-03-30T09:15:02+02:00, ...Z)?
-- (a cheap test for + - Z past the date first; the regular expression only for those)
create or replace temp macro copil_has_offset(v) as case
    when contains(substr(v::varchar, 11), '+') or contains(substr(v::varchar, 11), '-')
         or contains(v::varchar, 'Z')
    then regexp_matches(trim(v::varchar), '\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}(:?\d{2})?)$')
    else false end;

-- A naive local date-time in any of the accepted layouts (date alone = midnight).
create or replace temp macro copil_local_ts(v) as coalesce(
    try_strptime(trim(v::varchar), [
        '%Y-%m-%dT%H:%M:%S.%f', '%Y-%m-%dT%H:%M:%S', '%Y-%m-%dT%H:%M',
        '%Y-%m-%d %H:%M:%S.%f', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M',
        '%d/%m/%Y %H:%M:%S', '%d/%m/%Y %H:%M', '%d/%m/%y %H:%M:%S', '%d/%m/%y %H:%M',
        '%d-%m-%Y %H:%M:%S', '%d.%m.%Y %H:%M:%S', '%Y%m%d %H:%M:%S',
        '%Y-%m-%d', '%d/%m/%Y', '%d/%m/%y', '%d-%m-%Y', '%d.%m.%Y', '%Y%m%d']),
    null);

-- The same, trying first the layout detected on a sample of the column (much faster).
create or replace temp macro copil_local_ts_f(v, fmt) as
    coalesce(try_strptime(v::varchar, fmt), copil_local_ts(v));

-- An instant written as UNIX time: seconds (per_s = 1) or milliseconds (per_s = 1000)
-- since 1970-01-01 UTC, decimals allowed; null when v is not such a number.
create or replace temp macro copil_epoch(v, per_s) as case
    when regexp_full_match(trim(v::varchar), '\d{1,14}(\.\d+)?')
    then to_timestamp(cast(trim(v::varchar) as double) / per_s) end;

-- A calendar date in any of the accepted layouts.
create or replace temp macro copil_date(v) as try_cast(copil_local_ts(v) as date);

-- The instant of a naive local time in zone tz (DuckDB/ICU picks the later offset for an
-- ambiguous autumn time and moves a non-existent spring time forward; the ingest query
-- detects both with the two macros below).
create or replace temp macro copil_localize(local_ts, tz) as timezone(tz, local_ts);
create or replace temp macro copil_nonexistent(local_ts, tz) as
    local_ts is not null and timezone(tz, timezone(tz, local_ts)) <> local_ts;
create or replace temp macro copil_ambiguous(local_ts, tz) as
    local_ts is not null and timezone(tz, timezone(tz, local_ts) - interval 1 hour) = local_ts;
-- The zone's UTC offset (microseconds, local minus UTC) per local day 1900-2149, read at
-- noon; a day is *mixed* when the offset of the day before or after differs: the offset
-- may change within it, so its times are placed one by one (copil_localize) and checked
-- for non-existent and repeated times. On other days every local time exists once and
-- its instant is local - off: one lookup per day instead of an ICU conversion per value.
create or replace temp macro copil_tz_days(tz) as table
    with days as (
        select d::date as d,
               epoch_us(d + interval 12 hour) - epoch_us(timezone(tz, d + interval 12 hour)) as off
        from range(timestamp '1900-01-01', timestamp '2150-01-01', interval 1 day) t(d)
    )
    select d, off,
           off is distinct from lag(off) over (order by d)
           or off is distinct from lead(off) over (order by d) as mixed
    from days;

-- Case-, accent- and punctuation-insensitive form of a code, as profile value maps compare.
create or replace temp macro copil_fold(v) as
    trim(regexp_replace(lower(strip_accents(trim(v::varchar))), '[^0-9a-z]+', '_', 'g'), '_');

-- HMAC-SHA256 (RFC 2104) of text m, with the key already xor-ed into its two 64-byte pads.
create or replace temp macro copil_hmac(ipad, opad, m) as
    sha256(opad || unhex(sha256(ipad || encode(m))));

-- Caller identities (caller_number or caller_key columns): THE rule, for every profile.
-- A phone number as exports write it: tel:/sip: prefix, '(0)' after the country code,
-- spaces (no-break and thin ones too), . - / ( ) between digits, a leading + or 00.
create or replace temp macro copil_dialable(v) as
    regexp_replace(lower(trim(v::varchar)), '^(tel:|sips?:)|@.*$|\(\s*0\s*\)', '', 'g');
create or replace temp macro copil_is_phone(v) as
    regexp_full_match(copil_dialable(v), '\+?[0-9\pZ\s./()-]*[0-9][0-9\pZ\s./()-]*');
-- '+' digits or digits -> E.164: 00 -> +, national 0XXXXXXXXX -> +cc XXXXXXXXX, cc and 9
-- digits without + -> +cc...; other digit strings (customer numbers) are kept as they are.
create or replace temp macro copil_e164(d, cc) as case
    when d like '+%' then d
    when d like '00%' then '+' || substr(d, 3)
    when length(d) = 10 and d like '0%' then '+' || cc || substr(d, 2)
    when length(d) = length(cc) + 9 and starts_with(d, cc) then '+' || d
    else d
end;
-- The number in E.164 form ('+33612345678'), null when v is not written as a phone number.
create or replace temp macro copil_phone(v, cc) as case when copil_is_phone(v)
    then copil_e164(regexp_replace(copil_dialable(v), '[^0-9+]', '', 'g'), cc) end;
-- Withheld: empty, a word for a hidden number (anonymous, privé, unknown...; also as a URI:
-- tel:anonymous, sip:anonymous@anonymous.invalid), or no digit but zeros. Kept as caller_key null + caller_withheld, never hashed (that key would be
-- shared by every hidden caller).
create or replace temp macro copil_caller_withheld(v) as case
    when copil_text(v) is null then true
    when regexp_matches(v::varchar, '[1-9]') then false
    else regexp_full_match(copil_dialable(v), '[+0\pZ\s./()-]*')
        or copil_fold(copil_dialable(v)) in ('anonymous', 'anonyme', 'anonym', 'unknown', 'inconnu', 'private',
                             'prive', 'withheld', 'masque', 'numero_masque', 'appel_masque',
                             'numero_cache', 'cache', 'hidden', 'secret', 'restricted', 'blocked',
                             'bloque', 'unavailable', 'indisponible', 'non_disponible',
                             'not_available', 'na', 'n_a', 'none', 'null', 'nil', 'x', 'xx', 'xxx')
end;
-- The stored caller_key of caller value v: null when withheld or unusable (the row is then
-- quarantined, without the value); a 64-hex value is kept only when the source declared
-- its keys made with this warehouse's key (ours), else re-keyed like any other identity;
-- a phone number is hashed in E.164 form. Nothing else ever comes out.
create or replace temp macro copil_caller_key(v, cc, ours, ipad, opad) as case
    when copil_caller_withheld(v) then null
    when length(trim(v::varchar)) = 64 and regexp_full_match(trim(v::varchar), '[0-9a-fA-F]{64}')
        then case when ours then lower(trim(v::varchar))
                  else copil_hmac(ipad, opad, 'key:' || lower(trim(v::varchar))) end
    -- the usual case without the general parser: digits and ASCII spaces
    when regexp_full_match(trim(v::varchar), '\+?[0-9 ]+')
        then copil_hmac(ipad, opad, copil_e164(replace(trim(v::varchar), ' ', ''), cc))
    else copil_hmac(ipad, opad, copil_phone(v, cc))
end;
