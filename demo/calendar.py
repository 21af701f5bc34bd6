"""Calendar facts of the demo line: opening hours, open days, holidays, local-time anchors.

The line's calendar (French public holidays, school zones A, B and C, weekdays and
Saturdays per the configuration's ``opening``) comes from :mod:`forecasting.calendar`
through one function, :func:`calendar_days`; everything else here derives from it.

All instants are integer epoch seconds (UTC). A local time on day ``d`` is
``midnight_utc_s[d] + seconds since local midnight`` where ``midnight_utc_s`` is the
UTC instant of local midnight plus the DST shift of the day, which is valid for any
time after 03:00 local (DST changes happen at 02:00-03:00 on Sundays).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import holidays as _holidays
import pandas as pd

from forecasting.calendar import FRENCH_SCHOOL_ZONES, calendar_frame

__all__ = ["HOLIDAYS", "SCHOOL_ZONES", "opening_seconds", "weekly_opening", "calendar_days",
           "day_table"]

HOLIDAYS = "FR"                      # public-holiday country of the demo line
SCHOOL_ZONES = FRENCH_SCHOOL_ZONES   # school-holiday zones whose holidays lower volume


def opening_seconds(hours: list[str] | None) -> tuple[int, int] | None:
    """``["09:00", "18:00"]`` -> (32400, 64800) seconds since local midnight, or None."""
    if not hours:
        return None
    if len(hours) != 2:
        raise ValueError(f"opening hours must be [open, close] like ['09:00', '18:00'], not {hours}")
    out = []
    for text in hours:
        h, m = str(text).split(":")
        out.append(int(h) * 3600 + int(m) * 60)
    if not 3 * 3600 <= out[0] < out[1] <= 24 * 3600:
        raise ValueError(f"opening hours {hours} must run forwards between 03:00 and 24:00")
    return out[0], out[1]


def weekly_opening(cfg: dict) -> tuple[tuple[int, int] | None, ...]:
    """Opening hours of each weekday, Monday first: (open, close) seconds since local
    midnight, or None when closed (``opening.weekdays`` Monday-Friday, ``opening.saturday``,
    Sunday always closed)."""
    week = opening_seconds(cfg["opening"]["weekdays"])
    return (week,) * 5 + (opening_seconds(cfg["opening"].get("saturday")), None)


def calendar_days(first: dt.date, last: dt.date, cfg: dict) -> pd.DataFrame:
    """The demo line's calendar from ``first`` to ``last`` (inclusive), one row per day.

    Index ``date`` (datetime.date). Columns: ``holiday`` (public-holiday name or ""),
    ``school_zones`` (how many of the school zones A, B, C are on holiday, 0-3) and
    ``open`` (the line takes calls: an opening weekday, and no public holiday unless
    ``opening.closed_public_holidays`` is false).
    """
    dates = pd.date_range(first, last, freq="D")
    closed = [wd for wd, hours in enumerate(weekly_opening(cfg)) if hours is None]
    frame = calendar_frame(dates, holidays=HOLIDAYS, school_zones=SCHOOL_ZONES,
                           closed_weekdays=closed,
                           closed_on_holidays=bool(cfg["opening"].get("closed_public_holidays",
                                                                      True)))
    names = _holidays.country_holidays(HOLIDAYS, years=range(first.year, last.year + 1))
    days = [d.date() for d in dates]
    return pd.DataFrame({
        "holiday": [(names.get(d, "") or "") if h else ""
                    for d, h in zip(days, frame["holiday"], strict=True)],
        "school_zones": (frame["school"].to_numpy() * len(SCHOOL_ZONES)).round().astype(int),
        "open": frame["open"].to_numpy(),
    }, index=pd.Index(days, name="date"))


def day_table(first: dt.date, last: dt.date, cfg: dict) -> pd.DataFrame:
    """One row per calendar day from ``first`` to ``last`` (inclusive).

    Columns: ``date`` (datetime.date), ``weekday`` (0 = Monday), ``holiday`` (public
    holiday name or ""), ``school_zones`` (school zones A/B/C on holiday, 0-3),
    ``open_s``/``close_s`` (opening hours, seconds since local midnight, 0/0 when closed),
    ``is_open``, ``midnight_utc_s`` (epoch seconds of local 00:00), ``offset_s`` (UTC
    offset at noon, seconds) and ``midnight_offset_s`` (UTC offset at 00:00, seconds).
    """
    tz = ZoneInfo(cfg["timezone"])
    cal = calendar_days(first, last, cfg)
    week = weekly_opening(cfg)
    rows = []
    for d, name, zones, is_open in zip(cal.index, cal["holiday"], cal["school_zones"],
                                       cal["open"], strict=True):
        wd = d.weekday()
        hours = week[wd] if is_open else (0, 0)
        noon = dt.datetime(d.year, d.month, d.day, 12, tzinfo=tz).utcoffset()
        midnight = dt.datetime(d.year, d.month, d.day, 0, tzinfo=tz).utcoffset()
        naive = (d - dt.date(1970, 1, 1)).days * 86400
        rows.append((d, wd, name, int(zones), hours[0], hours[1],
                     hours[1] > hours[0], naive - int(noon.total_seconds()),
                     int(noon.total_seconds()), int(midnight.total_seconds())))
    return pd.DataFrame(rows, columns=["date", "weekday", "holiday", "school_zones", "open_s",
                                       "close_s", "is_open", "midnight_utc_s", "offset_s",
                                       "midnight_offset_s"])
