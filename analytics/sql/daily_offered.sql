-- Offered calls per local day and queue: the glossary's `offered` (stg_calls.is_offered:
-- answered + abandoned + overflow, short abandons excepted), the same count as the KPIs.
-- Days are cut on the line's wall clock. Days without any offered call have no row: the
-- forecasting calendar decides whether such a day was closed or is a gap.
-- Parameters (bound): $tz the line's IANA time zone; $short_s short-abandon threshold (s);
--   $queue null (every queue) or one queue
with

offered_calls as (
    select queue, local_date
    from stg_calls($tz, $short_s)
    where is_offered
      and ($queue is null or queue = $queue)
),

final as (
    select local_date as date, queue, count(*) as offered  -- calls
    from offered_calls
    group by local_date, queue
)

select * from final
order by date, queue
