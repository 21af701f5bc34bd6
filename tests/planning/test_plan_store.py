"""Stored, versioned plans (analytics.plan_store, copil plan --save/list/show/diff) and the
daily fits cached per warehouse version (analytics.fit_cache)."""

from __future__ import annotations

import json
import shutil
import stat

import numpy as np
import pandas as pd
import pytest

from analytics import fit_cache
from analytics.plan_store import (
    PlanInputs,
    build_plan,
    diff_plans,
    latest_plan,
    list_plans,
    load_plan,
    rerun_plan,
    save_plan,
)
from analytics.planned import planned_intervals
from analytics.warehouse import connect, connection, warehouse_version
from copil.cli import main

#: small enough for the solver to prove its plan optimal in well under a second
INPUTS = PlanInputs(max_advisors=8, time_limit_s=20.0)


@pytest.fixture
def db(small_db, tmp_path):
    """A private copy of the small warehouse (plans are written to it)."""
    path = tmp_path / "plans.duckdb"
    shutil.copy(small_db, path)
    return path


@pytest.fixture(scope="module")
def w47(small_db):
    """The plan of 2026-W47 (the week after the data), built once, not saved."""
    c = connect(small_db, read_only=True)
    try:
        return build_plan(c, "2026-W47", INPUTS, author="test")
    finally:
        c.close()


def test_a_saved_plan_reads_back_as_built(db, w47):
    with connection(db) as con:
        saved = save_plan(con, w47)
    assert saved.plan_id == 1
    with connection(db, read_only=True) as con:
        got = load_plan(con, 1)
        assert got.warehouse_version == warehouse_version(con)
    assert (got.week, got.author, got.inputs) == ("2026-W47", "test", INPUTS)
    # W47 (16-22 November) is in the data: fitted ex ante, on the days before its Monday;
    # the last of them with calls is Friday 13 November (the line is closed at weekends)
    assert got.history_end == pd.Timestamp("2026-11-13").date()
    # 7 days x 24 half hours = 336 intervals (no DST change in W47)
    assert len(got.intervals) == 336 and len(got.daily) == 7
    for col in ("calls", "lo80", "hi95", "aht_s", "agents_c", "agents_a", "required", "planned"):
        np.testing.assert_allclose(got.intervals[col].to_numpy(float),
                                   w47.intervals[col].to_numpy(float), equal_nan=True)
    assert got.intervals["period_start"].dt.tz is not None
    assert got.intervals["period_start"].equals(w47.intervals["period_start"])
    # the planned advisors per interval are the shifts' advisors on duty: the shift plan's
    # paid hours (work only, lunch unpaid) are the planned advisor-hours
    assert got.totals()["planned_hours"] == pytest.approx(got.shifts["paid_hours"].sum())
    assert got.summary == w47.summary
    assert len(got.shifts) == len(w47.shifts) > 0


def test_a_stored_plan_rerun_from_its_inputs_gives_the_same_numbers(db, w47):
    """Acceptance of issue 13: plans are reproducible."""
    with connection(db) as con:
        save_plan(con, w47)
    fit_cache.clear_memory()
    shutil.rmtree(str(db) + ".cache", ignore_errors=True)  # a real refit, not the cache
    with connection(db, read_only=True) as con:
        stored = load_plan(con, 1)
        again = rerun_plan(con, stored)
    assert again.details["week_plan"].daily.source == "fitted"
    np.testing.assert_array_equal(again.daily[["forecast", "lo80", "hi80", "lo95", "hi95"]],
                                  stored.daily[["forecast", "lo80", "hi80", "lo95", "hi95"]])
    for col in ("calls", "lo80", "hi80", "lo95", "hi95", "aht_s", "patience_s", "agents_c",
                "agents_a", "required"):
        np.testing.assert_array_equal(again.intervals[col].to_numpy(float),
                                      stored.intervals[col].to_numpy(float))
    # the solver proves its plan optimal: the same under-cover and paid hours
    assert stored.summary["status"] == again.summary["status"] == "OPTIMAL"
    for key in ("under_advisor_hours", "over_advisor_hours", "paid_hours",
                "required_advisor_hours"):
        assert again.summary[key] == stored.summary[key]


def test_a_rerun_after_a_load_is_refused(db, w47, tmp_path):
    with connection(db) as con:
        save_plan(con, w47)
        con.execute("insert into ingest_runs (run_id, kind, file, sha256, profile, source, "
                    "started_at, status) values (99, 'calls', 'x.csv', 'x', 'p', 's', now(), "
                    "'ok')")  # a new load: a new warehouse version
    with connection(db, read_only=True) as con:
        with pytest.raises(ValueError, match="would not reproduce"):
            rerun_plan(con, load_plan(con, 1))


def test_versions_list_newest_first_and_diff_names_what_changed(db, w47, small_db):
    with connect(small_db, read_only=True) as c:
        fewer = build_plan(c, "2026-W47", PlanInputs(max_advisors=4, time_limit_s=20.0))
    with connection(db) as con:
        save_plan(con, w47)
        save_plan(con, fewer)
    with connection(db, read_only=True) as con:
        listed = list_plans(con)
        assert list(listed["plan_id"]) == [2, 1]
        assert list_plans(con, "2026-W46").empty
        assert latest_plan(con, "2026-w47").plan_id == 2
        d = diff_plans(load_plan(con, 1), load_plan(con, 2))
    assert d.inputs == {"max_advisors": (8, 4)}
    totals = d.totals.set_index("measure")
    assert totals.loc["calls", "diff"] == 0  # the same forecast
    # 4 advisors can do at most 4 x 5 days x 7 h = 140 paid hours
    assert totals.loc["paid_hours", "new"] <= 140
    assert totals.loc["planned_hours", "diff"] < 0
    # the per-interval differences add up to the week's (half hours: 0.5 h each)
    assert d.intervals["planned_diff"].sum() * 0.5 == pytest.approx(
        totals.loc["planned_hours", "diff"])


