-- Handling time and caller patience per local weekday x wall-clock slot, for staffing.
-- Offered calls (stg_calls.is_offered: short abandons excepted) arrived in [$start, $end) on
-- the line's wall clock (local midnights), optionally restricted to $queues. Glossary
-- formulas: aht_s = mean handle_s (talk + hold + wrap) of answered calls; patience_mean_s =
-- total wait of offered calls (answered, abandoned and overflow: censored exposure) /
-- abandoned calls. One row per (weekday, slot) with calls, plus one row with weekday and slot
-- null: the whole window (the fallback for thin slots).
-- Parameters (bound): $tz IANA zone; $start, $end local TIMESTAMPs; $minutes slot length
--   (minutes); $queues null or VARCHAR[]; $short_s short-abandon threshold (s)
with

offered_calls as (
    select
        local_interval(local_ts, $minutes)                           as local_slot,
        outcome,
        is_abandoned,
        wait_s,                                                      -- seconds
        handle_s                                                     -- seconds
    from stg_calls($tz, $short_s)
    where arrived_at >= timezone($tz, $start::timestamp)             -- local midnight -> instant
      and arrived_at <  timezone($tz, $end::timestamp)
      and is_offered
      and ($queues is null or list_contains($queues, queue))
),

slotted as (
    select
        isodow(local_slot) - 1                                       as weekday,  -- Monday = 0
        -- slot: start of the wall-clock interval, minutes after local midnight
        hour(local_slot) * 60 + minute(local_slot)                   as slot,
        * exclude (local_slot)
    from offered_calls
),

per_slot as (
    select
        weekday,
        slot,
        count(*)                                                     as offered,
        count(*) filter (where outcome = 'answered')                 as answered,
        count(*) filter (where is_abandoned)                         as abandoned,
        sum(handle_s) filter (where outcome = 'answered')            as handle_total_s,
        count(handle_s) filter (where outcome = 'answered')          as handle_n,
        sum(wait_s)                                                  as wait_offered_s
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
        wait_offered_s / nullif(abandoned, 0)                        as patience_mean_s   -- s
    from per_slot
)

select * from final
order by weekday nulls first, slot
