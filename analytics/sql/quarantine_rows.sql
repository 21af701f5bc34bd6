-- Quarantined rows with their reasons, newest run first. Parameter: $1 = maximum rows.
-- Values of caller columns are withheld (they are never stored raw, and never shown).
with rows as (
    select * from quarantine
),

final as (
    select
        run_id, kind, file, line, "column",
        case when lower(coalesce("column", '')) similar to '.*(caller|phone|ani|msisdn|number).*'
             then null else value end as value,
        reason
    from rows
)

select * from final
order by run_id desc, line
limit $1
