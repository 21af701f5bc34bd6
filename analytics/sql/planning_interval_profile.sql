-- Handling time and caller patience per local weekday x wall-clock slot, for staffing.
-- Calls arrived in [$start, $end) on the line's wall clock (local midnights), optionally
-- restricted to $queues. Glossary formulas: aht_s = mean(talk + hold + wrap) of answered
-- calls; patience_mean_s = total wait of answered + abandoned calls / abandoned calls.
-- Short abandons (wait <= $short_s when $short_s > 0) count neither as abandons nor waits,
-- as in the KPIs. One row per (weekday, slot) with calls, plus one row with weekday and
-- slot null: the whole window (the fallback for thin slots).
-- Parameters (bound): $tz IANA zone; $start, $end local TIMESTAMPs; $minutes slot length
--   (minutes); $queues null or VARCHAR[]; $short_s short-abandon threshold (s)
with

bounds as (
    select timezone($tz, $start::timestamp) as start_utc,      -- local midnight -> instant
           timezone($tz, $end::timestamp)   as end_utc
),

source_calls as (
    select
        timezone($tz, arrived_at)                                    as local_ts,
        outcome,
        wait_s,                                                      -- seconds
        talk_s + coalesce(hold_s, 0) + coalesce(wrap_s, 0)           as handle_s,
        outcome = 'abandoned' and $short_s > 0
            and coalesce(wait_s, 0) <= $short_s                      as is_short
    from calls
    where arrived_at >= (select start_utc from bounds)
      and arrived_at <  (select end_utc from bounds)
      and outcome in ('answered', 'abandoned', 'overflow')
      and ($queues is null or list_contains($queues, queue))
),

slotted as (
    select
        isodow(local_ts) - 1                                         as weekday,  -- Monday = 0
        -- slot: start of the wall-clock interval, minutes after local midnight
        (hour(local_ts) * 60 + minute(local_ts)) // $minutes * $minutes as slot,
        * exclude (local_ts)
    from source_calls
    where not is_short
),

per_slot as (
    select
        weekday,
        slot,
        count(*)                                                     as offered,
        count(*) filter (where outcome = 'answered')                 as answered,
        count(*) filter (where outcome = 'abandoned')                as abandoned,
        sum(handle_s) filter (where outcome = 'answered')            as handle_total_s,
        count(handle_s) filter (where outcome = 'answered')          as handle_n,
        sum(wait_s) filter (where outcome in ('answered', 'abandoned')) as wait_total_s
    from slotted
    group by grouping sets ((weekday, slot), ())
),

final as (
    select
        weekday,
        slot,
        offered,
        answered,
        abandoned,
        handle_total_s / nullif(handle_n, 0)                         as aht_s,            -- s
        wait_total_s / nullif(abandoned, 0)                          as patience_mean_s   -- s
    from per_slot
)

select * from final
order by weekday nulls first, slot
