"""The demo package: shipped configuration and contract, the line's calendar from
forecasting.calendar, byte-identical output, and demo accounts kept beside the demo warehouse."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat
from pathlib import Path

import pandas as pd
import pytest
import yaml

from analytics.contract import DAYS, parse_contract
from copil.cli import main
from dashboards import auth
from demo import generate, load_config
from demo.calendar import calendar_days, weekly_opening
from demo.config import default_config_text
from demo.warehouse import contract_text, demo_users_path
from forecasting.calendar import holiday_dates

REPO = Path(__file__).resolve().parents[2]


def _hhmm(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


# ---- configuration and contract as package data --------------------------------------

def test_config_is_package_data_found_from_any_directory(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)        # no repository-relative path may be needed
    cfg = load_config()
    assert cfg["seed"] == 20261122 and cfg["timezone"] == "Europe/Paris"
    assert not (REPO / "data" / "demo.yaml").exists()   # one copy: demo/demo.yaml
    assert main(["generate", "--print-config"]) == 0
    assert yaml.safe_load(capsys.readouterr().out) == cfg == yaml.safe_load(default_config_text())


def test_a_relative_calendar_file_is_found_beside_the_config(tmp_path, monkeypatch):
    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg" / "calendar.csv").write_text(
        (REPO / "data" / "campaigns.example.csv").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "cfg" / "my.yaml").write_text("campaigns: {calendar_file: calendar.csv}\n",
                                               encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    cfg = load_config(Path("cfg") / "my.yaml")
    assert cfg["campaigns"]["calendar_file"] == str(Path("cfg") / "calendar.csv")
    (tmp_path / "cfg" / "my.yaml").write_text("campaigns: {calendar_file: nope.csv}\n",
                                               encoding="utf-8")
    with pytest.raises(FileNotFoundError, match="nope.csv: campaign calendar not found"):
        load_config(Path("cfg") / "my.yaml")


def test_demo_contract_opening_hours_are_the_generators():
    contract = parse_contract(contract_text(), "demo/contract.yaml")
    week = weekly_opening(load_config())
    assert week[:5] == ((9 * 3600, 18 * 3600),) * 5 and week[5:] == (None, None)
    for day, hours in zip(DAYS, week, strict=True):
        expected = () if hours is None else ((_hhmm(hours[0]), _hhmm(hours[1])),)
        assert contract.opening_hours[day] == expected, day
    assert contract.timezone == load_config()["timezone"]


def test_contract_calendar_finds_no_missing_day_in_the_demo(demo):
    """Expected-open days by the contract's hours and French public holidays are exactly the
    days with calls: a data-health check on this contract lists no false missing day."""
    contract = parse_contract(contract_text())
    days = pd.date_range(demo.summary["start"], demo.summary["end"], freq="D")
    holidays = set(holiday_dates("FR", days))
    expected_open = {d.date().isoformat() for d in days
                     if contract.opening_hours[DAYS[d.day_of_week]] and d not in holidays}
    offered = demo.calls[demo.calls["outcome"] != "ivr"]
    assert set(offered["arrived_at"].str[:10]) == expected_open
    local = offered["arrived_at"].str[11:16]
    assert (local >= "09:00").all() and (local < "18:00").all()


# ---- the line's calendar ---------------------------------------------------------------

def test_line_calendar_holidays_school_zones_and_opening():
    cfg = load_config()
    cal = calendar_days(dt.date(2026, 2, 6), dt.date(2026, 5, 31), cfg)
    # winter school holidays 2026: zone A 7-22 Feb, zone B 14 Feb-1 Mar, zone C 21 Feb-8 Mar
    zones = cal["school_zones"]
    assert (zones[dt.date(2026, 2, 6)], zones[dt.date(2026, 2, 9)], zones[dt.date(2026, 2, 16)],
            zones[dt.date(2026, 2, 21)], zones[dt.date(2026, 2, 23)],
            zones[dt.date(2026, 3, 2)], zones[dt.date(2026, 3, 9)]) == (0, 1, 2, 3, 2, 1, 0)
    assert cal.at[dt.date(2026, 5, 14), "holiday"] == "Ascension"
    assert not cal.at[dt.date(2026, 5, 14), "open"]
    assert cal.at[dt.date(2026, 5, 15), "holiday"] == "" and cal.at[dt.date(2026, 5, 15), "open"]
    assert not cal.at[dt.date(2026, 5, 16), "open"] and not cal.at[dt.date(2026, 5, 17), "open"]
    sat = calendar_days(dt.date(2026, 5, 16), dt.date(2026, 5, 17),
                        load_config({"opening": {"saturday": ["09:00", "12:00"]}}))
    assert sat["open"].tolist() == [True, False]
    open_holidays = calendar_days(dt.date(2026, 5, 14), dt.date(2026, 5, 14),
                                  load_config({"opening": {"closed_public_holidays": False}}))
    assert open_holidays["open"].tolist() == [True]


# ---- byte-identical output -------------------------------------------------------------

# SHA-256 of the files written by the generator before it moved out of analytics/
# (analytics.demo.generate, seed 4242, 2026-01-05 .. 2026-04-19, default config).
BEFORE_MOVE = {
    "callbacks.csv": "92d04ee456058bbd2f350a7fecad91ae4553d5522a1fecc6a1872dc6994d561d",
    "calls.csv.gz": "648ecab07690e0bcccc5d3d8d8684176a85b7787dda97a1a516513ec2484ff6a",
    "campaigns.csv": "15b2ed39086c9963929b8b07d063690fa8e78e209e2dfdb56752391d03c43a4c",
    "operator_counts.csv": "25a14d88dfebf59cbecdcd90bd53fcb17bf53573da85404550c29cf2ce90d385",
    "staffing.csv": "2aa30871539448010510a38e9a1e3b0ac5e1a5fbc40a260fa7a695522ab9f590",
    "truth.json": "e8d6660e6000e454789e973bf5036efd9d52bb035643070889b1d06e4fbf309f",
}


def test_same_seed_gives_the_files_written_before_the_move(tmp_path):
    files = generate(None, tmp_path, seed=4242, start="2026-01-05", end="2026-04-19")["files"]
    got = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files.values()}
    assert got == BEFORE_MOVE


# ---- demo accounts ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo_files(tmp_path_factory) -> Path:
    """Two weeks of demo files, reused by copil demo (no seed given)."""
    out = tmp_path_factory.mktemp("demo-files")
    generate(None, out, seed=3, start="2026-03-02", end="2026-03-15")
    return out


def test_demo_accounts_live_beside_the_demo_warehouse(tmp_path, monkeypatch, capsys, demo_files):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COPIL_USERS", raising=False)
    default_users = tmp_path / ".copil" / "users.json"       # what copil serve uses
    auth.add_user(default_users, "admin", "client", "my own password")
    before = default_users.read_bytes()
    db = tmp_path / "data" / "demo.duckdb"
    assert main(["demo", "--no-serve", "--db", str(db), "--files", str(demo_files)]) == 0
    assert default_users.read_bytes() == before                # untouched
    assert auth.check_user(default_users, "admin", "my own password") == "client"
    users = demo_users_path(db)
    assert users == tmp_path / "data" / "demo.users.json"
    assert stat.S_IMODE(os.stat(users).st_mode) == 0o600
    assert auth.list_users(users) == [("admin", "admin"), ("client", "client"),
                                      ("planner", "planner"), ("provider", "provider")]
    for name in ("admin", "client", "planner", "provider"):
        assert auth.check_user(users, name, f"{name}-demo-only") == name
    out = capsys.readouterr().out
    assert f"kept in {users}" in out and "admin-demo-only" in out
    assert f"copil serve --db {db} --users {users}" in out


def test_demo_never_changes_an_existing_demo_account_and_serves_with_its_file(
        tmp_path, monkeypatch, capsys, demo_files):
    db = tmp_path / "demo.duckdb"
    users = demo_users_path(db)
    auth.add_user(users, "admin", "admin", "changed by me")
    hash_before = json.loads(users.read_text())["users"]["admin"]
    served = {}
    monkeypatch.setattr("dashboards.app.serve",
                        lambda path, **kw: served.update(path=path, **kw))
    assert main(["demo", "--db", str(db), "--files", str(demo_files), "--port", "8123"]) == 0
    assert served["path"] == db and served["users_path"] == users and served["port"] == 8123
    assert json.loads(users.read_text())["users"]["admin"] == hash_before
    assert auth.check_user(users, "admin", "changed by me") == "admin"
    assert auth.check_user(users, "client", "client-demo-only") == "client"
    out = capsys.readouterr().out
    assert "admin-demo-only" not in out and "(yours, unchanged)" in out
