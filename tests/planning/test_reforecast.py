"""``copil reforecast`` and :func:`analytics.reforecast.reforecast_day` on the small demo."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from analytics.reforecast import reforecast_day
from copil.cli import main


def test_cli_json_shape(small_db, capsys):
    code = main(["reforecast", "--db", str(small_db), "--as-of", "2026-11-19 11:10",
                 "--format", "json"])
    assert code == 0
    rows = json.loads(capsys.readouterr().out)
    # the seven columns first, then the planned and revised AHT (s) added by the
    # handle-time shrinkage (issue 13 part 2)
    assert rows and list(rows[0]) == ["period_start", "forecast", "reforecast", "lo80",
                                      "hi80", "lo95", "hi95", "aht_s", "reaht_s"]
    starts = pd.to_datetime([r["period_start"] for r in rows])
    # the remaining intervals of Thursday 19 November, from the one holding 11:10
    assert starts[0] == pd.Timestamp("2026-11-19 11:00")
    assert (starts.normalize() == pd.Timestamp("2026-11-19")).all()
    for r in rows:
        assert r["lo95"] <= r["lo80"] <= r["reforecast"] <= r["hi80"] <= r["hi95"]


def test_uses_only_calls_before_as_of(con, w43_plan):
    # 2026-10-21 11:00: N is the day's offered calls in intervals before 11:00, and the
    # factor is (a + N) / (a + Lambda) with Lambda the plan's forecast over those intervals
    rf = reforecast_day(con, "2026-10-21 11:00", plan=w43_plan)
    iv = w43_plan.offered_intervals
    day = iv[(iv["period_start"] >= pd.Timestamp("2026-10-21"))
             & (iv["period_start"] < pd.Timestamp("2026-10-21 11:00"))]
    assert rf.calls_so_far == day["offered"].sum() > 0
    assert rf.factor == pytest.approx((rf.a + rf.calls_so_far) / (rf.a + rf.expected_so_far))
    fc = w43_plan.forecast()
    wall = fc["period_start"].dt.tz_localize(None)
    rest = fc[(wall >= pd.Timestamp("2026-10-21 11:00"))
              & (wall < pd.Timestamp("2026-10-22"))]
    assert rf.table["forecast"].sum() == pytest.approx(rest["calls"].sum())
    assert rf.table["reforecast"].sum() == pytest.approx(rest["calls"].sum() * rf.factor)


def test_as_of_outside_the_data_names_the_range(small_db, capsys):
    code = main(["reforecast", "--db", str(small_db), "--as-of", "2027-01-05 11:00"])
    assert code == 2
    err = capsys.readouterr().err
    assert "outside the data" in err and "2026-08-03" in err and "2026-11-2" in err


def test_handle_time_revised_by_the_day_factor(con, w43_plan):
    # the revised AHT is the plan's AHT times (b + n H / E) / (b + n), n answered calls
    # before 11:00 with handle H where the plan's AHT expected E = sum(n_i * aht_i)
    rf = reforecast_day(con, "2026-10-21 11:00", plan=w43_plan)
    obs = rf.observed
    assert rf.answered_so_far == obs["answered"].sum() > 0
    assert rf.planned_handle_so_far_s == pytest.approx((obs["answered"] * obs["aht_s"]).sum())
    ratio = rf.handle_so_far_s / rf.planned_handle_so_far_s
    b = rf.b_aht
    expected = 1.0 if not np.isfinite(b) else (b + rf.answered_so_far * ratio) / (
        b + rf.answered_so_far)
    assert rf.aht_factor == pytest.approx(expected)
    np.testing.assert_allclose(rf.table["reaht_s"], rf.table["aht_s"] * rf.aht_factor)
    fc = w43_plan.forecast()
    wall = fc["period_start"].dt.tz_localize(None)
    plan_aht = fc.assign(p=wall).groupby("p")["aht_s"].first()    # one autumn-hour bucket
    np.testing.assert_allclose(rf.table["aht_s"], rf.table["period_start"].map(plan_aht))


def test_interval_handling_is_the_kpis_answered_and_aht(con):
    # per interval of 21 October: answered calls = the KPI's answered and handle / answered
    # = the KPI's aht_s (glossary: mean talk + hold + wrap of answered calls)
    from analytics.kpis import kpis
    from analytics.series import interval_handling

    h = interval_handling(con, "2026-10-21", "2026-10-21", 30)
    assert (h["period_start"].dt.normalize() == pd.Timestamp("2026-10-21")).all()
    k = kpis(con, period="interval", interval_minutes=30, start="2026-10-21",
             end="2026-10-21").set_index("period_start")
    k = k.loc[h["period_start"].dt.strftime("%Y-%m-%dT%H:%M")]
    np.testing.assert_array_equal(h["answered"], k["answered"])
    np.testing.assert_allclose(h["handle_total_s"] / h["answered"], k["aht_s"], rtol=1e-9)
    assert h["answered"].sum() == kpis(con, period="day", start="2026-10-21",
                                       end="2026-10-21")["answered"].sum() > 0
