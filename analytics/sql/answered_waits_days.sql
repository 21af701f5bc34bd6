-- Answered waits of the call aggregates (call_aggregates_schema.sql: agg_answered_waits_day) for the local days in
-- [$first, $after), or every day when both are null, from the staging model only.
-- Parameters: $tz (line zone), $short_s (short-abandon threshold, s), $first, $after (DATE
-- or null), $days (DATE[] or null: only these days).
insert into agg_answered_waits_day
select local_date, queue, wait_s, count(*) as n
from stg_calls($tz, $short_s)
where outcome = 'answered' and wait_s is not null
  and ($first is null or (arrived_at >= timezone($tz, ($first::date - 1)::timestamp)
                          and local_date >= $first::date))
  and ($after is null or (arrived_at < timezone($tz, ($after::date + 1)::timestamp)
                          and local_date < $after::date))
  and ($days is null or list_contains($days, local_date))
group by all;
