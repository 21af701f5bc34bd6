"""Weeks and quarters: labels, bounds, and which weeks belong to a quarter.

The one home of these rules. A week is labelled ``YYYY-Www`` by the ISO week that holds
its Thursday, and belongs to the quarter that holds its Thursday (the ISO rule), so every
week is in exactly one quarter. The line's week may start on another day than Monday
(``week_start``, Monday = 0, Sunday = 6: a Sunday-Thursday line); its label is still the
ISO week of its Thursday, so a Sunday week is named like the Monday week it overlaps most.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from forecasting.calendar import week_first_day

__all__ = ["parse_week", "parse_quarter", "to_date", "week_label", "week_first_day",
           "week_days", "quarter_label", "quarter_bounds", "quarter_of_week",
           "weeks_of_quarter", "quarter_weeks_span", "Week", "MIN_YEAR", "MAX_YEAR"]

#: Years a user may name at all (a period outside the data is refused later, with reasons).
MIN_YEAR, MAX_YEAR = 1990, 2100

_WEEK = re.compile(r"^\s*0*(\d{4})-?W(\d{1,2})\s*$", re.IGNORECASE)
_QUARTER = re.compile(r"^\s*0*(\d{4})-?Q([1-4])\s*$", re.IGNORECASE)


def to_date(value) -> dt.date | None:
    """A ``date`` from a date, datetime or ISO string (``YYYY-MM-DD``); None stays None."""
    if value is None or isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"date {value!r} is not a date; write it as YYYY-MM-DD") from None


def _check_year(year: int, what: str, text: str) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"{what} {text!r}: the year must be between {MIN_YEAR} and {MAX_YEAR}")


def parse_week(text: str) -> str:
    """The normalised label ``YYYY-Www`` of a week written by a person.

    ``2026-W08``, ``2026-w8``, ``2026W08`` and ``02026-W08`` are one week. Raises
    ``ValueError`` saying how to write it.
    """
    m = _WEEK.match(str(text))
    if not m:
        raise ValueError(f"week {text!r} is not an ISO week; write it as YYYY-Www, e.g. 2026-W08")
    year, week = int(m.group(1)), int(m.group(2))
    _check_year(year, "week", text)
    try:
        dt.date.fromisocalendar(year, week, 4)
    except ValueError:
        raise ValueError(f"week {text!r} does not exist: {year} has "
                         f"{dt.date(year, 12, 28).isocalendar()[1]} ISO weeks") from None
    return f"{year}-W{week:02d}"


def parse_quarter(text: str) -> str:
    """The normalised label ``YYYY-Qn`` of a quarter (``2026-q1`` -> ``2026-Q1``)."""
    m = _QUARTER.match(str(text))
    if not m:
        raise ValueError(f"quarter {text!r} is not a quarter; write it as YYYY-Qn, e.g. 2026-Q1")
    year = int(m.group(1))
    _check_year(year, "quarter", text)
    return f"{year}-Q{m.group(2)}"


def _thursday(first_day: dt.date, week_start: int) -> dt.date:
    return first_day + dt.timedelta(days=(3 - week_start) % 7)


def week_label(day: dt.date, week_start: int = 0) -> str:
    """Label ``YYYY-Www`` of the line's week holding ``day``: the ISO week of its Thursday."""
    year, week, _ = _thursday(week_first_day(day, week_start), week_start).isocalendar()
    return f"{year}-W{week:02d}"


def week_days(week: str, week_start: int = 0) -> tuple[dt.date, dt.date]:
    """First and last day of the line's week labelled ``week``."""
    year, w = (int(x) for x in parse_week(week).split("-W"))
    thursday = dt.date.fromisocalendar(year, w, 4)
    first = thursday - dt.timedelta(days=(3 - week_start) % 7)
    return first, first + dt.timedelta(days=6)


@dataclass(frozen=True)
class Week:
    """One week of the line: its label and its first and last day (local dates)."""

    label: str
    first: dt.date
    last: dt.date

    @classmethod
    def of(cls, week: str, week_start: int = 0) -> Week:
        first, last = week_days(week, week_start)
        return cls(parse_week(week), first, last)


def quarter_label(day: dt.date) -> str:
    """``YYYY-Qn`` of the calendar quarter holding ``day``."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_bounds(quarter: str) -> tuple[dt.date, dt.date]:
    """First and last calendar day of a quarter ``YYYY-Qn``."""
    year, q = (int(x) for x in parse_quarter(quarter).split("-Q"))
    first = dt.date(year, 3 * (q - 1) + 1, 1)
    nxt = dt.date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1)
    return first, nxt - dt.timedelta(days=1)


def quarter_of_week(week: str, week_start: int = 0) -> str:
    """The quarter holding the week's Thursday."""
    first, _ = week_days(week, week_start)
    return quarter_label(_thursday(first, week_start))


def weeks_of_quarter(quarter: str, week_start: int = 0) -> list[str]:
    """Labels of the weeks whose Thursday falls in the quarter, in order (13 or 14)."""
    q_first, q_last = quarter_bounds(quarter)
    first = week_first_day(q_first, week_start)
    if _thursday(first, week_start) < q_first:
        first += dt.timedelta(days=7)
    out = []
    while _thursday(first, week_start) <= q_last:
        out.append(week_label(first, week_start))
        first += dt.timedelta(days=7)
    return out


def quarter_weeks_span(quarter: str, week_start: int = 0) -> tuple[dt.date, dt.date]:
    """First day of the quarter's first week and last day of its last week."""
    weeks = weeks_of_quarter(quarter, week_start)
    return week_days(weeks[0], week_start)[0], week_days(weeks[-1], week_start)[1]
