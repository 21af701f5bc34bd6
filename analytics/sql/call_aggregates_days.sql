-- Day sums of the call aggregates (call_aggregates_schema.sql) for the local days in
-- [$first, $after), or every day when both are null, from the staging model only.
-- Parameters: $tz (line zone), $short_s (short-abandon threshold, s), $first, $after (DATE
-- or null), $days (DATE[] or null: only these days).
insert into agg_calls_day
select
    local_date, queue, outcome, is_short,
    count(*)                                            as n,
    sum(wait_s)                                         as wait_sum,
    count(wait_s)                                       as wait_n,
    max(wait_s)                                         as wait_max,
    sum(handle_s)                                       as handle_sum,
    count(handle_s)                                     as handle_n,
    sum(talk_s)                                         as talk_sum,
    count(talk_s)                                       as talk_n,
    sum(transferred::int)                               as transferred_n,
    count(transferred)                                  as transfer_known_n,
    -- whole seconds: sums of integers are exact in any order, as the calls' own
    bool_and(coalesce(wait_s = floor(wait_s), true) and coalesce(handle_s = floor(handle_s), true)
             and coalesce(talk_s = floor(talk_s), true))  as whole,
    max(arrived_at)                                     as last_arrival
from stg_calls($tz, $short_s)
where ($first is null or (arrived_at >= timezone($tz, ($first::date - 1)::timestamp)
                          and local_date >= $first::date))
  and ($after is null or (arrived_at < timezone($tz, ($after::date + 1)::timestamp)
                          and local_date < $after::date))
  and ($days is null or list_contains($days, local_date))
group by all;
