"""Yearly patterns for the daily model, and their choice by rolling-origin cross-validation.

A yearly pattern is one of: none; ``K`` Fourier pairs (smooth waves); one effect per
calendar month (steps at month ends: billing or benefit cycles); a periodic cubic spline
over the day of the year with ``n`` equally spaced knots (a dip from mid-July to
mid-August, or over Christmas, that follows no month boundary). All are functions of
the days since 2000-01-01 modulo 365.25, so they extend to any future date.

:func:`select_yearly` picks the pattern whose forecasts of the weeks after each origin,
made from the history before it, fit best (see its notes).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

YEAR_DAYS = 365.25
#: candidate patterns tried by :func:`select_yearly` (kind, size)
CANDIDATES = (("none", 0), ("fourier", 2), ("fourier", 4), ("fourier", 8), ("fourier", 12),
              ("month", 12), ("spline", 12), ("spline", 24), ("spline", 36), ("spline", 52))


@dataclass(frozen=True)
class YearlyForm:
    """A yearly pattern: ``kind`` in none / fourier / month / spline and its ``size``
    (Fourier pairs, or spline knots per year)."""

    kind: str = "none"
    size: int = 0

    def __post_init__(self) -> None:
        if self.kind not in ("none", "fourier", "month", "spline"):
            raise ValueError(f"yearly: {self.kind!r} is not a yearly pattern; choose 'none', "
                             "'fourier', 'month', 'spline' or 'auto'")
        if self.kind == "spline" and self.size < 4:
            raise ValueError("a yearly spline needs at least 4 knots")

    @property
    def label(self) -> str:
        return {"none": "none", "fourier": f"fourier({self.size})", "month": "month",
                "spline": f"spline({self.size})"}[self.kind]

    def terms(self, dates: pd.DatetimeIndex) -> pd.DataFrame:
        """The pattern's regressors on ``dates`` (none has no column; the level is elsewhere)."""
        if self.kind == "fourier":
            return fourier_terms(dates, self.size)
        if self.kind == "month":  # month effects relative to January
            return pd.DataFrame({f"m{m}": (dates.month == m).astype(float)
                                 for m in range(2, 13)}, index=dates)
        if self.kind == "spline":
            return spline_terms(dates, self.size)
        return pd.DataFrame(index=dates)


def _day_of_cycle(dates: pd.DatetimeIndex, period: float = YEAR_DAYS) -> np.ndarray:
    t = ((dates - pd.Timestamp("2000-01-01")) / pd.Timedelta(days=1)).to_numpy(float)
    return np.mod(t, period)


def fourier_terms(dates: pd.DatetimeIndex, order: int, period: float = YEAR_DAYS) -> pd.DataFrame:
    """Yearly Fourier terms ``sin/cos(2 pi k t / period)``, k = 1..order, t in days since 2000-01-01."""
    t = ((dates - pd.Timestamp("2000-01-01")) / pd.Timedelta(days=1)).to_numpy(float)
    cols = {}
    for k in range(1, order + 1):
        cols[f"sin{k}"] = np.sin(2 * np.pi * k * t / period)
        cols[f"cos{k}"] = np.cos(2 * np.pi * k * t / period)
    return pd.DataFrame(cols, index=dates)


def _cubic_bspline(x: np.ndarray) -> np.ndarray:
    """The cardinal cubic B-spline on ``[0, 4)`` (0 elsewhere)."""
    out = np.zeros_like(x)
    for lo, f in ((0, lambda u: u ** 3),
                  (1, lambda u: -3 * u ** 3 + 12 * u ** 2 - 12 * u + 4),
                  (2, lambda u: 3 * u ** 3 - 24 * u ** 2 + 60 * u - 44),
                  (3, lambda u: (4 - u) ** 3)):
        m = (x >= lo) & (x < lo + 1)
        out[m] = f(x[m]) / 6.0
    return out


def spline_terms(dates: pd.DatetimeIndex, knots: int, period: float = YEAR_DAYS) -> pd.DataFrame:
    """Periodic cubic B-spline basis over the year with ``knots`` equally spaced knots.

    The ``knots`` basis functions sum to 1 on every day, so the last is left out (the
    weekday effects carry the level): ``knots - 1`` columns ``s1..``.
    """
    u = _day_of_cycle(dates, period) / period * knots
    cols = {f"s{j + 1}": _cubic_bspline(np.mod(u - j, knots)) for j in range(knots - 1)}
    return pd.DataFrame(cols, index=dates)


def select_yearly(fixed: np.ndarray, dates: pd.DatetimeIndex, z: np.ndarray, rows: np.ndarray,
                  candidates=CANDIDATES, *, step_days: int = 28, horizon_days: int = 28,
                  n_origins: int = 13, anchor_days: int = 14, min_train_days: int = 365
                  ) -> tuple[YearlyForm, dict[str, float]]:
    """The yearly pattern with the smallest rolling-origin forecast error of the log base.

    Parameters
    ----------
    fixed : array (n_days x p)
        The other regressors (weekdays, trend, holidays...).
    dates : DatetimeIndex
        The days of ``z``.
    z : array
        Log volume without campaign calls.
    rows : boolean array
        Days to fit and score (open, observed, not outliers).

    Returns
    -------
    The chosen :class:`YearlyForm` and the score of every candidate (mean squared error).

    Notes
    -----
    From each origin (every ``step_days`` going back from the end, with at least
    ``min_train_days`` of history before it), each candidate is fitted by least squares on
    the days before and predicts the ``horizon_days`` after. The prediction is anchored
    on the mean residual of the last ``anchor_days`` observed days, as the model's ARMA
    errors anchor a forecast on the recent level: the score measures how well the
    pattern predicts the *change* of the weeks ahead, which is what the yearly pattern
    adds to a short-term forecast. The mean squared error over all origins decides; a
    candidate with more parameters must beat a simpler one by 1 % to be preferred.
    """
    end = dates[-1]
    origins = [end - pd.Timedelta(days=step_days * k) for k in range(1, n_origins + 1)]
    origins = [o for o in origins if (o - dates[0]).days >= min_train_days]
    forms = [YearlyForm(k, s) for k, s in candidates]
    if not origins:
        return YearlyForm("none"), {}
    terms = {f.label: f.terms(dates).to_numpy() for f in forms}
    scores: dict[str, float] = {}
    for f in forms:
        X = np.column_stack([fixed, terms[f.label]])
        sse, n = 0.0, 0
        for o in origins:
            tr = rows & (dates <= o)
            te = rows & (dates > o) & (dates <= o + pd.Timedelta(days=horizon_days))
            if te.sum() == 0 or tr.sum() <= X.shape[1] + 10:
                continue
            try:
                beta = np.linalg.solve(X[tr].T @ X[tr], X[tr].T @ z[tr])
            except np.linalg.LinAlgError:
                beta, *_ = np.linalg.lstsq(X[tr], z[tr], rcond=None)
            last = np.flatnonzero(tr)[-anchor_days:]
            anchor = float(np.mean(z[last] - X[last] @ beta))
            e = z[te] - X[te] @ beta - anchor
            sse += float(e @ e)
            n += int(te.sum())
        scores[f.label] = sse / n if n else np.inf
    best = forms[0]
    for f in sorted(forms, key=lambda f: f.terms(dates[:1]).shape[1]):
        if scores[f.label] < 0.99 * scores[best.label]:
            best = f
    return best, scores
