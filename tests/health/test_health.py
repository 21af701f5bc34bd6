"""Data health (analytics.health.data_health, ``copil health``) on hand-made warehouses.

The line of these warehouses is a Monday-Friday line in Paris: calls on every weekday of
five weeks, 2026-04-20 (Mon) to 2026-05-22 (Fri), except the French public holidays of the
span (Fri 05-01 Labour Day, Fri 05-08 Victory Day, Thu 05-14 Ascension) and, where a test
says so, Wednesday 2026-05-06 (a real gap). Without the line's calendar the span would
show 10 weekend days + 3 holidays + the Wednesday = 14 "missing" days; with it, one.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from analytics.health import data_health, missing_runs
from analytics.warehouse import connect, set_setting
from copil.cli import main

D = dt.date
FIRST, LAST = D(2026, 4, 20), D(2026, 5, 22)
HOLIDAYS = {D(2026, 5, 1), D(2026, 5, 8), D(2026, 5, 14)}
GAP = D(2026, 5, 6)
CONTRACT = """line_name: Ligne test
timezone: Europe/Paris
opening_hours: {mon-fri: "08:00-18:00", sat: closed, sun: closed}
"""


def line_days(skip: set[dt.date] = frozenset()) -> list[dt.date]:
    """The weekdays of the span that are not holidays, minus ``skip``."""
    days = [FIRST + dt.timedelta(days=i) for i in range((LAST - FIRST).days + 1)]
    return [d for d in days if d.weekday() < 5 and d not in HOLIDAYS and d not in skip]


def build(path, *, call_days, operator_days=(), contract: str | None = CONTRACT) -> None:
    """Three calls a day (09:00, 12:00 and 17:30 Paris time) on ``call_days``; one operator
    count per day on ``operator_days``; two quarantined rows in run 1."""
    con = connect(path)
    try:
        set_setting(con, "timezone", "Europe/Paris")
        if contract is not None:
            set_setting(con, "contract", contract)
        rows = []
        for d in call_days:
            for k, hhmm in enumerate(("09:00", "12:00", "17:30")):
                ts = pd.Timestamp(f"{d} {hhmm}").tz_localize("Europe/Paris").tz_convert("UTC")
                rows.append(("acd", f"{d}-{k}", "q", ts, "ivr" if k == 2 else "answered", 1))
        con.executemany("insert into calls (source, call_id, queue, arrived_at, outcome, run_id) "
                        "values (?, ?, ?, ?, ?, ?)", rows)
        for d in operator_days:
            start = pd.Timestamp(d).tz_localize("Europe/Paris").tz_convert("UTC")
            con.execute("insert into operator_counts values ('op', ?, 1440, 'q', 2, 2, 2)", [start])
        now = pd.Timestamp("2026-05-23 06:00", tz="UTC")
        con.execute("insert into ingest_runs (run_id, kind, file, sha256, profile, source, started_at, "
                    "finished_at, rows_read, rows_loaded, rows_updated, rows_duplicate, "
                    "rows_quarantined, rows_filtered, status) values (1, 'calls', 'acd.csv', ?, 'generic', 'acd', "
                    "?, ?, ?, ?, 0, 0, 2, 0, 'ok')", ["ab" * 32, now, now, len(rows) + 2, len(rows)])
        con.executemany("insert into quarantine values (1, 'calls', 'acd.csv', ?, ?, ?, ?)", [
            (7, "wait_s", "-5", "negative duration"), (9, "wait_s", "-1", "negative duration")])
    finally:
        con.close()


@pytest.mark.parametrize("contract", [CONTRACT, None], ids=["contract", "learned"])
def test_only_the_missing_wednesday_is_missing(tmp_path, contract):
    """Weekends and public holidays are closed (by the contract, or learned from the calls:
    Saturdays and Sundays never appear in 5 weeks; no holiday of the span has a call)."""
    path = tmp_path / "w.duckdb"
    build(path, call_days=line_days({GAP}), operator_days=line_days(), contract=contract)
    with connect(path, read_only=True) as con:
        h = data_health(con, as_of="2026-05-26")
    assert h.calendar.source == ("contract" if contract else "learned")
    assert h.calendar.describe().startswith("mon-fri ") and "closed on FR public holidays" in (
        h.calendar.describe())
    assert h.missing_days.to_dict(orient="records") == [
        {"kind": "calls", "source": "acd", "date": GAP}]
    calls = h.sources.set_index("kind").loc["calls"]
    # 25 weekdays - 3 holidays = 22 open days; - 1 gap = 21 days of 3 calls
    assert calls["row_count"] == 63 and calls["missing_days"] == 1
    assert calls["first_day"] == FIRST and calls["last_day"] == LAST
    assert calls["quarantined"] == 2 and calls["top_reason"] == "negative duration"
    assert h.sources.set_index("kind").loc["operator", "status"] == "ok"
    assert h.exit_code == 1
    assert h.problems() == ["calls from 'acd': no data on 1 expected-open day (2026-05-06)"]


def test_operator_days_are_checked_too(tmp_path):
    path = tmp_path / "w.duckdb"
    build(path, call_days=line_days(), operator_days=line_days({D(2026, 4, 21)}))
    with connect(path, read_only=True) as con:
        h = data_health(con, as_of="2026-05-26")
    assert h.missing_days.to_dict(orient="records") == [
        {"kind": "operator", "source": "op", "date": D(2026, 4, 21)}]


@pytest.mark.parametrize("as_of, expected_through, code", [
    # Tue 05-26: the open day before is Fri 05-22 (Sat, Sun, Whit Monday 05-25 closed)
    ("2026-05-26", "2026-05-22", 0),
    ("2026-05-23", "2026-05-22", 0),
    # Wed 05-27: data expected through Tue 05-26, the last day is Fri 05-22: stale
    ("2026-05-27", "2026-05-26", 1),
])
def test_stale_source_gives_exit_code_1(tmp_path, capsys, as_of, expected_through, code):
    path = tmp_path / "w.duckdb"
    build(path, call_days=line_days())
    assert main(["health", "--db", str(path), "--as-of", as_of]) == code
    out = capsys.readouterr().out
    assert f"Data health as of {as_of}" in out
    assert "Calendar: mon-fri 08:00-18:00; sat-sun closed; closed on FR public holidays" in out
    if code:
        assert (f"calls from 'acd' is stale: last day 2026-05-22, data expected through "
                f"{expected_through}") in out
    else:
        assert "OK: every source is fresh and complete." in out


def test_json_is_one_object(tmp_path, capsys):
    path = tmp_path / "w.duckdb"
    build(path, call_days=line_days({GAP}), operator_days=line_days())
    assert main(["health", "--db", str(path), "--as-of", "2026-05-27", "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) == {"as_of", "ok", "calendar", "sources", "missing_days", "quarantine"}
    assert doc["as_of"] == "2026-05-27" and doc["ok"] is False
    assert doc["calendar"]["source"] == "contract"
    assert doc["calendar"]["description"].startswith("mon-fri 08:00-18:00; sat-sun closed")
    assert doc["missing_days"] == [{"kind": "calls", "source": "acd", "date": "2026-05-06"}]
    calls, op = doc["sources"]
    assert calls == {"kind": "calls", "source": "acd", "row_count": 63,
                     "first_day": "2026-04-20", "last_day": "2026-05-22",
                     "last_load_at": "2026-05-23T06:00:00+00:00",
                     "expected_through": "2026-05-26", "stale": True, "missing_days": 1,
                     "quarantined": 2, "top_reason": "negative duration",
                     "status": "stale, missing days"}
    assert op["kind"] == "operator" and op["last_load_at"] is None and op["stale"] is True
    assert doc["quarantine"] == [{"kind": "calls", "source": "acd",
                                  "reason": "negative duration", "row_count": 2, "runs": 1}]


def test_bad_as_of_names_the_option(tmp_path, capsys):
    path = tmp_path / "w.duckdb"
    build(path, call_days=line_days())
    assert main(["health", "--db", str(path), "--as-of", "2026-13-01"]) == 2
    assert "--as-of: date '2026-13-01' is not a date; write it as YYYY-MM-DD" in (
        capsys.readouterr().err)


def test_empty_warehouse_is_healthy_and_says_so(tmp_path):
    path = tmp_path / "w.duckdb"
    connect(path).close()
    with connect(path, read_only=True) as con:
        h = data_health(con, as_of="2026-05-26")
    assert h.sources.empty and h.missing_days.empty and h.exit_code == 0
    assert h.calendar.source == "default"


def test_missing_runs_of_the_bank_shape():
    """Two runs: 2 consecutive days and 31 consecutive days."""
    days = [D(1999, 1, 11), D(1999, 1, 12)] + [D(1999, 8, d) for d in range(1, 32)]
    runs = missing_runs(pd.DataFrame({"kind": "calls", "source": "b", "date": days}))
    assert runs[["first_missing", "last_missing", "days"]].values.tolist() == [
        [D(1999, 1, 11), D(1999, 1, 12), 2], [D(1999, 8, 1), D(1999, 8, 31), 31]]
