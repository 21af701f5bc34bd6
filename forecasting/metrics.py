"""Forecast accuracy measures, as the KPI glossary defines them."""

from __future__ import annotations

import numpy as np
import pandas as pd


def wape(actual, forecast) -> float:
    """Weighted absolute percentage error: ``sum|actual - forecast| / sum actual`` (fraction).

    NaN when the actuals sum to zero.
    """
    a = np.asarray(actual, float)
    f = np.asarray(forecast, float)
    total = a.sum()
    return float(np.abs(a - f).sum() / total) if total > 0 else float("nan")


def seasonal_naive_mae(train: pd.Series, *, season: int = 7, open_days=None) -> float:
    """In-sample mean absolute error of the seasonal-naive forecast (same weekday last week).

    Parameters
    ----------
    train : Series
        Daily calls on a regular daily index (NaN = missing).
    season : int
        Season length (days).
    open_days : boolean Series, optional
        Only target days that are open count (closed days are 0 = 0 by construction).
    """
    y = train.astype(float)
    err = (y - y.shift(season)).abs()
    if open_days is not None:
        err = err[open_days.reindex(err.index, fill_value=False).to_numpy()]
    err = err.dropna()
    return float(err.mean()) if len(err) else float("nan")


def mase(actual, forecast, scale: float) -> float:
    """Mean absolute error divided by ``scale`` (the seasonal-naive in-sample MAE)."""
    a = np.asarray(actual, float)
    f = np.asarray(forecast, float)
    return float(np.mean(np.abs(a - f)) / scale) if scale > 0 and len(a) else float("nan")


def coverage(actual, lo, hi) -> float:
    """Share of actuals inside ``[lo, hi]`` (fraction)."""
    a = np.asarray(actual, float)
    if len(a) == 0:
        return float("nan")
    return float(np.mean((a >= np.asarray(lo, float)) & (a <= np.asarray(hi, float))))


def poisson_wape_floor(mean_calls: float) -> float:
    """Best achievable WAPE of a Poisson count with mean ``mean_calls``: ``sqrt(2 / (pi * lambda))``.

    The mean absolute deviation of Poisson(lambda) around its mean is close to
    ``sqrt(2 lambda / pi)`` for large lambda.
    """
    return float(np.sqrt(2.0 / (np.pi * mean_calls)))


def bias(actual, forecast) -> float:
    """Relative bias: ``(sum forecast - sum actual) / sum actual`` (fraction; positive =
    over-forecast). NaN when the actuals sum to zero."""
    a = np.asarray(actual, float)
    f = np.asarray(forecast, float)
    total = a.sum()
    return float((f.sum() - total) / total) if total > 0 else float("nan")
