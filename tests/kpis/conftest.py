"""Fixtures for the KPI tests: a fresh warehouse and helpers that insert canonical rows."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from analytics.warehouse import connect, set_setting

CALL_COLUMNS = ["source", "call_id", "queue", "arrived_at", "answered_at", "ended_at", "outcome",
                "wait_s", "talk_s", "hold_s", "wrap_s", "agent_id", "caller_key", "topic",
                "region", "transfer_to", "run_id"]


def local(ts: str, tz: str = "Europe/Paris") -> dt.datetime:
    """A local wall-clock time 'YYYY-MM-DD HH:MM:SS' in ``tz`` as an aware UTC datetime."""
    naive = dt.datetime.fromisoformat(ts)
    return naive.replace(tzinfo=ZoneInfo(tz)).astimezone(dt.UTC)


def insert_calls(con, rows: list[dict], tz: str = "Europe/Paris") -> None:
    """Insert calls given as dicts; ``arrived`` is a local time string in ``tz``.

    Keys: arrived, outcome, wait (s), talk (s), hold, wrap, queue, agent, topic, region,
    transfer (default '': the source has a transfer field and the call was not transferred,
    as ingestion stores it; None: the source has no transfer field). ``answered_at``/
    ``ended_at`` are derived from arrived + wait (+ talk).
    """
    start = con.execute("select count(*) from calls").fetchall()[0][0]
    records = []
    for i, r in enumerate(rows):
        arrived = local(r["arrived"], tz) if isinstance(r["arrived"], str) else r["arrived"]
        wait = r.get("wait")
        talk = r.get("talk")
        answered_at = (arrived + dt.timedelta(seconds=wait or 0)
                       if r["outcome"] == "answered" else None)
        records.append({
            "source": "test", "call_id": str(r.get("call_id", start + i + 1)),
            "queue": r.get("queue", "Q1"), "arrived_at": arrived, "answered_at": answered_at,
            "ended_at": arrived + dt.timedelta(seconds=(wait or 0) + (talk or 0)),
            "outcome": r["outcome"], "wait_s": wait, "talk_s": talk, "hold_s": r.get("hold"),
            "wrap_s": r.get("wrap"), "agent_id": r.get("agent"), "caller_key": None,
            "topic": r.get("topic"), "region": r.get("region"), "transfer_to": r.get("transfer", ""),
            "run_id": 0,
        })
    frame = pd.DataFrame.from_records(records, columns=CALL_COLUMNS)
    for col in ("arrived_at", "answered_at", "ended_at"):
        frame[col] = pd.to_datetime(frame[col], utc=True)
    for col in ("wait_s", "talk_s", "hold_s", "wrap_s"):
        frame[col] = frame[col].astype("float64")
    for col in ("agent_id", "caller_key", "topic", "region", "transfer_to"):
        frame[col] = frame[col].astype(object)
    con.register("_new_calls", frame)
    con.execute("insert into calls by name select * from _new_calls")
    con.unregister("_new_calls")


def insert_callbacks(con, rows: list[dict], tz: str = "Europe/Paris") -> None:
    """Insert callbacks: requested (local str), completed (local str or None), outcome, queue."""
    for i, r in enumerate(rows):
        con.execute(
            "insert into callbacks values ('test', ?, ?, ?, ?, ?, ?, 0)",
            [str(r.get("callback_id", f"cb{i}")), r.get("call_id"), r.get("queue", "Q1"),
             local(r["requested"], tz), local(r["completed"], tz) if r.get("completed") else None,
             r.get("outcome", "completed" if r.get("completed") else "pending")])


def insert_operator(con, rows: list[dict], tz: str = "Europe/Paris") -> None:
    """Operator counts: day (local 'YYYY-MM-DD'), offered, handled, queue, minutes."""
    for r in rows:
        con.execute(
            "insert into operator_counts values ('test', ?, ?, ?, ?, ?, 0)",
            [local(r["day"] + " 00:00:00", tz), r.get("minutes", 1440), r.get("queue", "LINE"),
             r["offered"], r["handled"]])


def insert_staffing(con, rows: list[dict], tz: str = "Europe/Paris") -> None:
    """Staffing: start (local str), minutes, advisors, queue ('*' by default)."""
    for r in rows:
        con.execute("insert into staffing values ('test', ?, ?, ?, ?, 0)",
                    [local(r["start"], tz), r.get("minutes", 30), r.get("queue", "*"),
                     r["advisors"]])


@pytest.fixture
def con(tmp_path):
    c = connect(tmp_path / "w.duckdb")
    yield c
    c.close()


@pytest.fixture
def con_tz(tmp_path):
    """A warehouse factory for a given line time zone."""
    opened = []

    def make(tz: str):
        c = connect(tmp_path / f"w{len(opened)}.duckdb")
        set_setting(c, "timezone", tz)
        opened.append(c)
        return c

    yield make
    for c in opened:
        c.close()


@pytest.fixture
def load():
    """Row inserters: ``load.calls(con, rows)``, ``load.callbacks``, ``load.operator``,
    ``load.staffing``, and ``load.local(ts, tz)``."""
    from types import SimpleNamespace

    return SimpleNamespace(calls=insert_calls, callbacks=insert_callbacks,
                           operator=insert_operator, staffing=insert_staffing, local=local)
