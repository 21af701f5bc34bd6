-- Calls that reached the queue (IVR-only calls left out) per local day: the days the line had traffic, for
-- learning its calendar. Days without any call have no row.
-- Parameters (bound): $tz  the line's IANA time zone
with

source_calls as (
    select cast(timezone($tz, arrived_at) as date) as day   -- UTC instant -> local date
    from calls
    where outcome <> 'ivr'                                  -- calls that reached the queue
),

final as (
    select day, count(*) as calls                           -- calls
    from source_calls
    group by day
)

select * from final
order by day
