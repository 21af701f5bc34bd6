"""Data health of a warehouse: per source, what is loaded, how fresh, which open days lack data.

:func:`data_health` is the one home of these checks: ``copil health`` prints it and the
dashboard's Data page shows it. The line's calendar (:func:`analytics.line_calendar.line_calendar`:
the contract's, else learned from the call log) decides which days should hold data, so
weekends and public holidays on which the line is closed are never reported missing.

Rules
-----
- **Sources**: one row per data kind (``calls``, ``operator``, ``callbacks``, ``campaigns``,
  ``staffing``) and source label, with rows, first and last local day, last successful load
  and quarantined rows (with the most frequent reason).
- **Missing day**: a day the calendar expects the line open, between a source's first and
  last day (and before ``as_of``), with no row at all: any call row (IVR included) for
  ``calls``, any operator count for ``operator``. Callbacks, campaigns and staffing are not
  expected every day and are not checked for gaps.
- **Stale**: a daily feed (calls, operator, callbacks, staffing) whose last day is before the
  last day the calendar expects open strictly before ``as_of`` (``expected_through``).
  ``as_of`` is the day of the check, by default today in the line's time zone (today's data
  may still be arriving). Campaigns are a plan, not a feed: never stale. To check an archive
  (the 1999 bank log), give the day after its end.

The other readers (:func:`ingest_runs`, :func:`row_counts`, :func:`quarantine_rows`) are the
details the Data page lists beside the checks. None of them reads ``caller_key``.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd

from analytics.line_calendar import line_calendar
from analytics.periods import to_date
from analytics.warehouse import line_timezone, sql_text
from forecasting.calendar import LineCalendar

__all__ = ["DataHealth", "data_health", "missing_runs", "today_local", "ingest_runs",
           "row_counts", "quarantine_rows", "DAILY_KINDS", "GAP_KINDS", "KINDS"]

#: every data kind of the warehouse, in display order
KINDS = ("calls", "operator", "callbacks", "campaigns", "staffing")
#: kinds expected to bring data up to the last open day (checked for staleness)
DAILY_KINDS = ("calls", "operator", "callbacks", "staffing")
#: kinds expected to hold a row on every open day (checked for missing days)
GAP_KINDS = ("calls", "operator")
#: how far back (days) to look for the last expected-open day before ``as_of``
_LOOKBACK_DAYS = 366

SOURCE_COLUMNS = ["kind", "source", "row_count", "first_day", "last_day", "last_load_at",
                  "expected_through", "stale", "missing_days", "quarantined", "top_reason",
                  "status"]
MISSING_COLUMNS = ["kind", "source", "date"]


@dataclass(frozen=True)
class DataHealth:
    """Health of a warehouse's data on ``as_of`` (results of :func:`data_health`).

    Attributes
    ----------
    as_of : date
        The day of the check (local); days from ``as_of`` on are not expected yet.
    calendar : LineCalendar
        The line's calendar the checks used (``calendar.describe()`` says where it comes from).
    sources : DataFrame
        One row per kind and source: ``kind, source, row_count`` (rows), ``first_day``,
        ``last_day`` (local dates), ``last_load_at`` (UTC instant of the last successful
        load, NaT when none), ``expected_through`` (last expected-open day before ``as_of``;
        None for campaigns), ``stale`` (bool; False for campaigns), ``missing_days`` (count),
        ``quarantined`` (rows), ``top_reason`` (most frequent quarantine reason) and
        ``status`` (``ok``, ``stale``, ``missing days``, ``stale, missing days``, ``empty``).
    missing_days : DataFrame
        ``kind, source, date`` (local ``datetime.date``): expected-open days without data.
    quarantine : DataFrame
        ``kind, source, reason, row_count, runs``: quarantined rows by reason, most first.
    """

    as_of: dt.date
    calendar: LineCalendar
    sources: pd.DataFrame
    missing_days: pd.DataFrame
    quarantine: pd.DataFrame

    @property
    def stale(self) -> pd.DataFrame:
        """The rows of :attr:`sources` that are stale."""
        return self.sources[self.sources["stale"]]

    @property
    def ok(self) -> bool:
        """True when no source is stale and no expected-open day lacks data."""
        return self.stale.empty and self.missing_days.empty

    @property
    def exit_code(self) -> int:
        """0 when :attr:`ok`, else 1 (for a cron job to alert)."""
        return 0 if self.ok else 1

    def problems(self) -> list[str]:
        """One English sentence per stale source and per run of missing days."""
        out = [f"{r.kind} from {r.source!r} is stale: last day {r.last_day}, data expected "
               f"through {r.expected_through}" for r in self.stale.itertuples()]
        for r in missing_runs(self.missing_days).itertuples():
            span = (str(r.first_missing) if r.days == 1
                    else f"{r.first_missing} to {r.last_missing}")
            out.append(f"{r.kind} from {r.source!r}: no data on {r.days} expected-open "
                       f"day{'s' if r.days > 1 else ''} ({span})")
        return out

    def to_dict(self) -> dict:
        """One JSON-ready object: ``as_of``, ``ok``, ``calendar``, ``sources``,
        ``missing_days`` (``kind, source, date`` as ``YYYY-MM-DD``), ``quarantine``."""
        def rows(df: pd.DataFrame) -> list[dict]:
            return [{k: _json_value(v) for k, v in rec.items()}
                    for rec in df.to_dict(orient="records")]

        return {
            "as_of": self.as_of.isoformat(),
            "ok": self.ok,
            "calendar": {"source": self.calendar.source, "description": self.calendar.describe()},
            "sources": rows(self.sources),
            "missing_days": rows(self.missing_days),
            "quarantine": rows(self.quarantine),
        }


def _json_value(v):
    """A JSON-ready value: dates as ISO text, missing values as None, numpy scalars as Python."""
    if v is None or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, (dt.date, pd.Timestamp)):
        return v.isoformat()
    return v.item() if hasattr(v, "item") else v


def today_local(timezone: str) -> dt.date:
    """Today's date on the wall clock of ``timezone`` (the line's IANA zone)."""
    return dt.datetime.now(ZoneInfo(timezone)).date()


def _dates(values) -> list:
    return [None if v is None or pd.isna(v) else pd.Timestamp(v).date() for v in values]


def _expected_through(cal: LineCalendar, as_of: dt.date) -> dt.date | None:
    """The last day before ``as_of`` on which the calendar expects the line open."""
    days = cal.open_days(as_of - dt.timedelta(days=_LOOKBACK_DAYS), as_of - dt.timedelta(days=1))
    return days[-1] if days else None


def _missing(cal: LineCalendar, spans: pd.DataFrame, days: pd.DataFrame,
             as_of: dt.date) -> pd.DataFrame:
    """Expected-open days without a row, per gap-checked kind and source."""
    rows = []
    for s in spans.itertuples():
        if s.kind not in GAP_KINDS or s.first_day is None:
            continue
        last = min(s.last_day, as_of - dt.timedelta(days=1))
        if last < s.first_day:
            continue
        have = set(days.loc[(days["kind"] == s.kind) & (days["source"] == s.source), "day"])
        rows += [(s.kind, s.source, d) for d in cal.open_days(s.first_day, last) if d not in have]
    return pd.DataFrame(rows, columns=MISSING_COLUMNS)


def data_health(con: duckdb.DuckDBPyConnection, *, as_of: dt.date | str | None = None,
                calendar: LineCalendar | None = None) -> DataHealth:
    """Check every source of the warehouse against the line's calendar.

    Parameters
    ----------
    con : DuckDB connection
    as_of : date or ``YYYY-MM-DD``, optional
        The day of the check (local); default today in the line's time zone.
    calendar : LineCalendar, optional
        Default :func:`analytics.line_calendar.line_calendar` (contract, else learned).
    """
    tz = line_timezone(con)
    as_of = today_local(tz) if as_of is None else to_date(as_of)
    cal = line_calendar(con) if calendar is None else calendar
    spans = con.execute(sql_text("source_spans"), {"tz": tz}).df()
    for col in ("first_day", "last_day"):
        spans[col] = pd.Series(_dates(spans[col]), index=spans.index, dtype=object)
    days = con.execute(sql_text("source_days"), {"tz": tz}).df()
    days["day"] = _dates(days["day"])
    reasons = con.execute(sql_text("quarantine_reasons")).df()
    missing = _missing(cal, spans, days, as_of)

    through = _expected_through(cal, as_of)
    spans["expected_through"] = pd.Series(
        [through if k in DAILY_KINDS else None for k in spans["kind"]], index=spans.index,
        dtype=object)
    spans["stale"] = [bool(k in DAILY_KINDS and through is not None
                           and (last is None or last < through))
                      for k, last in zip(spans["kind"], spans["last_day"], strict=True)]
    n_missing = missing.groupby(["kind", "source"]).size()
    spans["missing_days"] = [int(n_missing.get((k, s), 0))
                             for k, s in zip(spans["kind"], spans["source"], strict=True)]
    top = reasons.drop_duplicates(["kind", "source"]).set_index(["kind", "source"])["reason"]
    spans["top_reason"] = [top.get((k, s)) for k, s in zip(spans["kind"], spans["source"],
                                                          strict=True)]

    def status(r) -> str:
        if r.row_count == 0:
            return "empty"
        words = (["stale"] if r.stale else []) + (["missing days"] if r.missing_days else [])
        return ", ".join(words) or "ok"
    spans["status"] = [status(r) for r in spans.itertuples()]
    spans["rank"] = [KINDS.index(k) if k in KINDS else len(KINDS) for k in spans["kind"]]
    spans = spans.sort_values(["rank", "source"]).reset_index(drop=True)
    return DataHealth(as_of=as_of, calendar=cal, sources=spans[SOURCE_COLUMNS],
                      missing_days=missing, quarantine=reasons)


def missing_runs(missing: pd.DataFrame) -> pd.DataFrame:
    """Missing days grouped into runs of consecutive days per kind and source:
    ``kind, source, first_missing, last_missing, days``."""
    cols = ["kind", "source", "first_missing", "last_missing", "days"]
    if missing.empty:
        return pd.DataFrame(columns=cols)
    df = missing.sort_values(["kind", "source", "date"]).reset_index(drop=True)
    day = pd.to_datetime(df["date"])
    new_run = ((day.diff().dt.days != 1) | (df["kind"] != df["kind"].shift())
               | (df["source"] != df["source"].shift()))
    df["run"] = new_run.cumsum()
    out = df.groupby("run").agg(kind=("kind", "first"), source=("source", "first"),
                                first_missing=("date", "min"), last_missing=("date", "max"),
                                days=("date", "size"))
    return out.reset_index(drop=True)[cols]


# ------------------------------------------------------------------ details for the Data page

def ingest_runs(con: duckdb.DuckDBPyConnection, *, limit: int = 200) -> pd.DataFrame:
    """The latest ``limit`` ingestion runs, newest first (``duration_s`` in seconds)."""
    return con.execute(sql_text("recent_ingest_runs"), [int(limit)]).df()


def row_counts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """``table_name, row_count`` for every warehouse table."""
    return con.execute(sql_text("table_row_counts")).df()


def quarantine_rows(con: duckdb.DuckDBPyConnection, *, limit: int = 500) -> pd.DataFrame:
    """Quarantined rows with their reason (caller values withheld), newest run first."""
    return con.execute(sql_text("quarantine_rows"), [int(limit)]).df()
