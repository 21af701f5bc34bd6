"""The staging model ``stg_calls``: one home for the per-call rules, one number everywhere.

Hand-made call logs go through the real ingestion (canonical CSV) into a warehouse whose
contract sets ``short_abandon_s: 5``; the KPI engine, the forecast series, the planner and
the staffing check must then give the same, hand-computed, figures.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from importlib import resources

import numpy as np
import pandas as pd
import pytest

from analytics import planning, series
from analytics.contract import (
    SERVICE_LEVEL_VARIANTS,
    default_contract,
    parse_contract,
    store_contract,
)
from analytics.ingest import ingest_file
from analytics.kpis import kpis, local_offset_case
from analytics.warehouse import connect

HEADER = "call_id,queue,arrived_at,outcome,wait_s,talk_s,transfer_to\n"
MONDAY = dt.date(2026, 1, 5)         # ISO 2026-W02; ten Monday-Friday weeks to 2026-W11
WEEKS = 10


def _day_rows(day: dt.date, week: int) -> list[str]:
    """One open day: 5 + weekday + (week % 2) answered calls (wait 10 s), five abandons
    (waits 3, 3, 5 = short under ``short_abandon_s: 5``, the bound included; 6 and 40 are
    not), one overflow (60 s) and one IVR call. Offered with short abandons out:
    answered + 2 abandoned + 1 overflow = 8 + weekday + (week % 2) calls."""
    rows = [("answered", 10, 120)] * (5 + day.weekday() + week % 2)
    rows += [("abandoned", w, None) for w in (3, 3, 5, 6, 40)]
    rows += [("overflow", 60, None), ("ivr", None, None)]
    out = []
    for i, (outcome, wait, talk) in enumerate(rows):
        at = dt.datetime.combine(day, dt.time(9)) + dt.timedelta(minutes=7 * i)
        out.append(f"{day:%Y%m%d}-{i},Q1,{at:%Y-%m-%d %H:%M:%S},{outcome},"
                   f"{'' if wait is None else wait},{'' if talk is None else talk},")
    return out


def _hand_offered() -> pd.Series:
    """Hand-computed offered calls per open day: 8 + weekday + (week % 2)."""
    days = {MONDAY + dt.timedelta(weeks=w, days=d): 8 + d + w % 2
            for w in range(WEEKS) for d in range(5)}
    return pd.Series(days, dtype=float).sort_index()


@pytest.fixture(scope="module")
def line_db(tmp_path_factory):
    root = tmp_path_factory.mktemp("staging")
    rows = [r for w in range(WEEKS) for d in range(5)
            for r in _day_rows(MONDAY + dt.timedelta(weeks=w, days=d), w)]
    path = root / "calls.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    db = root / "line.duckdb"
    con = connect(db)
    try:
        store_contract(con, "timezone: Europe/Paris\nshort_abandon_s: 5\n")
        summary = ingest_file(con, "calls", path)
        assert summary.rows_loaded == len(rows)
    finally:
        con.close()
    return db


@pytest.fixture
def con(line_db):
    c = connect(line_db, read_only=True)          # the staging macros exist read-only too
    yield c
    c.close()


def _by_day(frame: pd.DataFrame, column: str) -> pd.Series:
    keys = pd.to_datetime(frame["period_start"]).dt.tz_localize(None).dt.date
    return frame.groupby(keys)[column].sum().astype(float)


def test_offered_is_one_number_for_kpis_forecast_history_and_plan(con, line_db, tmp_path,
                                                                   monkeypatch, capsys):
    want = _hand_offered()
    # KPI offered per day (the warehouse's contract: short_abandon_s 5); weekends are 0
    k = kpis(con, period="day")
    k = k[k.offered > 0].set_index("period_start")["offered"].astype(float)
    pd.testing.assert_series_equal(k, want, check_names=False, check_index_type=False)
    # without the contract's short abandons, every day would have 3 more (waits 3, 3, 5)
    k0 = kpis(con, period="day", contract=default_contract("Europe/Paris"))
    assert (k0[k0.offered > 0].offered.to_numpy() == want.to_numpy() + 3).all()
    # the forecast's history (analytics.series), daily and per interval
    hist = series.daily_offered_series(con)
    np.testing.assert_array_equal(hist.index.date, want.index)
    np.testing.assert_array_equal(hist.to_numpy(), want.to_numpy())
    iv = series.interval_offered_series(con, 30)
    per_day = iv.groupby(pd.to_datetime(iv.index).date).sum()
    np.testing.assert_array_equal(per_day.to_numpy(), want.to_numpy())

    # the planner: the daily series its model is fitted on, and the actuals beside the forecast
    import forecasting

    fitted = []

    class Spy(forecasting.DailyVolumeModel):
        def __init__(self, calls, *args, **kwargs):
            fitted.append(calls.copy())
            super().__init__(calls, *args, **kwargs)

    monkeypatch.setattr(forecasting, "DailyVolumeModel", Spy)
    from analytics.week_plan import plan_week

    fc = plan_week(con, "2026-W11").forecast()
    before = want[want.index < dt.date(2026, 3, 9)]
    np.testing.assert_array_equal(fitted[0].index.date, before.index)
    np.testing.assert_array_equal(fitted[0].to_numpy(float), before.to_numpy())
    week = want[want.index >= dt.date(2026, 3, 9)]               # Mon 9 .. Fri 13 March
    actual = _by_day(fc, "actual")
    np.testing.assert_array_equal(actual[actual > 0].to_numpy(), week.to_numpy())
    assert week.tolist() == [9.0, 10.0, 11.0, 12.0, 13.0]        # 8 + weekday + (9 % 2)

    # `copil plan --db` writes the same actuals beside its forecast
    from copil.cli import main

    out = tmp_path / "plan.csv"
    assert main(["plan", "--db", str(line_db), "--week", "2026-W11", "--time-limit-s", "2",
                 "--max-advisors", "6", "--out", str(out), "--format", "json"]) == 0
    capsys.readouterr()
    plan = pd.read_csv(out)
    got = _by_day(plan, "actual")
    np.testing.assert_array_equal(got[got > 0].to_numpy(), week.to_numpy())


# One 30-minute interval, Monday 2 March 2026 10:00-10:30 Paris, short_abandon_s 5:
#   answered  waits 5, 10, 15, 25, 40, 90   -> 6 answered, 3 within 20 s
#   abandoned waits 2, 4 (short), 8, 30, 70 -> 3 abandoned, 2 short abandons
#   overflow  waits 100, 120, 150, 200      -> 4 overflow
#   ivr       1 (not offered)
#   offered = 6 + 3 + 4 = 13
SL_LOG = ([("answered", w) for w in (5, 10, 15, 25, 40, 90)]
          + [("abandoned", w) for w in (2, 4, 8, 30, 70)]
          + [("overflow", w) for w in (100, 120, 150, 200)] + [("ivr", None)])
SL_20 = {
    "default": 3 / 11,         # 3 / (6 answered + 3 abandoned + 2 short abandons)
    "exclude_short": 3 / 9,    # 3 / (6 + 3)
    "answered_only": 3 / 6,    # 3 / 6
    "offered": 3 / 13,         # 3 / (6 + 3 + 4 overflow)
}


@pytest.fixture(scope="module")
def sl_db(tmp_path_factory):
    root = tmp_path_factory.mktemp("sl")
    lines = [f"s{i},Q1,2026-03-02 10:{i:02d}:00,{o},{'' if w is None else w},"
             f"{'60' if o == 'answered' else ''}," for i, (o, w) in enumerate(SL_LOG)]
    path = root / "calls.csv"
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    staff = root / "staffing.csv"
    staff.write_text("interval_start,interval_minutes,queue,advisors\n"
                     "2026-03-02 10:00:00,30,*,3\n", encoding="utf-8")
    db = root / "sl.duckdb"
    con = connect(db)
    try:
        store_contract(con, "timezone: Europe/Paris\nshort_abandon_s: 5\n")
        ingest_file(con, "calls", path)
        ingest_file(con, "staffing", staff)
    finally:
        con.close()
    return db


def _contract(variant: str):
    return parse_contract(f"timezone: Europe/Paris\nshort_abandon_s: 5\n"
                          f"service_level: {{variant: {variant}}}\n")


@pytest.mark.parametrize("variant", SERVICE_LEVEL_VARIANTS)
def test_each_service_level_variant_in_kpis_and_staffing_check(sl_db, variant):
    assert set(SL_20) == set(SERVICE_LEVEL_VARIANTS)
    con = connect(sl_db, read_only=True)
    try:
        c = _contract(variant)
        r = kpis(con, period="day", contract=c).iloc[0]
        assert (r.offered, r.answered, r.abandoned, r.short_abandoned, r.overflow) == (
            13, 6, 3, 2, 4)
        assert r.service_level_20s == pytest.approx(SL_20[variant], abs=1e-15)
        iv = planning.staffing_vs_requirement(con, "2026-03-02", "2026-03-02", contract=c)
        assert len(iv) == 1 and iv.answer_s.iloc[0] == 20.0
        assert iv.observed_service_level.iloc[0] == pytest.approx(SL_20[variant], abs=1e-15)
        weekly = planning.staffing_vs_requirement_weekly(iv)
        assert weekly.observed_service_level.iloc[0] == pytest.approx(SL_20[variant], abs=1e-15)
    finally:
        con.close()


def test_patience_counts_overflow_waits_as_exposure(sl_db):
    # offered waits: answered 5+10+15+25+40+90 = 185, abandoned 8+30+70 = 108, overflow
    # 100+120+150+200 = 570 -> 863 s over 3 abandoned calls (short abandons out of both)
    want = 863 / 3
    con = connect(sl_db, read_only=True)
    try:
        r = kpis(con, period="day").iloc[0]
        assert r.patience_mean_s == pytest.approx(want, rel=1e-15)
        prof = planning.interval_profile(con, weeks=1, until="2026-03-03")
        assert prof.attrs["patience_mean_s"] == pytest.approx(want, rel=1e-15)
        slot = prof[(prof.weekday == 0) & (prof.slot == 600)].iloc[0]
        assert (slot.offered, slot.answered, slot.abandoned) == (13, 6, 3)
        assert slot.slot_patience_mean_s == pytest.approx(want, rel=1e-15)
    finally:
        con.close()


@pytest.mark.parametrize("header, cells, stored, rate", [
    # the file has the column, nobody transferred: '' stored, rate 0 of 3 answered
    ("call_id,queue,arrived_at,outcome,wait_s,talk_s,transfer_to", ["", "", ""], "", 0.0),
    # one of 3 answered calls transferred
    ("call_id,queue,arrived_at,outcome,wait_s,talk_s,transfer_to", ["expert", "", ""], "", 1 / 3),
    # no transfer field in the file (as the 1999 bank log): unknown, not zero
    ("call_id,queue,arrived_at,outcome,wait_s,talk_s", None, None, None),
])
def test_transfer_rate_is_unknown_without_a_transfer_field(tmp_path, header, cells, stored,
                                                           rate):
    lines = [f"t{i},Q1,2026-03-02 10:0{i}:00,answered,10,60" + ("" if cells is None
                                                               else f",{cells[i]}")
             for i in range(3)]
    lines.append("t9,Q1,2026-03-02 10:09:00,abandoned,30,," if cells is not None
                 else "t9,Q1,2026-03-02 10:09:00,abandoned,30,")
    path = tmp_path / "calls.csv"
    path.write_text(header + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    con = connect(tmp_path / "w.duckdb")
    try:
        ingest_file(con, "calls", path)
        values = {v for (v,) in con.execute(
            "select transfer_to from calls where transfer_to is distinct from 'expert'").fetchall()}
        assert values == {stored}
        r = kpis(con, period="day").iloc[0]
        if rate is None:
            assert math.isnan(r.transfer_rate)
        else:
            assert r.transfer_rate == pytest.approx(rate, abs=1e-15)
    finally:
        con.close()


@pytest.mark.parametrize("tz", ["Europe/Paris", "Australia/Lord_Howe", "Asia/Kathmandu"])
def test_kpi_offset_local_time_equals_the_staged_local_ts(tmp_path, tz):
    """The KPI query's per-zone offset segments give exactly the staged local_ts."""
    con = connect(tmp_path / "w.duckdb")
    try:
        con.execute(
            "insert into calls (source, call_id, queue, arrived_at, outcome, run_id) "
            "select 't', i::varchar, 'Q', timestamptz '2025-01-01 00:00:00+00' "
            "+ to_seconds(i * 7919), 'ivr', 0 from range(5000) t(i)")  # ~15 months, both DSTs
        expr, params = local_offset_case(con, tz, dt.datetime(2024, 12, 29),
                                         dt.datetime(2026, 4, 30))
        bad = con.execute(
            f"select count(*) from stg_calls($tz, 0) "
            f"where epoch_us(arrived_at) + {expr} <> epoch_us(local_ts)",
            params | {"tz": tz}).fetchall()[0][0]
        assert bad == 0
    finally:
        con.close()


