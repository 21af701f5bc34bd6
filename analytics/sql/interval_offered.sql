-- Offered calls per local wall-clock interval and queue: the glossary's `offered`
-- (stg_calls.is_offered, short abandons excepted), the same count as the KPIs. The repeated
-- autumn DST hour falls into one wall-clock bucket; the skipped spring hour has no bucket.
-- Intervals without calls have no row.
-- Parameters (bound): $tz the line's IANA time zone; $short_s short-abandon threshold (s);
--   $minutes interval length (minutes); $queue null (every queue) or one queue
with

offered_calls as (
    select queue, local_interval(local_ts, $minutes) as period_start
    from stg_calls($tz, $short_s)
    where is_offered
      and ($queue is null or queue = $queue)
),

final as (
    select period_start, queue, count(*) as offered      -- calls
    from offered_calls
    group by period_start, queue
)

select * from final
order by period_start, queue
