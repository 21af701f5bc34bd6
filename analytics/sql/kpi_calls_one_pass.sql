-- Fragment of kpi_periods.sql (inserted at its calls_agg slot): call aggregates per period and
-- by value in one pass with FILTER clauses, for intervals where many small groups make a
-- second pivot pass costlier than the filters. Same columns as kpi_calls_two_level.sql; reads
-- the same calls_in columns (the stg_calls rules; is_offered/is_abandoned are its macros).
calls_agg as (
    select
        make_timestamp(period_us)                                       as period_start,
        by_value,
        count(*) filter (where offered_call)                            as offered,
        count(*) filter (where answered_call)                           as answered,
        count(*) filter (where abandoned_call)                          as abandoned,
        count(*) filter (where is_short)                                as short_abandoned,
        count(*) filter (where outcome = 'overflow')                    as overflow,
        count(*) filter (where outcome = 'ivr')                         as ivr_only,
        count(*) filter (where answered_call and wait_s <= $thr[1])     as within_1,
        count(*) filter (where answered_call and wait_s <= $thr[2])     as within_2,
        count(*) filter (where answered_call and wait_s <= $thr[3])     as within_3,
        count(*) filter (where answered_call and wait_s <= $thr[4])     as within_4,
        count(*) filter (where answered_call and wait_s <= $thr[5])     as within_5,
        count(*) filter (where answered_call and wait_s <= $thr[6])     as within_6,
        avg(wait_s) filter (where answered_call)                        as asa_s,
        quantile_cont(wait_s, [0.5, 0.8, 0.9, 0.95]) filter (where answered_call)
                                                                        as wait_q,
        max(wait_s) filter (where answered_call)                        as wait_max_s,
        avg(wait_s) filter (where abandoned_call)                       as abandon_wait_s,
        avg(wait_s) filter (where answered_call or abandoned_call)      as wait_all_mean_s,
        sum(wait_s) filter (where offered_call)                         as wait_offered_s,
        sum(handle_s) filter (where answered_call)                      as handle_total_s,
        avg(handle_s) filter (where answered_call)                      as aht_s,
        avg(talk_s) filter (where answered_call)                        as talk_mean_s,
        -- answered calls with a non-empty transfer_to over those whose source has the
        -- field (avg skips the nulls: unknown); null when none is known
        avg(transferred::int) filter (where answered_call)              as transfer_rate
    -- the stg_calls flags once per call, shared by the filters below
    from (select *, is_offered(outcome, is_short) as offered_call,
                 is_abandoned(outcome, is_short) as abandoned_call,
                 outcome = 'answered' as answered_call
          from calls_in)
    group by period_us, by_value
)
