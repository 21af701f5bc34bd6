-- First and last call of the warehouse on the line's wall clock (every staged call).
-- Parameters (bound): $tz the line's IANA time zone; $short_s short-abandon threshold (s)
with

calls as (
    select local_ts
    from stg_calls($tz, $short_s)
),

final as (
    select min(local_ts) as first_call, max(local_ts) as last_call   -- naive local timestamps
    from calls
)

select * from final
