"""Shift plans: hand-checkable optima, the working-time rules, partial plans, and the same
optimum as pyworkforce's MinRequiredResources where its model applies."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pyworkforce.scheduling import MinRequiredResources

from staffing.shifts import EmploymentTerms, ShiftPattern, ShiftRules, default_rules, plan_shifts

TZ = "Europe/Paris"


def need(days: list[str], spans: list[tuple[str, str, int]], minutes: int = 30) -> pd.DataFrame:
    """Requirement frame: for each day, (from, to, advisors) spans in local time."""
    rows = []
    for day in days:
        for a, b, k in spans:
            for ts in pd.date_range(f"{day} {a}", f"{day} {b}", freq=f"{minutes}min",
                                    inclusive="left", tz=TZ):
                rows.append({"period_start": ts, "scheduled": k})
    return pd.DataFrame(rows).groupby("period_start", as_index=False)["scheduled"].sum()


def rules(patterns, count, *, max_hours_week=48.0, max_days=5, min_rest=11.0):
    names = tuple(p.name for p in patterns)
    return ShiftRules(tuple(patterns), (EmploymentTerms("team", count, names, max_hours_week,
                                                 max_days),), min_rest_hours=min_rest)


def check_rules(result, rules_: ShiftRules, req: pd.DataFrame):
    sh = result["shifts"]
    assert not sh.duplicated(["advisor", "date"]).any()  # one shift a day
    for _, g in sh.groupby("advisor"):
        c = next(c for c in rules_.terms if g["contract"].iloc[0] == c.name)
        assert g["paid_hours"].sum() <= min(c.max_hours_week, rules_.max_hours_week) + 1e-9
        assert len(g) <= c.max_days_week
        g = g.sort_values("start")
        for (_, a), (_, b) in zip(g.iloc[:-1].iterrows(), g.iloc[1:].iterrows(), strict=True):
            rest_h = (b["start"] - a["end"]).total_seconds() / 3600
            assert rest_h >= rules_.min_rest_hours
    assert (sh["paid_hours"] <= rules_.max_hours_day).all()
    lunch = sh.dropna(subset=["lunch_start"])
    assert ((lunch["lunch_start"] > lunch["start"]) & (lunch["lunch_end"] < lunch["end"])).all()
    # coverage recomputed from the shifts
    cov = result["coverage"].set_index("period_start")
    planned = pd.Series(0, index=cov.index)
    for _, s in sh.iterrows():
        for ts in cov.index:
            at_work = s["start"] <= ts < s["end"]
            at_lunch = pd.notna(s["lunch_start"]) and s["lunch_start"] <= ts < s["lunch_end"]
            planned[ts] += int(at_work and not at_lunch)
    assert (planned == cov["planned"]).all()
    want = req.set_index("period_start")["scheduled"].reindex(cov.index).fillna(0)
    assert (cov["required"] == want).all()
    assert (cov["under"] == (cov["required"] - cov["planned"]).clip(lower=0)).all()


def test_hand_checkable_optimum():
    """One advisor 08:00-12:00 on three days with 4-hour shifts at 08:00: three shifts,
    12 paid hours, nothing uncovered."""
    req = need(["2026-03-02", "2026-03-03", "2026-03-04"], [("08:00", "12:00", 1)])
    r = rules([ShiftPattern("PT4", ("08:00", "09:00"), 4.0)], 2)
    res = plan_shifts(req, r, time_limit_s=5)
    assert res["status"] == "OPTIMAL" and res["plan"] == "complete"
    assert res["summary"]["paid_hours"] == 12 and len(res["shifts"]) == 3
    assert res["summary"]["over_advisor_hours"] == 0
    check_rules(res, r, req)


def test_partial_plan_is_labelled_when_headcount_is_short():
    req = need(["2026-03-02", "2026-03-03"], [("08:00", "12:00", 3)])
    r = rules([ShiftPattern("PT4", ("08:00",), 4.0)], 2)
    res = plan_shifts(req, r, time_limit_s=5)
    assert res["status"] == "OPTIMAL"
    assert res["plan"].startswith("partial")
    assert res["summary"]["under_advisor_hours"] == 8.0  # 1 advisor x 4 h x 2 days
    assert res["summary"]["advisors_used"] == 2
    check_rules(res, r, req)


def test_eleven_hours_rest_between_days():
    """A 14:00-22:00 shift cannot be followed by an 08:00 start (10 h rest)."""
    req = pd.concat([need(["2026-03-02"], [("14:00", "22:00", 1)]),
                     need(["2026-03-03"], [("08:00", "16:00", 1)])], ignore_index=True)
    pats = [ShiftPattern("D8", ("08:00", "14:00"), 8.0)]
    one = plan_shifts(req, rules(pats, 1), time_limit_s=5)
    # best with one advisor: both late shifts (or both early ones), 6 h uncovered
    assert one["summary"]["under_advisor_hours"] == 6.0
    check_rules(one, rules(pats, 1), req)
    two = plan_shifts(req, rules(pats, 2), time_limit_s=5)
    assert two["plan"] == "complete" and two["summary"]["advisors_used"] == 2
    check_rules(two, rules(pats, 2), req)
    relaxed = plan_shifts(req, rules(pats, 1, min_rest=10.0), time_limit_s=5)
    assert relaxed["plan"] == "complete"


def test_weekly_hours_and_daily_limit():
    """Ten-hour days: 48 h a week allows four of the six days for one advisor."""
    days = [f"2026-03-0{d}" for d in range(2, 8)]
    req = need(days, [("08:00", "18:00", 1)])
    r = rules([ShiftPattern("D10", ("08:00",), 10.0)], 1, max_days=6)
    res = plan_shifts(req, r, time_limit_s=5)
    assert len(res["shifts"]) == 4 and res["summary"]["under_advisor_hours"] == 20.0
    check_rules(res, r, req)
    with pytest.raises(ValueError, match="daily limit"):
        plan_shifts(req, rules([ShiftPattern("D11", ("08:00",), 11.0)], 1))


def test_lunch_breaks_placed_in_their_window_and_default_rules():
    req = need(["2026-03-02", "2026-03-03"], [("08:00", "12:00", 2), ("12:00", "14:00", 1),
                                              ("14:00", "20:00", 2)])
    r = default_rules(6)
    res = plan_shifts(req, r, time_limit_s=10)
    assert res["plan"] == "complete"
    check_rules(res, r, req)
    ft = res["shifts"][res["shifts"]["pattern"] == "FT7"]
    after = (ft["lunch_start"] - ft["start"]).dt.total_seconds() / 3600
    assert ((after >= 3.0) & (after <= 4.5)).all()


def test_same_optimum_as_pyworkforce_min_required_resources():
    """Where pyworkforce's anonymous model applies (no weekly limit binds, headcount ample),
    the least paid hours covering everything are the same."""
    days = ["2026-03-02", "2026-03-03"]
    req = need(days, [("08:00", "10:00", 2), ("10:00", "12:00", 4), ("12:00", "14:00", 3)])
    pats = [ShiftPattern("P4", ("08:00", "09:00", "10:00"), 4.0),
            ShiftPattern("P6", ("08:00",), 6.0)]
    r = rules(pats, 12, max_days=7)
    ours = plan_shifts(req, r, time_limit_s=10)
    assert ours["status"] == "OPTIMAL" and ours["plan"] == "complete"
    periods = 12  # 08:00-14:00 in half-hours
    cover, cost = {}, {}
    for name, start, hours in [("P4_0800", 0, 4), ("P4_0900", 2, 4), ("P4_1000", 4, 4),
                               ("P6_0800", 0, 6)]:
        arr = np.zeros(periods, dtype=int)
        arr[start:start + hours * 2] = 1
        cover[name], cost[name] = arr.tolist(), hours
    grid = (ours["coverage"]["required"].to_numpy().reshape(len(days), periods)).tolist()
    pw = MinRequiredResources(num_days=2, periods=periods, shifts_coverage=cover,
                              required_resources=grid, max_period_concurrency=20,
                              max_shift_concurrency=20, cost_dict=cost, max_search_time=10)
    sol = pw.solve()
    assert sol["status"] == "OPTIMAL"
    assert ours["summary"]["paid_hours"] == sol["cost"]
