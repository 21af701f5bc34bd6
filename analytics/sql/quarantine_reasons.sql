-- Quarantined rows counted by data kind, source label (of the load that met them) and reason.
with

rows as (
    select q.kind, r.source, q.reason, q.run_id
    from quarantine as q
    left join ingest_runs as r on r.run_id = q.run_id
),

final as (
    select kind, source, reason, count(*) as row_count, count(distinct run_id) as runs
    from rows
    group by kind, source, reason
)

select * from final
order by row_count desc, kind, source, reason
