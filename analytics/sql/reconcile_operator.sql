-- Telecom operator counts per local period (day or ISO week) and operator queue/line label.
-- Parameters: $tz line time zone, $part 'day' | 'week', $start / $end local midnights
-- (TIMESTAMP, end exclusive). An operator row belongs to the period of its local start.
with

operator_local as (
    select
        date_trunc($part, timezone($tz, period_start))                  as period_start,
        queue,
        offered,
        handled
    from operator_counts
    where period_start >= timezone($tz, $start::timestamp)
      and period_start <  timezone($tz, $end::timestamp)
),

final as (
    select
        period_start,
        queue,
        sum(offered)                                                    as operator_offered,
        sum(handled)                                                    as operator_handled,
        count(*)                                                        as operator_rows
    from operator_local
    group by all
)

select * from final order by period_start, queue
