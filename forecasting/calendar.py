"""Calendar features for daily call volumes: holidays, bridge days, school holidays, opening days.

Every function takes plain dates and returns plain pandas objects. Holiday calendars are
configurable: ``None`` (no holidays), a country code understood by the ``holidays``
package (``"FR"``, ``"IL"``...), or any iterable of dates (a user calendar).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import holidays as _holidays
import numpy as np
import pandas as pd

HolidaySpec = str | Iterable | None

FRENCH_SCHOOL_ZONES = ("A", "B", "C")


def _years(dates: pd.DatetimeIndex) -> list[int]:
    if len(dates) == 0:
        return []
    return list(range(dates.min().year - 1, dates.max().year + 2))


def holiday_dates(spec: HolidaySpec, dates: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """Public holidays covering ``dates`` (one year either side).

    Parameters
    ----------
    spec : None, str or iterable of dates
        ``None``: no holidays. A country code (``"FR"``, ``"IL"``): public holidays
        from the ``holidays`` package. An iterable of dates: a user calendar.
    dates : DatetimeIndex
        The days the calendar must cover.
    """
    if spec is None:
        return pd.DatetimeIndex([])
    if isinstance(spec, str):
        try:
            cal = _holidays.country_holidays(spec.upper(), years=_years(dates))
        except NotImplementedError as exc:
            raise ValueError(
                f"holidays: unknown country code {spec!r}; give a code known to the "
                "'holidays' package (e.g. 'FR') or a list of dates"
            ) from exc
        return pd.DatetimeIndex(sorted(pd.Timestamp(d) for d in cal))
    return pd.DatetimeIndex(sorted({pd.Timestamp(d).normalize() for d in spec}))


def school_holiday_share(zones: Iterable[str] | None, dates: pd.DatetimeIndex,
                         user_dates: Iterable | None = None) -> pd.Series:
    """Share of the given French school zones on holiday each day (0 to 1).

    Parameters
    ----------
    zones : iterable of "A", "B", "C", or None
        French school-holiday zones (from the ``holidays`` package's ``school`` category).
    dates : DatetimeIndex
        Days to describe.
    user_dates : iterable of dates, optional
        A user school-holiday calendar; these days count as 1 (all zones).
    """
    share = pd.Series(0.0, index=dates)
    zones = [z.upper().replace("ZONE", "").strip() for z in (zones or [])]
    for z in zones:
        if z not in FRENCH_SCHOOL_ZONES:
            raise ValueError(f"school_zones: {z!r} is not a French school zone (A, B or C)")
        cal = _holidays.country_holidays("FR", subdiv=f"Zone {z}", years=_years(dates),
                                         categories=("school",))
        days = pd.DatetimeIndex([pd.Timestamp(d) for d in cal])
        share += dates.isin(days).astype(float) / len(zones)
    if user_dates is not None:
        days = pd.DatetimeIndex([pd.Timestamp(d).normalize() for d in user_dates])
        share[dates.isin(days)] = 1.0
    return share


def learn_weekly_pattern(y: pd.Series, *, closed_share: float = 0.8,
                         weekend_ratio: float = 0.6) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Closed weekdays and the public's weekend, learned from a daily series.

    A weekday is *closed* when at least ``closed_share`` of its observed days have
    zero calls, or when it never appears in two weeks or more of data (files often
    have no row for closed days). The *weekend* (used to find bridge days) is the set of weekdays that
    are closed or whose mean volume is below ``weekend_ratio`` times the median of
    the open weekdays' means (Friday-Saturday for a line whose week starts Sunday).

    Returns
    -------
    closed, weekend : tuples of weekday numbers (Monday = 0)
    """
    obs = y.dropna()
    wd = obs.index.day_of_week
    span_weeks = len(y) / 7.0
    closed, means = [], {}
    for d in range(7):
        v = obs[wd == d]
        if len(v) == 0:
            if span_weeks >= 2:  # a weekday never seen in weeks of data: the line is closed
                closed.append(d)
            continue
        if (v <= 0).mean() >= closed_share:
            closed.append(d)
        else:
            means[d] = float(v[v > 0].mean())
    weekend = list(closed)
    if means:
        ref = float(np.median(list(means.values())))
        weekend += [d for d, m in means.items() if m < weekend_ratio * ref]
    return tuple(sorted(closed)), tuple(sorted(weekend))


def calendar_frame(dates: pd.DatetimeIndex, *, holidays: HolidaySpec = "FR",
                   school_zones: Iterable[str] | None = None,
                   school_dates: Iterable | None = None,
                   closed_weekdays: Iterable[int] = (),
                   weekend: Iterable[int] = (5, 6),
                   closed_on_holidays: bool = True,
                   closed_dates: Iterable = ()) -> pd.DataFrame:
    """One row of calendar facts per day.

    Columns: ``weekday`` (Monday = 0), ``holiday``, ``bridge`` (a working day between a
    holiday and the weekend, e.g. the Friday after Ascension), ``after_holiday`` (the
    first working day after a holiday), ``school`` (share of school zones on holiday,
    0-1) and ``open`` (the line takes calls that day).
    """
    dates = pd.DatetimeIndex(dates).normalize()
    ext = pd.date_range(dates.min() - pd.Timedelta(days=7), dates.max() + pd.Timedelta(days=7),
                        freq="D") if len(dates) else dates
    hol_days = holiday_dates(holidays, ext)
    hol = pd.Series(ext.isin(hol_days), index=ext)
    weekend = set(weekend)
    wknd = pd.Series(ext.day_of_week.isin(list(weekend)), index=ext)
    off = hol | wknd
    prev_off = off.shift(1, fill_value=False)
    next_off = off.shift(-1, fill_value=False)
    prev_hol = hol.shift(1, fill_value=False)
    next_hol = hol.shift(-1, fill_value=False)
    bridge = ~off & prev_off & next_off & (prev_hol | next_hol)
    working = ~off & ~bridge
    # first working day after a holiday, across a weekend in between
    marks = pd.Series(np.where(hol, 1.0, np.where(working, 0.0, np.nan)), index=ext)
    after = working & (marks.shift(1).ffill() == 1.0)
    closed_days = pd.DatetimeIndex([pd.Timestamp(d).normalize() for d in closed_dates])
    frame = pd.DataFrame({
        "weekday": ext.day_of_week,
        "holiday": hol.to_numpy(),
        "bridge": bridge.to_numpy(),
        "after_holiday": after.to_numpy(),
        "school": school_holiday_share(school_zones, ext, school_dates).to_numpy(),
    }, index=ext)
    is_open = ~frame["weekday"].isin(list(closed_weekdays)) & ~ext.isin(closed_days)
    if closed_on_holidays:
        is_open &= ~frame["holiday"]
    frame["open"] = is_open.to_numpy()
    out = frame.loc[dates]
    out.index.name = "date"
    return out


def default_closed_on_holidays(y: pd.Series, holiday_days: pd.DatetimeIndex,
                               closed_weekdays: Iterable[int]) -> bool:
    """Whether the line closes on public holidays, learned from past holidays.

    True when at least half of the past holidays that fell on open weekdays had
    fewer calls than 5 % of that weekday's median volume; True too when history has
    no such holiday (the usual case for French lines).
    """
    obs = y.dropna()
    closed_weekdays = set(closed_weekdays)
    days = [d for d in holiday_dates_in(obs.index, holiday_days)
            if d.day_of_week not in closed_weekdays]
    if not days:
        return True
    wd_median = obs.groupby(obs.index.day_of_week).median()
    low = [obs[d] < 0.05 * wd_median[d.day_of_week] for d in days]
    return float(np.mean(low)) >= 0.5


def holiday_dates_in(index: pd.DatetimeIndex, holiday_days: pd.DatetimeIndex) -> list[pd.Timestamp]:
    """The holidays that fall inside ``index``."""
    return [d for d in holiday_days if d in index]


def week_first_day(day: dt.date, week_start: int = 0) -> dt.date:
    """First day of the week holding ``day`` when weeks start on ``week_start`` (Monday = 0)."""
    return day - dt.timedelta(days=(day.weekday() - week_start) % 7)


# --------------------------------------------------------------------------- the line's calendar
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Span = tuple[dt.time, dt.time]
_MIDNIGHT = dt.time(0, 0)


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def _end_minutes(t: dt.time) -> int:
    """Minutes after midnight of a span's end; 00:00 as an end means midnight (1440)."""
    return 1440 if t == _MIDNIGHT else _minutes(t)


def week_start_from_pattern(weekend: Iterable[int]) -> int:
    """First day of the line's week (Monday = 0): the day after its longest weekend run.

    ``weekend`` holds the weekdays the line is closed or quiet. Monday for a
    Monday-Friday or Monday-Saturday line, Sunday (6) for a line whose weekend is
    Friday-Saturday; Monday when there is no weekend at all.
    """
    weekend = set(weekend)
    if not weekend or len(weekend) == 7:
        return 0
    best_end, best_len = 6, 0
    for start in range(7):                      # runs of weekend days, wrapping Sunday->Monday
        if start in weekend and (start - 1) % 7 not in weekend:
            length = 0
            while (start + length) % 7 in weekend and length < 7:
                length += 1
            if length > best_len or (length == best_len and (start + length) % 7 == 0):
                best_end, best_len = (start + length - 1) % 7, length
    return (best_end + 1) % 7


@dataclass(frozen=True)
class LineCalendar:
    """When the line is expected to take calls: the one answer for every part of copil.

    Built by :mod:`analytics.line_calendar` from the service contract, or learned from the
    call log when there is no contract; forecasting, planning, reports, the dashboard and
    the data-health checks all receive it as data.

    Parameters
    ----------
    opening_hours : tuple of 7 tuples of (open, close) local times
        Monday first; an empty tuple is a closed weekday; a close of 00:00 means midnight.
    holidays : str or None
        Public-holiday country code of the ``holidays`` package (``"FR"``, ``"IL"``) or None.
    subdivision : str or None
        The country's subdivision for regional holidays (e.g. ``"57"`` for Moselle).
    closed_on_holidays : bool
        Whether the line closes on public holidays.
    school_zones : tuple of str
        French school-holiday zones (A, B, C) whose holidays shape the volume (forecasting).
    closures, openings : frozenset of dates
        Exceptional closed days, and exceptional openings (open even if the weekday or a
        holiday says closed, with the hours of ``opening_span``).
    week_start : int
        First day of the line's week (Monday = 0; 6 = Sunday for a Sunday-Thursday line).
    weekend : tuple of int
        Weekdays the public is off (for bridge days); defaults to the closed weekdays.
    source : str
        ``"contract"``, ``"learned"`` (from the call log), ``"short"`` (too little data to
        learn: open every day) or ``"default"``.
    """

    opening_hours: tuple[tuple[Span, ...], ...]
    holidays: str | None = None
    subdivision: str | None = None
    closed_on_holidays: bool = True
    school_zones: tuple[str, ...] = ()
    closures: frozenset[dt.date] = frozenset()
    openings: frozenset[dt.date] = frozenset()
    week_start: int = 0
    weekend: tuple[int, ...] | None = None
    source: str = "contract"
    opening_span: Span = (dt.time(9, 0), dt.time(17, 0))

    def __post_init__(self) -> None:
        if len(self.opening_hours) != 7:
            raise ValueError("opening_hours: give 7 weekdays, Monday first")
        if not 0 <= self.week_start <= 6:
            raise ValueError("week_start: a weekday number, Monday = 0 ... Sunday = 6")
        for z in self.school_zones:
            if z not in FRENCH_SCHOOL_ZONES:
                raise ValueError(f"school_zones: {z!r} is not a French school zone (A, B or C)")

    # ------------------------------------------------------------------ constructors
    @classmethod
    def always_open(cls, **kwargs) -> LineCalendar:
        """Open 24 hours a day, every day (the glossary default when nothing is known)."""
        return cls(opening_hours=((( _MIDNIGHT, _MIDNIGHT),),) * 7, **kwargs)

    # ------------------------------------------------------------------ weekly pattern
    @property
    def open_weekdays(self) -> tuple[int, ...]:
        """Weekdays with opening hours (Monday = 0)."""
        return tuple(d for d in range(7) if self.opening_hours[d])

    @property
    def closed_weekdays(self) -> tuple[int, ...]:
        return tuple(d for d in range(7) if not self.opening_hours[d])

    @property
    def public_weekend(self) -> tuple[int, ...]:
        return self.weekend if self.weekend is not None else (self.closed_weekdays or (5, 6))

    def holiday_days(self, start: dt.date, end: dt.date) -> pd.DatetimeIndex:
        """Public holidays between two dates (inclusive)."""
        if self.holidays is None:
            return pd.DatetimeIndex([])
        try:
            cal = _holidays.country_holidays(self.holidays, subdiv=self.subdivision,
                                             years=range(start.year, end.year + 1))
        except NotImplementedError as exc:
            raise ValueError(f"holidays: unknown country or subdivision "
                             f"{self.holidays!r}/{self.subdivision!r}") from exc
        days = sorted(d for d in cal if start <= d <= end)
        return pd.DatetimeIndex([pd.Timestamp(d) for d in days])

    # ------------------------------------------------------------------ days
    def open_mask(self, dates: Iterable) -> np.ndarray:
        """Whether the line is expected open on each date (boolean array)."""
        idx = pd.DatetimeIndex(pd.to_datetime(list(dates) if not isinstance(
            dates, pd.DatetimeIndex) else dates)).normalize()
        if len(idx) == 0:
            return np.zeros(0, dtype=bool)
        is_open = idx.day_of_week.isin(list(self.open_weekdays))
        if self.closed_on_holidays and self.holidays is not None:
            hol = self.holiday_days(idx.min().date(), idx.max().date())
            is_open &= ~idx.isin(hol)
        if self.closures:
            is_open &= ~idx.isin(pd.DatetimeIndex([pd.Timestamp(d) for d in self.closures]))
        if self.openings:
            is_open |= idx.isin(pd.DatetimeIndex([pd.Timestamp(d) for d in self.openings]))
        return np.asarray(is_open, dtype=bool)

    def is_open(self, day) -> bool:
        """Whether the line is expected open on ``day`` (a date or ISO string)."""
        return bool(self.open_mask([pd.Timestamp(day)])[0])

    def open_days(self, start, end) -> list[dt.date]:
        """The days from ``start`` to ``end`` (inclusive) on which the line is expected open."""
        days = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq="D")
        return [d.date() for d in days[self.open_mask(days)]]

    def spans(self, day) -> tuple[Span, ...]:
        """Opening spans (local times) of ``day``; empty when closed."""
        day = pd.Timestamp(day).date()
        if not self.is_open(day):
            return ()
        if day in self.openings and not self.opening_hours[day.weekday()]:
            return (self.opening_span,)
        return self.opening_hours[day.weekday()]

    def slot_open_mask(self, starts: Iterable, minutes: int) -> np.ndarray:
        """Whether each local interval ``[start, start + minutes)`` overlaps opening hours."""
        ts = pd.DatetimeIndex(pd.to_datetime(list(starts) if not isinstance(
            starts, pd.DatetimeIndex) else starts))
        if len(ts) == 0:
            return np.zeros(0, dtype=bool)
        day_open = self.open_mask(ts.normalize())
        mins = ts.hour * 60 + ts.minute
        out = np.zeros(len(ts), dtype=bool)
        days = ts.normalize()
        for i in np.flatnonzero(day_open):
            for a, b in self.spans(days[i]):
                if mins[i] < _end_minutes(b) and mins[i] + minutes > _minutes(a):
                    out[i] = True
                    break
        return out

    def is_open_at(self, when) -> bool:
        """Whether the line is open at a local wall-clock time."""
        ts = pd.Timestamp(when)
        m = ts.hour * 60 + ts.minute
        return any(_minutes(a) <= m < _end_minutes(b) for a, b in self.spans(ts))

    # ------------------------------------------------------------------ weeks
    def week_first_day(self, day) -> dt.date:
        """First day of the line's week that holds ``day``."""
        return week_first_day(pd.Timestamp(day).date(), self.week_start)

    def week_last_open_weekday(self) -> int:
        """The weekday (Monday = 0) of the last open day of a normal week."""
        opens = self.open_weekdays or tuple(range(7))
        return max(opens, key=lambda d: (d - self.week_start) % 7)

    # ------------------------------------------------------------------ forecasting
    def frame(self, dates) -> pd.DataFrame:
        """One row of calendar facts per date (see :func:`calendar_frame`), ``open`` included."""
        dates = pd.DatetimeIndex(dates).normalize()
        out = calendar_frame(dates, holidays=self.holidays, school_zones=self.school_zones,
                             closed_weekdays=self.closed_weekdays, weekend=self.public_weekend,
                             closed_on_holidays=self.closed_on_holidays,
                             closed_dates=sorted(self.closures))
        out["open"] = self.open_mask(dates)
        return out

    def model_kwargs(self) -> dict:
        """Keyword arguments describing this calendar to :class:`forecasting.DailyVolumeModel`."""
        return dict(holidays=self.holidays, school_zones=self.school_zones or None,
                    closed_weekdays=self.closed_weekdays, weekend=self.public_weekend,
                    closed_on_holidays=self.closed_on_holidays, closed_dates=sorted(self.closures))

    # ------------------------------------------------------------------ words
    def describe(self) -> str:
        """One line saying what the calendar is and where it comes from (English)."""
        def hours(d: int) -> str:
            return ", ".join(f"{a:%H:%M}-{'24:00' if b == _MIDNIGHT else f'{b:%H:%M}'}"
                             for a, b in self.opening_hours[d])
        groups: list[tuple[int, int, str]] = []
        for d in range(7):
            h = hours(d) or "closed"
            if groups and groups[-1][2] == h and groups[-1][1] == d - 1:
                groups[-1] = (groups[-1][0], d, h)
            else:
                groups.append((d, d, h))
        week = "; ".join((WEEKDAY_NAMES[a] if a == b else f"{WEEKDAY_NAMES[a]}-{WEEKDAY_NAMES[b]}")
                         + f" {h}" for a, b, h in groups)
        hol = (f"closed on {self.holidays} public holidays" if self.closed_on_holidays
               else f"open on {self.holidays} public holidays") if self.holidays else "no holiday calendar"
        origin = {"contract": "from the contract", "learned": "learned from the call log",
                  "default": "default (no contract, no calls)",
                  "short": "no contract and under four weeks of calls to learn from"
                  }.get(self.source, self.source)
        return (f"{week}; {hol}; week starts {WEEKDAY_NAMES[self.week_start]} ({origin})")
