-- Shared KPIs per local period (and per $by value), exactly as KPI_GLOSSARY.md defines them.
-- One query for every grain: $grain is 'interval' (buckets of $bucket on the local wall
-- clock), 'day', 'week' (from the line's week start: Monday, or Sunday for a Sunday-Thursday
-- line; $week_start 0 = Monday .. 6 = Sunday, $week_anchor its epoch day), 'month' or 'quarter'.
-- Parameters (all bound, never formatted in):
--   $tz        line's IANA time zone; periods are cut on its wall clock
--   $grain     see above;  $bucket  interval length (INTERVAL) for grain 'interval',
--   $bucket_us the same in microseconds
--   $part      date_trunc part: $grain, or 'day' for intervals
--   $start     first local day (TIMESTAMP, midnight);  $end  day after the last (exclusive)
--   $by        null | 'queue' | 'topic' | 'region' | 'agent'
--   $queues    null or VARCHAR[] of queues to keep
--   $short_s   short-abandon threshold (s); 0 = no call is a short abandon
--   $variant   service-level variant: default | exclude_short | answered_only | offered
--   $thr       service-level thresholds (s), INTEGER[] of up to 6
--   $deadline_s  callback deadline after the request (s)
--   $as_of     TIMESTAMPTZ "now" for pending callbacks
--   $staff_line  true when staffing rows for the whole line ('*') exist
--   $before    null, or a local TIMESTAMP: only calls arrived (and staffing intervals
--              begun) before it count (a day so far, for the intraday view)
-- Timestamps are TIMESTAMPTZ (UTC); timezone($tz, ts) gives the local wall-clock TIMESTAMP,
-- and timezone($tz, $start::timestamp) the instant of local midnight $start (range bounds,
-- written inline so that DuckDB pushes them into the table scans).
with

-- calendar of local periods, empty ones included; wall-clock intervals that do not exist
-- (spring-forward hour) are dropped, the repeated autumn hour is one wall-clock bucket
periods as (
    select p as period_start
    from range(
        case when $grain in ('interval', 'week') then $start::timestamp   -- already a week start
             else date_trunc($part, $start::timestamp) end,
        $end::timestamp,
        case $grain when 'interval' then $bucket::interval
                    when 'day' then interval 1 day
                    when 'week' then interval 7 day
                    when 'month' then interval 1 month
                    when 'quarter' then interval 3 month end
    ) t(p)
    where $grain <> 'interval' or timezone($tz, timezone($tz, p)) = p
),

-- Per-call rules (offered, short abandon, abandoned, handle time, transferred) come from the
-- staging model stg_calls (stg_calls.sql), never re-derived here. Local time is the one
-- exception, for speed: the per-call local wall clock is computed as epoch microseconds, UTC
-- epoch plus the line's offset at that instant, instead of the staged local_ts (a per-row ICU
-- timezone() conversion that costs more than the rest of the query on large logs). It equals
-- epoch_us(stg_calls.local_ts) exactly (tests/staging/test_stg_calls.py checks it); the staged
-- local_ts is not read, so DuckDB does not compute it. Two slots in braces are filled by
-- analytics.kpis, never with user input:
--   local_offset_us    a CASE over the zone's constant-offset segments (tz_offsets.sql)
--                      with bound placeholders only
--   by_column          the column for $by, chosen from a fixed list (null for none)
calls_local as (
    select
        epoch_us(arrived_at) + {local_offset_us}                        as local_us,
        {by_column}                                                     as by_value,
        outcome,
        is_short,
        wait_s,                                                         -- seconds
        handle_s,
        talk_s,
        transferred
    from stg_calls($tz, $short_s)
    where arrived_at >= timezone($tz, $start::timestamp)
      and arrived_at <  timezone($tz, $end::timestamp)
      and ($before is null or arrived_at < timezone($tz, $before::timestamp))
      and ($queues is null or list_contains($queues, queue))
),

-- local period start, as local epoch microseconds (1970-01-05 = day 4 was a Monday)
calls_in as (
    select
        -- $week_anchor: epoch day (0..6) of a first day of the line's week (stg_calls.sql)
        period_start_us(local_us, $grain, $part, $bucket_us, $week_anchor) as period_us,
        * exclude (local_us)
    from calls_local
),

-- calls_agg slot: per-period call aggregates, chosen by analytics.kpis from a fixed pair of
-- files: kpi_calls_two_level.sql (calendar grains: few large groups) or
-- kpi_calls_one_pass.sql (intervals: many small groups). Both define the CTE calls_agg.
{calls_agg},

-- callbacks belong to the period in which their deadline falls
callback_calls as (
    select call_id, any_value(topic) as topic, any_value(region) as region,
           any_value(agent_id) as agent_id
    from stg_calls($tz, $short_s)
    where $by in ('topic', 'region', 'agent')
      and call_id in (select call_id from callbacks)
    group by call_id
),

callbacks_in as (
    select
        cb.requested_at + to_seconds($deadline_s::double)               as deadline,
        cb.completed_at,
        coalesce(cb.outcome, 'pending')                                 as outcome,
        case $by when 'queue' then cb.queue when 'topic' then cc.topic
                 when 'region' then cc.region when 'agent' then cc.agent_id end as by_value
    from callbacks cb
    left join callback_calls cc on cc.call_id = cb.call_id
    where ($queues is null or list_contains($queues, cb.queue))
      and coalesce(cb.outcome, '') <> 'cancelled'
),

