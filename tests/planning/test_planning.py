"""analytics.planning on a 16-week demo warehouse: values against independent computations."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from analytics import planning
from analytics.contract import parse_contract, warehouse_contract
from analytics.kpis import kpis
from analytics.week_plan import plan_week
from forecasting import DailyVolumeModel
from staffing import erlang_a, erlang_c
from staffing.headcount import scheduled_headcount

TZ = "Europe/Paris"


def _calls(con, start: dt.date, end: dt.date) -> pd.DataFrame:
    df = con.execute("select arrived_at, outcome, wait_s, talk_s, hold_s, wrap_s from calls "
                     "where outcome in ('answered', 'abandoned', 'overflow')").df()
    local = pd.to_datetime(df["arrived_at"], utc=True).dt.tz_convert(TZ)
    df["local"] = local
    day = local.dt.tz_localize(None).dt.normalize()
    return df[(day >= pd.Timestamp(start)) & (day < pd.Timestamp(end))].copy()


def test_interval_profile_equals_pandas(con):
    prof = planning.interval_profile(con, weeks=8, interval_minutes=30)
    start, end = prof.attrs["start"], prof.attrs["end"]
    # the last 8 complete weeks (analytics.kpis.last_complete_week): the data end on Friday
    # 20 November and the line is closed at weekends, so W47 is complete
    assert (start, end) == (dt.date(2026, 9, 28), dt.date(2026, 11, 23))
    assert len(prof) == 7 * 48
    df = _calls(con, start, end)
    df["weekday"] = df["local"].dt.day_of_week
    df["slot"] = (df["local"].dt.hour * 60 + df["local"].dt.minute) // 30 * 30
    df["handle"] = df["talk_s"] + df["hold_s"].fillna(0) + df["wrap_s"].fillna(0)
    ans = df[df["outcome"] == "answered"]
    # glossary 2026-12-04: patience counts the waits of every offered call, overflow included
    # (before: answered and abandoned only)
    waited = df[df["outcome"].isin(["answered", "abandoned", "overflow"])]
    g_aht = ans.groupby(["weekday", "slot"])["handle"].mean()
    g_wait = waited.groupby(["weekday", "slot"])["wait_s"].sum()
    g_ab = df[df["outcome"] == "abandoned"].groupby(["weekday", "slot"]).size()
    p = prof.set_index(["weekday", "slot"])
    assert p["offered"].sum() == len(df)
    np.testing.assert_array_equal(p.loc[g_aht.index, "answered"],
                                  ans.groupby(["weekday", "slot"]).size())
    np.testing.assert_allclose(p.loc[g_aht.index, "slot_aht_s"], g_aht, rtol=1e-12)
    pat = (g_wait / g_ab).dropna()
    np.testing.assert_allclose(p.loc[pat.index, "slot_patience_mean_s"], pat, rtol=1e-12)
    whole_aht = ans["handle"].mean()
    whole_pat = waited["wait_s"].sum() / (df["outcome"] == "abandoned").sum()
    assert prof.attrs["aht_s"] == pytest.approx(whole_aht, rel=1e-12)
    assert prof.attrs["patience_mean_s"] == pytest.approx(whole_pat, rel=1e-12)
    # fallbacks: thin slots take the whole window's values, the others their own
    thin = p["answered"] < 30
    assert thin.any() and (~thin).any()
    np.testing.assert_allclose(p.loc[thin, "aht_s"], whole_aht, rtol=1e-12)
    np.testing.assert_array_equal(p.loc[~thin, "aht_s"], p.loc[~thin, "slot_aht_s"])
    few = (p["abandoned"] < 10) | p["slot_patience_mean_s"].isna()
    np.testing.assert_allclose(p.loc[few, "patience_mean_s"], whole_pat, rtol=1e-12)
    np.testing.assert_array_equal(p.loc[~few, "patience_mean_s"],
                                  p.loc[~few, "slot_patience_mean_s"])


def test_past_week_is_ex_ante_with_dst_and_actuals(con, w43):
    fc = w43
    assert list(fc.columns) == planning.FORECAST_COLUMNS + ["actual"]
    assert fc.attrs["ex_ante"] and fc.attrs["history_end"] < dt.date(2026, 10, 19)
    per_day = fc.groupby(fc["period_start"].dt.tz_localize(None).dt.date).size()
    assert per_day.tolist() == [48] * 6 + [50]  # Sunday 25 October has 25 hours
    assert fc["period_start"].is_monotonic_increasing and fc["period_start"].is_unique
    assert str(fc["period_start"].dt.tz) == TZ
    # actual = the KPI offered per wall-clock interval
    k = kpis(con, period="interval", interval_minutes=30, start="2026-10-19", end="2026-10-25")
    k = k.set_index("period_start")["offered"]
    labels = fc["period_start"].dt.strftime("%Y-%m-%dT%H:%M")
    first = ~labels.duplicated()
    np.testing.assert_array_equal(fc.loc[first, "actual"], k.reindex(labels[first]).fillna(0))
    assert fc["actual"].sum() == k.sum() > 0
    # the daily totals are the model fitted on the days before the week only
    daily = con.execute("select cast(timezone(?, arrived_at) as date) d, count(*) n from calls "
                        "where outcome <> 'ivr' group by d order by d", [TZ]).df()
    s = pd.Series(daily["n"].to_numpy(float), index=pd.to_datetime(daily["d"]))
    s = s[s.index < "2026-10-19"]
    from analytics.line_calendar import line_calendar
    from analytics.series import campaigns
    # the line's calendar (the example contract's hours, FR holidays, its school zones)
    # replaces the old "FR with zones A, B, C for Europe/Paris" rule (issue 9: one calendar)
    res = DailyVolumeModel(s, campaigns=campaigns(con), calendar=line_calendar(con)).fit()
    want = res.forecast((dt.date(2026, 10, 25) - s.index[-1].date()).days)["forecast"]
    got = fc.groupby(fc["period_start"].dt.tz_localize(None).dt.normalize())["calls"].sum()
    np.testing.assert_allclose(got.to_numpy(), want.loc["2026-10-19":].to_numpy(), rtol=1e-9,
                               atol=1e-9)
    assert (fc["lo95"] <= fc["lo80"]).all() and (fc["lo80"] <= fc["calls"]).all()
    assert (fc["calls"] <= fc["hi80"]).all() and (fc["hi80"] <= fc["hi95"]).all()
    # AHT and patience: the profile of the 8 weeks before the week, by weekday and slot
    prof = planning.interval_profile(con, until="2026-10-19").set_index(["weekday", "slot"])
    row = fc[fc["period_start"] == pd.Timestamp("2026-10-20 10:30", tz=TZ)].iloc[0]
    assert row["aht_s"] == prof.loc[(1, 630), "aht_s"]
    assert row["patience_s"] == prof.loc[(1, 630), "patience_mean_s"]


def test_contract_targets_map_to_staffing_targets(con):
    t = planning.staffing_targets(warehouse_contract(con))
    # example contract: pickup >= 0.90, abandon <= 0.08 (-> pickup >= 0.92), SL30 >= 0.8, ASA <= 60
    assert t == {"pickup_rate": pytest.approx(0.92), "asa_s": 60.0,
                 "service_levels": [(30.0, 0.8)], "service_level_basis": "offered"}
    c_targets = planning.staffing_targets(warehouse_contract(con), model="erlang_c")
    assert c_targets["pickup_rate"] is None


def test_requirements_equal_erlang_a(w48_plan):
    req = w48_plan["requirements"]
    assert not req.attrs["ex_ante"] and "actual" not in req
    calls = req["calls"].to_numpy()
    assert calls.sum() > 1000 and len(req) == 7 * 48
    want = erlang_a.required_agents(calls, req["aht_s"].to_numpy(), 1800.0,
                                    req["patience_s"].to_numpy(), pickup_rate=0.92,
                                    service_level=0.8, answer_s=30.0, asa_s=60.0)
    np.testing.assert_array_equal(req["agents"].to_numpy(), want)
    m = erlang_a.evaluate(calls, req["aht_s"].to_numpy(), 1800.0, want,
                          req["patience_s"].to_numpy(), 30.0)
    for key in ("pickup_rate", "service_level", "asa_s", "occupancy"):
        np.testing.assert_allclose(req[key].to_numpy(), m[key], rtol=1e-12, equal_nan=True)
    np.testing.assert_array_equal(req["scheduled"], scheduled_headcount(want, 0.3))
    busy = calls > 0
    assert (req.loc[busy, "pickup_rate"] >= 0.92).all()
    assert (req.loc[busy, "service_level"] >= 0.8).all()
    assert (req.loc[~busy, "agents"] == 0).all()


def test_several_service_level_targets_take_the_most_advisors(w48_plan):
    fc = w48_plan["forecast"]
    contract = parse_contract(
        "targets:\n"
        "  - {metric: service_level_20s, comparison: '>=', threshold: 0.8}\n"
        "  - {metric: service_level_60s, comparison: '>=', threshold: 0.95}\n")
    targets = planning.staffing_targets(contract)
    assert targets["service_levels"] == [(20.0, 0.8), (60.0, 0.95)]
    out = planning.required_advisors(fc, targets, model="erlang_a", shrinkage=0.0)
    args = (fc["calls"].to_numpy(), fc["aht_s"].to_numpy(), 1800.0, fc["patience_s"].to_numpy())
    a20 = erlang_a.required_agents(*args, service_level=0.8, answer_s=20.0)
    a60 = erlang_a.required_agents(*args, service_level=0.95, answer_s=60.0)
    np.testing.assert_array_equal(out["agents"], np.maximum(a20, a60))
    assert set(out.loc[a60 > a20, "answer_s"]) <= {60.0}
    assert set(out.loc[a20 > a60, "answer_s"]) <= {20.0}
    assert (a60 != a20).any()


def test_campaign_what_if_adds_the_planned_uplift(w48_plan):
    s = w48_plan["what_if_summary"]
    table = w48_plan["what_if"]
    assert s["campaign_extra_calls"] > 0
    assert s["calls_campaign"] == pytest.approx(s["calls"] + s["campaign_extra_calls"], rel=1e-9)
    assert (table["calls_campaign"] >= table["calls"] - 1e-9).all()
    assert (table["extra_agents"] >= 0).all() and table["extra_agents"].sum() > 0
    # nothing before the campaign's first day (Tuesday 24 November) changes
    monday = table["period_start"].dt.day == 23
    np.testing.assert_allclose(table.loc[monday, "calls_campaign"], table.loc[monday, "calls"])


def test_evaluate_fractional_interpolates():
    whole = planning.evaluate_fractional(50.0, 300.0, 1800.0, 10.0, 150.0, 30.0)
    assert whole["pickup_rate"] == erlang_a.evaluate(50, 300, 1800, 10, 150, 30)["pickup_rate"]
    half = planning.evaluate_fractional(50.0, 300.0, 1800.0, np.array([10.5]), 150.0, 30.0)
    lo = erlang_a.evaluate(50, 300, 1800, 10, 150, 30)["service_level"]
    hi = erlang_a.evaluate(50, 300, 1800, 11, 150, 30)["service_level"]
    assert half["service_level"][0] == pytest.approx((lo + hi) / 2, rel=1e-14)


def test_staffing_vs_requirement(con):
    out = planning.staffing_vs_requirement(con, "2026-11-09", "2026-11-22")
    assert len(out) > 0 and out["period_start"].is_unique
    # advisors: the staffing table, per interval
    staff = con.execute("select interval_start, advisors from staffing where queue = '*' and "
                        "interval_start >= timezone(?, timestamp '2026-11-09') and interval_start"
                        " < timezone(?, timestamp '2026-11-23')", [TZ, TZ]).df()
    staff = staff.set_index(pd.to_datetime(staff["interval_start"], utc=True))["advisors"]
    np.testing.assert_array_equal(out["advisors"], staff.reindex(
        out["period_start"].dt.tz_convert("UTC")).to_numpy())
    assert len(out) == len(staff)
    # observed = the KPIs of the same wall-clock intervals
    k = kpis(con, period="interval", interval_minutes=30, start="2026-11-09",
             end="2026-11-22").set_index("period_start")
    kk = k.reindex(out["period_start"].dt.strftime("%Y-%m-%dT%H:%M"))
    np.testing.assert_array_equal(out["offered"], kk["offered"])
    np.testing.assert_allclose(out["observed_service_level"], kk["service_level_30s"],
                               rtol=1e-12, equal_nan=True)
    np.testing.assert_allclose(out["observed_pickup_rate"], kk["pickup_rate"], rtol=1e-12,
                               equal_nan=True)
    np.testing.assert_allclose(out["observed_asa_s"], kk["asa_s"], rtol=1e-12, equal_nan=True)
    has_ans = out["answered"] > 0
    np.testing.assert_allclose(out.loc[has_ans, "aht_s"], kk.loc[has_ans.to_numpy(), "aht_s"],
                               rtol=1e-12)
    # Erlang A at the advisors on shift, and required at the actual volume
    args = (out["offered"].to_numpy(float), out["aht_s"].to_numpy(), 1800.0)
    m = erlang_a.evaluate(*args, out["advisors"].to_numpy(), out["patience_s"].to_numpy(), 30.0)
    np.testing.assert_allclose(out["erlang_a_service_level"], m["service_level"], rtol=1e-12)
    np.testing.assert_allclose(out["erlang_a_abandon_rate"], m["p_abandon"], rtol=1e-12)
    req = erlang_a.required_agents(*args, out["patience_s"].to_numpy(), pickup_rate=0.92,
                                   service_level=0.8, answer_s=30.0, asa_s=60.0)
    np.testing.assert_array_equal(out["agents_required"], req)
    np.testing.assert_array_equal(out["understaffed"], out["advisors"] < req)
    # weekly: the counts add up to the KPI week where every call fell in a staffed interval
    wk = planning.staffing_vs_requirement_weekly(out)
    assert wk["week"].tolist() == ["2026-W46", "2026-W47"]
    kw = kpis(con, period="week", start="2026-11-09", end="2026-11-22")
    np.testing.assert_array_equal(wk["offered"], kw["offered"])
    np.testing.assert_allclose(wk["observed_pickup_rate"], kw["pickup_rate"], rtol=1e-12)
    np.testing.assert_allclose(wk["observed_service_level"], kw["service_level_30s"], rtol=1e-12)
    np.testing.assert_allclose(wk["observed_asa_s"], kw["asa_s"], rtol=1e-12)
    w47 = out["period_start"] >= pd.Timestamp("2026-11-16", tz=TZ)
    assert wk["understaffed_intervals"].tolist() == [int(out.loc[~w47, "understaffed"].sum()),
                                                     int(out.loc[w47, "understaffed"].sum())]
    assert wk["advisor_hours"].tolist() == [out.loc[~w47, "advisors"].sum() / 2,
                                            out.loc[w47, "advisors"].sum() / 2]


def test_errors(con):
    with pytest.raises(ValueError, match="ISO week"):
        plan_week(con, "48")
    with pytest.raises(ValueError, match="divide a day"):
        planning.interval_profile(con, interval_minutes=7)
    with pytest.raises(ValueError, match="no staffing data"):
        planning.staffing_vs_requirement(con, "2025-01-06", "2025-01-12")
    with pytest.raises(ValueError, match="before"):
        planning.staffing_vs_requirement(con, "2026-11-12", "2026-11-10")


def test_spring_dst_day_has_46_half_hours(con):
    fc = plan_week(con, "2027-W12").forecast()  # Sunday 28 March 2027: clocks go forward
    per_day = fc.groupby(fc["period_start"].dt.tz_localize(None).dt.date).size()
    assert per_day.tolist() == [48] * 6 + [46]
    assert not fc.attrs["ex_ante"] and "actual" not in fc
    assert (fc["period_start"].diff().dropna() == pd.Timedelta(minutes=30)).all()


def test_erlang_c_and_staff_to_bound(con, w48_plan):
    fc = w48_plan["forecast"]
    targets = planning.staffing_targets(warehouse_contract(con), model="erlang_c")
    out = planning.required_advisors(fc, targets, model="erlang_c", shrinkage=0.3, staff_to="hi80")
    want = erlang_c.required_agents(fc["hi80"].to_numpy(), fc["aht_s"].to_numpy(), 1800.0,
                                    service_level=0.8, answer_s=30.0, asa_s=60.0)
    np.testing.assert_array_equal(out["agents"], want)
    np.testing.assert_allclose(out["calls_staffed"], fc["hi80"])
    m = erlang_c.evaluate(fc["calls"].to_numpy(), fc["aht_s"].to_numpy(), 1800.0, want, 30.0)
    np.testing.assert_allclose(out["service_level"], m["service_level"], rtol=1e-12)


def test_week_daily_forecast_is_the_daily_total_of_the_interval_split(w43_plan, w43):
    daily = w43_plan.daily_forecast()
    assert list(daily["date"].dt.date) == [dt.date(2026, 10, 19) + dt.timedelta(days=i) for i in range(7)]
    per_day = w43.groupby(w43["period_start"].dt.date)["calls"].sum()
    assert per_day.reindex(daily["date"].dt.date, fill_value=0.0).to_numpy() == pytest.approx(
        daily["forecast"].to_numpy(), rel=1e-9, abs=1e-9)
    assert (daily["lo95"] <= daily["lo80"]).all() and (daily["hi80"] <= daily["hi95"]).all()
