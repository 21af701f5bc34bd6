-- The calls a service level divides by (the contract variant's denominator, stg_calls.sql
-- macro service_level_denominator), for lists of per-period counts given in one order.
-- Parameters (bound): $variant the contract's service-level variant; $offered, $answered,
--   $abandoned, $short_abandoned lists of counts of one length (the periods, in order)
with

counts as (
    select
        unnest($offered)                                             as offered,
        unnest($answered)                                            as answered,
        unnest($abandoned)                                           as abandoned,
        unnest($short_abandoned)                                     as short_abandoned,
        generate_subscripts($offered, 1)                             as position
),

final as (
    select
        position,
        service_level_denominator($variant, answered, abandoned, short_abandoned, offered)
                                                                     as service_level_calls
    from counts
)

select * from final
order by position
