"""Calendar features for daily call volumes: holidays, bridge days, school holidays, opening days.

Every function takes plain dates and returns plain pandas objects. Holiday calendars are
configurable: ``None`` (no holidays), a country code understood by the ``holidays``
package (``"FR"``, ``"IL"``...), or any iterable of dates (a user calendar).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

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


def to_date(value) -> dt.date:
    """A date from a string, date or Timestamp."""
    return pd.Timestamp(value).date()
