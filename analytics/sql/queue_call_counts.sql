-- Queues seen in the call log, with their call counts.
with q as (
    select queue, count(*) as calls from calls group by queue
),

final as (
    select queue, calls from q
)

select * from final
order by calls desc, queue
