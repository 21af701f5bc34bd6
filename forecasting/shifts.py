"""Level shifts of the daily model's log base, found in its regression residuals.

A line whose volume steps up or down for good (a new service moved in, a queue split
off, a trend that broke) leaves a persistent offset in the residuals of the calendar
regression. :func:`detect_level_shifts` finds such steps by binary segmentation of the
weekly mean residuals: the split of a span that most separates the means before and
after it is kept when the difference is ``t_crit`` times its standard error (the scale of
weekly means measured from their week-to-week differences, which a slow drift or a step
does not inflate) and both sides hold ``min_weeks`` weeks; the two sides are then split in
turn. The daily model adds one step regressor per shift (1 from the shift's day on, so
the forecast starts from the level of the last segment) and keeps them only when they
improve its rolling-origin forecasts (:func:`forecasting.seasonality.select_yearly`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: standard errors a step must reach to be a level shift (many candidate splits are
#: tried, and weekly means stay correlated: a strict threshold)
T_CRIT = 6.0
#: weeks on each side of a shift
MIN_WEEKS = 6
#: at most this many shifts
MAX_SHIFTS = 4


def step_terms(dates: pd.DatetimeIndex, shifts: list[pd.Timestamp]) -> pd.DataFrame:
    """One column per shift: 1 from the shift's day on, else 0."""
    return pd.DataFrame({f"shift_{s.date()}": (dates >= s).astype(float) for s in shifts},
                        index=dates)


def detect_level_shifts(dates: pd.DatetimeIndex, resid: np.ndarray, rows: np.ndarray, *,
                        t_crit: float = T_CRIT, min_weeks: int = MIN_WEEKS,
                        max_shifts: int = MAX_SHIFTS) -> list[pd.Timestamp]:
    """First days of the new levels (sorted), from residuals on ``rows``.

    Parameters
    ----------
    dates : DatetimeIndex
        The days of ``resid``.
    resid : array
        Log-base residuals (log calls minus the calendar regression).
    rows : boolean array
        Days to use (open, observed, not outliers).
    """
    r = np.asarray(resid, float)
    ok = np.asarray(rows, bool) & np.isfinite(r)
    if ok.sum() < 2 * min_weeks * 3:
        return []
    week = ((dates - dates[0]) / pd.Timedelta(days=7)).to_numpy().astype(int)
    frame = pd.DataFrame({"w": week[ok], "r": r[ok], "d": dates[ok]})
    g = frame.groupby("w").agg(m=("r", "mean"), n=("r", "size"), first=("d", "min"))
    g = g[g["n"] >= 2]
    m = g["m"].to_numpy()
    if len(m) < 2 * min_weeks:
        return []
    d = np.diff(m)
    scale = 1.4826 * float(np.median(np.abs(d - np.median(d)))) / np.sqrt(2.0)
    if scale <= 0:
        return []
    found: list[int] = []
    spans = [(0, len(m))]
    while spans and len(found) < max_shifts:
        best = None
        for a, b in spans:
            if b - a < 2 * min_weeks:
                continue
            seg = m[a:b]
            c = np.cumsum(seg)
            k = np.arange(min_weeks, b - a - min_weeks + 1)
            n1, n2 = k, (b - a) - k
            delta = (c[-1] - c[k - 1]) / n2 - c[k - 1] / n1
            t = np.abs(delta) / (scale * np.sqrt(1.0 / n1 + 1.0 / n2))
            i = int(np.argmax(t))
            if t[i] >= t_crit and (best is None or t[i] > best[0]):
                best = (float(t[i]), a, b, a + int(k[i]))
        if best is None:
            break
        _, a, b, split = best
        found.append(split)
        spans.remove((a, b))
        spans += [(a, split), (split, b)]
    return sorted(pd.Timestamp(g["first"].iloc[i]) for i in found)
