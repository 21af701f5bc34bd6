"""Targets, gaps, reconciliation and actions on hand-made data (expected values by hand)."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from analytics.actions import add_action, list_actions, set_action_status
from analytics.contract import parse_contract
from analytics.metrics import target_margin, target_shortfall, target_status
from analytics.reconcile import reconcile
from analytics.targets import evaluate_targets, week_gaps

D = dt.date

CONTRACT = parse_contract("""
timezone: Europe/Paris
targets:
  - {metric: pickup_rate, comparison: ">=", threshold: 0.8}
  - {metric: asa_s, comparison: "<=", threshold: 30}
  - {metric: callback_on_time_rate, comparison: ">=", threshold: 0.95}
  - {metric: pickup_rate, comparison: ">=", threshold: 0.9, queue: Q2}
  - {metric: abandon_rate, comparison: "<=", threshold: 0.1, period: day}
""")


def _week_data(load, con):
    calls = []
    # week 10 (2 March): Monday 4 answered (wait 10) ; Tuesday 10:00 2 answered (wait 70),
    # 3 abandoned (wait 40); 9:00 one abandoned (wait 100)
    for i in range(4):
        calls.append(dict(arrived=f"2026-03-02 09:0{i}:00", outcome="answered", wait=10, talk=60))
    for i in range(2):
        calls.append(dict(arrived=f"2026-03-03 10:0{i}:00", outcome="answered", wait=70, talk=60))
    for i in range(3):
        calls.append(dict(arrived=f"2026-03-03 10:1{i}:00", outcome="abandoned", wait=40))
    calls.append(dict(arrived="2026-03-03 09:00:00", outcome="abandoned", wait=100))
    # week 11: one answered call on queue Q2, wait 5
    calls.append(dict(arrived="2026-03-09 09:00:00", outcome="answered", wait=5, talk=60,
                      queue="Q2"))
    load.calls(con, calls)


def _verdict(actual, comparison, threshold):
    # status, margin and shortfall now come from three functions of analytics.metrics
    # (one home for "target met?"); the cases and values are unchanged
    return (target_status(actual, comparison, threshold), target_margin(actual, threshold),
            target_shortfall(actual, comparison, threshold))


def test_target_status_rules():
    assert _verdict(0.9, ">=", 0.9) == ("met", 0.0, 0.0)
    assert _verdict(0.85, ">=", 0.9) == pytest.approx(("missed", -0.05, 0.05))
    assert _verdict(70, "<=", 60) == ("missed", 10.0, 10.0)
    assert _verdict(50, "<=", 60) == ("met", -10.0, 0.0)
    assert _verdict(float("nan"), "<=", 60) == ("no_data", None, None)


def test_evaluate_targets(con, load):
    _week_data(load, con)
    t = evaluate_targets(con, CONTRACT)
    w10 = t[t.period_start == D(2026, 3, 2)]
    # week 10: offered 10, answered 6 -> 0.6 ; asa = (40 + 140) / 6 = 30
    pick = w10[(w10.metric == "pickup_rate") & w10.queue.isna()].iloc[0]
    assert pick.actual == 0.6 and pick.status == "missed"
    assert pick.margin == pytest.approx(-0.2) and pick.shortfall == pytest.approx(0.2)
    asa = w10[w10.metric == "asa_s"].iloc[0]
    assert (asa.actual, asa.status, asa.margin, asa.shortfall) == (30.0, "met", 0.0, 0.0)
    cb = w10[w10.metric == "callback_on_time_rate"].iloc[0]
    assert cb.status == "no_data" and math.isnan(cb.actual)
    q2 = t[(t.queue == "Q2")].set_index("period_start")
    assert q2.loc[D(2026, 3, 2), "status"] == "no_data"      # no Q2 call in week 10
    assert q2.loc[D(2026, 3, 9), "status"] == "met" and q2.loc[D(2026, 3, 9), "actual"] == 1.0
    assert set(t.metric) == {"pickup_rate", "asa_s", "callback_on_time_rate"}   # weekly only
    daily = evaluate_targets(con, CONTRACT, period="day")
    tue = daily[daily.period_start == D(2026, 3, 3)].iloc[0]
    assert tue.actual == pytest.approx(4 / 6) and tue.status == "missed"
    assert tue.shortfall == pytest.approx(4 / 6 - 0.1)
    assert (daily[daily.period_start == D(2026, 3, 4)].status == "no_data").all()


def test_week_gaps_name_days_and_intervals(con, load):
    _week_data(load, con)
    gaps = week_gaps(con, CONTRACT, "2026-W10")
    assert list(gaps.metric) == ["pickup_rate"]
    g = gaps.iloc[0]
    assert g["rank"] == 1 and g.actual == 0.6 and g.relative_shortfall == pytest.approx(0.25)
    # Tuesday: 2 answered of 6 offered; Monday met the target (4 of 4)
    assert [(d["day"], d["offered"]) for d in g.days] == [(D(2026, 3, 3), 6)]
    assert g.days[0]["actual"] == pytest.approx(1 / 3)
    assert [(i["interval"], i["abandoned"]) for i in g.worst_intervals_abandoned] == [
        ("2026-03-03T10:00", 3), ("2026-03-03T09:00", 1)]
    # total wait: 10:00 -> 2*70 + 3*40 = 260 s ; 09:00 Tue -> 100 s ; Mon 09:00 -> 40 s
    assert [(i["interval"], i["wait_total_s"]) for i in g.worst_intervals_wait] == [
        ("2026-03-03T10:00", 260.0), ("2026-03-03T09:00", 100.0), ("2026-03-02T09:00", 40.0)]
    assert week_gaps(con, CONTRACT, "2026-W11").empty


def test_reconcile_daily_weekly_and_missing(con, load):
    _week_data(load, con)
    load.operator(con, [dict(day="2026-03-02", offered=4, handled=4),
                        dict(day="2026-03-03", offered=7, handled=2)])
    rec = reconcile(con, period="day", start="2026-03-02", end="2026-03-04", contract=CONTRACT)
    assert list(rec.period_start) == [D(2026, 3, 2), D(2026, 3, 3), D(2026, 3, 4)]
    assert list(rec.queue) == ["LINE"] * 3
    mon, tue, wed = (rec.iloc[i] for i in range(3))
    assert (mon.operator_offered, mon.offered, mon.offered_gap, mon.flagged) == (4, 4, 0, False)
    assert (tue.operator_offered, tue.offered, tue.offered_gap) == (7, 6, 1)
    assert tue.offered_gap_rate == pytest.approx(1 / 7) and tue.flagged
    assert (tue.operator_handled, tue.answered, tue.handled_gap, tue.handled_gap_rate) == (
        2, 2, 0, 0.0)
    assert wed.missing_operator and not wed.flagged and wed.offered == 0
    assert wed.operator_offered is None or str(wed.operator_offered) == "<NA>"
    week = reconcile(con, period="week", start="2026-03-02", end="2026-03-08", contract=CONTRACT)
    assert len(week) == 1
    w = week.iloc[0]
    assert (w.operator_offered, w.offered, w.offered_gap) == (11, 10, 1)
    assert w.offered_gap_rate == pytest.approx(1 / 11) and w.flagged
    assert [(d["day"], d["missing_operator"]) for d in w.days] == [(D(2026, 3, 3), False)]
    loose = reconcile(con, period="week", start="2026-03-02", end="2026-03-08", tolerance=0.1)
    assert not loose.iloc[0].flagged
    load.calls(con, [dict(arrived="2026-03-05 09:00:00", outcome="answered", wait=1, talk=1)])
    week = reconcile(con, period="week", start="2026-03-02", end="2026-03-08")
    assert [(d["day"], d["missing_operator"]) for d in week.iloc[0].days] == [
        (D(2026, 3, 5), True), (D(2026, 3, 3), False)]


def test_reconcile_per_queue_when_operator_counts_queues(con, load):
    _week_data(load, con)
    load.operator(con, [dict(day="2026-03-09", offered=1, handled=1, queue="Q2")])
    rec = reconcile(con, period="day", start="2026-03-09", end="2026-03-09")
    assert (rec.iloc[0].queue, rec.iloc[0].offered, rec.iloc[0].offered_gap) == ("Q2", 1, 0)


def test_actions(con):
    now = dt.datetime(2026, 3, 4, 12, tzinfo=dt.UTC)
    a = add_action(con, "Add two advisors on Tuesday mornings", "provider", due_date="2026-03-10",
                   now=now)
    b = add_action(con, "Send the mailing calendar", "client", week="2026-w11", now=now)
    assert (a, b) == (1, 2)
    df = list_actions(con)
    assert list(df.week) == ["2026-W10", "2026-W11"]
    assert df.due_date.iloc[0] == D(2026, 3, 10)
    set_action_status(con, a, "done", now=now)
    assert list(list_actions(con, status="open").action_id) == [2]
    assert list(list_actions(con, week="2026-W10").action_id) == [1]
    with pytest.raises(ValueError, match="owner"):
        add_action(con, "x", "nobody")
    with pytest.raises(ValueError, match="does not exist"):
        set_action_status(con, 99, "done")
