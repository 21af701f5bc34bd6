-- Answered calls and their total handle time per local wall-clock interval, over local days
-- [$start, $end): the inputs of the day's AHT factor (rest-of-day reforecast). Glossary: AHT =
-- mean handle_s (talk + hold + wrap) of answered offered calls (stg_calls; short abandons are
-- never answered). Intervals without an answered call have no row.
-- Parameters (bound): $tz IANA zone; $start, $end local TIMESTAMPs (midnights);
--   $minutes interval length (minutes); $short_s short-abandon threshold (s)
with

answered_calls as (
    select local_interval(local_ts, $minutes) as period_start, handle_s
    from stg_calls($tz, $short_s)
    where arrived_at >= timezone($tz, $start::timestamp)             -- local midnight -> instant
      and arrived_at <  timezone($tz, $end::timestamp)
      and is_offered
      and outcome = 'answered'
      and handle_s is not null
),

final as (
    select
        period_start,                                                -- naive local
        count(*)                                                     as answered,      -- calls
        sum(handle_s)                                                as handle_total_s -- s
    from answered_calls
    group by period_start
)

select * from final
order by period_start
