-- Offered calls (KPI_GLOSSARY: answered + abandoned + overflow) per local day and queue.
-- Days are cut on the line's wall clock. Days without any offered call have no row: the
-- forecasting calendar decides whether such a day was closed or is a gap.
-- Parameters (bound): $tz  the line's IANA time zone;  $queue  null (every queue) or one queue
with

source_calls as (
    select queue, arrived_at, outcome
    from calls
),

offered_calls as (
    select
        queue,
        cast(timezone($tz, arrived_at) as date) as day     -- UTC instant -> local date
    from source_calls
    where outcome in ('answered', 'abandoned', 'overflow')
      and ($queue is null or queue = $queue)
),

final as (
    select day as date, queue, count(*) as offered        -- calls
    from offered_calls
    group by day, queue
)

select * from final
order by date, queue
