-- Offered calls (answered + abandoned + overflow) per local wall-clock interval and queue.
-- The repeated autumn DST hour falls into one wall-clock bucket; the skipped spring hour
-- has no bucket. Intervals without calls have no row.
-- Parameters (bound): $tz  the line's IANA time zone;  $minutes  interval length (minutes);
--   $queue  null (every queue) or one queue
with

source_calls as (
    select queue, arrived_at, outcome
    from calls
),

offered_calls as (
    select
        queue,
        timezone($tz, arrived_at) as local_ts              -- UTC instant -> local wall clock
    from source_calls
    where outcome in ('answered', 'abandoned', 'overflow')
      and ($queue is null or queue = $queue)
),

final as (
    select
        time_bucket(to_minutes(cast($minutes as bigint)), local_ts) as period_start,
        queue,
        count(*) as offered                                 -- calls
    from offered_calls
    group by all
)

select * from final
order by period_start, queue
