"""Bounds on the periods a person may ask for: inside the warehouse's data, plus a stated
margin. The one home of this rule; the library entry points that a request reaches
(:func:`analytics.review.week_review`, :func:`~analytics.review.quarter_review`,
:func:`analytics.kpis.kpis`, :func:`analytics.week_plan.plan_week` and its what-if) call
:func:`check_period_in_data`, and the app turns :class:`PeriodOutsideData` into HTTP 404
(downloads) or a message (callbacks).

Why: every figure of a period costs rows in proportion to its length (days, half hours,
weeks), so a period far from the data (``9999-Q3``) cost gigabytes for an empty answer.
With the bounds a request's work is at most the data's span plus the margins.
"""

from __future__ import annotations

import datetime as dt

__all__ = ["PeriodOutsideData", "check_period_in_data", "check_week", "check_quarter",
           "data_span", "PLANNING_WEEKS_AHEAD",
           "PLANNING_MARGIN_DAYS", "PLANNING_HORIZON_DAYS", "KPI_MARGIN_DAYS", "WHAT_IF_LEAD_DAYS", "MAX_AUDIENCE"]

#: weeks after the data a week may be planned (the Planning page offers these)
PLANNING_WEEKS_AHEAD = 8
#: days after the last day with calls a week planned from the dashboard may start (8 weeks)
PLANNING_MARGIN_DAYS = 7 * PLANNING_WEEKS_AHEAD
#: days after the last day with calls a week planned by the library (``copil plan``) may start
PLANNING_HORIZON_DAYS = 366
#: days before the first and after the last day with calls a KPI range may reach (a year and
#: a month: the same week a year before, and the 13-week trend before the first week)
KPI_MARGIN_DAYS = 400
#: days before its week a what-if campaign may start (its effect on the week fades by then)
WHAT_IF_LEAD_DAYS = 8 * 7
#: largest what-if audience (people reached): more than the population of France
MAX_AUDIENCE = 100_000_000


class PeriodOutsideData(ValueError):
    """A period outside the warehouse's data (plus margin); the message says which days the
    data hold and what may be asked.

    Attributes
    ----------
    first, last : the period asked for (local days).
    allowed : (first, last) local days that may be asked, None without calls.
    """

    def __init__(self, message: str, *, first: dt.date, last: dt.date,
                 allowed: tuple[dt.date, dt.date] | None) -> None:
        super().__init__(message)
        self.first, self.last, self.allowed = first, last, allowed


def data_span(con) -> tuple[dt.date, dt.date] | None:
    """First and last local day with calls (:func:`analytics.kpis.data_range`), None if none."""
    from analytics.kpis import data_range

    return data_range(con)


def check_period_in_data(con, first: dt.date, last: dt.date, *, what: str = "period",
                         margin_days: int = 0, margin_before_days: int | None = None,
                         whole: bool = False, without_calls_days: int = 0
                         ) -> tuple[dt.date, dt.date] | None:
    """Refuse a period outside the data widened by the margins.

    Parameters
    ----------
    con : warehouse connection.
    first, last : the period's first and last local day (inclusive).
    what : how the period was named, for the message (``week '2030-W01'``).
    margin_days : days after the last day with calls the range may reach.
    margin_before_days : days before the first day with calls; default ``margin_days``.
    whole : False: the period must overlap the range (a week, a quarter: their length is
        fixed); True: it must lie wholly inside it (a date range, whose length is free).
    without_calls_days : in a warehouse without calls, periods of at most this many days
        are allowed (their figures are zeros); default none.

    Returns
    -------
    The range (first, last local day) that may be asked; None without calls.

    Raises
    ------
    PeriodOutsideData : the warehouse has no calls, or the period is outside the range.
    ValueError : ``last`` before ``first``.
    """
    if last < first:
        raise ValueError(f"{what}: its last day {last} is before its first day {first}; swap them")
    span = data_span(con)
    if span is None and (last - first).days < without_calls_days:
        return None
    if span is None:
        raise PeriodOutsideData(
            f"{what}: the warehouse holds no calls yet; load a call log with "
            "'copil ingest calls FILE'", first=first, last=last, allowed=None)
    before = margin_days if margin_before_days is None else margin_before_days
    lo = span[0] - dt.timedelta(days=before)
    hi = span[1] + dt.timedelta(days=margin_days)
    outside = (first < lo or last > hi) if whole else (last < lo or first > hi)
    if outside:
        data = f"the calls run from {span[0]} to {span[1]}"
        if (lo, hi) != span:
            data += f", and {what.split(' ')[0]}s from {lo} to {hi} may be asked for"
        raise PeriodOutsideData(
            f"{what} ({first} to {last}) is outside the data: {data}. Pick a period in that "
            "range", first=first, last=last, allowed=(lo, hi))
    return lo, hi


def check_week(con, week: str, *, week_start: int = 0, margin_days: int = 0) -> str:
    """The week's normalised label (:func:`analytics.periods.parse_week`) if it overlaps the
    data (its last day at most ``margin_days`` after the last day with calls), else
    :class:`PeriodOutsideData`; ValueError for a label that is not a week."""
    from analytics.periods import parse_week, week_days

    label = parse_week(week)
    first, last = week_days(label, week_start)
    check_period_in_data(con, first, last, what=f"week {label}", margin_days=margin_days,
                         margin_before_days=0)
    return label


def check_quarter(con, quarter: str) -> str:
    """The quarter's normalised label (:func:`analytics.periods.parse_quarter`) if its weeks
    overlap the data, else :class:`PeriodOutsideData`; ValueError for a bad label."""
    from analytics.periods import parse_quarter, quarter_weeks_span

    label = parse_quarter(quarter)
    first, last = quarter_weeks_span(label, 0)
    check_period_in_data(con, first, last, what=f"quarter {label}")
    return label