def test_planned_intervals_read_the_latest_stored_plan(db, w47):
    with connection(db, read_only=True) as con:
        computed = planned_intervals(con, "2026-11-16", "2026-11-17")
    assert set(computed["plan_source"]) == {"computed"} and computed["scheduled"].isna().all()
    with connection(db) as con:
        save_plan(con, w47)
    with connection(db, read_only=True) as con:
        got = planned_intervals(con, "2026-11-16", "2026-11-17")
        refit = planned_intervals(con, "2026-11-16", "2026-11-17", stored=False)
    assert got.attrs["plan_ids"] == {"2026-W47": 1}
    assert set(got["plan_source"]) == {"stored"} and len(got) == 2 * 48
    np.testing.assert_array_equal(got["scheduled"], w47.intervals["planned"][:96])
    np.testing.assert_allclose(got["calls"], computed["calls"])  # same fit, same forecast
    assert set(refit["plan_source"]) == {"computed"}


def test_an_old_warehouse_without_plan_tables(db):
    with connection(db) as con:
        for table in ("plan_versions", "plan_daily", "plan_intervals", "plan_shifts"):
            con.execute(f"drop table {table}")
    with connection(db, read_only=True) as con:  # read-only: no migration, no error
        assert list_plans(con).empty
        assert latest_plan(con, "2026-W47") is None
        assert set(planned_intervals(con, "2026-11-16", "2026-11-16")["plan_source"]) == {
            "computed"}
    with connection(db) as con:  # the next write brings the schema up to date
        assert list_plans(con).empty


def test_cli_save_list_show_diff(db, capsys):
    base = ["--db", str(db), "--format", "json"]
    assert main(["plan", "--week", "2026-W47", "--save", "--max-advisors", "8", *base]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["plan_id"] == 1
    assert main(["plan", "--week", "2026-W47", "--save", "--max-advisors", "6", *base]) == 0
    capsys.readouterr()
    assert main(["plan", "list", *base]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["plan_id"] for r in rows] == [2, 1] and rows[0]["week"] == "2026-W47"
    assert main(["plan", "show", "1", *base]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["inputs"]["max_advisors"] == 8 and len(shown["intervals"]) == 336
    assert main(["plan", "diff", "1", "2", *base]) == 0
    assert json.loads(capsys.readouterr().out)["inputs"] == {"max_advisors": [8, 6]}
    assert main(["plan", "show", "7", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "no stored plan 7" in err
    assert main(["plan", "show", "--db", str(db)]) == 2
    assert "takes 1 plan id(s) (got 0)" in capsys.readouterr().err


# ------------------------------------------------------------------------------ fit cache
def test_the_fit_is_cached_in_memory_and_beside_the_warehouse(db):
    fit_cache.clear_memory()
    with connection(db, read_only=True) as con:
        hist = pd.Series([100.0 + (i % 7) * 10 for i in range(84)],
                         index=pd.date_range("2026-08-03", periods=84, name="date"))
        first = fit_cache.daily_fit(con, hist, horizon=10)
        second = fit_cache.daily_fit(con, hist, horizon=10)
        fit_cache.clear_memory()
        third = fit_cache.daily_fit(con, hist, horizon=10)
        other = fit_cache.daily_fit(con, hist, horizon=11)
    assert [first.source, second.source, third.source, other.source] == [
        "fitted", "memory", "disk", "fitted"]
    pd.testing.assert_frame_equal(first.forecast, third.forecast)
    assert len(other.forecast) == 11
    folder = db.with_name(db.name + ".cache")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    files = sorted(folder.glob("fit-*.parquet"))
    assert len(files) == 2 and all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    # a load changes the warehouse version: the fit is made again, the old ones deleted
    with connection(db) as con:
        con.execute("insert into ingest_runs (run_id, kind, file, sha256, profile, source, "
                    "started_at, status) values (99, 'calls', 'x.csv', 'x', 'p', 's', now(), "
                    "'ok')")
    with connection(db, read_only=True) as con:
        after = fit_cache.daily_fit(con, hist, horizon=10)
    assert after.source == "fitted"
    assert len(list(folder.glob("fit-*.parquet"))) == 1


def test_a_tampered_cache_file_is_not_trusted(db):
    fit_cache.clear_memory()
    hist = pd.Series(np.arange(84, dtype=float) + 50,
                     index=pd.date_range("2026-08-03", periods=84, name="date"))
    with connection(db, read_only=True) as con:
        fit_cache.daily_fit(con, hist, horizon=7)
    folder = db.with_name(db.name + ".cache")
    (path,) = folder.glob("fit-*.parquet")
    path.write_bytes(b"not parquet")
    fit_cache.clear_memory()
    with connection(db, read_only=True) as con:
        again = fit_cache.daily_fit(con, hist, horizon=7)
    assert again.source == "fitted" and len(again.forecast) == 7
