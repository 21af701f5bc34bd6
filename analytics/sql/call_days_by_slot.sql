-- Days with at least one call reaching the queue per local weekday and wall-clock slot, for learning the
-- line's opening hours. One row per (weekday, slot) with calls.
-- Parameters (bound): $tz  the line's IANA time zone;  $minutes  slot length (minutes);
--   $offered_only  false: every call row (a log of IVR calls only)
with

source_calls as (
    select local_ts                                         -- arrival, local wall clock
    from stg_calls($tz, 0)
    where is_offered or not $offered_only                   -- reached the queue (short too)
),

slotted as (
    select
        cast(local_ts as date)                                         as day,
        isodow(local_ts) - 1                                           as weekday,  -- Monday = 0
        (hour(local_ts) * 60 + minute(local_ts)) // $minutes * $minutes as slot     -- minutes
    from source_calls
),

final as (
    select weekday, slot, count(distinct day) as days
    from slotted
    group by weekday, slot
)

select * from final
order by weekday, slot
