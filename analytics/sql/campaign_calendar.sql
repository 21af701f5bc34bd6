-- The client's campaigns, oldest first (dates are local calendar dates).
with c as (
    select * from campaigns
),

final as (
    select campaign_id, name, channel, start_date, coalesce(end_date, start_date) as end_date,
           audience, queues, source
    from c
)

select * from final
order by start_date, campaign_id
