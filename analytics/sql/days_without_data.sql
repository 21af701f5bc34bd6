-- Local days without any row, between the first and last day of each source's data.
-- Parameter: $1 = the line's time zone. Calls' local days come from the staging model.
with days as (
    select 'calls' as kind, source, local_date as day
    from stg_calls($1, 0) group by all
    union all
    select 'operator', source, cast(timezone($1, period_start) as date)
    from operator_counts group by all
),

spans as (
    select kind, source, min(day) as first_day, max(day) as last_day
    from days group by kind, source
),

calendar as (
    select s.kind, s.source, cast(d.day as date) as day
    from spans as s,
        lateral (select unnest(generate_series(s.first_day, s.last_day, interval 1 day)) as day) as d
),

final as (
    select c.kind, c.source, c.day
    from calendar as c
    anti join days as d
        on d.kind = c.kind and d.source = c.source and d.day = c.day
)

select * from final
order by kind, source, day
