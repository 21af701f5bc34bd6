"""Call aggregates: the staged calls summed per local day and queue, kept up to date by
ingestion, so that KPI queries over days, weeks, months and quarters read thousands of rows
instead of millions.

Tables (``sql/call_aggregates_schema.sql``), all built from the staging model
``stg_calls(tz, short_s)`` (``sql/call_aggregates_days.sql``, ``sql/answered_waits_days.sql``):

- ``agg_calls_day``: per local day, queue, outcome and short-abandon flag, the calls and the
  sums and counts of waits, handle and talk times, transfers;
- ``agg_answered_waits_day``: answered calls per local day, queue and exact ``wait_s``
  value (exact service levels at any threshold and exact percentiles; small when waits are
  whole seconds, as ACD exports give them);
- ``agg_state``: the zone and short-abandon threshold they were cut with, and the state of
  ``calls`` they reflect (row count and last calls load).

:func:`analytics.kpis.kpis` reads them when :func:`answers` says they give exactly what the
calls give (same zone, same short-abandon threshold, nothing loaded or changed since, every
duration whole seconds), for the whole line or per queue; otherwise it reads the calls:
intervals, other dimensions (topic, region, agent), another threshold or zone, a warehouse
changed outside ingestion, or durations with fractions of a second (a sum of fractions
depends on the order of addition in its last bit, so a mean could differ from the calls').

Maintenance: :func:`refresh_call_aggregates`, called by ingestion at its commit point (in
the load's transaction: recomputes only the local days the load touched), by
:func:`analytics.contract.store_contract` (a new zone or short-abandon threshold rebuilds
them) and before a snapshot is published for the dashboard
(:func:`analytics.snapshot.publish_snapshot`), which builds them once for a warehouse made
before they existed.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from fractions import Fraction

import duckdb
import pandas as pd

from analytics.warehouse import sql_text

__all__ = ["AggregateState", "aggregate_state", "answers", "refresh_call_aggregates",
           "finish_percentiles", "call_span", "AGGREGATE_TABLES"]

AGGREGATE_TABLES = ("agg_calls_day", "agg_answered_waits_day", "agg_state")
_STATE_COLUMNS = ("tz", "short_s", "calls_rows", "calls_run", "whole")
#: below this many calls, reading the calls is faster than the aggregates' query (measured
#: by benchmarks/dashboard.py: 13 weekly KPI rows take 36 ms from the calls and 49 ms from
#: the aggregates on the 477,000-call demo, 82 ms and 46 ms on 10 million calls); the
#: figures are the same either way
MIN_CALLS = 2_000_000


@dataclass(frozen=True)
class AggregateState:
    """What the aggregates reflect (one row of ``agg_state``).

    tz : zone the local days were cut in; short_s : short-abandon threshold (s);
    calls_rows : rows of ``calls`` then; calls_run : last ok calls load then (None: none);
    whole : every wait, handle and talk time a whole number of seconds (the sums are then
    exact whatever the order of addition, so means equal the calls' to the last bit).
    """

    tz: str
    short_s: float
    calls_rows: int
    calls_run: int | None
    whole: bool = True


def aggregate_state(con) -> AggregateState | None:
    """The aggregates' state, or None when the warehouse has none."""
    # asked of the catalog, not by a failing query: an error would abort a load's transaction
    have = {c for (c,) in con.execute(
        "select column_name from duckdb_columns() where database_name = current_database() "
        "and schema_name = 'main' and table_name = 'agg_state'").fetchall()}
    if not set(_STATE_COLUMNS) <= have:  # none, or of another layout
        return None
    rows = con.execute(f"select {', '.join(_STATE_COLUMNS)} from agg_state").fetchall()
    return AggregateState(*rows[0]) if len(rows) == 1 else None


def _calls_version(con) -> tuple[int, int | None]:
    """(rows of calls, last ok calls load): cheap, and changed by every load of calls."""
    return con.execute(
        "select (select count(*) from calls), (select max(run_id) from ingest_runs "
        "where kind = 'calls' and status = 'ok')").fetchall()[0]


def answers(con, tz: str, short_s: float) -> bool:
    """Whether to read the aggregates for a KPI query cut in ``tz`` with short abandons at
    ``short_s`` seconds: the warehouse holds at least :data:`MIN_CALLS` calls (below, the
    calls are read faster), and the aggregates give exactly the calls' figures: they exist, were cut the same way, reflect
    the current calls, every duration is whole seconds (else a mean's last bit would depend
    on the order of addition), and DuckDB's percentile arithmetic is the one
    :func:`finish_percentiles` reproduces."""
    state = aggregate_state(con)
    if (state is None or not state.whole or state.tz != tz
            or state.short_s != float(short_s)):
        return False
    if (state.calls_rows, state.calls_run) != tuple(_calls_version(con)):
        return False
    return state.calls_rows >= MIN_CALLS and _interpolation() is not None


def call_span(con, tz: str) -> tuple[dt.date | None, dt.date | None, dt.datetime | None] | None:
    """First and last local day in ``tz`` with calls and the latest arrival (UTC), from the
    aggregates when they reflect the current calls cut in ``tz`` and hold at least
    :data:`MIN_CALLS` calls (``(None, None, None)`` without calls); None otherwise (then
    read the calls)."""
    state = aggregate_state(con)
    if (state is None or state.tz != tz or state.calls_rows < MIN_CALLS
            or (state.calls_rows, state.calls_run) != tuple(_calls_version(con))):
        return None
    return con.execute("select min(local_date), max(local_date), max(last_arrival) "
                       "from agg_calls_day").fetchall()[0]


def _contract_parameters(con, contract) -> tuple[str, float]:
    from analytics.kpis import line_zone, resolve_contract

    contract = resolve_contract(con, contract)
    return line_zone(con, contract), float(contract.short_abandon_s)


def refresh_call_aggregates(con, run_id: int | None = None, contract=None) -> str:
    """Bring the aggregates up to date with ``calls``; returns what was done: ``fresh``
    (nothing to do), ``days`` (only the local days of load ``run_id`` recomputed) or
    ``built`` (every day: no aggregates yet, another zone or short-abandon threshold, or
    rows changed outside that load).

    With ``run_id`` it runs in the caller's transaction (ingestion: the aggregates commit
    with the load); without, in a transaction of its own. ``contract``: default the
    warehouse's.
    """
    own = run_id is None
    if own:
        con.execute("begin transaction")
    try:
        done = _refresh(con, run_id, contract)
        if own:
            con.execute("commit")
        return done
    except BaseException:
        if own:
            con.execute("rollback")
        raise


def _refresh(con, run_id: int | None, contract) -> str:
    tz, short_s = _contract_parameters(con, contract)
    state = aggregate_state(con)
    if state is None:  # none yet, or of another layout: made anew
        for table in AGGREGATE_TABLES:
            con.execute(f"drop table if exists {table}")
    con.execute(sql_text("call_aggregates_schema"))
    rows, run = _calls_version(con)
    if state is not None and (state.tz, state.short_s, state.calls_rows, state.calls_run) == (
            tz, short_s, rows, run):
        return "fresh"
    params = {"tz": tz, "short_s": short_s}
    if (state is not None and run_id is not None and (state.tz, state.short_s) == (tz, short_s)
            and state.calls_run == _previous_calls_run(con, run_id)):
        days = [d for (d,) in con.execute(
            "select distinct local_date from stg_calls(?, ?) where run_id = ?",
            [tz, short_s, run_id]).fetchall()]
        if days:
            con.execute("delete from agg_calls_day where list_contains(?, local_date)", [days])
            con.execute("delete from agg_answered_waits_day where list_contains(?, local_date)",
                        [days])
            _insert(con, params | {"first": min(days), "after": max(days) + dt.timedelta(days=1),
                                   "days": days})
        # rows only come in with this load's run_id: a day not recomputed can only have
        # lost calls (a key reloaded onto another day), which the total shows
        if con.execute("select coalesce(sum(n), 0) from agg_calls_day").fetchall()[0][0] == rows:
            _set_state(con, tz, short_s, rows, run)
            return "days"
    con.execute("delete from agg_calls_day")
    con.execute("delete from agg_answered_waits_day")
    _insert(con, params | {"first": None, "after": None, "days": None})
    _set_state(con, tz, short_s, rows, run)
    return "built"


def _previous_calls_run(con, run_id: int) -> int | None:
    return con.execute("select max(run_id) from ingest_runs where kind = 'calls' "
                       "and status = 'ok' and run_id <> ?", [run_id]).fetchall()[0][0]


def _insert(con, params: dict) -> None:
    con.execute(sql_text("call_aggregates_days"), params)
    con.execute(sql_text("answered_waits_days"), params)


def _set_state(con, tz: str, short_s: float, rows: int, run: int | None) -> None:
    con.execute("delete from agg_state")
    con.execute("insert into agg_state select ?, ?, ?, ?, coalesce(bool_and(whole), true), now() "
                "from agg_calls_day", [tz, short_s, rows, run])


# ---------------------------------------------------------------- percentiles

def _fma(a: float, b: float, c: float) -> float:
    """``a * b + c`` rounded once (a fused multiply-add), exactly."""
    return float(Fraction(a) * Fraction(b) + Fraction(c))


#: ways a C++ build may round quantile_cont's interpolation lo * (1 - d) + hi * d
_FORMULAS = {
    "fused": lambda lo, hi, d: _fma(lo, 1.0 - d, hi * d),
    "plain": lambda lo, hi, d: lo * (1.0 - d) + hi * d,
    "delta": lambda lo, hi, d: lo + (hi - lo) * d,
}


@functools.cache
def _interpolation():
    """The formula that reproduces this DuckDB's ``quantile_cont`` bit for bit on probe
    cases, or None (then the aggregates are not used for KPIs)."""
    probe = duckdb.connect()
    ds = sorted({(n - 1) * q - int((n - 1) * q) for n in range(2, 400)
                 for q in (0.5, 0.8, 0.9, 0.95)} - {0.0})
    pairs = [(4.0, 24.0), (57.0, 63.0), (10.3, 67.2), (23.0, 32.0), (0.0, 1.0), (76.4, 170.1),
             (12.9, 49.1), (1.0, 1000.0)]
    found = []
    for lo, hi in pairs:
        qs = ", ".join(f"'{d!r}'::double" for d in ds)
        got = probe.execute(f"select quantile_cont(x, [{qs}]) from (values (?), (?)) t(x)",
                            [lo, hi]).fetchall()[0][0]
        found.append((lo, hi, got))
    probe.close()
    for formula in _FORMULAS.values():
        if all(formula(lo, hi, d) == g for lo, hi, got in found for d, g in zip(ds, got,
                                                                                  strict=True)):
            return formula
    return None


def finish_percentiles(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Replace the ``{lo, hi, d}`` structs of the aggregates' percentile columns
    (``kpi_calls_aggregates.sql``) by the value ``quantile_cont`` gives on the calls."""
    formula = _interpolation()

    def value(part):
        if part is None or (not isinstance(part, dict) and pd.isna(part)):
            return None
        lo, hi, d = part["lo"], part["hi"], part["d"]
        return lo if d == 0 else formula(lo, hi, d)

    for col in columns:
        df[col] = pd.array([value(p) for p in df[col]], dtype="Float64").astype("float64")
    return df
