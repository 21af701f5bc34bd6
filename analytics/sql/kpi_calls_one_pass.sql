-- Fragment of kpi_periods.sql (inserted at its calls_agg slot): call aggregates per period and
-- by value in one pass with FILTER clauses, for intervals where many small groups make a
-- second pivot pass costlier than the filters. Same columns as kpi_calls_two_level.sql; reads
-- the same calls_in columns (the stg_calls rules; is_offered/is_abandoned are its macros).
calls_agg as (
    select
        make_timestamp(period_us)                                       as period_start,
        by_value,
        count(*) filter (where is_offered(outcome, is_short))           as offered,
        count(*) filter (where outcome = 'answered')                    as answered,
        count(*) filter (where is_abandoned(outcome, is_short))         as abandoned,
        count(*) filter (where is_short)                                as short_abandoned,
        count(*) filter (where outcome = 'overflow')                    as overflow,
        count(*) filter (where outcome = 'ivr')                         as ivr_only,
        count(*) filter (where outcome = 'answered' and wait_s <= $thr[1]) as within_1,
        count(*) filter (where outcome = 'answered' and wait_s <= $thr[2]) as within_2,
        count(*) filter (where outcome = 'answered' and wait_s <= $thr[3]) as within_3,
        count(*) filter (where outcome = 'answered' and wait_s <= $thr[4]) as within_4,
        count(*) filter (where outcome = 'answered' and wait_s <= $thr[5]) as within_5,
        count(*) filter (where outcome = 'answered' and wait_s <= $thr[6]) as within_6,
        avg(wait_s) filter (where outcome = 'answered')                 as asa_s,
        quantile_cont(wait_s, [0.5, 0.8, 0.9, 0.95]) filter (where outcome = 'answered')
                                                                        as wait_q,
        max(wait_s) filter (where outcome = 'answered')                 as wait_max_s,
        avg(wait_s) filter (where is_abandoned(outcome, is_short))      as abandon_wait_s,
        avg(wait_s) filter (where outcome = 'answered'
                            or is_abandoned(outcome, is_short)) as wait_all_mean_s,
        sum(wait_s) filter (where is_offered(outcome, is_short))        as wait_offered_s,
        sum(handle_s) filter (where outcome = 'answered')               as handle_total_s,
        avg(handle_s) filter (where outcome = 'answered')               as aht_s,
        avg(talk_s) filter (where outcome = 'answered')                 as talk_mean_s,
        -- answered calls with a non-empty transfer_to over those whose source has the
        -- field (avg skips the nulls: unknown); null when none is known
        avg(transferred::int) filter (where outcome = 'answered')       as transfer_rate
    from calls_in
    group by period_us, by_value
)
