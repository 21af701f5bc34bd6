-- Call aggregates (analytics/aggregates.py): the staged call log (stg_calls.sql) summed per
-- local day and queue, so that KPI queries over days, weeks, months and quarters read a few
-- thousand rows instead of every call. Built from stg_calls($tz, $short_s) with the line's
-- zone and the contract's short-abandon threshold, both recorded in agg_state: a query with
-- another zone or threshold reads the calls, and so does any query while a duration is not
-- a whole number of seconds (sums of fractions depend on the order they are added in). Maintained by ingestion in the load's
-- transaction; agg_state says which state of `calls` they reflect.

-- per local day, queue, outcome and short-abandon flag: counts and sums (s)
create table if not exists agg_calls_day (
    local_date        date    not null,
    queue             varchar not null,
    outcome           varchar not null,
    is_short          boolean not null,
    n                 bigint  not null,   -- calls
    wait_sum          double,             -- sum of wait_s (s)
    wait_n            bigint  not null,   -- calls with a wait_s
    wait_max          double,
    handle_sum        double,             -- sum of handle_s (s)
    handle_n          bigint  not null,
    talk_sum          double,
    talk_n            bigint  not null,
    transferred_n     bigint,             -- transferred calls
    transfer_known_n  bigint  not null,   -- calls whose source has a transfer field
    whole             boolean not null,   -- every wait, handle and talk time whole seconds
    last_arrival      timestamptz not null  -- latest arrived_at
);

-- answered calls per local day, queue and exact wait_s value (a histogram without bins:
-- exact for every threshold and percentile; small when waits are whole seconds)
create table if not exists agg_answered_waits_day (
    local_date date    not null,
    queue      varchar not null,
    wait_s     double  not null,
    n          bigint  not null
);

-- what the aggregates reflect: one row
create table if not exists agg_state (
    tz          varchar not null,   -- zone the local days were cut in
    short_s     double  not null,   -- short-abandon threshold of is_short (s)
    calls_rows  bigint  not null,   -- count(*) of calls when last brought up to date
    calls_run   integer,            -- last ok 'calls' ingest run then (null: none)
    whole       boolean not null,   -- every day row whole: sums exact in any order
    built_at    timestamptz not null
);