callbacks_agg as (
    select
        case when $grain = 'interval' then time_bucket($bucket::interval, timezone($tz, deadline))
             when $grain = 'week' then date_trunc('day', timezone($tz, deadline))
                 - to_days(cast((isodow(timezone($tz, deadline)) - 1 - $week_start + 7) % 7 as integer))
             else date_trunc($part, timezone($tz, deadline)) end       as period_start,
        by_value,
        -- pending: still open and its deadline not yet reached; counts in neither
        count(*) filter (where not pending)                             as callbacks_due,
        count(*) filter (where not pending and completed_at <= deadline) as callbacks_on_time,
        count(*) filter (where pending)                                 as callbacks_pending
    from (
        select *, completed_at is null and outcome = 'pending' and deadline > $as_of as pending
        from callbacks_in
        where deadline >= timezone($tz, $start::timestamp)
          and deadline <  timezone($tz, $end::timestamp)
    )
    group by all
),

-- staffed advisor time (s), attributed to the period of the staffing interval's start
staffing_agg as (
    select
        case when $grain = 'interval' then time_bucket($bucket::interval, timezone($tz, interval_start))
             when $grain = 'week' then date_trunc('day', timezone($tz, interval_start))
                 - to_days(cast((isodow(timezone($tz, interval_start)) - 1 - $week_start + 7) % 7
                                as integer))
             else date_trunc($part, timezone($tz, interval_start)) end as period_start,
        case when $by = 'queue' then queue end                          as by_value,
        sum(advisors * interval_minutes * 60)                           as staffed_s
    from staffing
    where interval_start >= timezone($tz, $start::timestamp)
      and interval_start <  timezone($tz, $end::timestamp)
      and ($before is null or interval_start < timezone($tz, $before::timestamp))
      and case
            when $by = 'queue' then queue <> '*' and ($queues is null or list_contains($queues, queue))
            when $by is not null then false
            when $queues is not null then list_contains($queues, queue)
            when $staff_line then queue = '*'
            else true
          end
    group by all
),

by_values as (
    select null::varchar as by_value where $by is null
    union
    select by_value from calls_agg where $by is not null
    union
    select by_value from callbacks_agg where $by is not null
    union
    select by_value from staffing_agg where $by is not null
),

final as (
    select
        p.period_start,
        -- interval label on the local wall clock, e.g. 2026-03-02T09:30
        case when $grain = 'interval' then strftime(p.period_start, '%Y-%m-%dT%H:%M') end
                                                                        as period_label,
        b.by_value,
        coalesce(c.offered, 0)                                          as offered,
        coalesce(c.answered, 0)                                         as answered,
        coalesce(c.abandoned, 0)                                        as abandoned,
        coalesce(c.short_abandoned, 0)                                  as short_abandoned,
        coalesce(c.overflow, 0)                                         as overflow,
        coalesce(c.ivr_only, 0)                                         as ivr_only,
        c.answered / nullif(c.offered, 0)                               as pickup_rate,
        c.abandoned / nullif(c.offered, 0)                              as abandon_rate,
        -- service level: answered within T over the variant's denominator (stg_calls.sql)
        service_level_denominator($variant, c.answered, c.abandoned, c.short_abandoned,
                                  c.offered)                            as sl_denominator,
        c.within_1 / nullif(sl_denominator, 0)                          as sl_1,
        c.within_2 / nullif(sl_denominator, 0)                          as sl_2,
        c.within_3 / nullif(sl_denominator, 0)                          as sl_3,
        c.within_4 / nullif(sl_denominator, 0)                          as sl_4,
        c.within_5 / nullif(sl_denominator, 0)                          as sl_5,
        c.within_6 / nullif(sl_denominator, 0)                          as sl_6,
        c.asa_s,
        c.wait_q[1]                                                     as wait_p50_s,
        c.wait_q[2]                                                     as wait_p80_s,
        c.wait_q[3]                                                     as wait_p90_s,
        c.wait_q[4]                                                     as wait_p95_s,
        c.wait_max_s,
        c.abandon_wait_s,
        c.wait_all_mean_s,
        c.aht_s,
        c.talk_mean_s,
        -- over answered calls whose source has a transfer field (null: unknown)
        c.transfer_rate,
        coalesce(c.handle_total_s, 0) / nullif(s.staffed_s, 0)          as occupancy,
        coalesce(cb.callbacks_due, 0)                                   as callbacks_due,
        coalesce(cb.callbacks_on_time, 0)                               as callbacks_on_time,
        coalesce(cb.callbacks_pending, 0)                               as callbacks_pending,
        cb.callbacks_on_time / nullif(cb.callbacks_due, 0)              as callback_on_time_rate,
        -- exponential patience: total wait of offered calls (answered, abandoned and
        -- overflow: censored exposure) over abandoned calls (s)
        c.wait_offered_s / nullif(c.abandoned, 0)                       as patience_mean_s
    from periods p
    cross join by_values b
    left join calls_agg c
        on c.period_start = p.period_start and c.by_value is not distinct from b.by_value
    left join callbacks_agg cb
        on cb.period_start = p.period_start and cb.by_value is not distinct from b.by_value
    left join staffing_agg s
        on s.period_start = p.period_start and s.by_value is not distinct from b.by_value
)

select * exclude (sl_denominator) from final
order by period_start, by_value nulls last
