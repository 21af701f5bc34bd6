"""Golden tests: small call logs whose KPIs were computed by hand (values written here)."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from analytics.contract import parse_contract
from analytics.kpis import data_range, kpis, last_complete_week

D = dt.date

# Monday 2 March 2026, Europe/Paris, queue Q1
GOLDEN_DAY = [
    dict(arrived="2026-03-02 09:00:00", outcome="answered", wait=10, talk=100, hold=20, agent="A"),
    dict(arrived="2026-03-02 09:05:00", outcome="answered", wait=20, talk=200, wrap=30, agent="B"),
    dict(arrived="2026-03-02 09:10:00", outcome="answered", wait=30, talk=300, agent="A",
         transfer="backoffice"),
    dict(arrived="2026-03-02 10:00:00", outcome="answered", wait=40, talk=400, agent="B",
         transfer=""),
    dict(arrived="2026-03-02 10:30:00", outcome="answered", wait=100, talk=500, agent="A"),
    dict(arrived="2026-03-02 11:00:00", outcome="abandoned", wait=3),
    dict(arrived="2026-03-02 11:10:00", outcome="abandoned", wait=50),
    dict(arrived="2026-03-02 11:20:00", outcome="abandoned", wait=70),
    dict(arrived="2026-03-02 12:00:00", outcome="overflow", wait=90),
    dict(arrived="2026-03-02 12:10:00", outcome="ivr"),
    dict(arrived="2026-03-02 12:20:00", outcome="ivr"),
]


def contract(**kw):
    lines = ["timezone: Europe/Paris"]
    for k, v in kw.items():
        lines.append(f"{k}: {v}")
    return parse_contract("\n".join(lines))


def one(df):
    assert len(df) == 1
    return df.iloc[0]


def test_every_metric_on_a_hand_computed_day(con, load):
    load.calls(con, GOLDEN_DAY)
    r = one(kpis(con, period="day"))
    assert r.period_start == D(2026, 3, 2)
    assert (r.offered, r.answered, r.abandoned, r.short_abandoned, r.overflow, r.ivr_only) == (
        9, 5, 3, 0, 1, 2)
    assert r.pickup_rate == pytest.approx(5 / 9, abs=1e-15)
    assert r.abandon_rate == pytest.approx(3 / 9, abs=1e-15)
    # default variant: answered within T / (answered + abandoned) = x / 8
    assert r.service_level_20s == 0.25
    assert r.service_level_30s == 0.375
    assert r.service_level_60s == 0.5
    assert r.asa_s == 40.0
    # answered waits 10, 20, 30, 40, 100: linear interpolation at (n-1)p
    assert r.wait_p50_s == 30.0
    assert r.wait_p80_s == pytest.approx(52.0)   # 40 + 0.2 * 60
    assert r.wait_p90_s == pytest.approx(76.0)   # 40 + 0.6 * 60
    assert r.wait_p95_s == pytest.approx(88.0)   # 40 + 0.8 * 60
    assert r.wait_max_s == 100.0
    assert r.abandon_wait_s == 41.0              # (3 + 50 + 70) / 3
    assert r.wait_all_mean_s == 40.375           # (200 + 123) / 8
    assert r.aht_s == 310.0                      # (1500 talk + 20 hold + 30 wrap) / 5
    assert r.talk_mean_s == 300.0
    assert r.transfer_rate == 0.2                # one non-empty transfer_to of 5
    # glossary 2026-12-04: waits of offered calls incl. overflow, (200 + 123 + 90) / 3
    # (was (200 + 123) / 3 before overflow waits counted as exposure)
    assert r.patience_mean_s == pytest.approx(413 / 3)
    assert "occupancy" not in r.index            # no staffing data in this warehouse
    assert (r.callbacks_due, r.callbacks_on_time, r.callbacks_pending) == (0, 0, 0)
    assert math.isnan(r.callback_on_time_rate)


@pytest.mark.parametrize("variant, sl20, sl30, sl60", [
    # answered within 20/30/60 s: 2/3/4 of 5 answered; abandoned 2 (+ 1 short, 3 s); overflow 1
    # glossary 2026-12-04: the default counts the short abandon in its denominator,
    # 5 + 2 + 1 = 8 (it was 7, as exclude_short, before)
    ("default", 2 / 8, 3 / 8, 4 / 8),
    ("exclude_short", 2 / 7, 3 / 7, 4 / 7),         # 5 + 2
    ("answered_only", 2 / 5, 3 / 5, 4 / 5),
    ("offered", 2 / 8, 3 / 8, 4 / 8),               # offered 5 + 2 + 1 overflow
])
def test_service_level_variants_with_short_abandons(con, load, variant, sl20, sl30, sl60):
    load.calls(con, GOLDEN_DAY)
    c = parse_contract(f"service_level: {{variant: {variant}}}\nshort_abandon_s: 5")
    r = one(kpis(con, period="day", contract=c))
    assert (r.offered, r.abandoned, r.short_abandoned) == (8, 2, 1)
    assert r.pickup_rate == 5 / 8
    assert r.abandon_rate == 2 / 8
    assert (r.service_level_20s, r.service_level_30s, r.service_level_60s) == pytest.approx(
        (sl20, sl30, sl60), abs=1e-15)
    assert r.abandon_wait_s == 60.0              # (50 + 70) / 2
    assert r.wait_all_mean_s == pytest.approx(320 / 7)
    # glossary 2026-12-04: offered waits incl. overflow, (200 + 120 + 90) / 2 (was 320 / 2)
    assert r.patience_mean_s == 205.0


def test_short_abandon_boundary_is_inclusive_and_zero_excludes_nothing(con, load):
    load.calls(con, GOLDEN_DAY + [dict(arrived="2026-03-02 13:00:00", outcome="abandoned",
                                         wait=0)])
    r = one(kpis(con, period="day"))
    assert (r.abandoned, r.short_abandoned, r.offered) == (4, 0, 10)
    r = one(kpis(con, period="day", contract=parse_contract("short_abandon_s: 3")))
    assert (r.abandoned, r.short_abandoned, r.offered) == (2, 2, 8)   # waits 0 and 3


def test_custom_thresholds_name_the_columns(con, load):
    load.calls(con, GOLDEN_DAY)
    r = one(kpis(con, period="day", contract=parse_contract(
        "service_level: {thresholds: [45, 15]}")))
    assert r.service_level_15s == 1 / 8
    assert r.service_level_45s == 4 / 8
    assert "service_level_20s" not in r.index


def test_empty_periods_have_zero_counts_and_null_rates(con, load):
    load.calls(con, [dict(arrived="2026-03-02 09:00:00", outcome="answered", wait=5, talk=60),
                       dict(arrived="2026-03-05 09:00:00", outcome="abandoned", wait=5)])
    df = kpis(con, period="day")
    assert list(df.period_start) == [D(2026, 3, 2), D(2026, 3, 3), D(2026, 3, 4), D(2026, 3, 5)]
    empty = df.iloc[1]
    assert (empty.offered, empty.answered, empty.abandoned, empty.callbacks_due) == (0, 0, 0, 0)
    for col in ("pickup_rate", "service_level_20s", "asa_s", "wait_p90_s", "aht_s",
                "patience_mean_s", "callback_on_time_rate"):
        assert math.isnan(empty[col]), col
    # explicit range beyond the data
    df = kpis(con, period="week", start="2026-02-20", end="2026-03-20")
    assert list(df.period_start) == [D(2026, 2, 16), D(2026, 2, 23), D(2026, 3, 2), D(2026, 3, 9),
                                     D(2026, 3, 16)]
    assert list(df.offered) == [0, 0, 2, 0, 0]


def test_dst_spring_week_intervals_follow_the_wall_clock(con, load):
    # Sunday 29 March 2026: Paris jumps from 02:00 to 03:00 (23-hour day)
    load.calls(con, [
        dict(arrived="2026-03-29 01:59:00", outcome="answered", wait=1, talk=10),
        dict(arrived="2026-03-29 03:00:00", outcome="answered", wait=1, talk=10),
        dict(arrived="2026-03-29 23:59:59", outcome="answered", wait=1, talk=10),
        dict(arrived="2026-03-30 00:00:00", outcome="answered", wait=1, talk=10),
    ])
    half = kpis(con, period="interval", interval_minutes=30, start="2026-03-29", end="2026-03-29")
    assert len(half) == 46
    assert "2026-03-29T02:00" not in set(half.period_start)
    assert "2026-03-29T02:30" not in set(half.period_start)
    got = dict(zip(half.period_start, half.offered, strict=True))
    assert got["2026-03-29T01:30"] == 1 and got["2026-03-29T03:00"] == 1
    assert got["2026-03-29T23:30"] == 1 and sum(got.values()) == 3
    quarter = kpis(con, period="interval", interval_minutes=15, start="2026-03-29",
                   end="2026-03-29")
    assert len(quarter) == 92
    week = kpis(con, period="week")
    assert list(week.period_start) == [D(2026, 3, 23), D(2026, 3, 30)]
    assert list(week.offered) == [3, 1]


def test_dst_autumn_day_has_the_repeated_hour_in_one_wall_clock_bucket(con, load):
    # Sunday 25 October 2026: 03:00 CEST -> 02:00 CET; 02:30 happens twice
    first = dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)    # 02:30 CEST
    second = dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC)   # 02:30 CET
    load.calls(con, [dict(arrived=first, outcome="answered", wait=1, talk=10),
                       dict(arrived=second, outcome="abandoned", wait=7)])
    half = kpis(con, period="interval", start="2026-10-25", end="2026-10-25")
    assert len(half) == 48
    row = half[half.period_start == "2026-10-25T02:30"].iloc[0]
    assert (row.offered, row.answered, row.abandoned) == (2, 1, 1)


def test_call_at_17_59_59_answered_after_18_00_belongs_to_its_arrival(con, load):
    load.calls(con, [dict(arrived="2026-03-02 17:59:59", outcome="answered", wait=45, talk=60)])
    half = kpis(con, period="interval", start="2026-03-02", end="2026-03-02")
    by = dict(zip(half.period_start, half.answered, strict=True))
    assert by["2026-03-02T17:30"] == 1 and by["2026-03-02T18:00"] == 0
    hour = kpis(con, period="interval", interval_minutes=60, start="2026-03-02", end="2026-03-02")
    r = hour[hour.period_start == "2026-03-02T17:00"].iloc[0]
    assert r.answered == 1 and r.service_level_60s == 1.0 and r.service_level_30s == 0.0


def test_arrival_in_utc_previous_day_is_local_next_day(con_tz, load):
    con = con_tz("Asia/Jerusalem")   # UTC+2 in winter
    load.calls(con, [dict(arrived=dt.datetime(1999, 1, 31, 22, 30, tzinfo=dt.UTC),
                            outcome="answered", wait=1, talk=1)])
    assert data_range(con) == (D(1999, 2, 1), D(1999, 2, 1))
    assert list(kpis(con, period="month").period_start) == [D(1999, 2, 1)]
    assert list(kpis(con, period="quarter").period_start) == [D(1999, 1, 1)]


def test_callbacks_across_a_week_boundary(con, load):
    load.calls(con, [dict(arrived="2026-03-02 09:00:00", outcome="answered", wait=1, talk=1),
                       dict(arrived="2026-03-15 09:00:00", outcome="answered", wait=1, talk=1)])
    load.callbacks(con, [
        # requested Friday noon: deadline Monday 9 March noon -> week of 9 March, on time
        dict(requested="2026-03-06 12:00:00", completed="2026-03-09 11:59:00"),
        # requested Wednesday 4 March 10:00 -> deadline Saturday 7th 10:00, done late
        dict(requested="2026-03-04 10:00:00", completed="2026-03-07 10:00:01"),
        # requested Monday 2 March -> deadline Thursday 5th, completed exactly at the deadline
        dict(requested="2026-03-02 08:00:00", completed="2026-03-05 08:00:00"),
        # deadline 12 March, never completed (failed) -> due and late
        dict(requested="2026-03-09 09:00:00", outcome="failed"),
        # cancelled: counts nowhere
        dict(requested="2026-03-03 09:00:00", outcome="cancelled"),
    ])
    week = kpis(con, period="week")
    assert list(week.period_start) == [D(2026, 3, 2), D(2026, 3, 9)]
    assert list(week.callbacks_due) == [2, 2]
    assert list(week.callbacks_on_time) == [1, 1]
    assert list(week.callback_on_time_rate) == [0.5, 0.5]
    day = kpis(con, period="day")
    assert int(day.callbacks_due.sum()) == 4


def test_pending_callbacks_count_in_neither(con, load):
    load.calls(con, [dict(arrived="2026-03-02 09:00:00", outcome="answered", wait=1, talk=1)])
    load.callbacks(con, [dict(requested="2026-03-02 10:00:00"),
                           dict(requested="2026-03-01 10:00:00", completed="2026-03-02 09:00:00")])
    as_of = dt.datetime(2026, 3, 3, tzinfo=dt.UTC)
    r = one(kpis(con, period="week", as_of=as_of))
    assert (r.callbacks_due, r.callbacks_on_time, r.callbacks_pending) == (1, 1, 1)
    assert r.callback_on_time_rate == 1.0
    later = one(kpis(con, period="week", as_of=dt.datetime(2026, 3, 6, tzinfo=dt.UTC)))
    assert (later.callbacks_due, later.callbacks_on_time, later.callbacks_pending) == (2, 1, 0)


def test_occupancy_is_handle_time_over_staffed_time(con, load):
    load.calls(con, [dict(arrived="2026-03-02 09:00:00", outcome="answered", wait=1, talk=600,
                            wrap=300),
                       dict(arrived="2026-03-02 09:10:00", outcome="answered", wait=1, talk=900)])
    load.staffing(con, [dict(start="2026-03-02 09:00:00", minutes=30, advisors=2),
                          dict(start="2026-03-02 09:30:00", minutes=30, advisors=1)])
    half = kpis(con, period="interval", start="2026-03-02", end="2026-03-02")
    got = dict(zip(half.period_start, half.occupancy, strict=True))
    assert got["2026-03-02T09:00"] == 1800 / 3600     # 1800 s handled / (2 x 1800 s)
    assert got["2026-03-02T09:30"] == 0.0
    assert math.isnan(got["2026-03-02T10:00"])
    assert one(kpis(con, period="day")).occupancy == 1800 / 5400


def test_by_queue_and_agent(con, load):
    load.calls(con, GOLDEN_DAY + [dict(arrived="2026-03-02 09:00:00", outcome="answered",
                                         wait=5, talk=50, queue="Q2", agent="A")])
    q = kpis(con, period="day", by="queue")
    assert list(q.queue) == ["Q1", "Q2"]
    assert list(q.offered) == [9, 1]
    a = kpis(con, period="day", by="agent")
    assert list(a.agent[:2]) == ["A", "B"] and a.agent.isna().iloc[2]
    assert list(a.answered) == [4, 2, 0]
    assert list(a.abandoned) == [0, 0, 3]          # abandons have no agent
    assert int(a.offered.sum()) == 10
    only = one(kpis(con, period="day", queues=["Q2"]))
    assert (only.offered, only.asa_s) == (1, 5.0)


def test_last_complete_week(con, load):
    assert last_complete_week(con) is None
    load.calls(con, [dict(arrived="2026-03-02 09:00:00", outcome="ivr"),
                       dict(arrived="2026-03-14 09:00:00", outcome="ivr")])
    assert last_complete_week(con) == "2026-W10"
    load.calls(con, [dict(arrived="2026-03-15 23:59:00", outcome="ivr")])
    assert last_complete_week(con) == "2026-W11"


def test_a_monday_to_friday_week_is_complete_on_friday(con, load):
    # five weeks of weekday calls, 2026-02-09 (Mon) .. 2026-03-13 (Fri), nothing at weekends
    days = [dt.date(2026, 2, 9) + dt.timedelta(days=i) for i in range(33)]
    load.calls(con, [dict(arrived=f"{d} 10:00:00", outcome="ivr") for d in days if d.weekday() < 5])
    assert last_complete_week(con) == "2026-W11"   # Friday 13 March is in: W11 is complete
    load.calls(con, [dict(arrived="2026-03-16 10:00:00", outcome="ivr")])   # a Monday
    assert last_complete_week(con) == "2026-W11"
