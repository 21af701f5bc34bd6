-- copil warehouse schema. Every timestamp is TIMESTAMPTZ (an instant, shown in UTC);
-- periods are cut in the line's time zone (settings.timezone). Durations in seconds.
-- Idempotent: run on every connection that may write.

create table if not exists settings (
    key   varchar primary key,   -- e.g. 'timezone', 'line_name', 'contract' (YAML text)
    value varchar not null
);

create sequence if not exists ingest_run_seq start 1;

create table if not exists ingest_runs (
    run_id           integer primary key,
    kind             varchar not null,        -- calls | operator | callbacks | campaigns | staffing
    file             varchar not null,        -- path as given
    sha256           varchar not null,        -- content hash of the file's bytes
    profile          varchar not null,
    source           varchar not null,        -- source label rows are keyed by
    started_at       timestamptz not null,
    finished_at      timestamptz,
    rows_read        bigint not null default 0,
    rows_loaded      bigint not null default 0,  -- new rows inserted
    rows_updated     bigint not null default 0,  -- existing keys whose content changed
    rows_duplicate   bigint not null default 0,  -- rows already present unchanged, or repeated in the file
    rows_quarantined bigint not null default 0,
    rows_filtered    bigint not null default 0,  -- rows the profile drops on purpose (e.g. PHANTOM)
    status           varchar not null            -- ok | refused
);
-- rows merged into the call of an earlier row (multi-segment exports; warehouses made before)
alter table ingest_runs add column if not exists rows_grouped bigint default 0;

-- Bad rows, with the reason. Never holds a raw caller number.
create table if not exists quarantine (
    run_id   integer not null,
    kind     varchar not null,
    file     varchar not null,
    line     bigint,                 -- 1-based line number in the file (header = line 1)
    "column" varchar,
    value    varchar,                -- offending value (caller numbers are never kept)
    reason   varchar not null
);

-- Provider's ACD log: one row per inbound call.
create table if not exists calls (
    source       varchar not null,     -- who supplied the row; key is (call_id, queue, source)
    call_id      varchar not null,
    queue        varchar not null,
    arrived_at   timestamptz not null, -- entered the queue (or the IVR for outcome ivr)
    answered_at  timestamptz,          -- null unless outcome = 'answered'
    ended_at     timestamptz,
    outcome      varchar not null,     -- answered | abandoned | overflow | ivr
    wait_s       double,               -- seconds queued before answer / abandon / overflow
    talk_s       double,
    hold_s       double,
    wrap_s       double,
    agent_id     varchar,
    caller_key   varchar,              -- HMAC-SHA256 of the caller number (hex), never the number
    topic        varchar,
    region       varchar,
    transfer_to  varchar,
    run_id       integer not null,     -- ingest run that last wrote the row
    caller_withheld boolean            -- number withheld (anonymous, private...): caller_key null
);

-- warehouses made before caller_withheld existed
alter table calls add column if not exists caller_withheld boolean;

-- Telecom operator's counts per period and line.
create table if not exists operator_counts (
    source         varchar not null,
    period_start   timestamptz not null,
    period_minutes integer not null,   -- 1440 for a day
    queue          varchar not null,   -- the line or queue the operator counts
    offered        bigint not null,
    handled        bigint not null,
    run_id         integer not null
);

-- Callbacks promised to callers (the 72-hour promise).
create table if not exists callbacks (
    source       varchar not null,
    callback_id  varchar not null,
    call_id      varchar,
    queue        varchar,
    requested_at timestamptz not null,
    completed_at timestamptz,          -- null while pending or when it failed
    outcome      varchar,              -- completed | failed | cancelled | pending
    run_id       integer not null
);

-- Client's communication calendar.
create table if not exists campaigns (
    source      varchar not null,
    campaign_id varchar not null,
    name        varchar,
    channel     varchar not null,      -- mailing | email | sms | press | web | other
    start_date  date not null,
    end_date    date,
    audience    bigint,                -- people reached, optional
    queues      varchar,               -- comma-separated queues concerned, optional
    run_id      integer not null
);

-- Advisors logged in per interval (optional).
create table if not exists staffing (
    source           varchar not null,
    interval_start   timestamptz not null,
    interval_minutes integer not null,
    queue            varchar not null, -- '*' when staffing is for the whole line
    advisors         double not null,  -- logged-in advisors (average over the interval)
    run_id           integer not null
);

-- Actions agreed in the weekly meeting.
create sequence if not exists action_seq start 1;

create table if not exists actions (
    action_id  integer primary key,
    created_at timestamptz not null,
    week       varchar,                -- ISO week the action was agreed in, e.g. 2026-W08
    text       varchar not null,
    owner      varchar not null,       -- client | provider
    due_date   date,
    status     varchar not null,       -- open | done | dropped
    closed_at  timestamptz,
    author     varchar
);
-- Who changed an action's status last, and when (added after the first release: the
-- ALTERs bring older warehouses up to date and do nothing once the columns exist).
alter table actions add column if not exists status_by varchar;
alter table actions add column if not exists status_at timestamptz;

-- Stored plans (analytics/plan_store.py): each saved version of a week's plan with the
-- inputs it was made from, so that it can be shown, compared and re-run. Added after the
-- first release: "if not exists" brings older warehouses up to date on their next write.
create sequence if not exists plan_seq start 1;

create table if not exists plan_versions (
    plan_id           integer primary key,
    week              varchar not null,    -- the line's week, e.g. 2026-W49
    created_at        timestamptz not null,
    author            varchar,             -- user or 'cli'
    method            varchar not null,    -- how the numbers were made (model, solver)
    model             varchar not null,    -- erlang_a | erlang_c: the requirement the shifts cover
    interval_minutes  integer not null,
    inputs            varchar not null,    -- JSON: every input of the re-run (plan_store.PlanInputs)
    warehouse_version varchar not null,    -- analytics.warehouse.warehouse_version when built
    history_end       date not null,       -- last day the daily model was fitted on
    summary           varchar not null     -- JSON: the shift solver's summary
);

-- The daily forecast of a stored plan (calls, 80 % and 95 % bands).
create table if not exists plan_daily (
    plan_id  integer not null,
    date     date not null,
    forecast double, lo80 double, hi80 double, lo95 double, hi95 double
);

-- A stored plan per interval: forecast, planned AHT and patience (s), advisors required by
-- Erlang C and Erlang A, the requirement the shifts cover (scheduled headcount) and the
-- advisors the shift plan puts on.
create table if not exists plan_intervals (
    plan_id      integer not null,
    period_start timestamptz not null,
    calls double, lo80 double, hi80 double, lo95 double, hi95 double,
    aht_s double, patience_s double,
    agents_c double, agents_a double,
    required double,                    -- headcount to schedule (the model's, with shrinkage)
    planned double                      -- advisors on shift (the stored shift plan)
);

-- The shifts of a stored plan: one row per advisor and day.
create table if not exists plan_shifts (
    plan_id     integer not null,
    advisor     varchar not null,
    contract    varchar,
    date        date not null,
    pattern     varchar,
    start_at    timestamptz not null,
    end_at      timestamptz not null,
    lunch_start timestamptz,
    lunch_end   timestamptz,
    paid_hours  double
);
