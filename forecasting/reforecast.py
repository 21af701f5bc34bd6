"""Rest-of-day reforecast: the day's level as a gamma-Poisson busyness factor.

Model: the day's calls in an interval are Poisson with mean ``theta * F_i`` where ``F_i`` is
the morning's unrevised forecast and ``theta`` the day's busyness, ``theta ~ Gamma(a, a)``
(mean 1, variance ``1/a``). After ``N`` calls where ``Lambda`` were expected so far the
posterior is ``Gamma(a + N, a + Lambda)``: the factor's mean ``(a + N) / (a + Lambda)``
shrinks the plain ratio ``N / Lambda`` (``a -> 0``, the vendors' ratio) towards 1
(``a -> inf``, no update). An interval still to come then has a negative-binomial count.

Pure maths: pandas / NumPy in and out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

BAND_COLUMNS = ["reforecast", "lo80", "hi80", "lo95", "hi95"]


def estimate_prior_strength(actual, forecast) -> float:
    """Prior strength ``a`` of the busyness factor from past days' totals (method of moments).

    Parameters
    ----------
    actual, forecast : array-like
        Past days' offered calls and their unrevised forecasts (calls); days with a
        non-positive or missing forecast or a missing actual are ignored.

    Returns
    -------
    float
        ``a = 1 / v`` with ``v = mean((A/F - 1)^2) - mean(1/F)``, the variance of the ratio
        ``A/F`` beyond the Poisson noise ``1/F``. ``inf`` when the ratios are no more
        dispersed than Poisson (then the forecast is not updated); ``nan`` without a usable
        day.
    """
    a = np.asarray(actual, dtype=float)
    f = np.asarray(forecast, dtype=float)
    ok = np.isfinite(a) & np.isfinite(f) & (f > 0)
    if not ok.any():
        return float("nan")
    r = a[ok] / f[ok]
    v = float(np.mean((r - 1.0) ** 2) - np.mean(1.0 / f[ok]))
    return float("inf") if v <= 0 else 1.0 / v


def estimate_interval_dispersion(actual, forecast, day) -> float:
    """Interval-level dispersion ``k`` of past days around their own day level.

    Within a day of ratio ``r_d = sum(actual) / sum(forecast)``, an interval's count is taken
    as Poisson(``r_d * f_i * eps_i``) with ``eps_i ~ Gamma(k, k)`` (the intraday shape's
    error). Method of moments: ``1/k = sum((y - mu)^2 - mu) / sum(mu^2)``, ``mu = r_d f_i``.

    Parameters
    ----------
    actual, forecast : array-like
        Past intervals' offered calls and unrevised forecasts (calls).
    day : array-like
        The day of each interval (any hashable key).

    Returns
    -------
    float
        ``k``; ``inf`` when the intervals are no more dispersed than Poisson or without data.
    """
    df = pd.DataFrame({"y": np.asarray(actual, dtype=float),
                       "f": np.asarray(forecast, dtype=float), "d": np.asarray(day)})
    df = df[np.isfinite(df["y"]) & np.isfinite(df["f"]) & (df["f"] > 0)]
    if df.empty:
        return float("inf")
    tot = df.groupby("d")[["y", "f"]].transform("sum")
    mu = df["f"] * tot["y"] / tot["f"]
    excess = float(((df["y"] - mu) ** 2 - mu).sum())
    den = float((mu ** 2).sum())
    return float("inf") if excess <= 0 or den <= 0 else den / excess


def posterior_factor(a: float, n: float, expected: float) -> float:
    """Posterior mean of the day's busyness factor, ``(a + n) / (a + expected)``.

    Parameters
    ----------
    a : float
        Prior strength (``>= 0``; ``inf`` leaves the forecast unchanged).
    n : float
        Calls arrived so far.
    expected : float
        Calls the unrevised forecast expected so far.

    Returns
    -------
    float
        ``1`` when ``a`` is infinite or nothing was expected yet with ``a = 0``.
    """
    if a < 0 or n < 0 or expected < 0:
        raise ValueError("prior strength, calls and expected calls must be >= 0")
    if np.isinf(a):
        return 1.0
    if a + expected == 0:
        return 1.0
    return (a + n) / (a + expected)


@dataclass(frozen=True)
class Reforecast:
    """A rest-of-day reforecast.

    Attributes
    ----------
    a : float
        Prior strength of the busyness factor.
    calls_so_far : float
        Calls arrived so far (N).
    expected_so_far : float
        Calls the unrevised forecast expected so far (Lambda).
    factor : float
        Posterior mean of the busyness factor, ``(a + N) / (a + Lambda)``.
    table : DataFrame
        One row per remaining interval (the index of the forecast given): ``forecast``,
        ``reforecast`` (calls), ``lo80, hi80, lo95, hi95`` (calls, negative-binomial
        quantiles widened to hold ``reforecast``).
    """

    a: float
    calls_so_far: float
    expected_so_far: float
    factor: float
    table: pd.DataFrame


def reforecast_rest(remaining: pd.Series, *, a: float, calls_so_far: float,
                    expected_so_far: float, k: float = float("inf")) -> Reforecast:
    """Reforecast the remaining intervals of a day.

    Parameters
    ----------
    remaining : Series
        The unrevised forecast of each remaining interval (calls), any index.
    a : float
        Prior strength (:func:`estimate_prior_strength`).
    calls_so_far, expected_so_far : float
        ``N`` calls arrived so far where ``Lambda`` were expected.
    k : float
        Interval-level dispersion (:func:`estimate_interval_dispersion`; ``inf``: the
        intraday shape is exact). With a finite ``k`` the bands are negative binomial
        matched to the mean and variance of the day factor and shape errors together.

    Returns
    -------
    Reforecast
    """
    f = remaining.astype(float).clip(lower=0.0)
    factor = posterior_factor(a, calls_so_far, expected_so_far)
    mean = f * factor
    out = pd.DataFrame({"forecast": f, "reforecast": mean}, index=remaining.index)
    for lo, hi, level in (("lo80", "hi80", 0.80), ("lo95", "hi95", 0.95)):
        q = np.array([(1 - level) / 2, (1 + level) / 2])
        out[lo], out[hi] = _quantiles(f.to_numpy(), a, calls_so_far, expected_so_far, q, k)
    out["lo80"] = np.minimum(out["lo80"], out["reforecast"])
    out["hi80"] = np.maximum(out["hi80"], out["reforecast"])
    out["lo95"] = np.minimum(out["lo95"], out["lo80"])
    out["hi95"] = np.maximum(out["hi95"], out["hi80"])
    return Reforecast(a=float(a), calls_so_far=float(calls_so_far),
                      expected_so_far=float(expected_so_far), factor=float(factor), table=out)


def _quantiles(f: np.ndarray, a: float, n: float, lam: float, q: np.ndarray,
               k: float = float("inf")) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper quantiles ``q`` of each interval's count (calls).

    Given ``theta ~ Gamma(a + n, a + lam)``, a count Poisson(``theta * f``) is negative
    binomial with ``r = a + n`` and ``p = (a + lam) / (a + lam + f)``; Poisson(``f``) when
    ``a`` is infinite (or nothing was expected yet with ``a = 0``). With a finite ``k``
    (shape error ``eps ~ Gamma(k, k)``): the negative binomial with the count's mean
    ``m = f E[theta]`` and variance ``m + f^2 (E[theta^2] (1 + 1/k) - E[theta]^2)``."""
    lo = np.zeros_like(f)
    hi = np.zeros_like(f)
    pos = f > 0
    if not pos.any():
        return lo, hi
    if np.isfinite(k):
        if np.isinf(a) or a + lam == 0:
            m1, m2 = 1.0, 1.0
        else:
            alpha, beta = a + n, a + lam
            m1, m2 = alpha / beta, alpha * (alpha + 1) / beta ** 2
        fp = f[pos]
        m = fp * m1
        extra = fp ** 2 * (m2 * (1 + 1 / k) - m1 ** 2)
        ok = (m > 0) & (extra > 0)
        r = np.where(ok, m ** 2 / np.where(ok, extra, 1.0), 1.0)
        p = np.where(ok, r / (r + m), 1.0)
        lo[pos] = np.where(ok, stats.nbinom.ppf(q[0], r, p), stats.poisson.ppf(q[0], m))
        hi[pos] = np.where(ok, stats.nbinom.ppf(q[1], r, p), stats.poisson.ppf(q[1], m))
        return lo, hi
    if np.isinf(a) or a + lam == 0:
        lo[pos] = stats.poisson.ppf(q[0], f[pos])
        hi[pos] = stats.poisson.ppf(q[1], f[pos])
        return lo, hi
    r = a + n
    if r <= 0:              # no call so far and a plain ratio: nothing more expected
        return lo, hi
    p = (a + lam) / (a + lam + f[pos])
    lo[pos] = stats.nbinom.ppf(q[0], r, p)
    hi[pos] = stats.nbinom.ppf(q[1], r, p)
    return lo, hi


