-- Advisors logged in inferred from a call log that names the advisor of each answered call
-- (benchmarks/attribution.py, for logs without a staffing table such as the 1999 bank).
-- An advisor is taken as logged in from the answer of a call to the end of the next one
-- when the next starts within $gap_s seconds of the previous end (idle between calls),
-- else the session stops at the end of the call (a break or the end of the shift).
-- Sessions are cut into $minutes-long UTC buckets; advisors = logged-in seconds / bucket.
-- Parameters (bound): $start, $end UTC TIMESTAMPTZ bounds (end exclusive); $gap_s idle gap
--   allowed inside a session (s); $minutes bucket length (minutes)
with

served as (
    select
        agent_id,
        answered_at                                                  as s,
        ended_at                                                     as e,
        lag(ended_at) over (partition by agent_id order by answered_at) as previous_end
    from calls
    where outcome = 'answered' and agent_id is not null
      and answered_at >= $start and answered_at < $end
      and ended_at >= answered_at
),

numbered as (
    select
        agent_id, s, e,
        sum(case when previous_end is null
                   or epoch(s) - epoch(previous_end) > $gap_s then 1 else 0 end)
            over (partition by agent_id order by s rows unbounded preceding) as session
    from served
),

sessions as (
    select agent_id, session, min(s) as s, max(e) as e
    from numbered
    group by all
),

buckets as (
    select unnest(generate_series(time_bucket(to_minutes(cast($minutes as bigint)), $start),
                                  $end, to_minutes(cast($minutes as bigint)))) as t0
),

final as (
    select
        b.t0                                                         as interval_start,
        sum(epoch(least(x.e, b.t0 + to_minutes(cast($minutes as bigint))))
            - epoch(greatest(x.s, b.t0))) / (60.0 * $minutes)        as advisors
    from buckets b
    join sessions x
      on x.s < b.t0 + to_minutes(cast($minutes as bigint)) and x.e > b.t0
    group by b.t0
)

select * from final
order by interval_start
