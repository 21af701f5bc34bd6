"""The five canonical data kinds a warehouse takes: columns, types, keys and row checks.

Each kind maps onto one warehouse table (see ``analytics/sql/schema.sql`` and
``data/SCHEMA.md``). Ingestion reads a file, maps it onto these columns through a
profile, parses each column by its type, and checks each row with the rules below.
"""

from __future__ import annotations

from dataclasses import dataclass, field

OUTCOMES = ("answered", "abandoned", "overflow", "ivr")
CALLBACK_OUTCOMES = ("completed", "failed", "cancelled", "pending")
CHANNELS = ("mailing", "email", "sms", "press", "web", "other")

#: Longest plausible duration of one call phase (seconds): 24 hours.
MAX_DURATION_S = 86_400


@dataclass(frozen=True)
class Column:
    """One canonical column.

    ``type`` is one of ``text``, ``timestamp`` (instant; naive text is local time),
    ``date``, ``seconds`` (number or H:MM:SS), ``int``, ``number``, ``enum``, or ``derived``
    (computed by ingestion, never read from a file: ``caller_withheld``).
    ``default`` is a SQL expression over already-typed columns used when the file has no
    value (e.g. ``answered_at`` from ``arrived_at + wait_s``). ``blank`` is the value an
    empty cell stands for when the file has the column (``''`` for ``transfer_to``: not
    transferred); a file without the column leaves it null (unknown).
    """

    name: str
    type: str
    required: bool = False
    values: tuple[str, ...] = ()
    default: str | None = None
    help: str = ""
    blank: str | None = None


@dataclass(frozen=True)
class Check:
    """A row rule: ``bad`` is a SQL condition over typed columns that is true for a bad row."""

    column: str
    bad: str
    reason: str


@dataclass(frozen=True)
class Kind:
    name: str
    table: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    checks: tuple[Check, ...] = field(default_factory=tuple)
    default_source: str = "provider"

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


def _nonneg(col: str) -> Check:
    return Check(col, f"{col} < 0", f"{col} is negative; durations must be >= 0 seconds")


def _plausible(col: str) -> Check:
    return Check(col, f"{col} > {MAX_DURATION_S}",
                 f"{col} is longer than 24 hours; check the unit (seconds expected)")


_DURATIONS = ("wait_s", "talk_s", "hold_s", "wrap_s")

CALLS = Kind(
    name="calls",
    table="calls",
    columns=(
        Column("call_id", "text", required=True, help="call identifier in the ACD"),
        Column("queue", "text", required=True, help="ACD queue (file d'attente)"),
        Column("arrived_at", "timestamp", required=True, help="entered the queue"),
        Column("answered_at", "timestamp",
               default="case when outcome = 'answered' and wait_s is not null "
                       "then arrived_at + to_microseconds(cast(round(wait_s * 1e6) as bigint)) end",
               help="answered by an advisor; empty unless answered"),
        Column("ended_at", "timestamp",
               default="case when outcome = 'answered' and talk_s is not null "
                       "then answered_at + to_microseconds(cast(round((talk_s + coalesce(hold_s, 0)) * 1e6) as bigint)) "
                       "when outcome <> 'answered' and wait_s is not null "
                       "then arrived_at + to_microseconds(cast(round(wait_s * 1e6) as bigint)) end",
               help="call ended"),
        Column("outcome", "enum", required=True, values=OUTCOMES),
        Column("wait_s", "seconds",
               default="case when answered_at is not null "
                       "then epoch(answered_at) - epoch(arrived_at) "
                       "when outcome = 'ivr' then 0 end",
               help="seconds queued before answer, abandon or overflow"),
        Column("talk_s", "seconds"),
        Column("hold_s", "seconds"),
        Column("wrap_s", "seconds"),
        Column("agent_id", "text"),
        Column("caller_key", "text", help="pseudonymised caller (from caller_number)"),
        Column("caller_withheld", "derived",
               help="the caller's number was withheld (caller_key is then empty)"),
        Column("topic", "text"),
        Column("region", "text"),
        Column("transfer_to", "text", blank="",
               help="where an answered call was transferred; empty: not transferred"),
    ),
    key=("call_id", "queue"),
    checks=(
        Check("answered_at", "answered_at < arrived_at", "answered_at is before arrived_at"),
        Check("ended_at", "ended_at < arrived_at", "ended_at is before arrived_at"),
        Check("answered_at", "outcome = 'answered' and answered_at is null",
              "outcome is 'answered' but answered_at is empty (give answered_at or wait_s)"),
        Check("answered_at", "outcome <> 'answered' and answered_at is not null",
              "answered_at is set but outcome is not 'answered'"),
        Check("wait_s", "outcome in ('answered', 'abandoned', 'overflow') and wait_s is null",
              "wait_s is empty for a call that entered the queue"),
        *(_nonneg(c) for c in _DURATIONS),
        *(_plausible(c) for c in _DURATIONS),
        Check("arrived_at", "arrived_at < TIMESTAMPTZ '1970-01-02' or arrived_at > now() + interval 1 day",
              "arrived_at is outside 1970..tomorrow; check the date layout (DD/MM/YYYY or ISO)"),
    ),
)

