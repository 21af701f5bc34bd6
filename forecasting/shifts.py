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


def detect_level_shifts(dates: pd.DatetimeIndex, X: np.ndarray, z: np.ndarray,
                        rows: np.ndarray, *, t_crit: float = T_CRIT,
                        min_weeks: int = MIN_WEEKS, max_shifts: int = MAX_SHIFTS
                        ) -> list[pd.Timestamp]:
    """First days of the new levels (sorted), found one at a time.

    Parameters
    ----------
    dates : DatetimeIndex
        The days of ``z``.
    X : array (n_days x p)
        The calendar regression (weekdays, trend, yearly pattern...).
    z : array
        Log volume (campaign calls removed).
    rows : boolean array
        Days to use (open, observed, not outliers).

    Notes
    -----
    Each round regresses ``z`` on ``X`` and the steps found so far, then splits the
    segment (between found steps) whose weekly mean residuals differ most before and
    after a week; it stops when no split reaches ``t_crit`` standard errors. Refitting
    each round keeps the trend from turning one step into a staircase.
    """
    rows = np.asarray(rows, bool) & np.isfinite(z)
    week = ((dates - dates[0]) / pd.Timedelta(days=7)).to_numpy().astype(int)
    shifts: list[pd.Timestamp] = []
    for _ in range(max_shifts):
        Xs = (np.column_stack([X, step_terms(dates, shifts).to_numpy()]) if shifts else X)
        beta, *_ = np.linalg.lstsq(Xs[rows], z[rows], rcond=None)
        found = _best_split(week[rows], (z - Xs @ beta)[rows], dates[rows], shifts, t_crit,
                            min_weeks)
        if found is None:
            break
        shifts.append(found)
    return sorted(shifts)


def _best_split(week: np.ndarray, r: np.ndarray, days: pd.DatetimeIndex,
                shifts: list[pd.Timestamp], t_crit: float, min_weeks: int
                ) -> pd.Timestamp | None:
    """The first day of the week that best splits a segment's weekly mean residuals,
    if its t statistic reaches ``t_crit`` (None otherwise)."""
    g = pd.DataFrame({"w": week, "r": r, "d": days}).groupby("w").agg(
        m=("r", "mean"), n=("r", "size"), first=("d", "min"))
    g = g[g["n"] >= 2]
    m = g["m"].to_numpy()
    if len(m) < 2 * min_weeks:
        return None
    d = np.diff(m)
    scale = 1.4826 * float(np.median(np.abs(d - np.median(d)))) / np.sqrt(2.0)
    if scale <= 0:
        return None
    firsts = pd.DatetimeIndex(g["first"])
    bounds = sorted({0, len(m)} | {int(np.searchsorted(firsts, s)) for s in shifts})
    best = None
    for a, b in zip(bounds[:-1], bounds[1:], strict=False):
        if b - a < 2 * min_weeks:
            continue
        c = np.cumsum(m[a:b])
        k = np.arange(min_weeks, b - a - min_weeks + 1)
        n1, n2 = k, (b - a) - k
        delta = (c[-1] - c[k - 1]) / n2 - c[k - 1] / n1
        t = np.abs(delta) / (scale * np.sqrt(1.0 / n1 + 1.0 / n2))
        i = int(np.argmax(t))
        if t[i] >= t_crit and (best is None or t[i] > best[0]):
            best = (float(t[i]), a + int(k[i]))
    return None if best is None else pd.Timestamp(firsts[best[1]])
