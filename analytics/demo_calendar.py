"""Calendar pieces of the demo generator: open days, holidays, local time, opening-hours time.

All instants are integer epoch seconds (UTC). A local time on day ``d`` is
``midnight_utc_s[d] + seconds since local midnight`` where ``midnight_utc_s`` is the
UTC instant of local midnight plus the DST shift of the day, which is valid for any
time after 03:00 local (DST changes happen at 02:00-03:00 on Sundays).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import holidays
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["day_table", "iso_strings", "opening_seconds", "WorkClock"]


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


def day_table(first: dt.date, last: dt.date, cfg: dict) -> pd.DataFrame:
    """One row per calendar day from ``first`` to ``last`` (inclusive).

    Columns: ``date`` (datetime.date), ``weekday`` (0 = Monday), ``holiday`` (public
    holiday name or ""), ``school_zones`` (school zones A/B/C on holiday, 0-3),
    ``open_s``/``close_s`` (opening hours, seconds since local midnight, 0/0 when closed),
    ``is_open``, ``midnight_utc_s`` (epoch seconds of local 00:00), ``offset_s`` (UTC
    offset at noon, seconds) and ``midnight_offset_s`` (UTC offset at 00:00, seconds).
    """
    tz = ZoneInfo(cfg["timezone"])
    dates = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    years = range(first.year, last.year + 1)
    public = holidays.France(years=years)
    zones = [holidays.France(years=years, subdiv=z, categories=("school",))
             for z in ("Zone A", "Zone B", "Zone C")]
    opening = cfg["opening"]
    week = opening_seconds(opening["weekdays"])
    sat = opening_seconds(opening.get("saturday"))
    closed_holidays = bool(opening.get("closed_public_holidays", True))
    rows = []
    for d in dates:
        wd = d.weekday()
        name = public.get(d, "") or ""
        hours = week if wd < 5 else (sat if wd == 5 else None)
        if hours is None or (closed_holidays and name):
            hours = (0, 0)
        noon = dt.datetime(d.year, d.month, d.day, 12, tzinfo=tz).utcoffset()
        midnight = dt.datetime(d.year, d.month, d.day, 0, tzinfo=tz).utcoffset()
        naive = (d - dt.date(1970, 1, 1)).days * 86400
        rows.append((d, wd, name, sum(d in z for z in zones), hours[0], hours[1],
                     hours[1] > hours[0], naive - int(noon.total_seconds()),
                     int(noon.total_seconds()), int(midnight.total_seconds())))
    return pd.DataFrame(rows, columns=["date", "weekday", "holiday", "school_zones", "open_s",
                                       "close_s", "is_open", "midnight_utc_s", "offset_s",
                                       "midnight_offset_s"])


def _offset_text(offset_s: int) -> str:
    sign = "-" if offset_s < 0 else "+"
    a = abs(int(offset_s))
    return f"{sign}{a // 3600:02d}:{a % 3600 // 60:02d}"


def iso_strings(epoch_s: np.ndarray, offset_s: np.ndarray) -> pa.Array:
    """ISO 8601 local times with offset, e.g. ``2026-03-30T09:15:02+02:00``.

    ``epoch_s``: integer epoch seconds (UTC); ``offset_s``: the local UTC offset of each
    instant (seconds). Returns an Arrow string array.
    """
    offset_s = np.broadcast_to(np.asarray(offset_s, dtype=np.int64), np.shape(epoch_s))
    local = (np.asarray(epoch_s, dtype=np.int64) + offset_s).astype("datetime64[s]")
    text = pa.array(np.datetime_as_string(local, unit="s"), type=pa.string())
    values, inverse = np.unique(offset_s, return_inverse=True)
    offsets = pa.array([_offset_text(v) for v in values], type=pa.string()).take(
        pa.array(inverse.ravel()))
    return pc.binary_join_element_wise(text, offsets, "")


class WorkClock:
    """Opening-hours time: converts instants to cumulated open seconds and back.

    Parameters
    ----------
    days : DataFrame
        ``day_table`` rows; open periods are ``[midnight + open_s, midnight + close_s)``.
    """

    def __init__(self, days: pd.DataFrame):
        open_days = days[days["is_open"]]
        self.start = (open_days["midnight_utc_s"] + open_days["open_s"]).to_numpy(np.int64)
        self.length = (open_days["close_s"] - open_days["open_s"]).to_numpy(np.int64)
        self.before = np.concatenate([[0], np.cumsum(self.length)[:-1]])

    def worked(self, t: np.ndarray) -> np.ndarray:
        """Open seconds from the first open period up to instant ``t`` (epoch seconds)."""
        p = np.searchsorted(self.start, t, side="right") - 1
        inside = np.clip(t - self.start[np.maximum(p, 0)], 0, self.length[np.maximum(p, 0)])
        return np.where(p < 0, 0, self.before[np.maximum(p, 0)] + inside)

    def instant(self, w: np.ndarray) -> np.ndarray:
        """The instant (epoch seconds) at which ``w`` open seconds have elapsed; -1 if beyond."""
        end = self.before + self.length
        p = np.searchsorted(end, w, side="left")
        ok = p < end.size
        pc = np.minimum(p, end.size - 1)
        return np.where(ok, self.start[pc] + (w - self.before[pc]), -1)
