"""The line's calendar from the warehouse: from the contract, else learned from the call log.

:func:`line_calendar` is the one answer to "is the line expected open on this day / in
this slot" for every part of copil. It returns a :class:`forecasting.calendar.LineCalendar`
(pure data: the forecasting package receives it without touching DuckDB).

- With a contract (``copil contract set``): its ``opening_hours`` per weekday, its
  ``holidays`` country (default: the country of the line's time zone), subdivision,
  ``closed_on_holidays``, ``school_zones``, ``closures``, ``openings`` and ``week_start``
  (default: the day after the weekend, Monday for a Monday-Friday line). A contract
  without ``opening_hours`` takes the weekly pattern learned from the calls.
- Without a contract (the 1999 bank log): open weekdays and hours learned from the calls
  (a weekday is open when most of its weeks have calls; hours span the quarter-hours
  with calls on at least a quarter of that weekday's days; a weekday with calls on most
  of its weeks but too few to draw spans opens from its first to its last busy
  quarter-hour), the public holidays of the
  time zone's country, closed on them when past holidays were quiet, and the week
  starting after the quiet days (Sunday for the bank's Sunday-Thursday week).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

import duckdb
import holidays as _holidays
import pandas as pd

from analytics.contract import DAYS, Contract, warehouse_contract
from analytics.periods import Week, week_label
from analytics.warehouse import line_timezone, sql_text, warehouse_version
from forecasting.calendar import (
    LineCalendar,
    default_closed_on_holidays,
    holiday_dates,
    learn_weekly_pattern,
    week_start_from_pattern,
)

__all__ = ["line_calendar", "calendar_from_contract", "learn_calendar", "zone_country",
           "line_week", "line_week_label", "LineCalendar"]

#: a slot is part of a weekday's learned hours when at least this share of the weekday's
#: days with calls have a call in it
SLOT_DAY_SHARE = 0.25
SLOT_MINUTES = 15
SPAN_GAP_MIN = 60      # busy slots at most this far apart (minutes) belong to one span
SPAN_MIN_MIN = 60      # shorter runs of busy slots are stray calls, not opening hours
LEARN_MIN_DAYS = 28       # under four weeks of calls, the line counts as open every day
WEEK_START_MIN_WEEKS = 8   # weeks of calls before a learned week may start on another day
#: a weekday with calls on at least this share of its weeks is open even when its calls
#: are too sparse to draw spans (then open from its first to its last busy slot)
MOST_WEEKS = 0.5
_ZONE_TAB = Path("/usr/share/zoneinfo/zone.tab")


@lru_cache(maxsize=64)
def zone_country(tz: str) -> str | None:
    """ISO country code of an IANA zone (``Europe/Paris`` -> ``FR``) when the ``holidays``
    package knows its public holidays, else None."""
    try:
        lines = _ZONE_TAB.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for line in lines:
        parts = line.split("\t")
        if len(parts) >= 3 and not line.startswith("#") and parts[2] == tz:
            code = parts[0]
            return code if code in _holidays.list_supported_countries() else None
    return None


def _t(hhmm: str) -> dt.time:
    return dt.time(0, 0) if hhmm == "24:00" else dt.time.fromisoformat(hhmm)


def _contract_hours(contract: Contract) -> tuple:
    return tuple(tuple((_t(a), _t(b)) for a, b in contract.opening_hours[d]) for d in DAYS)


def calendar_from_contract(contract: Contract, timezone: str,
                           learned: LineCalendar | None = None) -> LineCalendar:
    """The calendar a contract describes (``learned`` supplies hours it does not give)."""
    if contract.opening_hours_given or learned is None:
        hours = _contract_hours(contract)
        weekend = None
    else:
        hours, weekend = learned.opening_hours, learned.weekend
    if contract.holidays == "":
        country = zone_country(contract.timezone or timezone)
    elif contract.holidays.lower() == "none":
        country = None
    else:
        country = contract.holidays
    closed = tuple(d for d in range(7) if not hours[d])
    if contract.week_start is not None:
        week_start = DAYS.index(contract.week_start)
    elif contract.opening_hours_given or learned is None:
        week_start = week_start_from_pattern(closed)      # the day after the closed days
    else:
        week_start = learned.week_start                   # learned with the hours
    return LineCalendar(
        opening_hours=hours, holidays=country, subdivision=contract.holiday_subdivision,
        closed_on_holidays=contract.closed_on_holidays, school_zones=contract.school_zones,
        closures=frozenset(contract.closures), openings=frozenset(contract.openings),
        week_start=week_start, weekend=weekend, source="contract")


def _clock(minutes: int) -> dt.time:
    """Wall-clock time of ``minutes`` after midnight (1440 and more: 00:00, i.e. midnight)."""
    return dt.time(0, 0) if minutes >= 1440 else dt.time(minutes // 60, minutes % 60)


def _spans(slots: list[int]) -> tuple:
    """Opening spans from the busy slots (minutes after midnight): runs closer than
    ``SPAN_GAP_MIN`` joined, runs shorter than ``SPAN_MIN_MIN`` (stray calls) dropped."""
    runs: list[list[int]] = []
    for s in slots:
        if runs and s - runs[-1][1] <= SPAN_GAP_MIN:
            runs[-1][1] = s + SLOT_MINUTES
        else:
            runs.append([s, s + SLOT_MINUTES])
    return tuple((_clock(a), _clock(b)) for a, b in runs if b - a >= SPAN_MIN_MIN)


def _learned_week_start(y: pd.Series, weekend) -> int:
    """Week start learned from the data, conservatively: another day than Monday only with
    at least ``WEEK_START_MIN_WEEKS`` weeks of calls and a weekend of two consecutive
    days (Friday-Saturday gives Sunday); otherwise the ISO Monday."""
    weekend = sorted(set(weekend))
    two_days = len(weekend) == 2 and (weekend[1] - weekend[0]) % 7 in (1, 6)
    if not two_days or len(y) < 7 * WEEK_START_MIN_WEEKS:
        return 0
    return week_start_from_pattern(weekend)


def _daily_calls(con: duckdb.DuckDBPyConnection, tz: str, offered_only: bool) -> pd.Series:
    df = con.execute(sql_text("calls_per_day"), {"tz": tz, "offered_only": offered_only}).df()
    if df.empty:
        return pd.Series(dtype=float)
    s = df.set_index(pd.to_datetime(df["day"]))["calls"].astype(float)
    return s.reindex(pd.date_range(s.index.min(), s.index.max(), freq="D"))   # gaps: NaN


def learn_calendar(con: duckdb.DuckDBPyConnection) -> LineCalendar:
    """The calendar learned from the call log (see the module docstring)."""
    tz = line_timezone(con)
    # the queue's traffic says when the line is open; a log of IVR calls only, its rows
    offered_only = bool(con.execute("select count(*) > 0 from calls "
                                    "where outcome <> 'ivr'").fetchone()[0])
    y = _daily_calls(con, tz, offered_only)
    if y.dropna().empty:
        return LineCalendar.always_open(source="default")
    if len(y) < LEARN_MIN_DAYS:          # too short to tell closed days from quiet ones
        return LineCalendar.always_open(source="short")
    closed, weekend = learn_weekly_pattern(y)
    slots = con.execute(sql_text("call_days_by_slot"),
                        {"tz": tz, "minutes": SLOT_MINUTES, "offered_only": offered_only}).df()
    days_per_weekday = y.dropna().groupby(y.dropna().index.day_of_week).apply(
        lambda v: int((v > 0).sum()))
    hours = []
    for d in range(7):
        rows = slots[slots["weekday"] == d]
        n_days = int(days_per_weekday.get(d, 0))
        kept = rows[rows["days"] >= SLOT_DAY_SHARE * n_days] if n_days else rows.iloc[0:0]
        if d in closed or kept.empty:
            hours.append(())
            continue
        busy = sorted(int(x) for x in kept["slot"])
        spans = _spans(busy)
        if not spans and n_days >= MOST_WEEKS * int((y.index.day_of_week == d).sum()):
            # calls too sparse to draw spans, but on most of this weekday's weeks: open,
            # from the first to the last busy slot
            spans = ((_clock(busy[0]), _clock(busy[-1] + SLOT_MINUTES)),)
        hours.append(spans)
    country = zone_country(tz)
    coh = default_closed_on_holidays(y, holiday_dates(country, y.index), closed)
    return LineCalendar(opening_hours=tuple(hours), holidays=country,
                        closed_on_holidays=coh, week_start=_learned_week_start(y, weekend),
                        weekend=tuple(weekend) or None, source="learned")


def _version(con: duckdb.DuckDBPyConnection) -> tuple:
    path = con.execute("select path from duckdb_databases() "
                       "where database_name = current_database()").fetchone()[0]
    return (path, warehouse_version(con))


_CACHE: dict[tuple, LineCalendar] = {}


def line_calendar(con: duckdb.DuckDBPyConnection, contract: Contract | None = None) -> LineCalendar:
    """The line's calendar: the contract's (given, or stored in the warehouse), else learned.

    Cached per warehouse file, load and contract (learning reads the whole call log).
    """
    key = (*_version(con), repr(contract))
    hit = _CACHE.get(key)
    if hit is not None:
        return hit
    if contract is None:
        contract = warehouse_contract(con)
    tz = line_timezone(con)
    if contract is None:
        cal = learn_calendar(con)
    else:
        learned = None if contract.opening_hours_given else learn_calendar(con)
        cal = calendar_from_contract(contract, tz, learned)
    if len(_CACHE) > 32:
        _CACHE.clear()
    _CACHE[key] = cal
    return cal


def line_week(con: duckdb.DuckDBPyConnection, week: str, contract: Contract | None = None) -> Week:
    """The line's week labelled ``week``: its first and last local day, from the calendar's
    week start (Monday, or Sunday for a Sunday-Thursday line)."""
    return Week.of(week, line_calendar(con, contract).week_start)


def line_week_label(con: duckdb.DuckDBPyConnection, day, contract: Contract | None = None) -> str:
    """Label ``YYYY-Www`` of the line's week holding ``day``."""
    return week_label(pd.Timestamp(day).date(), line_calendar(con, contract).week_start)
