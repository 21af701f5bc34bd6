"""Baseline daily forecasts: seasonal naive (same weekday last week) and ETS.

Each returns a frame indexed by the forecast dates with ``forecast, lo80, hi80, lo95,
hi95`` (calls). Closed days (``open_future`` False) are forecast exactly 0.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

BAND_COLUMNS = ["forecast", "lo80", "hi80", "lo95", "hi95"]
# standard normal quantiles scipy.stats.norm.ppf(0.9) and ppf(0.975), written out: importing
# scipy.stats costs about a second, which every 'copil' command importing forecasting paid
Z80 = 1.2815515655446004
Z95 = 1.959963984540054


def future_dates(y: pd.Series, horizon: int) -> pd.DatetimeIndex:
    """The ``horizon`` days after the last day of ``y``."""
    return pd.date_range(y.index[-1] + pd.Timedelta(days=1), periods=horizon, freq="D")


def _bands(dates: pd.DatetimeIndex, mean: np.ndarray, sd: np.ndarray,
           open_future: np.ndarray) -> pd.DataFrame:
    mean = np.clip(mean, 0, None)
    out = pd.DataFrame({
        "forecast": mean,
        "lo80": np.clip(mean - Z80 * sd, 0, None), "hi80": mean + Z80 * sd,
        "lo95": np.clip(mean - Z95 * sd, 0, None), "hi95": mean + Z95 * sd,
    }, index=dates)
    out.loc[~open_future, BAND_COLUMNS] = 0.0
    out.index.name = "date"
    return out


def fill_same_weekday(y: pd.Series, fill: np.ndarray) -> pd.Series:
    """``y`` with the days flagged in ``fill`` replaced by the same weekday one week earlier
    (or later, at the start). Used to clean holidays and gaps before fitting ETS."""
    v = y.astype(float).copy()
    v[fill] = np.nan
    for _ in range(8):
        if not v.isna().any():
            break
        v = v.fillna(v.shift(7)).fillna(v.shift(-7))
    return v.fillna(v.mean())


def seasonal_naive(y: pd.Series, horizon: int, open_future: np.ndarray,
                   open_past: np.ndarray | None = None) -> pd.DataFrame:
    """Same weekday last week, with normal bands from the training seasonal differences.

    Parameters
    ----------
    y : Series
        Daily calls on a regular daily index (NaN = missing).
    horizon : int
        Days ahead.
    open_future, open_past : boolean arrays
        Which forecast days and which training days the line is open.

    Notes
    -----
    The forecast for day ``T + h`` is the last observed value of the same weekday.
    Its error after ``k = ceil(h / 7)`` weeks is a sum of ``k`` weekly differences,
    so the band is ``mean +- z * sd * sqrt(k)`` with ``sd`` the standard deviation of
    ``y_t - y_{t-7}`` over open training days.
    """
    dates = future_dates(y, horizon)
    if open_past is None:
        open_past = np.ones(len(y), bool)
    vals = y.where(open_past)
    last = {}
    for d in range(7):
        s = vals[vals.index.day_of_week == d].dropna()
        last[d] = float(s.iloc[-1]) if len(s) else float(vals.mean())
    mean = np.array([last[d] for d in dates.day_of_week])
    diff = (vals - vals.shift(7)).dropna()
    sd = float(diff.std()) if len(diff) > 1 else float(np.sqrt(np.nanmean(vals)))
    k = np.ceil(np.arange(1, horizon + 1) / 7.0)
    return _bands(dates, mean, sd * np.sqrt(k), np.asarray(open_future, bool))


def ets(y: pd.Series, horizon: int, open_future: np.ndarray,
        open_past: np.ndarray | None = None) -> pd.DataFrame:
    """ETS(A, Ad, A) with weekly seasonality (statsmodels ``ETSModel``).

    Closed days and gaps in the training data are filled with the same weekday of an
    adjacent week before fitting (ETS needs a complete series); forecasts for
    closed days are 0.
    """
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    dates = future_dates(y, horizon)
    if open_past is None:
        open_past = np.ones(len(y), bool)
    fill = ~np.asarray(open_past, bool) | y.isna().to_numpy()
    # closed weekdays keep their zeros: they are part of the weekly shape
    wk_closed = _always_closed_weekdays(y, open_past)
    fill &= ~np.isin(y.index.day_of_week, wk_closed)
    v = fill_same_weekday(y, fill)
    v[np.isin(v.index.day_of_week, wk_closed)] = 0.0
    v = v.asfreq("D")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ETSModel(v, error="add", trend="add", damped_trend=True, seasonal="add",
                         seasonal_periods=7)
        res = model.fit(disp=False, maxiter=200)
        pred = res.get_prediction(start=len(v), end=len(v) + horizon - 1)
        sf80 = pred.summary_frame(alpha=0.2)
        sf95 = pred.summary_frame(alpha=0.05)
    mean = np.clip(sf80["mean"].to_numpy(), 0, None)
    out = pd.DataFrame({
        "forecast": mean,
        "lo80": np.clip(sf80["pi_lower"].to_numpy(), 0, None), "hi80": sf80["pi_upper"].to_numpy(),
        "lo95": np.clip(sf95["pi_lower"].to_numpy(), 0, None), "hi95": sf95["pi_upper"].to_numpy(),
    }, index=dates)
    out.loc[~np.asarray(open_future, bool), BAND_COLUMNS] = 0.0
    out.index.name = "date"
    return out


def _always_closed_weekdays(y: pd.Series, open_past: np.ndarray) -> list[int]:
    wd = y.index.day_of_week
    op = np.asarray(open_past, bool)
    return [d for d in range(7) if (wd == d).any() and not op[wd == d].any()]
