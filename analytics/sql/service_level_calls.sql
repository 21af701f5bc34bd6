-- The calls a service level divides by under the contract's variant, from a period's counts
-- (the staging macro service_level_denominator in stg_calls.sql is the one definition).
-- Parameters (bound): $variant the service-level variant; $answered, $abandoned,
--   $short_abandoned, $offered counts of calls
with

final as (
    select service_level_denominator($variant, $answered::bigint, $abandoned::bigint,
                                     $short_abandoned::bigint, $offered::bigint) as calls
)

select * from final
