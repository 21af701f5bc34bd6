-- Fragment of kpi_periods.sql (inserted at its calls_agg slot): call aggregates per period and
-- by value in two passes, for calendar grains (day, week, month, quarter) where a few
-- large groups make per-outcome sums followed by a small pivot the fastest plan.
-- Reads calls_in (period_us, by_value, outcome, wait_s, handle_s, talk_s, transferred,
-- is_short); parameters $thr (thresholds, s).
-- first pass over the calls: sums per period, by value and outcome, and the answered
-- waits' percentiles in the same hash table
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
        sum(transferred::int)                                           as transferred,
        -- continuous percentiles of answered waits (linear interpolation), same pass
        quantile_cont(wait_s, [0.5, 0.8, 0.9, 0.95]) filter (where outcome = 'answered')
                                                                        as wait_q
    from calls_in
    group by all
),

calls_agg as (
    select
        make_timestamp(o.period_us)                                     as period_start,
        o.by_value,
        coalesce(sum(n) filter (where outcome in ('answered', 'abandoned', 'overflow')
                                     and not is_short), 0)              as offered,
        coalesce(sum(n) filter (where outcome = 'answered'), 0)         as answered,
        coalesce(sum(n) filter (where outcome = 'abandoned' and not is_short), 0) as abandoned,
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
        sum(wait_sum) filter (where outcome = 'abandoned' and not is_short)
            / sum(wait_n) filter (where outcome = 'abandoned' and not is_short)
                                                                        as abandon_wait_s,
        sum(wait_sum) filter (where outcome = 'answered' or (outcome = 'abandoned' and not is_short))
                                                                        as wait_total_s,
        wait_total_s / sum(wait_n) filter (where outcome = 'answered'
                                           or (outcome = 'abandoned' and not is_short))
                                                                        as wait_all_mean_s,
        sum(handle_sum) filter (where outcome = 'answered')             as handle_total_s,
        handle_total_s / sum(handle_n) filter (where outcome = 'answered') as aht_s,
        sum(talk_sum) filter (where outcome = 'answered')
            / sum(talk_n) filter (where outcome = 'answered')           as talk_mean_s,
        coalesce(sum(transferred) filter (where outcome = 'answered'), 0) as transferred
    from calls_by_outcome o
    group by all
)
