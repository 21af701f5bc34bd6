"""Data-health readers for the dashboard's Data page: loads, counts, freshness, gaps.

Each function runs one parameterised query from ``analytics/sql/`` (named for what it
holds) and returns a pandas DataFrame (tidy rows). None of them reads ``caller_key``.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from analytics.warehouse import line_timezone, sql_text


def _frame(con: duckdb.DuckDBPyConnection, name: str, params: list | None = None,
           dates: tuple[str, ...] = ()) -> pd.DataFrame:
    """Run ``sql/<name>.sql``; ``dates`` columns come back as ``datetime.date`` objects."""
    df = con.execute(sql_text(name), params or []).df()
    for col in dates:
        df[col] = pd.Series([None if pd.isna(v) else v.date() for v in df[col]], index=df.index,
                            dtype=object)
    return df


def ingest_runs(con: duckdb.DuckDBPyConnection, *, limit: int = 200) -> pd.DataFrame:
    """The latest ``limit`` ingestion runs, newest first (``duration_s`` in seconds)."""
    return _frame(con, "ingest_runs", [int(limit)])


def row_counts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """``table_name, row_count`` for every warehouse table."""
    return _frame(con, "table_row_counts")


def freshness(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per data kind and source: rows, first and last local day covered, last successful load."""
    return _frame(con, "source_freshness", [line_timezone(con)],
                  dates=("first_day", "last_day"))


def quarantine_rows(con: duckdb.DuckDBPyConnection, *, limit: int = 500) -> pd.DataFrame:
    """Quarantined rows with their reason (caller values withheld), newest run first."""
    return _frame(con, "quarantine_rows", [int(limit)])


def quarantine_reasons(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Quarantined rows counted by ``kind`` and ``reason``."""
    return _frame(con, "quarantine_reasons")


def missing_days(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Local days with no call (or no operator count) between a source's first and last day."""
    return _frame(con, "days_without_data", [line_timezone(con)], dates=("day",))


def queues(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Queues in the call log with their number of calls, busiest first."""
    return _frame(con, "queue_call_counts")


def campaigns(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The client's campaigns (``start_date``, ``end_date`` local dates; ``audience`` people)."""
    return _frame(con, "campaign_calendar", dates=("start_date", "end_date"))
