"""The line's calendar: from the contract, or learned from the call log."""

import datetime as dt

import pandas as pd
import pytest

from analytics.contract import parse_contract
from analytics.line_calendar import calendar_from_contract, learn_calendar, line_calendar
from analytics.warehouse import connect, set_setting
from forecasting.calendar import LineCalendar, week_start_from_pattern

D = dt.date
CONTRACT = """
timezone: Europe/Paris
opening_hours: {mon-fri: "08:00-18:00", sat: "09:00-12:00", sun: closed}
school_zones: [A, C]
closures: [2026-12-24]
openings: [2026-11-11]
"""


def test_contract_calendar_open_days_hours_and_holidays():
    cal = calendar_from_contract(parse_contract(CONTRACT), "Europe/Paris")
    assert cal.holidays == "FR" and cal.school_zones == ("A", "C") and cal.week_start == 0
    # week of 2026-05-04: Fri 05-08 is Victory Day (closed), Sat open, Sun closed
    days = cal.open_days("2026-05-04", "2026-05-10")
    assert days == [D(2026, 5, 4), D(2026, 5, 5), D(2026, 5, 6), D(2026, 5, 7), D(2026, 5, 9)]
    assert not cal.is_open("2026-12-24")          # exceptional closure
    assert cal.is_open("2026-11-11")              # Armistice, but an exceptional opening
    assert cal.is_open_at("2026-05-04 08:00") and not cal.is_open_at("2026-05-04 18:00")
    assert cal.is_open_at("2026-05-09 11:59") and not cal.is_open_at("2026-05-09 12:00")
    mask = cal.slot_open_mask(pd.to_datetime(["2026-05-04 07:30", "2026-05-04 07:45",
                                              "2026-05-04 17:45", "2026-05-10 10:00"]), 30)
    assert mask.tolist() == [False, True, True, False]


def test_contract_holidays_none_and_explicit_week_start():
    c = parse_contract(CONTRACT + "holidays: none\nweek_start: sun\n")
    cal = calendar_from_contract(c, "Europe/Paris")
    assert cal.holidays is None and cal.is_open("2026-05-08") and cal.week_start == 6


def test_contract_rejects_unknown_holiday_country_and_zone():
    with pytest.raises(ValueError, match="holidays"):
        parse_contract(CONTRACT + "holidays: XX\n")
    with pytest.raises(ValueError, match="school_zones"):
        parse_contract("school_zones: [D]\n")


@pytest.mark.parametrize("weekend, start", [((5, 6), 0), ((6,), 0), ((4, 5), 6), ((), 0),
                                            ((5,), 6), ((0, 6), 1)])
def test_week_starts_after_the_weekend(weekend, start):
    assert week_start_from_pattern(weekend) == start


def _load(con, rows):
    set_setting(con, "timezone", "Europe/Paris")
    con.executemany(
        "insert into calls (source, call_id, queue, arrived_at, outcome, wait_s, run_id) "
        "values ('t', ?, 'q', timezone('Europe/Paris', ?::timestamp), ?, 1, 1)", rows)
    con.execute("insert into ingest_runs (run_id, kind, file, sha256, profile, source, "
                "started_at, status) values (1, 'calls', 'f', 's', 'p', 't', now(), 'ok')")


def test_learned_calendar_of_a_monday_friday_line(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    rows, i = [], 0
    for day in pd.date_range("2026-01-05", "2026-03-27"):
        if day.weekday() >= 5:
            continue
        for hh in range(9, 17):            # calls every hour 09:xx .. 16:xx
            i += 1
            rows.append((str(i), f"{day.date()} {hh:02d}:10:00", "answered"))
    rows.append(("stray", "2026-01-10 03:00:00", "answered"))   # one Saturday-night call
    _load(con, rows)
    cal = learn_calendar(con)
    assert cal.source == "learned" and cal.open_weekdays == (0, 1, 2, 3, 4)
    # busy quarter-hours 09:00 .. 16:00 (calls at hh:10), gaps under an hour joined
    assert cal.opening_hours[0] == ((dt.time(9, 0), dt.time(16, 15)),)
    assert cal.week_start == 0 and cal.holidays == "FR"
    assert line_calendar(con).open_weekdays == (0, 1, 2, 3, 4)   # no contract: learned
    # Easter Monday 2026-04-06 is after the data; Jan 1 before: closed_on_holidays default
    assert cal.closed_on_holidays


def test_no_calls_no_contract_is_always_open(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    cal = line_calendar(con)
    assert cal.source == "default" and cal.open_weekdays == tuple(range(7))
    assert isinstance(cal, LineCalendar)


def test_sparse_calls_on_most_weeks_keep_the_weekday_open(tmp_path):
    """Three calls a day (09:05, 12:05, 17:35) Monday to Friday for 5 weeks: each busy
    quarter-hour is a run shorter than an hour, yet every weekday has calls on 5 of its 5
    weeks: open from the first busy slot (09:00) to the end of the last (17:45). The one
    Saturday call (1 of 5 Saturdays) stays a stray call."""
    con = connect(tmp_path / "w.duckdb")
    rows = []
    for day in pd.date_range("2026-01-05", "2026-02-06"):
        if day.weekday() < 5:
            rows += [(f"{day.date()}-{hm}", f"{day.date()} {hm}:00", "answered")
                     for hm in ("09:05", "12:05", "17:35")]
    rows.append(("stray", "2026-01-10 03:00:00", "answered"))
    _load(con, rows)
    cal = learn_calendar(con)
    assert cal.open_weekdays == (0, 1, 2, 3, 4)
    assert cal.opening_hours[2] == ((dt.time(9, 0), dt.time(17, 45)),)


def test_weekly_kpis_and_last_complete_week_follow_a_sunday_week(tmp_path):
    """A Sunday-Thursday line (contract ``week_start: sun``): weekly rows start on Sunday and
    the last complete week ends with its Thursday."""
    from analytics.contract import store_contract
    from analytics.kpis import kpis, last_complete_week

    con = connect(tmp_path / "w.duckdb")
    rows, i = [], 0
    # Sun 2026-03-01 .. Thu 2026-03-12: 1 call on day k of the month at 10:00
    for day in pd.date_range("2026-03-01", "2026-03-12"):
        if day.weekday() in (4, 5):                   # Friday, Saturday: closed
            continue
        for _ in range(day.day):
            i += 1
            rows.append((str(i), f"{day.date()} 10:00:00", "answered"))
    _load(con, rows)
    store_contract(con, "timezone: Europe/Paris\nholidays: none\nweek_start: sun\n"
                        "opening_hours: {sun-thu: '08:00-18:00', fri: closed, sat: closed}\n")
    weekly = kpis(con, period="week", start="2026-03-01", end="2026-03-14")
    assert [d.isoformat() for d in weekly.period_start] == ["2026-03-01", "2026-03-08"]
    # week 1: days 1..5 -> 1+2+3+4+5 = 15 calls; week 2: days 8..12 -> 8+9+10+11+12 = 50
    assert weekly.offered.tolist() == [15, 50]
    # the data end on Thursday 12 March, the last open day of the week Sun 8 .. Sat 14:
    # labelled by the ISO week of its Thursday (2026-03-12: ISO week 11)
    assert last_complete_week(con) == "2026-W11"
    monday_rows = kpis(con, period="week", start="2026-03-01", end="2026-03-14", week_start=0)
    assert monday_rows.period_start.iloc[0].isoformat() == "2026-02-23"
