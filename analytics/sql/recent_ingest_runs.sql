-- Ingestion runs, newest first. Parameters: $1 = maximum number of runs.
with runs as (
    select * from ingest_runs
),

final as (
    select
        run_id, kind, file, source, profile, status,
        started_at,                                        -- instant (UTC)
        date_diff('millisecond', started_at, finished_at) / 1000.0 as duration_s,
        rows_read, rows_loaded, rows_updated, rows_duplicate, rows_quarantined, rows_filtered,
        rows_grouped
    from runs
)

select * from final
order by started_at desc, run_id desc
limit $1
