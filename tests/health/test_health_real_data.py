"""``copil health`` on the demo line and on the real 1999 bank log.

Demo: the generator opens Monday-Friday and closes on French public holidays
(demo/demo.yaml: ``opening.saturday: null``) and the demo contract (demo/contract.yaml)
says so, so no weekend day and no holiday may be missing, and no call day at all is. The
operator file has
``operator.missing_days: 2`` whole days left out on purpose (real gaps, on open weekdays).

Bank: no contract, so the calendar is learned from the calls (every weekday open; IL
holidays open: the IVR takes calls every day). The real gaps between 1999-01-01 and
1999-10-31 are August (no monthly file) and January 11-12 (no records at the source; the
third-party year aggregate aux/daily_counts_1999.csv has none either).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import holidays
import pytest

from copil.cli import main

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = ROOT / "demo" / "contract.yaml"
BANK_DIR = next((p / "shared" / "data" / "anonymous_bank_1999"
                 for p in Path(__file__).resolve().parents
                 if (p / "shared" / "data" / "anonymous_bank_1999" / "calls.csv.gz").is_file()),
                None)


def _health_json(capsys, db: Path, *extra: str) -> tuple[int, dict]:
    capsys.readouterr()
    code = main(["health", "--db", str(db), "--format", "json", *extra])
    return code, json.loads(capsys.readouterr().out)


def _check_demo(doc: dict) -> None:
    missing = [(r["kind"], dt.date.fromisoformat(r["date"])) for r in doc["missing_days"]]
    days = [d for _, d in missing]
    fr = holidays.France(years=range(min(days).year, max(days).year + 1)) if days else {}
    assert not [d for d in days if d.weekday() == 6], "a Sunday reported missing"
    assert not [d for d in days if d in fr], "a public holiday reported missing"
    assert "sat closed" in doc["calendar"]["description"].replace("sat-sun", "sat closed")
    assert [d for k, d in missing if k == "calls"] == []
    planted = [d for k, d in missing if k == "operator"]
    assert len(planted) <= 2 and all(d.weekday() < 5 for d in planted)


def test_demo_span_lists_no_weekend_and_no_holiday(tmp_path, capsys, monkeypatch):
    """Ten weeks around Easter Monday, May 1, May 8, Ascension and Whit Monday 2026."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("COPIL_CALLER_KEY", "health-test-key-not-secret-padded-to-32-bytes")
    files, db = tmp_path / "files", tmp_path / "demo.duckdb"
    assert main(["generate", "--out", str(files), "--start", "2026-03-30",
                 "--end", "2026-06-07", "--quiet"]) == 0
    assert main(["contract", "set", str(CONTRACT), "--db", str(db)]) == 0
    for kind, name in (("calls", "calls.csv.gz"), ("operator", "operator_counts.csv"),
                       ("callbacks", "callbacks.csv")):
        assert main(["ingest", kind, str(files / name), "--db", str(db)]) == 0
    code, doc = _health_json(capsys, db, "--as-of", "2026-06-08")
    _check_demo(doc)
    first = {r["kind"]: r["first_day"] for r in doc["sources"]}
    assert first["calls"] == "2026-03-30"
    assert code == (0 if doc["ok"] else 1)


@pytest.mark.slow
def test_copil_demo_warehouse_lists_no_weekend_and_no_holiday(tmp_path, capsys, monkeypatch):
    """The full ``copil demo`` warehouse (two years; about 20 s to build)."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("COPIL_CALLER_KEY", "health-test-key-not-secret-padded-to-32-bytes")
    db = tmp_path / "demo.duckdb"
    assert main(["demo", "--no-serve", "--db", str(db), "--files", str(tmp_path / "f")]) == 0
    _code, doc = _health_json(capsys, db)
    _check_demo(doc)


@pytest.mark.skipif(BANK_DIR is None, reason="the shared 1999 bank log is not on this machine")
def test_bank_missing_days_are_its_real_gaps(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COPIL_CALLER_KEY", "health-test-key-not-secret-padded-to-32-bytes")
    db = tmp_path / "bank.duckdb"
    assert main(["ingest", "calls", str(BANK_DIR / "calls.csv.gz"), "--profile",
                 "anonymous-bank", "--db", str(db)]) == 0
    code, doc = _health_json(capsys, db, "--as-of", "1999-11-01")
    assert code == 1
    assert doc["calendar"]["source"] == "learned"
    missing = {dt.date.fromisoformat(r["date"]) for r in doc["missing_days"]}
    # the independent aggregate: days of Jan-Oct 1999 without records at the source
    with open(BANK_DIR / "aux" / "daily_counts_1999.csv", newline="") as f:
        empty = {dt.date.fromisoformat(r["date"]) for r in csv.DictReader(f)
                 if r["date"] <= "1999-10-31" and not int(r["all_records"] or 0)}
    assert empty == {dt.date(1999, 1, 11), dt.date(1999, 1, 12)}
    august = {dt.date(1999, 8, d) for d in range(1, 32)}          # no monthly file
    assert missing == empty | august                                # 2 + 31 = 33 days
    (calls,) = doc["sources"]
    assert (calls["first_day"], calls["last_day"], calls["stale"]) == (
        "1999-01-01", "1999-10-31", False)
