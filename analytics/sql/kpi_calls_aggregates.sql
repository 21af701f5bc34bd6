-- Fragment of kpi_periods.sql (inserted at its calls_agg slot by analytics.kpis when the call
-- aggregates answer exactly: analytics/aggregates.py): the same calls_agg columns as
-- kpi_calls_two_level.sql for calendar grains (day, week, month, quarter), read from the
-- per-day, per-queue aggregates (call_aggregates_schema.sql) instead of every call. The
-- aggregates are stg_calls rows summed, so every count and sum is that of the calls; the
-- answered waits are kept per exact value, so service levels at any threshold and the
-- percentiles' two neighbouring values are exact. wait_q holds, per percentile, the struct
-- {lo, hi, d} of quantile_cont's interpolation (the values at floor and ceil of
-- (n - 1) * q and the fraction between): analytics.kpis finishes it with DuckDB's own
-- arithmetic (analytics.aggregates.finish_percentiles).
-- Parameters: those of kpi_periods.sql ($start, $end, $grain, $part, $week_anchor, $by,
-- $queues, $thr).
days_in as (
    select
        period_start_us(epoch_us(local_date::timestamp), $grain, $part, $bucket_us, $week_anchor)
                                                                        as period_us,
        case when $by = 'queue' then queue end                          as by_value,
        * exclude (local_date, queue)
    from agg_calls_day
    where local_date >= $start::date and local_date < $end::date
      and ($queues is null or list_contains($queues, queue))
),

calls_by_outcome as (
    select
        period_us, by_value, outcome, is_short,
        sum(n)                                                          as n,
        sum(wait_sum)                                                   as wait_sum,
        sum(wait_n)                                                     as wait_n,
        max(wait_max)                                                   as wait_max,
        sum(handle_sum)                                                 as handle_sum,
        sum(handle_n)                                                   as handle_n,
        sum(talk_sum)                                                   as talk_sum,
        sum(talk_n)                                                     as talk_n,
        sum(transferred_n)                                              as transferred_n,
        sum(transfer_known_n)                                           as transfer_known_n
    from days_in
    group by all
),

-- the staged flags, per group (stg_calls.sql macros), as in kpi_calls_two_level.sql
calls_flagged as (
    select *, is_offered(outcome, is_short) as is_offered,
           is_abandoned(outcome, is_short) as is_abandoned
    from calls_by_outcome
),

-- answered waits per period, by value and exact value
waits_in as (
    select
        period_start_us(epoch_us(local_date::timestamp), $grain, $part, $bucket_us, $week_anchor)
                                                                        as period_us,
        case when $by = 'queue' then queue end                          as by_value,
        wait_s,
        sum(n)                                                          as n
    from agg_answered_waits_day
    where local_date >= $start::date and local_date < $end::date
      and ($queues is null or list_contains($queues, queue))
    group by all
),

waits_within as (
    select
        period_us, by_value,
        sum(n) filter (where wait_s <= $thr[1])                         as within_1,
        sum(n) filter (where wait_s <= $thr[2])                         as within_2,
        sum(n) filter (where wait_s <= $thr[3])                         as within_3,
        sum(n) filter (where wait_s <= $thr[4])                         as within_4,
        sum(n) filter (where wait_s <= $thr[5])                         as within_5,
        sum(n) filter (where wait_s <= $thr[6])                         as within_6
    from waits_in
    group by all
),

-- each value's 0-based positions [cum - n, cum) in the sorted answered waits of its group
waits_ranked as (
    select *,
           sum(n) over (partition by period_us, by_value order by wait_s
                        rows between unbounded preceding and current row) as cum,
           sum(n) over (partition by period_us, by_value)               as total
    from waits_in
),

-- quantile_cont's positions: rn = (n - 1) * q, its floor and ceiling
quantile_at as (
    select period_us, by_value, k, rn, floor(rn)::bigint as lo_i, ceil(rn)::bigint as hi_i,
           rn - floor(rn)                                               as d
    from (
        select period_us, by_value, unnest([1, 2, 3, 4]) as k,
               (any_value(total) - 1)::double
                   * unnest([0.5, 0.8, 0.9, 0.95]::double[])            as rn
        from waits_ranked
        group by period_us, by_value
    )
),

waits_q as (
    select
        p.period_us, p.by_value,
        list({'lo': lo.wait_s, 'hi': hi.wait_s, 'd': p.d} order by p.k) as wait_q
    from quantile_at p
    join waits_ranked lo
      on lo.period_us = p.period_us and lo.by_value is not distinct from p.by_value
     and lo.cum - lo.n <= p.lo_i and p.lo_i < lo.cum
    join waits_ranked hi
      on hi.period_us = p.period_us and hi.by_value is not distinct from p.by_value
     and hi.cum - hi.n <= p.hi_i and p.hi_i < hi.cum
    group by p.period_us, p.by_value
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
        coalesce(any_value(w.within_1), 0)                              as within_1,
        coalesce(any_value(w.within_2), 0)                              as within_2,
        coalesce(any_value(w.within_3), 0)                              as within_3,
        coalesce(any_value(w.within_4), 0)                              as within_4,
        coalesce(any_value(w.within_5), 0)                              as within_5,
        coalesce(any_value(w.within_6), 0)                              as within_6,
        sum(wait_sum) filter (where outcome = 'answered')
            / sum(wait_n) filter (where outcome = 'answered')           as asa_s,
        any_value(q.wait_q)                                             as wait_q,
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
        sum(transferred_n) filter (where outcome = 'answered')
            / nullif(sum(transfer_known_n) filter (where outcome = 'answered'), 0)
                                                                        as transfer_rate
    from calls_flagged o
    left join waits_within w
        on w.period_us = o.period_us and w.by_value is not distinct from o.by_value
    left join waits_q q
        on q.period_us = o.period_us and q.by_value is not distinct from o.by_value
    group by all
)
