"""Weeks and quarters (analytics.periods): the ISO Thursday rule, Sunday weeks, parsing."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analytics.periods import (
    parse_quarter,
    parse_week,
    quarter_bounds,
    quarter_of_week,
    quarter_weeks_span,
    week_days,
    week_label,
    weeks_of_quarter,
)

D = dt.date


@pytest.mark.parametrize("text", ["2026-W08", "2026-w08", "02026-W08", "2026-W8", " 2026W08 "])
def test_week_spellings_are_one_week(text):
    assert parse_week(text) == "2026-W08"


@pytest.mark.parametrize("text, fix", [("2026-08", "YYYY-Www"), ("2026-W54", "53 ISO weeks"),
                                       ("2025-W53", "52 ISO weeks"), ("9999-W01", "between")])
def test_bad_weeks_say_how_to_write_them(text, fix):
    with pytest.raises(ValueError, match=fix):
        parse_week(text)


def test_quarter_parsing_and_bounds():
    assert parse_quarter("2026-q1") == "2026-Q1"
    assert quarter_bounds("2026-Q4") == (D(2026, 10, 1), D(2026, 12, 31))
    assert quarter_bounds("2024-Q1") == (D(2024, 1, 1), D(2024, 3, 31))
    with pytest.raises(ValueError, match="between"):
        parse_quarter("9999-Q3")


def test_weeks_of_a_quarter_follow_their_thursday():
    # 2026-Q1: 2026-01-01 is a Thursday, so ISO week 1 (Mon 2025-12-29) belongs to Q1;
    # 2026-03-30 (Mon) week's Thursday is 2026-04-02: Q2. Q1 = W01..W13.
    assert weeks_of_quarter("2026-Q1") == [f"2026-W{w:02d}" for w in range(1, 14)]
    # 2020 has 53 ISO weeks; W53 (Mon 2020-12-28, Thu 2020-12-31) is in Q4: 14 weeks
    assert weeks_of_quarter("2020-Q4")[-1] == "2020-W53"
    assert len(weeks_of_quarter("2020-Q4")) == 14
    assert quarter_weeks_span("2026-Q1") == (D(2025, 12, 29), D(2026, 3, 29))


def test_sunday_weeks_are_named_by_the_iso_week_of_their_thursday():
    # the bank's week starts on Sunday: Sun 1999-01-03 .. Sat 1999-01-09, Thursday 01-07
    assert week_label(D(1999, 1, 3), week_start=6) == "1999-W01"
    assert week_label(D(1999, 1, 9), week_start=6) == "1999-W01"
    assert week_label(D(1999, 1, 10), week_start=6) == "1999-W02"
    assert week_days("1999-W01", week_start=6) == (D(1999, 1, 3), D(1999, 1, 9))
    # an ISO week cuts the Sunday week in two: Mon 1999-01-04 is ISO W01, Sun 01-10 too
    assert week_label(D(1999, 1, 10)) == "1999-W01"


@given(st.dates(min_value=D(1995, 1, 1), max_value=D(2090, 12, 31)), st.integers(0, 6))
def test_every_week_is_in_exactly_one_quarter(day, week_start):
    week = week_label(day, week_start)
    first, last = week_days(week, week_start)
    assert first <= day <= last and (last - first).days == 6
    q = quarter_of_week(week, week_start)
    assert week in weeks_of_quarter(q, week_start)
    year, n = int(q[:4]), int(q[-1])
    others = [f"{y}-Q{k}" for y in (year - 1, year, year + 1) for k in range(1, 5)
              if (y, k) != (year, n)]
    assert all(week not in weeks_of_quarter(o, week_start) for o in others)
