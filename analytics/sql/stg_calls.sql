-- Staging model of the call log: the one home of the per-call rules of KPI_GLOSSARY.md.
-- Created as TEMP macros on every warehouse connection (analytics.warehouse.connect, read-only
-- ones too); every KPI, series, data-health and planning query reads stg_calls instead of
-- re-deriving these rules from `calls`.
--
-- stg_calls(tz, short_s): one row per call, every column of `calls` passed through, plus
--   local_ts     TIMESTAMP   arrival on the line's wall clock (IANA zone tz)
--   local_date   DATE        local day of arrival (a call belongs to the period it arrived in)
--   is_short     BOOLEAN     short abandon: abandoned with wait_s <= short_s, when short_s > 0
--   is_abandoned BOOLEAN     the glossary's `abandoned`: outcome abandoned, not a short abandon
--   is_offered   BOOLEAN     entered the queue: answered + abandoned + overflow, short abandons
--                            excepted ("appels présentés")
--   handle_s     DOUBLE      talk + hold + wrap (s); null without talk_s (unanswered calls)
--   transferred  BOOLEAN     transfer_to non-empty; NULL when the source has no transfer field
--                            (ingestion stores '' for "not transferred", NULL for "unknown")
-- One flat SELECT (later columns name earlier ones): DuckDB drops the columns a query does
-- not use, so an unused local_ts costs nothing.

-- is_abandoned(outcome, is_short), is_offered(outcome, is_short): the two flags as functions
-- of a call's outcome and short-abandon flag, for stg_calls and for queries that apply them
-- to calls already grouped by (outcome, is_short) (the KPI query, for speed).
create or replace temp macro is_abandoned(outcome, is_short) as
    outcome = 'abandoned' and not is_short;

create or replace temp macro is_offered(outcome, is_short) as
    outcome in ('answered', 'abandoned', 'overflow') and not is_short;

create or replace temp macro stg_calls(tz, short_s) as table
select
    *,
    timezone(tz, arrived_at)                                            as local_ts,
    cast(local_ts as date)                                              as local_date,
    outcome = 'abandoned' and short_s > 0 and coalesce(wait_s, 0) <= short_s as is_short,
    is_abandoned(outcome, is_short)                                     as is_abandoned,
    is_offered(outcome, is_short)                                       as is_offered,
    talk_s + coalesce(hold_s, 0) + coalesce(wrap_s, 0)                  as handle_s,
    transfer_to <> ''                                                   as transferred
from calls;

-- service_level_denominator(variant, answered, abandoned, short_abandoned, offered): the
-- calls a service level divides by, per contract variant (KPI_GLOSSARY "service_level"):
--   default        answered + abandoned + short_abandoned (every caller who waited in queue)
--   exclude_short  answered + abandoned
--   answered_only  answered
--   offered        offered (overflow counts against the service level)
create or replace temp macro service_level_denominator(variant, answered, abandoned,
                                                       short_abandoned, offered) as
    case variant
        when 'exclude_short' then answered + abandoned
        when 'answered_only' then answered
        when 'offered'       then offered
        when 'default'       then answered + abandoned + short_abandoned
    end;

-- local_interval(local_ts, minutes): start of the wall-clock interval of `minutes` holding a
-- local TIMESTAMP (the repeated autumn hour is one bucket; the skipped spring hour has none).
create or replace temp macro local_interval(local_ts, minutes) as
    time_bucket(to_minutes(cast(minutes as bigint)), local_ts);

-- period_start_us(local_us, grain, part, bucket_us, week_anchor): THE start of the KPI period
-- holding a local instant, as local epoch microseconds. grain 'interval' (buckets of
-- bucket_us), 'day', 'week' (weeks start on the epoch day week_anchor modulo 7: 4 = Monday
-- 1970-01-05, 3 = Sunday 1970-01-04, the line calendar's week start) or a date_trunc part
-- ('month', 'quarter'). Read by kpi_periods.sql and the call aggregates' fragment.
create or replace temp macro period_start_us(local_us, grain, part, bucket_us, week_anchor) as
    case grain
        when 'interval' then (local_us // bucket_us) * bucket_us
        when 'day'      then (local_us // 86400000000) * 86400000000
        when 'week'     then ((local_us // 86400000000 - week_anchor) // 7 * 7
                              + week_anchor) * 86400000000
        else epoch_us(date_trunc(part, make_timestamp(local_us)))
    end;
