-- Advisors logged in and the observed service per local wall-clock interval, for the
-- intervals that have staffing data. Intervals follow the KPI convention (local wall clock;
-- the repeated autumn hour is one bucket). Staffing rows are attributed to the bucket of
-- their start and averaged over it: advisors = sum(advisors x row minutes) / $minutes.
-- Whole-line rows (queue '*') are used when present, else the sum over queues. Call counts
-- follow the glossary through the staging model (stg_calls.sql).
-- Parameters (bound): $tz IANA zone; $start, $end local TIMESTAMPs (midnights, end
--   exclusive); $minutes interval length (minutes); $short_s short-abandon threshold (s);
--   $answer_s service-level threshold T (s); $variant the contract's service-level variant
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
        local_interval(timezone($tz, interval_start), $minutes)     as period_start,  -- local
        sum(advisors * interval_minutes) / $minutes                  as advisors       -- count
    from staffing
    where interval_start >= (select start_utc from bounds)
      and interval_start <  (select end_utc from bounds)
      and (queue = '*') = (select has_line from line_rows)
    group by all
),

source_calls as (
    select
        local_interval(local_ts, $minutes)                           as period_start,  -- local
        outcome,
        is_short,
        is_abandoned,
        is_offered,
        wait_s,                                                      -- seconds
        handle_s                                                     -- seconds
    from stg_calls($tz, $short_s)
    where arrived_at >= timezone($tz, $start::timestamp)
      and arrived_at <  timezone($tz, $end::timestamp)
),

observed as (
    select
        period_start,
        count(*) filter (where is_offered)                           as offered,
        count(*) filter (where outcome = 'answered')                 as answered,
        count(*) filter (where is_abandoned)                         as abandoned,
        count(*) filter (where is_short)                             as short_abandoned,
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
        coalesce(o.short_abandoned, 0)                               as short_abandoned,
        coalesce(o.overflow, 0)                                      as overflow,
        coalesce(o.answered_within, 0)                               as answered_within,
        -- calls in the service level's denominator for the contract's variant
        coalesce(service_level_denominator($variant, o.answered, o.abandoned,
                                           o.short_abandoned, o.offered), 0)
                                                                     as service_level_calls,
        o.aht_s,
        o.answered / nullif(o.offered, 0)                            as observed_pickup_rate,
        o.abandoned / nullif(o.offered, 0)                           as observed_abandon_rate,
        o.answered_within / nullif(service_level_calls, 0)           as observed_service_level,
        o.asa_s                                                      as observed_asa_s
    from staff s
    left join observed o on o.period_start = s.period_start
)

select * from final
order by period_start
