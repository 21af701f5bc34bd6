-- Advisors logged in and the observed service per local wall-clock interval, for the
-- intervals that have staffing data. Intervals follow the KPI convention (local wall clock;
-- the repeated autumn hour is one bucket). Staffing rows are attributed to the bucket of
-- their start and averaged over it: advisors = sum(advisors x row minutes) / $minutes.
-- Whole-line rows (queue '*') are used when present, else the sum over queues.
-- Parameters (bound): $tz IANA zone; $start, $end local TIMESTAMPs (midnights, end
--   exclusive); $minutes interval length (minutes); $short_s short-abandon threshold (s);
--   $answer_s service-level threshold T (s); $answered_only true for the 'answered_only'
--   service-level variant (denominator answered instead of answered + abandoned)
with

bounds as (
    select timezone($tz, $start::timestamp) as start_utc,
           timezone($tz, $end::timestamp)   as end_utc
),

line_rows as (
    select count(*) > 0 as has_line from staffing where queue = '*'
),

staff as (
    select
        time_bucket(to_minutes(cast($minutes as bigint)),
                    timezone($tz, interval_start))                   as period_start,  -- local
        sum(advisors * interval_minutes) / $minutes                  as advisors       -- count
    from staffing
    where interval_start >= (select start_utc from bounds)
      and interval_start <  (select end_utc from bounds)
      and (queue = '*') = (select has_line from line_rows)
    group by all
),

source_calls as (
    select
        time_bucket(to_minutes(cast($minutes as bigint)),
                    timezone($tz, arrived_at))                       as period_start,  -- local
        outcome,
        wait_s,                                                      -- seconds
        talk_s + coalesce(hold_s, 0) + coalesce(wrap_s, 0)           as handle_s,
        outcome = 'abandoned' and $short_s > 0
            and coalesce(wait_s, 0) <= $short_s                      as is_short
    from calls
    where arrived_at >= (select start_utc from bounds)
      and arrived_at <  (select end_utc from bounds)
      and outcome in ('answered', 'abandoned', 'overflow')
),

observed as (
    select
        period_start,
        count(*) filter (where not is_short)                         as offered,
        count(*) filter (where outcome = 'answered')                 as answered,
        count(*) filter (where outcome = 'abandoned' and not is_short) as abandoned,
        count(*) filter (where outcome = 'overflow')                 as overflow,
        count(*) filter (where outcome = 'answered' and wait_s <= $answer_s) as answered_within,
        avg(wait_s) filter (where outcome = 'answered')              as asa_s,            -- s
        avg(handle_s) filter (where outcome = 'answered')            as aht_s             -- s
    from source_calls
    group by period_start
),

final as (
    select
        s.period_start,
        s.advisors,
        coalesce(o.offered, 0)                                       as offered,
        coalesce(o.answered, 0)                                      as answered,
        coalesce(o.abandoned, 0)                                     as abandoned,
        coalesce(o.overflow, 0)                                      as overflow,
        coalesce(o.answered_within, 0)                               as answered_within,
        o.aht_s,
        o.answered / nullif(o.offered, 0)                            as observed_pickup_rate,
        o.abandoned / nullif(o.offered, 0)                           as observed_abandon_rate,
        o.answered_within / nullif(case when $answered_only then o.answered
                                        else o.answered + o.abandoned end, 0)
                                                                     as observed_service_level,
        o.asa_s                                                      as observed_asa_s
    from staff s
    left join observed o on o.period_start = s.period_start
)

select * from final
order by period_start