# ---------------------------------------------------------------------- handle time
def estimate_handle_dispersion(answered, handle_total_s, planned_aht_s, day) -> float:
    """Within-day squared coefficient of variation of one call's handle time ratio.

    An interval's AHT ratio ``h_i = handle_i / (n_i * planned_i)`` (``n_i`` answered calls)
    scatters around its day's ratio ``H_d = sum(handle) / sum(n * planned)`` with variance
    ``c2 / n_i``. Method of moments over past days:
    ``c2 = sum(n_i (h_i - H_d)^2) / (intervals - days)``.

    Parameters
    ----------
    answered : array-like
        Answered calls per interval (calls).
    handle_total_s : array-like
        Their total handle time (s).
    planned_aht_s : array-like
        The plan's AHT of each interval (s).
    day : array-like
        The day of each interval.

    Returns
    -------
    float
        ``c2`` (dimensionless); ``nan`` without two intervals on a day.
    """
    df = _handle_frame(answered, handle_total_s, planned_aht_s, day)
    if df.empty:
        return float("nan")
    g = df.groupby("d")
    ratio = g["h"].transform("sum") / g["e"].transform("sum")
    dof = len(df) - g.ngroups
    if dof <= 0:
        return float("nan")
    return float((df["n"] * (df["h"] / df["e"] - ratio) ** 2).sum() / dof)


