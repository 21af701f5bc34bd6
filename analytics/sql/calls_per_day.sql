-- Calls that reached the queue (IVR-only calls left out) per local day: the days the line had traffic, for
-- learning its calendar. Days without any call have no row.
-- Parameters (bound): $tz  the line's IANA time zone; $offered_only  false: every call row
with

source_calls as (
    select local_date as day                                -- local day of arrival
    from stg_calls($tz, 0)
    where is_offered or not $offered_only                   -- reached the queue (short too)
),

final as (
    select day, count(*) as calls                           -- calls
    from source_calls
    group by day
)

select * from final
order by day
