"""The day so far, its projected end and the net staffing (:mod:`analytics.intraday`,
``copil intraday``) on the small demo, and their arithmetic on hand-computed cases."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from analytics.intraday import combine_day, implied_attendance, intraday_day, scheduling_sums
from analytics.kpis import kpis
from analytics.planned import planned_intervals
from analytics.planning import evaluate_fractional
from copil.cli import main

AS_OF = "2026-11-19 12:10"     # a Thursday of the small demo, with staffing data


# ------------------------------------------------------------------------------ pure maths
def test_combine_day_hand_computed():
    so_far = {"offered": 100, "answered": 90, "abandoned": 10, "within": 80.0,
              "sl_calls": 100.0, "asa_s": 20.0}
    rest = pd.DataFrame({"calls": [50.0, 50.0], "pickup_rate": [0.9, 0.8],
                         "p_abandon": [0.1, 0.2], "service_level": [0.8, 0.6],
                         "asa_s": [10.0, 30.0]})
    d = combine_day(so_far, rest)
    # offered 100 + 50 + 50 = 200; answered 90 + 45 + 40 = 175; abandoned 10 + 5 + 10 = 25
    assert d["offered"] == 200 and d["answered"] == pytest.approx(175)
    assert d["pickup_rate"] == pytest.approx(175 / 200)
    assert d["abandon_rate"] == pytest.approx(25 / 200)
    # within 80 + 50 x 0.8 + 50 x 0.6 = 150 over 100 + 100 offered-basis calls
    assert d["service_level"] == pytest.approx(150 / 200)
    # waits 20 x 90 + 45 x 10 + 40 x 30 = 3450 s over 175 answered
    assert d["asa_s"] == pytest.approx(3450 / 175)


def test_combine_day_answered_basis_and_empty_rest():
    so_far = {"offered": 100, "answered": 90, "abandoned": 10, "within": 72.0,
              "sl_calls": 90.0, "asa_s": float("nan")}
    rest = pd.DataFrame({"calls": [50.0], "pickup_rate": [0.9], "p_abandon": [0.1],
                         "service_level": [0.81], "asa_s": [10.0]})
    d = combine_day(so_far, rest, answered_basis=True)
    # within 72 + 50 x 0.81 = 112.5 over answered 90 + 45 = 135
    assert d["service_level"] == pytest.approx(112.5 / 135)
    # no wait known so far: only the rest's 45 x 10 s over all 135 answered
    assert d["asa_s"] == pytest.approx(450 / 135)
    none = combine_day(so_far, rest.iloc[0:0])
    assert none["pickup_rate"] == pytest.approx(0.9) and none["offered"] == 100


def test_scheduling_sums_never_net_across_intervals():
    # differences -1, +2, 0 and one interval without a plan; half hours: x 0.5 h
    over, under = scheduling_sums([10, 12, 8, np.nan], [11, 10, 8, 5], 30)
    assert (over, under) == (1.0, 0.5)
    # NICE's example (15-minute intervals): +5, +5, -10 with 100 required
    over, under = scheduling_sums([100, 105, 105, 90], [100] * 4, 15)
    assert (over, under) == (2.5, 2.5)


def test_implied_attendance_recovers_the_advisors_behind_the_answered_calls():
    # two half hours planned at 10 and 12 advisors; 80 % of them actually took calls:
    # Erlang A at 8 and 9.6 advisors answers this many calls, and the ratio comes back
    frame = pd.DataFrame({"calls": [60.0, 80.0], "aht_s": [180.0, 200.0],
                          "patience_s": [120.0, 150.0], "planned": [10.0, 12.0]})
    m = evaluate_fractional(frame["calls"].to_numpy(), frame["aht_s"].to_numpy(), 1800.0,
                            np.array([8.0, 9.6]), frame["patience_s"].to_numpy(), 20.0)
    answered = float((frame["calls"] * m["pickup_rate"]).sum())
    assert implied_attendance(frame, answered, 1800.0, 20.0) == pytest.approx(0.8, abs=1e-6)
    # every call answered is beyond what 3 x the plan explains: the upper bound
    assert implied_attendance(frame, 140.0, 1800.0, 20.0) == 3.0
    assert math.isnan(implied_attendance(frame.iloc[0:0], 0.0, 1800.0, 20.0))


# ------------------------------------------------------------------------------ warehouse
@pytest.fixture(scope="module")
def view(small_db):
    from analytics.warehouse import connect

    con = connect(small_db, read_only=True)
    try:
        return intraday_day(con, AS_OF)
    finally:
        con.close()


def test_so_far_is_the_kpi_function_before_the_cutoff(con, view):
    p = view.projection
    assert p.cutoff == pd.Timestamp("2026-11-19 12:00")
    row = kpis(con, period="day", start="2026-11-19", end="2026-11-19",
               before=pd.Timestamp("2026-11-19 12:00")).iloc[0]
    ind = p.indicators.set_index("metric")
    assert ind.loc["offered", "so_far"] == row["offered"] == view.reforecast.calls_so_far
    assert ind.loc["pickup_rate", "so_far"] == pytest.approx(row["pickup_rate"])
    # the same calls as the interval KPIs of the intervals before noon
    iv = kpis(con, period="interval", start="2026-11-19", end="2026-11-19")
    morning = iv[iv["period_start"] < "2026-11-19T12:00"]
    assert row["offered"] == morning["offered"].sum()
    assert row["answered"] == morning["answered"].sum()


def test_projection_adds_the_reforecast_to_the_calls_so_far(view):
    p = view.projection
    ind = p.indicators.set_index("metric")
    rest = view.reforecast.table["reforecast"].sum()
    assert ind.loc["offered", "projected"] == pytest.approx(ind.loc["offered", "so_far"] + rest)
    assert p.reforecast_total == pytest.approx(ind.loc["offered", "projected"])
    assert ind.loc["offered", "threshold"] == pytest.approx(p.forecast_total)
    for name in ("pickup_rate", "service_level_30s", "abandon_rate"):
        r = ind.loc[name]
        assert 0 <= r["low"] <= r["projected"] <= r["high"] <= 1
        assert r["status"] == ("met" if (r["projected"] >= r["threshold"]) ==
                               (r["comparison"] == ">=") else "missed")
    # Erlang A: every remaining call is answered or abandons
    iv = p.intervals
    assert np.allclose(iv["pickup_rate"] + iv["p_abandon"], 1.0)
    assert (iv["period_start"] >= p.cutoff).all()


def test_callbacks_due_today_are_the_kpi_callbacks(con, view):
    cb = view.projection.callbacks
    as_of_utc = (pd.Timestamp(AS_OF).tz_localize("Europe/Paris").tz_convert("UTC")
                 .to_pydatetime())
    row = kpis(con, period="day", start="2026-11-19", end="2026-11-19", as_of=as_of_utc,
               before=pd.Timestamp("2026-11-19 12:00")).iloc[0]
    assert cb["due"] == row["callbacks_due"] and cb["at_risk"] == row["callbacks_pending"]
    assert cb["late"] == cb["due"] - cb["on_time"]


def test_net_staffing_columns_and_sums(con, view):
    s = view.staffing
    tb = s.table
    as_of = pd.Timestamp(AS_OF)
    # logged in only for intervals begun before the as-of; staffed = logged in, else planned
    assert tb.loc[tb["period_start"] >= as_of, "logged_in"].isna().all()
    assert tb.loc[tb["period_start"] < as_of, "logged_in"].notna().all()
    assert np.allclose(tb["staffed"], tb["logged_in"].fillna(tb["planned"]))
    assert np.allclose(tb["net_staffing"], tb["staffed"] - tb["required"])
    # no stored shift plan: planned = the plan's Erlang A requirement
    p = planned_intervals(con, "2026-11-19", "2026-11-19")
    agents = p.set_index(p["period_start"].dt.tz_localize(None))["agents_a"]
    assert s.planned_source == "requirement"
    assert np.allclose(tb["planned"], agents.reindex(tb["period_start"]).to_numpy(float))
    over, under = scheduling_sums(tb["planned"], tb["required"], 30)
    assert (s.over_scheduled_h, s.under_scheduled_h) == (over, under)
    both = tb["logged_in"].notna()
    assert s.realised_shrinkage == pytest.approx(
        1 - tb.loc[both, "logged_in"].sum() / tb.loc[both, "planned"].sum())
    shortfall = (tb["required"] - tb["staffed"]).clip(lower=0).sum() * 0.5
    assert s.shortfall_h == pytest.approx(shortfall)
    assert tb["calls_source"].tolist().count("actual") == len(view.reforecast.observed)


def test_staffing_ahead_choices(con, view):
    rf = view.reforecast
    logged = intraday_day(con, AS_OF, reforecast=rf, staffing_ahead="logged")
    plan = intraday_day(con, AS_OF, reforecast=rf, staffing_ahead="plan")
    ratio = 1 - view.staffing.realised_shrinkage
    ahead = plan.projection.intervals.set_index("period_start")["advisors"]
    persist = view.projection.intervals.set_index("period_start")["advisors"]
    # the interval holding 12:10 has begun: its logged-in advisors in every case
    later = ahead.index > pd.Timestamp(AS_OF)
    assert np.allclose(persist[later], ahead[later] * ratio)
    staffed = con.execute("select count(*) from staffing").fetchone()[0]
    assert staffed > 0
    assert not np.allclose(logged.projection.intervals["advisors"],
                           plan.projection.intervals["advisors"])
    with pytest.raises(ValueError, match="staffing_ahead"):
        intraday_day(con, AS_OF, reforecast=rf, staffing_ahead="guess")


def test_cli_json_and_table(small_db, capsys):
    assert main(["intraday", "--db", str(small_db), "--as-of", AS_OF, "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["as_of"] == "2026-11-19T12:10" and out["cutoff"] == "2026-11-19T12:00"
    names = [r["metric"] for r in out["indicators"]]
    assert names == ["offered", "pickup_rate", "service_level_30s", "asa_s", "abandoned",
                     "abandon_rate"]
    assert out["staffing"]["planned_source"] == "requirement"
    assert not any(isinstance(v, float) and math.isnan(v)
                   for r in out["staffing"]["intervals"] for v in r.values())
    assert main(["intraday", "--db", str(small_db), "--as-of", AS_OF]) == 0
    text = capsys.readouterr().out
    assert "over-scheduled" in text and "no stored shift plan" in text


def test_client_dict_has_no_staffing(view):
    d = view.to_dict(staffing=False)
    assert "staffing" not in d and "projection_intervals" not in d
    assert "advisors" not in json.dumps(d)


def test_calibration_adds_the_morning_residual(con, view):
    rf = view.reforecast
    raw = view        # calibrate=False is the default
    assert raw.projection.residual == {"pickup_rate": 0.0, "service_level": 0.0}
    view = intraday_day(con, AS_OF, reforecast=rf, calibrate=True)
    shift = view.projection.residual
    assert shift["pickup_rate"] != 0.0
    cal, base = view.projection.intervals, raw.projection.intervals
    assert np.allclose(cal["pickup_rate"],
                       np.clip(base["pickup_rate"] + shift["pickup_rate"], 0, 1))
    assert np.allclose(cal["service_level"], np.clip(base["service_level"]
                                                     + shift["service_level"], 0,
                                                     cal["pickup_rate"]))
    # the residual is observed minus Erlang A over the morning at the advisors logged in
    tb = view.staffing.table
    morning = tb[tb["calls_source"] == "actual"]
    m = evaluate_fractional(morning["calls"].to_numpy(float), morning["aht_s"].to_numpy(float),
                            1800.0, morning["logged_in"].to_numpy(float),
                            morning["patience_s"].to_numpy(float), view.projection.answer_s)
    c = morning["calls"].to_numpy(float)
    so_far = view.projection.indicators.set_index("metric").loc["pickup_rate", "so_far"]
    assert shift["pickup_rate"] == pytest.approx(so_far - (c * m["pickup_rate"]).sum() / c.sum())
