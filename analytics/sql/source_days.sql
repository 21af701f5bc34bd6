-- Local days holding at least one row, per data kind and source label, for the kinds
-- expected every open day: calls (any call row, IVR included) and operator counts.
-- Parameters (bound): $tz  the line's IANA time zone.
with

calls_days as (
    select 'calls' as kind, source, local_date as day               -- local day of arrival
    from stg_calls($tz, 0)
),

operator_days as (
    select 'operator' as kind, source,
           cast(timezone($tz, period_start) as date) as day
    from operator_counts
),

final as (
    select kind, source, day from calls_days
    union
    select kind, source, day from operator_days
)

select * from final
order by kind, source, day