def estimate_handle_prior_strength(answered, handle_total_s, planned_aht_s, day,
                                   c2: float) -> float:
    """Prior strength ``b`` (answered calls) of the day's AHT factor from past days.

    The day's factor ``phi`` (the day's AHT / planned AHT) has prior mean 1 and variance
    ``t2 = mean((H_d - 1)^2) - mean(c2 / n_d)`` (``H_d``: the day's ratio of handle time to
    planned handle time over ``n_d`` answered calls; the second term the sampling noise).
    ``b = c2 / t2`` is the number of answered calls whose mean weighs as much as the prior.

    Returns
    -------
    float
        ``b``; ``inf`` when the days' ratios are no more dispersed than sampling noise (no
        update); ``nan`` without a usable day or without ``c2``.
    """
    df = _handle_frame(answered, handle_total_s, planned_aht_s, day)
    if df.empty or not np.isfinite(c2):
        return float("nan")
    days = df.groupby("d")[["n", "h", "e"]].sum()
    t2 = float(np.mean((days["h"] / days["e"] - 1.0) ** 2) - np.mean(c2 / days["n"]))
    return float("inf") if t2 <= 0 else c2 / t2


def _handle_frame(answered, handle_total_s, planned_aht_s, day) -> pd.DataFrame:
    """Intervals with answered calls, a handle time and a positive planned AHT: ``n``
    (calls), ``h`` (handle, s), ``e = n * planned`` (expected handle, s), ``d`` (day)."""
    n = np.asarray(answered, dtype=float)
    h = np.asarray(handle_total_s, dtype=float)
    p = np.asarray(planned_aht_s, dtype=float)
    df = pd.DataFrame({"n": n, "h": h, "e": n * p, "d": np.asarray(day)})
    ok = np.isfinite(n) & (n > 0) & np.isfinite(h) & np.isfinite(p) & (p > 0)
    return df[ok]


def handle_factor(b: float, answered: float, handle_total_s: float,
                  expected_handle_s: float) -> float:
    """Posterior mean of the day's AHT factor: the plain ratio ``H / E`` of the handle time
    so far to the planned handle time of the same calls, shrunk towards 1 with the weight
    of ``b`` calls: ``(b + n H / E) / (b + n)``.

    Parameters
    ----------
    b : float
        Prior strength (answered calls, ``>= 0``; ``inf`` or ``nan``: no update).
    answered : float
        Answered calls so far (``n``).
    handle_total_s, expected_handle_s : float
        Their handle time (s) and their planned handle time ``sum(n_i * aht_i)`` (s).

    Returns
    -------
    float
        1 without an answered call or with an infinite prior strength.
    """
    if b < 0 or answered < 0 or handle_total_s < 0 or expected_handle_s < 0:
        raise ValueError("prior strength, answered calls and handle times must be >= 0")
    if not np.isfinite(b) or answered == 0 or expected_handle_s == 0:
        return 1.0
    return (b + answered * handle_total_s / expected_handle_s) / (b + answered)
