-- Quarantined rows counted by kind and reason.
with rows as (
    select * from quarantine
),

final as (
    select kind, reason, count(*) as row_count, count(distinct run_id) as runs
    from rows
    group by kind, reason
)

select * from final
order by row_count desc, kind, reason
