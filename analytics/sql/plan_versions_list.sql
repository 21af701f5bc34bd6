-- Stored plan versions, newest first (optionally of one week: $1, null for all), with the
-- shift solver's headline figures read from the summary JSON.
with versions as (
    select plan_id, week, created_at, author, model, interval_minutes, warehouse_version,
           history_end, summary
    from plan_versions
    where $1 is null or week = $1
)
select plan_id, week, created_at, author, model, interval_minutes, warehouse_version,
       history_end,
       json_extract_string(summary, '$.status') as status,
       cast(json_extract(summary, '$.under_advisor_hours') as double) as under_advisor_hours,
       cast(json_extract(summary, '$.paid_hours') as double) as paid_hours
from versions
order by plan_id desc
