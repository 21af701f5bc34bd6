-- Fragment of kpi_periods.sql (inserted at its calls_agg slot): call aggregates per period and
-- by value in two passes, for calendar grains (day, week, month, quarter) where a few
-- large groups make per-outcome sums followed by a small pivot the fastest plan.
-- Reads calls_in (period_us, by_value, outcome, is_short, wait_s, handle_s, talk_s,
-- transferred: the stg_calls rules); parameters $thr (thresholds, s).
-- first pass over the calls: sums per period, by value, outcome and short-abandon flag, and
-- the answered waits' percentiles in the same hash table
calls_by_outcome as (
    select
        period_us, by_value, outcome, is_short,
        count(*)                                                        as n,
        sum((wait_s <= $thr[1])::int)                                   as within_1,
        sum((wait_s <= $thr[2])::int)                                   as within_2,
        sum((wait_s <= $thr[3])::int)                                   as within_3,
        sum((wait_s <= $thr[4])::int)                                   as within_4,
        sum((wait_s <= $thr[5])::int)                                   as within_5,
        sum((wait_s <= $thr[6])::int)                                   as within_6,
        sum(wait_s)                                                     as wait_sum,
        count(wait_s)                                                   as wait_n,
        max(wait_s)                                                     as wait_max,
        sum(handle_s)                                                   as handle_sum,
        count(handle_s)                                                 as handle_n,
        sum(talk_s)                                                     as talk_sum,
        count(talk_s)                                                   as talk_n,
        -- transferred share of the calls whose source has a transfer field (avg skips
        -- the nulls: unknown)
        avg(transferred::int)                                           as transfer_share,
        -- continuous percentiles of answered waits (linear interpolation), same pass
        quantile_cont(wait_s, [0.5, 0.8, 0.9, 0.95]) filter (where outcome = 'answered')
                                                                        as wait_q
    from calls_in
    group by all
),

-- the staged flags is_offered and is_abandoned depend on (outcome, is_short) only: applied
-- here per group (stg_calls.sql macros) rather than per call
calls_flagged as (
    select *, is_offered(outcome, is_short) as is_offered,
           is_abandoned(outcome, is_short) as is_abandoned
    from calls_by_outcome
),

calls_agg as (
    select
        make_timestamp(o.period_us)                                     as period_start,
        o.by_value,
        coalesce(sum(n) filter (where is_offered), 0)                   as offered,
        coalesce(sum(n) filter (where outcome = 'answered'), 0)         as answered,
        coalesce(sum(n) filter (where is_abandoned), 0)                 as abandoned,
        coalesce(sum(n) filter (where is_short), 0)                     as short_abandoned,
        coalesce(sum(n) filter (where outcome = 'overflow'), 0)         as overflow,
        coalesce(sum(n) filter (where outcome = 'ivr'), 0)              as ivr_only,
        coalesce(sum(within_1) filter (where outcome = 'answered'), 0)  as within_1,
        coalesce(sum(within_2) filter (where outcome = 'answered'), 0)  as within_2,
        coalesce(sum(within_3) filter (where outcome = 'answered'), 0)  as within_3,
        coalesce(sum(within_4) filter (where outcome = 'answered'), 0)  as within_4,
        coalesce(sum(within_5) filter (where outcome = 'answered'), 0)  as within_5,
        coalesce(sum(within_6) filter (where outcome = 'answered'), 0)  as within_6,
        sum(wait_sum) filter (where outcome = 'answered')
            / sum(wait_n) filter (where outcome = 'answered')           as asa_s,
        any_value(wait_q) filter (where outcome = 'answered')           as wait_q,
        max(wait_max) filter (where outcome = 'answered')               as wait_max_s,
        sum(wait_sum) filter (where is_abandoned)
            / sum(wait_n) filter (where is_abandoned)                   as abandon_wait_s,
        sum(wait_sum) filter (where outcome = 'answered' or is_abandoned)
            / sum(wait_n) filter (where outcome = 'answered' or is_abandoned)
                                                                        as wait_all_mean_s,
        sum(wait_sum) filter (where is_offered)                         as wait_offered_s,
        sum(handle_sum) filter (where outcome = 'answered')             as handle_total_s,
        handle_total_s / sum(handle_n) filter (where outcome = 'answered') as aht_s,
        sum(talk_sum) filter (where outcome = 'answered')
            / sum(talk_n) filter (where outcome = 'answered')           as talk_mean_s,
        -- answered calls form one group per period and by value (never short abandons)
        any_value(transfer_share) filter (where outcome = 'answered')   as transfer_rate
    from calls_flagged o
    group by all
)