OPERATOR = Kind(
    name="operator",
    table="operator_counts",
    columns=(
        Column("period_start", "timestamp", required=True, help="start of the counted period"),
        Column("period_minutes", "int", default="1440", help="length of the period (minutes)"),
        Column("queue", "text", default="'*'", help="line or queue the operator counts"),
        Column("offered", "int", required=True, help="calls the operator delivered"),
        Column("handled", "int", required=True, help="calls the operator saw answered"),
    ),
    key=("period_start", "period_minutes", "queue"),
    checks=(
        Check("offered", "offered < 0", "offered is negative"),
        Check("handled", "handled < 0", "handled is negative"),
        Check("handled", "handled > offered", "handled is larger than offered"),
        Check("period_minutes", "period_minutes <= 0 or period_minutes > 44640",
              "period_minutes must be between 1 and 44640 (a month)"),
    ),
    default_source="operator",
)

CALLBACKS = Kind(
    name="callbacks",
    table="callbacks",
    columns=(
        Column("callback_id", "text", required=True),
        Column("call_id", "text"),
        Column("queue", "text"),
        Column("requested_at", "timestamp", required=True),
        Column("completed_at", "timestamp"),
        Column("outcome", "enum", values=CALLBACK_OUTCOMES,
               default="case when completed_at is not null then 'completed' else 'pending' end"),
    ),
    key=("callback_id",),
    checks=(
        Check("completed_at", "completed_at < requested_at", "completed_at is before requested_at"),
        Check("completed_at", "outcome = 'completed' and completed_at is null",
              "outcome is 'completed' but completed_at is empty"),
    ),
)

CAMPAIGNS = Kind(
    name="campaigns",
    table="campaigns",
    columns=(
        Column("campaign_id", "text", required=True),
        Column("name", "text"),
        Column("channel", "enum", required=True, values=CHANNELS),
        Column("start_date", "date", required=True),
        Column("end_date", "date"),
        Column("audience", "int", help="people reached"),
        Column("queues", "text", help="comma-separated queues concerned"),
    ),
    key=("campaign_id",),
    checks=(
        Check("end_date", "end_date < start_date", "end_date is before start_date"),
        Check("audience", "audience < 0", "audience is negative"),
    ),
    default_source="client",
)

STAFFING = Kind(
    name="staffing",
    table="staffing",
    columns=(
        Column("interval_start", "timestamp", required=True),
        Column("interval_minutes", "int", default="30"),
        Column("queue", "text", default="'*'"),
        Column("advisors", "number", required=True, help="advisors logged in (mean over interval)"),
    ),
    key=("interval_start", "queue"),
    checks=(
        Check("advisors", "advisors < 0", "advisors is negative"),
        Check("interval_minutes", "interval_minutes <= 0 or interval_minutes > 1440",
              "interval_minutes must be between 1 and 1440"),
    ),
)

KINDS: dict[str, Kind] = {k.name: k for k in (CALLS, OPERATOR, CALLBACKS, CAMPAIGNS, STAFFING)}