SQL_DIR = resources.files("analytics").joinpath("sql")
# per-call rules that only the staging model may spell out
RULES = {
    "offered outcome list": re.compile(r"'answered',\s*'abandoned',\s*'overflow'"),
    "short abandon": re.compile(r"<=\s*\$?short_s"),
    "handle time": re.compile(r"talk_s\s*\+\s*coalesce\(\s*hold_s"),
    "transferred": re.compile(r"transfer_to\s*<>"),
    "service-level denominator": re.compile(r"when\s+'answered_only'"),
}


def test_no_sql_file_but_the_staging_model_derives_the_call_rules():
    files = sorted(p for p in SQL_DIR.iterdir() if p.name.endswith(".sql"))
    assert len(files) > 10
    found = {(p.name, rule) for p in files for rule, rx in RULES.items()
             if rx.search(p.read_text(encoding="utf-8"))}
    assert found == {("stg_calls.sql", rule) for rule in RULES}
    # and the readers that count calls do read the staging model
    for name in ("kpi_periods", "daily_offered", "interval_offered", "interval_handling_profile",
                 "staffed_intervals", "source_days", "calls_per_day", "call_days_by_slot"):
        text = SQL_DIR.joinpath(f"{name}.sql").read_text(encoding="utf-8")
        assert "stg_calls(" in text and not re.search(r"\bfrom\s+calls\b", text), name


def test_answered_only_contract_is_staffed_on_the_answered_basis(con):
    from analytics.week_plan import plan_week

    target = "targets:\n  - {metric: service_level_20s, comparison: '>=', threshold: 0.9}\n"
    plans = {}
    for variant in ("default", "answered_only"):
        c = parse_contract(f"timezone: Europe/Paris\nshort_abandon_s: 5\n"
                           f"service_level: {{variant: {variant}}}\n{target}")
        assert planning.staffing_targets(c)["service_level_basis"] == (
            "answered" if variant == "answered_only" else "offered")
        plans[variant] = plan_week(con, "2026-W11", contract=c).requirements("erlang_a")
    ans, off = plans["answered_only"], plans["default"]
    busy = off["calls"] > 0
    # Erlang A's service level among answered calls meets 0.9 where staffed on that basis
    assert (ans.loc[busy, "service_level_answered"] >= 0.9 - 1e-12).all()
    assert (ans["agents"] <= off["agents"]).all() and (ans["agents"] < off["agents"]).any()
