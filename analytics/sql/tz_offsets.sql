-- The line's UTC offset (microseconds) and the UTC instants where it changes, between
-- $from_us and $to_us (UTC epoch microseconds), at 15-minute resolution: every IANA zone
-- changes offset on a quarter hour. One row per constant-offset segment.
with

slots as (
    select make_timestamptz(s * 900000000) as slot_at        -- quarter-hour instants (UTC)
    from range($from_us // 900000000, $to_us // 900000000 + 1) t(s)
),

offsets as (
    -- local wall clock minus UTC, both read as epoch microseconds
    select slot_at, epoch_us(timezone($tz, slot_at)) - epoch_us(slot_at) as offset_us
    from slots
),

changes as (
    select slot_at, offset_us, lag(offset_us) over (order by slot_at) as previous_us
    from offsets
),

final as (
    select epoch_us(slot_at) as from_us, offset_us
    from changes
    where previous_us is null or previous_us <> offset_us
)

select * from final order by from_us
