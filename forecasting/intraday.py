"""Intraday split: daily forecasts into 15/30/60-minute intervals.

Shares of the day's calls per wall-clock slot are learned by day type (each weekday,
plus "special" days such as the day after a holiday when enough examples exist) as
the per-slot median of daily shares over the last weeks (robust to odd days), then
renormalised. A day is split over its real local intervals, so a 23-hour or 25-hour
DST day gets 46 or 50 half-hours, and slots that never see a call (closed hours) keep
a share of 0.

Interval bands come from the daily band, applied as one multiplier across the day,
plus Poisson noise per interval (see :func:`interval_bands`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecasting.baselines import BAND_COLUMNS, Z80, Z95
from forecasting.metrics import wape

WEEKDAY_TYPES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SPECIAL = "special"


def as_interval_series(data, *, tz: str = "Europe/Paris") -> pd.Series:
    """Interval counts indexed by local, tz-aware ``period_start``.

    Accepts a Series indexed by timestamps or a ``period_start, calls`` frame. Naive
    timestamps are read as local wall-clock times in ``tz`` (ambiguous DST hours:
    first occurrence first, inferred from order).
    """
    if isinstance(data, pd.DataFrame):
        if not {"period_start", "calls"} <= set(data.columns):
            raise ValueError("interval data: expected columns 'period_start' and 'calls'")
        s = pd.Series(data["calls"].to_numpy(float),
                      index=pd.DatetimeIndex(pd.to_datetime(data["period_start"], utc=False)))
    elif isinstance(data, pd.Series):
        s = data.astype(float)
        s.index = pd.DatetimeIndex(s.index)
    else:
        raise ValueError("interval data: give a Series or a period_start, calls frame")
    idx = s.index
    if idx.tz is None:
        try:
            idx = idx.tz_localize(tz, ambiguous="infer", nonexistent="shift_forward")
        except ValueError:  # the repeated DST hour is not in the data: take standard time
            idx = idx.tz_localize(tz, ambiguous=np.zeros(len(idx), bool),
                                  nonexistent="shift_forward")
    else:
        idx = idx.tz_convert(tz)
    s.index = idx
    s.index.name = "period_start"
    return s.sort_index()


def interval_minutes_of(s: pd.Series) -> int:
    """The most common spacing of the index (minutes)."""
    d = np.diff(s.index.as_unit("s").asi8) / 60.0
    d = d[d > 0]
    if len(d) == 0:
        raise ValueError("interval data: need at least two intervals")
    vals, counts = np.unique(np.round(d).astype(int), return_counts=True)
    return int(vals[np.argmax(counts)])


def resample_intervals(s: pd.Series, minutes: int) -> pd.Series:
    """Counts summed into ``minutes``-long wall-clock intervals (minutes must be a multiple
    of the input's)."""
    base = interval_minutes_of(s)
    if minutes % base:
        raise ValueError(f"interval_minutes: {minutes} is not a multiple of the data's "
                         f"{base}-minute intervals")
    if minutes == base:
        return s
    return s.resample(f"{minutes}min").sum()


def _slot(idx: pd.DatetimeIndex) -> np.ndarray:
    return (idx.hour * 60 + idx.minute).to_numpy()


def day_type(dates: pd.DatetimeIndex, special: set | None = None) -> list[str]:
    """``mon``..``sun``, or ``special`` for dates in ``special``."""
    special = special or set()
    return [SPECIAL if d in special else WEEKDAY_TYPES[d.day_of_week] for d in dates]


def learn_shares(s: pd.Series, *, weeks: int = 8, special_dates=(),
                 min_days: int = 3) -> pd.DataFrame:
    """Share of a day's calls per wall-clock slot, by day type.

    Parameters
    ----------
    s : Series
        Interval counts, tz-aware local index (see :func:`as_interval_series`).
    weeks : int
        Learn from the last ``weeks`` weeks of days with calls.
    special_dates : iterable of dates
        Days of type ``special`` (e.g. days after holidays, campaign start days).
    min_days : int
        A day type with fewer days falls back to the pooled shape of all days.

    Returns
    -------
    DataFrame indexed by slot (minutes after local midnight), one column per day type
    present (plus ``all``), each column summing to 1.
    """
    local_day = s.index.tz_localize(None).normalize()
    frame = pd.DataFrame({"day": local_day, "slot": _slot(s.index), "calls": s.to_numpy()})
    table = frame.pivot_table(index="day", columns="slot", values="calls", aggfunc="sum",
                              fill_value=0.0)
    totals = table.sum(axis=1)
    table = table[totals > 0]
    if len(table) == 0:
        raise ValueError("interval data: no day with calls to learn an intraday profile from")
    last = table.index[-1]
    table = table[table.index > last - pd.Timedelta(weeks=weeks)]
    shares = table.div(table.sum(axis=1), axis=0)
    special = {pd.Timestamp(d).normalize() for d in special_dates}
    types = pd.Series(day_type(shares.index, special), index=shares.index)
    out = {"all": _robust_shape(shares)}
    for t in (*WEEKDAY_TYPES, SPECIAL):
        part = shares[types.to_numpy() == t]
        if len(part) >= min_days:
            out[t] = _robust_shape(part)
    return pd.DataFrame(out)


def _robust_shape(shares: pd.DataFrame) -> pd.Series:
    med = shares.median(axis=0)
    total = med.sum()
    return med / total if total > 0 else shares.mean(axis=0)


def interval_bands(mean: np.ndarray, ratio_lo: float, ratio_hi: float, z: float
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Interval band from the day's band as one multiplier, plus Poisson noise.

    Parameters
    ----------
    mean : array
        Interval forecasts ``mu_i`` (calls).
    ratio_lo, ratio_hi : float
        Day's lower and upper bound over the day's forecast (``L/F``, ``H/F``).
    z : float
        Normal quantile of the band (1.2816 for 80 %, 1.96 for 95 %).

    Notes
    -----
    ``hi_i = mu_i + sqrt((mu_i (H/F - 1))**2 + z**2 mu_i)`` and
    ``lo_i = max(0, mu_i - sqrt((mu_i (1 - L/F))**2 + z**2 mu_i))``: without Poisson
    noise the bounds are exactly the day's bounds spread with the same shares (so the
    interval upper bounds add up to the day's), and for a known daily total they are
    the normal-approximation Poisson band.
    """
    mu = np.asarray(mean, float)
    hi = mu + np.sqrt((mu * (ratio_hi - 1.0)) ** 2 + z * z * mu)
    lo = np.clip(mu - np.sqrt((mu * (1.0 - ratio_lo)) ** 2 + z * z * mu), 0, None)
    return lo, hi


def day_intervals(day: pd.Timestamp, minutes: int, tz: str) -> pd.DatetimeIndex:
    """The real local intervals of one calendar day (46, 48 or 50 half-hours on DST days)."""
    start = pd.Timestamp(day).tz_localize(tz)
    end = (pd.Timestamp(day) + pd.Timedelta(days=1)).tz_localize(tz)
    return pd.date_range(start, end, freq=f"{minutes}min", inclusive="left")


def split_daily(daily: pd.DataFrame, shares: pd.DataFrame, *, minutes: int,
                tz: str = "Europe/Paris", special_dates=()) -> pd.DataFrame:
    """Split a daily forecast frame into intervals.

    Parameters
    ----------
    daily : DataFrame
        Indexed by date with ``forecast, lo80, hi80, lo95, hi95`` (calls).
    shares : DataFrame
        From :func:`learn_shares` at the same ``minutes`` resolution.
    minutes : int
        Interval length (minutes).
    tz : str
        The line's time zone.
    special_dates : iterable of dates
        Future days using the ``special`` shape (when learned).

    Returns
    -------
    DataFrame with ``period_start`` (tz-aware), ``forecast, lo80, hi80, lo95, hi95``.
    """
    special = {pd.Timestamp(d).normalize() for d in special_dates}
    rows = []
    for day, row in daily.iterrows():
        day = pd.Timestamp(day).normalize()
        idx = day_intervals(day, minutes, tz)
        t = day_type(pd.DatetimeIndex([day]), special)[0]
        col = t if t in shares.columns else "all"
        sh = shares[col].reindex(_slot(idx), fill_value=0.0).to_numpy()
        if sh.sum() > 0:
            sh = sh / sh.sum()
        f = float(row["forecast"])
        mu = f * sh
        out = {"period_start": idx, "forecast": mu}
        for name_lo, name_hi, z in (("lo80", "hi80", Z80), ("lo95", "hi95", Z95)):
            if f > 0:
                lo, hi = interval_bands(mu, row[name_lo] / f, row[name_hi] / f, z)
            else:
                lo = hi = np.zeros(len(mu))
            out[name_lo], out[name_hi] = lo, hi
        rows.append(pd.DataFrame(out))
    cols = ["period_start", *BAND_COLUMNS]
    if not rows:
        return pd.DataFrame(columns=cols)
    return pd.concat(rows, ignore_index=True)[cols]


def split_wape(s: pd.Series, *, test_weeks: int = 4, weeks: int = 8,
               special_dates=()) -> dict[str, float]:
    """Accuracy of the intraday split on the last ``test_weeks`` weeks.

    Shares are learned on the ``weeks`` weeks before the test period; each test day's
    actual total is split with them and compared with the actual intervals.

    Returns
    -------
    dict with ``wape`` (over all test intervals, fraction), ``n_days`` and
    ``n_intervals``.
    """
    minutes = interval_minutes_of(s)
    local_day = s.index.tz_localize(None).normalize()
    cut = local_day.max() - pd.Timedelta(weeks=test_weeks)
    shares = learn_shares(s[local_day <= cut], weeks=weeks, special_dates=special_dates)
    test = s[local_day > cut]
    day_tot = test.groupby(test.index.tz_localize(None).normalize()).sum()
    day_tot = day_tot[day_tot > 0]
    daily = pd.DataFrame({c: day_tot for c in BAND_COLUMNS})
    tz = str(s.index.tz)
    pred = split_daily(daily, shares, minutes=minutes, tz=tz, special_dates=special_dates)
    act = test.reindex(pd.DatetimeIndex(pred["period_start"])).fillna(0.0).to_numpy()
    return {"wape": wape(act, pred["forecast"].to_numpy()), "n_days": int(len(day_tot)),
            "n_intervals": int(len(pred))}
