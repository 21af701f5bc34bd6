"""The daily model's error process and its outlier days.

The log base's regression residuals follow either a **stationary** ARMA(p, q) (a
deviation from the calendar regression fades: the level always returns to the
regression's) or a **local level**, ARIMA(1, 1, 1) (a deviation persists: after a level
shift or a trend break the forecast starts from the new level, and its band widens with
the horizon). :func:`select_errors` fits both on the daily grid (closed and missing days
are gaps the Kalman filter skips) and keeps the one whose filtered forecasts of the next
1-7 days, over the last year, erred least.

:func:`outlier_days` flags days whose residual is far outside the series' robust scale
(an outage, a storm, a data error), so that they neither bend the fit nor widen the bands.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

#: the error forms and their SARIMAX orders (p, d, q); ``stationary`` takes the model's
#: ``arma_order``
ERROR_FORMS = ("stationary", "local_level")
LOCAL_LEVEL_ORDER = (1, 1, 1)
#: a local level must forecast the next days this much better (mean squared error) to be
#: preferred to the stationary errors
LOCAL_LEVEL_MARGIN = 0.98
#: robust z-score beyond which a day is an outlier (median absolute deviation units)
OUTLIER_Z = 5.0


@dataclass
class ErrorFit:
    """The chosen error process: ``form``, its SARIMAX ``order``, the fitted SARIMAX
    results (``fit``) and each candidate's mean squared 1-7-day filtered error."""

    form: str
    order: tuple[int, int, int]
    fit: object
    scores: dict[str, float] = field(default_factory=dict)
    fits: dict = field(default_factory=dict)
    band_scale: float = 1.0

    @property
    def label(self) -> str:
        p, d, q = self.order
        if self.form == "local_level":
            return f"local level ARIMA({p},{d},{q})"
        return f"ARMA({p},{q})"


def fit_sarimax(resid: np.ndarray, order: tuple[int, int, int]):
    """SARIMAX fit (no constant) of a residual series with NaN gaps."""
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return SARIMAX(np.asarray(resid, float), order=order, trend="n",
                       initialization="approximate_diffuse").fit(disp=False, maxiter=100)


def hstep_mse(fit, x: np.ndarray, horizon: int = 7, last_days: int = 364) -> float:
    """Mean squared error of the filtered ``1..horizon``-step forecasts of ``x``.

    From every day ``t`` of the last ``last_days`` (the state predicted from the days
    before ``t``), the forecast of day ``t + h - 1`` is ``Z T^(h-1) a_t``; it is compared
    with the observed value (NaN days are skipped).
    """
    x = np.asarray(x, float)
    fr = fit.filter_results
    T = np.asarray(fr.transition[:, :, 0])
    Z = np.asarray(fr.design[0, :, 0])
    a = np.asarray(fr.predicted_state)[:, :len(x)]
    n = len(x)
    start = max(n - last_days, min(60, n // 3))
    sse, count = 0.0, 0
    P = np.eye(T.shape[0])
    for h in range(1, horizon + 1):
        if start > n - h:
            break
        pred = (Z @ P) @ a[:, start:n - h + 1]
        e = x[start + h - 1:n] - pred
        e = e[np.isfinite(e)]
        sse += float(e @ e)
        count += len(e)
        P = T @ P
    return sse / count if count else np.inf


def select_errors(resid: np.ndarray, arma_order: tuple[int, int], form: str = "auto"
                  ) -> ErrorFit:
    """The error process of ``resid`` (log-base residuals on the daily grid, NaN gaps).

    Parameters
    ----------
    resid : array
        Residuals of the calendar regression, one per calendar day.
    arma_order : (p, q)
        Order of the stationary candidate.
    form : {"auto", "stationary", "local_level"}
        ``auto``: both are fitted and the local level is kept when its 1-7-day filtered
        forecasts over the last year have a mean squared error below
        ``LOCAL_LEVEL_MARGIN`` times the stationary one's.
    """
    if form not in ("auto",) + ERROR_FORMS:
        raise ValueError("errors must be 'auto' (chosen from the history), 'stationary' "
                         "(deviations fade) or 'local_level' (shifts of level persist)")
    p, q = arma_order
    orders = {"stationary": (p, 0, q), "local_level": LOCAL_LEVEL_ORDER}
    forms = ERROR_FORMS if form == "auto" else (form,)
    fits = {f: fit_sarimax(resid, orders[f]) for f in forms}
    scores = {f: hstep_mse(fits[f], resid) for f in forms}
    if len(fits) == 1:
        best = form
    else:
        best = ("local_level" if scores["local_level"] < LOCAL_LEVEL_MARGIN
                * scores["stationary"] else "stationary")
    return ErrorFit(best, orders[best], fits[best], scores, fits,
                    band_scale(fits[best], scores[best]))


def band_scale(fit, mse: float, horizon: int = 7) -> float:
    """How much wider than the fitted process says the 1-``horizon``-day errors are.

    ``sqrt(mse / v)``, ``mse`` the mean squared filtered error of the next ``horizon``
    days over the last year (:func:`hstep_mse`) and ``v`` the process's mean forecast
    variance over those horizons; at least 1 (in-sample errors are optimistic, never a
    reason for narrower bands) and at most 2.
    """
    v = float(np.mean(np.asarray(fit.get_forecast(horizon).var_pred_mean)))
    if not (np.isfinite(mse) and v > 0):
        return 1.0
    return float(np.clip(np.sqrt(mse / v), 1.0, 2.0))


def outlier_days(resid: np.ndarray, rows: np.ndarray, z: float = OUTLIER_Z, *,
                 side: str = "both", scale_rows: np.ndarray | None = None) -> np.ndarray:
    """Days of ``rows`` whose residual lies more than ``z`` robust sds from the median.

    The median and scale (median absolute deviation times 1.4826) are those of
    ``scale_rows`` (default ``rows``), which a few outage or storm days do not move;
    ``side="low"`` flags only days far below. Returns a boolean mask (False outside
    ``rows``).
    """
    r = np.asarray(resid, float)
    fin = np.isfinite(r)
    rows = np.asarray(rows, bool) & fin
    ref = rows if scale_rows is None else np.asarray(scale_rows, bool) & fin
    if ref.sum() < 10:
        return np.zeros(len(r), bool)
    med = float(np.median(r[ref]))
    mad = 1.4826 * float(np.median(np.abs(r[ref] - med)))
    dev = r - med if side == "both" else med - r
    if side == "both":
        dev = np.abs(dev)
    return rows & (np.nan_to_num(dev) > z * max(mad, 1e-6))
