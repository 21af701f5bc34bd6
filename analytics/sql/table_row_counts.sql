-- Row count of every warehouse table.
with counts as (
    select 'calls' as table_name, count(*) as row_count from calls
    union all select 'operator_counts', count(*) from operator_counts
    union all select 'callbacks', count(*) from callbacks
    union all select 'campaigns', count(*) from campaigns
    union all select 'staffing', count(*) from staffing
    union all select 'actions', count(*) from actions
    union all select 'ingest_runs', count(*) from ingest_runs
    union all select 'quarantine', count(*) from quarantine
),

final as (
    select table_name, row_count from counts
)

select * from final
