-- Data freshness per source: first and last instant covered, rows, last successful load.
-- Parameter: $1 = the line's time zone (dates are local dates in that zone).
with spans as (
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
    union all
    -- campaign dates are calendar dates already: take them as local midnight
    select 'campaigns', source, min(timezone($1, start_date::timestamp)),
           max(timezone($1, start_date::timestamp)), count(*)
    from campaigns group by source
),

loads as (
    select kind, source, max(finished_at) as last_load_at
    from ingest_runs
    where status = 'ok'
    group by kind, source
),

final as (
    select
        s.kind, s.source, s.row_count,
        cast(timezone($1, s.first_at) as date) as first_day,   -- local date
        cast(timezone($1, s.last_at) as date) as last_day,     -- local date
        l.last_load_at                                          -- instant (UTC)
    from spans as s
    left join loads as l
        on l.source = s.source and l.kind = s.kind
)

select * from final
order by kind, source
