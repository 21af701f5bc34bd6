"""Interval requirements from a forecast, and the campaign what-if."""

import numpy as np
import pandas as pd
import pytest

from staffing import erlang_a, erlang_c
from staffing.requirements import campaign_what_if, infer_interval_s, requirements


@pytest.fixture
def forecast():
    idx = pd.date_range("2026-03-02 08:00", periods=8, freq="30min", tz="Europe/Paris")
    return pd.DataFrame({"period_start": idx,
                         "calls": [20, 40, 60, 80, 100, 0, 50, 30.0],
                         "hi80": [25, 50, 70, 95, 120, 0, 60, 40.0],
                         "campaign": [False, False, True, True, False, False, False, False]})


def test_requirements_match_the_erlang_functions(forecast):
    r = requirements(forecast, aht_s=240, patience_s=120, pickup_rate=0.9, service_level=0.8,
                     shrinkage=0.3)
    assert (r["interval_s"] == 1800).all()
    want = erlang_a.required_agents(forecast["calls"].to_numpy(), 240, 1800, 120,
                                    pickup_rate=0.9, service_level=0.8)
    assert r["agents"].tolist() == want.tolist()
    assert r["agents"].iloc[5] == 0 and r["scheduled"].iloc[5] == 0
    assert (r["pickup_rate"] >= 0.9).all() and (r["service_level"] >= 0.8).all()
    assert r["scheduled"].tolist() == [int(np.ceil(a / 0.7 - 1e-9)) for a in want]
    assert list(r.columns[:4]) == ["period_start", "calls", "hi80", "campaign"]


def test_service_level_basis_answered_is_passed_to_erlang_a(forecast):
    # a contract's answered_only variant: the service level among answered calls, which is
    # never stricter than among offered calls, so never more advisors
    r = requirements(forecast, aht_s=240, patience_s=60, service_level=0.9, answer_s=20,
                     service_level_basis="answered")
    want = erlang_a.required_agents(forecast["calls"].to_numpy(), 240, 1800, 60,
                                    service_level=0.9, answer_s=20,
                                    service_level_basis="answered")
    assert r["agents"].tolist() == want.tolist()
    assert (r["service_level_answered"][r["calls"] > 0] >= 0.9).all()
    offered = requirements(forecast, aht_s=240, patience_s=60, service_level=0.9, answer_s=20)
    assert (r["agents"] <= offered["agents"]).all() and (r["agents"] < offered["agents"]).any()
    # the service level shown beside the target is on the target's basis
    assert r["service_level"].tolist() == r["service_level_answered"].tolist()
    assert (r["service_level"][r["calls"] > 0] >= 0.9).all()
    # ... and so is the what-if's "service if staffing is unchanged" (before: on offered
    # calls, read against an answered-basis target it showed a miss that was not one)
    table, summary = campaign_what_if(forecast, 1.2, aht_s=240, patience_s=60,
                                      service_level=0.9, answer_s=20,
                                      service_level_basis="answered")
    same = erlang_a.evaluate(forecast["calls"].to_numpy() * 1.2, 240, 1800,
                             table["agents"].to_numpy(), 60, 20)
    assert np.allclose(table["service_level_unchanged"], same["service_level_answered"])
    assert not np.allclose(same["service_level_answered"], same["service_level"])
    w = forecast["calls"].to_numpy() * 1.2
    assert summary["service_level_unchanged"] == pytest.approx(
        np.sum(w * same["service_level_answered"]) / w.sum())


def test_staff_to_the_upper_bound_on_campaign_days_only(forecast):
    r = requirements(forecast, model="erlang_c", aht_s=240, service_level=0.8,
                     staff_to="hi80", staff_to_when="campaign")
    assert r["calls_staffed"].tolist() == [20, 40, 70, 95, 100, 0, 50, 30]
    want = erlang_c.required_agents(r["calls_staffed"].to_numpy(), 240, 1800, service_level=0.8)
    assert r["agents"].tolist() == want.tolist()
    # measures are at the expected volume, so above target where staffed to the bound
    assert r["service_level"].iloc[2] > erlang_c.evaluate(70, 240, 1800, want[2])["service_level"]


def test_forecasting_output_and_per_queue_columns():
    idx = pd.date_range("2026-03-02 08:00", periods=4, freq="15min", tz="Europe/Paris")
    fc = pd.DataFrame({"period_start": list(idx) * 2, "queue": ["a"] * 4 + ["b"] * 4,
                       "forecast": [10, 12, 0, 5, 3, 4, 5, 6.0],
                       "aht_s": [300, 300, 300, 300, 420, 420, 420, 420.0]})
    r = requirements(fc, model="erlang_c", service_level=0.8)
    assert (r["interval_s"] == 900).all()
    want = erlang_c.required_agents(fc["forecast"].to_numpy(), fc["aht_s"].to_numpy(), 900,
                                    service_level=0.8)
    assert r["agents"].tolist() == want.tolist()
    assert infer_interval_s(pd.Series(idx[:1])) == 1800.0


def test_errors_name_what_to_do(forecast):
    with pytest.raises(ValueError, match="aht_s"):
        requirements(forecast, patience_s=60)
    with pytest.raises(ValueError, match="patience_s"):
        requirements(forecast, aht_s=240)
    with pytest.raises(ValueError, match="erlang_a"):
        requirements(forecast, model="erlang_c", aht_s=240, pickup_rate=0.9)


def test_campaign_what_if(forecast):
    uplift = {"2026-03-02": 1.3}
    table, summary = campaign_what_if(forecast, uplift, aht_s=240, patience_s=120,
                                      pickup_rate=0.9, service_level=0.8)
    assert np.allclose(table["calls_campaign"], forecast["calls"] * 1.3)
    want = erlang_a.required_agents(forecast["calls"].to_numpy() * 1.3, 240, 1800, 120,
                                    pickup_rate=0.9, service_level=0.8)
    assert table["agents_campaign"].tolist() == want.tolist()
    assert (table["extra_agents"] >= 0).all()
    assert summary["extra_advisor_hours"] == pytest.approx(table["extra_agents"].sum() * 0.5)
    same = erlang_a.evaluate(forecast["calls"].to_numpy() * 1.3, 240, 1800,
                             table["agents"].to_numpy(), 120)
    assert np.allclose(table["pickup_rate_unchanged"], same["pickup_rate"])
    w = forecast["calls"].to_numpy() * 1.3
    assert summary["pickup_rate_unchanged"] == pytest.approx(
        np.sum(w * same["pickup_rate"]) / w.sum())
    assert summary["pickup_rate_unchanged"] < 0.9 <= summary["pickup_rate_campaign_staffed"]
    # a day outside the campaign curve keeps its volume
    table2, summary2 = campaign_what_if(forecast, {"2026-03-09": 2.0}, aht_s=240,
                                        patience_s=120, pickup_rate=0.9)
    assert summary2["extra_advisor_hours"] == 0 and summary2["peak_extra_agents"] == 0
