"""Offered-call series and the campaign calendar for the forecasting package.

Small readers: they return pandas objects that :mod:`forecasting` consumes.
``offered`` is the KPI glossary's, read from the staging model ``stg_calls``
(answered + abandoned + overflow, minus the contract's short abandons), so a forecast's
history equals the KPI ``offered``; days and intervals are cut on the line's wall clock
(the contract's zone, else ``settings.timezone``).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from analytics.contract import Contract
from analytics.kpis import line_zone, resolve_contract
from analytics.warehouse import sql_text

CAMPAIGN_COLUMNS = ["campaign_id", "name", "channel", "start_date", "end_date", "audience",
                    "queues"]


def queues(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Queues present in the call log, sorted."""
    return [r[0] for r in con.execute("select distinct queue from calls order by 1").fetchall()]


def _staging_params(con: duckdb.DuckDBPyConnection, contract: Contract | None) -> dict:
    """``tz`` and ``short_s`` of the staging model for ``contract`` (default: the warehouse's)."""
    contract = resolve_contract(con, contract)
    return {"tz": line_zone(con, contract), "short_s": float(contract.short_abandon_s)}


def daily_offered(con: duckdb.DuckDBPyConnection, queue: str | None = None, *,
                  contract: Contract | None = None) -> pd.DataFrame:
    """Offered calls per local day and queue: ``date, queue, offered`` (calls).

    ``queue=None`` returns every queue. Days without offered calls have no row.
    ``contract`` gives the time zone and ``short_abandon_s`` (default: the warehouse's
    contract, as :func:`analytics.kpis.kpis`).
    """
    df = con.execute(sql_text("daily_offered"),
                     _staging_params(con, contract) | {"queue": queue}).df()
    df["date"] = pd.to_datetime(df["date"])
    return df


def daily_offered_series(con: duckdb.DuckDBPyConnection, queue: str | None = None, *,
                         contract: Contract | None = None) -> pd.Series:
    """Offered calls per local day for one queue, or summed over all queues when None.

    Indexed by date from the first to the last day with calls; days without calls are
    absent (NaN is left to the caller's calendar). ``contract`` as for :func:`daily_offered`.
    """
    df = daily_offered(con, queue, contract=contract)
    if df.empty:
        raise ValueError("no offered calls in the warehouse"
                         + (f" for queue {queue!r}" if queue else "")
                         + "; load a call log with 'copil ingest calls FILE'")
    s = df.groupby("date")["offered"].sum().astype(float)
    s.name = "calls"
    return s


def interval_offered(con: duckdb.DuckDBPyConnection, minutes: int = 30,
                     queue: str | None = None, *,
                     contract: Contract | None = None) -> pd.DataFrame:
    """Offered calls per local wall-clock interval: ``period_start`` (naive local
    timestamp), ``queue``, ``offered`` (calls). ``contract`` as for :func:`daily_offered`."""
    if minutes <= 0 or 1440 % minutes:
        raise ValueError("interval minutes must divide a day (e.g. 15, 30 or 60)")
    return con.execute(sql_text("interval_offered"), _staging_params(con, contract)
                       | {"minutes": minutes, "queue": queue}).df()


def interval_handling(con: duckdb.DuckDBPyConnection, first, last, minutes: int = 30, *,
                      contract: Contract | None = None) -> pd.DataFrame:
    """Answered calls and their handle time per local wall-clock interval over local days
    ``first`` to ``last`` (inclusive): ``period_start`` (naive local), ``answered`` (calls),
    ``handle_total_s`` (s: talk + hold + wrap, the glossary's AHT numerator). Intervals
    without an answered call have no row. ``contract`` as for :func:`daily_offered`."""
    if minutes <= 0 or 1440 % minutes:
        raise ValueError("interval minutes must divide a day (e.g. 15, 30 or 60)")
    start = pd.Timestamp(first).normalize().to_pydatetime()
    end = (pd.Timestamp(last).normalize() + pd.Timedelta(days=1)).to_pydatetime()
    df = con.execute(sql_text("interval_handling"), _staging_params(con, contract)
                     | {"minutes": minutes, "start": start, "end": end}).df()
    df["period_start"] = pd.to_datetime(df["period_start"])
    return df.astype({"answered": float, "handle_total_s": float})


def interval_offered_series(con: duckdb.DuckDBPyConnection, minutes: int = 30,
                            queue: str | None = None, *,
                            contract: Contract | None = None) -> pd.Series:
    """Offered calls per local interval (naive local ``period_start`` index), one queue or all."""
    df = interval_offered(con, minutes, queue, contract=contract)
    s = df.groupby("period_start")["offered"].sum().astype(float)
    s.name = "calls"
    return s


def campaigns(con: duckdb.DuckDBPyConnection,
              queues: list[str] | str | None = None) -> pd.DataFrame:
    """The client's campaign calendar, one row per campaign (canonical columns).

    With ``queues`` (a queue or a list), only the campaigns concerning one of them: those
    whose ``queues`` field names one, and those with an empty field (the whole line).
    """
    df = con.execute(
        "select campaign_id, name, channel, start_date, end_date, audience, queues "
        "from campaigns order by start_date, campaign_id").df()
    for c in ("start_date", "end_date"):
        df[c] = pd.to_datetime(df[c])
    return for_queues(df, queues)


def for_queues(campaigns: pd.DataFrame | None,
               queues: list[str] | str | None) -> pd.DataFrame | None:
    """The campaigns of a calendar that concern ``queues`` (see :func:`campaigns`); the
    calendar unchanged without ``queues`` or without a ``queues`` column."""
    if not queues or campaigns is None or "queues" not in campaigns or campaigns.empty:
        return campaigns
    wanted = {queues} if isinstance(queues, str) else set(queues)
    field_ = campaigns["queues"].fillna("").astype(str)
    keep = [s.strip() == "" or bool({x.strip() for x in s.split(",")} & wanted) for s in field_]
    return campaigns[keep].reset_index(drop=True)
