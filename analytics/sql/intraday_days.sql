-- The local days with calls and the first and last call of each (the Intraday page's as-of
-- picker: a day "so far" can only be asked of a day with data).
-- Parameters (bound): $tz the line's IANA time zone; $short_s short-abandon threshold (s)
with

calls as (
    select local_date, local_ts
    from stg_calls($tz, $short_s)
),

final as (
    select
        local_date                                   as day,         -- local date
        min(local_ts)                                as first_call,  -- naive local
        max(local_ts)                                as last_call    -- naive local
    from calls
    group by local_date
)

select * from final
order by day
