-- One row per data kind and source label: rows held, first and last local day covered,
-- last successful load, rows quarantined by that source's loads.
-- Parameters (bound): $tz  the line's IANA time zone (days are local dates in that zone).
with

spans as (                                                   -- instants (UTC) per source
    select 'calls' as kind, source, min(arrived_at) as first_at, max(arrived_at) as last_at,
           count(*) as row_count
    from calls group by source
    union all
    select 'operator', source, min(period_start), max(period_start), count(*)
    from operator_counts group by source
    union all
    select 'callbacks', source, min(requested_at), max(requested_at), count(*)
    from callbacks group by source
    union all
    select 'staffing', source, min(interval_start), max(interval_start), count(*)
    from staffing group by source
),

local_spans as (                                             -- UTC instant -> local date
    select kind, source, row_count,
           cast(timezone($tz, first_at) as date) as first_day,
           cast(timezone($tz, last_at) as date) as last_day
    from spans
    union all
    -- campaign dates are local calendar dates already
    select 'campaigns', source, count(*), min(start_date), max(start_date)
    from campaigns group by source
),

runs as (
    select kind, source,
           max(finished_at) filter (where status = 'ok') as last_load_at,   -- instant (UTC)
           count(*) as runs
    from ingest_runs
    group by kind, source
),

quarantined as (                                   -- quarantined rows, by the run's source
    select q.kind, r.source, count(*) as quarantined
    from quarantine as q
    left join ingest_runs as r on r.run_id = q.run_id
    group by q.kind, r.source
),

keys as (
    select kind, source from local_spans
    union
    select kind, source from runs
    union
    select kind, source from quarantined
),

final as (
    select
        k.kind, k.source,
        coalesce(s.row_count, 0) as row_count,
        s.first_day, s.last_day,
        r.last_load_at,
        coalesce(q.quarantined, 0) as quarantined
    from keys as k
    left join local_spans as s on s.kind = k.kind and s.source is not distinct from k.source
    left join runs as r on r.kind = k.kind and r.source is not distinct from k.source
    left join quarantined as q on q.kind = k.kind and q.source is not distinct from k.source
)

select * from final
order by kind, source
