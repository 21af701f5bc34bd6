"""Communication campaigns as regressors: geometric-decay (adstock) impulses.

A campaign adds, in log volume, ``beta * scale * r ** (k - delay)`` on the ``k``-th open
day after its start (``k >= delay``), where ``r = 0.5 ** (1 / half_life_days)`` is its
channel's decay per open day and ``delay`` its channel's lag in open days (a mailing is
read days after it is sent).
``scale`` is the campaign's audience over its channel's typical audience (1 when the
audience is unknown).

The canonical campaign calendar has the warehouse's columns: ``campaign_id``,
``channel``, ``start_date`` and optionally ``end_date``, ``audience``, ``name``,
``queues``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

#: candidate half-lives (open days) searched for each channel
HALF_LIFE_GRID = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 7.0, 10.0)
#: candidate delays (open days from the start to the first extra calls, e.g. mail delivery)
DELAY_GRID = (0, 1, 2, 3)
#: open days after the start over which an impulse is carried (its tail beyond is < 1 %)
MAX_EFFECT_DAYS = 30


def decay_rate(half_life_days: float) -> float:
    """Daily retention ``r`` of a geometric decay with the given half-life (days)."""
    if half_life_days <= 0:
        raise ValueError("half_life_days must be > 0")
    return float(0.5 ** (1.0 / half_life_days))


def open_day_lags(is_open: pd.Series, dates: pd.DatetimeIndex,
                  starts: Sequence[pd.Timestamp]) -> np.ndarray:
    """Open days elapsed since each campaign start, on ``dates`` (n_dates x n_campaigns).

    Campaign effects are counted on the line's open days: the first open day on or after
    the start has lag 0, the next open day lag 1, and so on (a weekend does not age a
    mailing). Closed days and days before the start get NaN.

    Parameters
    ----------
    is_open : boolean Series on a complete daily index
        Covering every start and every date.
    dates : DatetimeIndex
        Days to describe.
    starts : sequence of Timestamps
        Campaign start days.
    """
    clock = is_open.astype(int).cumsum()
    opened = is_open.reindex(dates).to_numpy(bool)
    k_date = clock.reindex(dates).to_numpy(float)
    st = pd.DatetimeIndex(starts)
    before = (clock.reindex(st).to_numpy(float) - is_open.reindex(st).to_numpy(float))
    lags = k_date[:, None] - 1.0 - before[None, :]
    valid = opened[:, None] & (dates.to_numpy()[:, None] >= st.to_numpy()[None, :])
    return np.where(valid, lags, np.nan)


def adstock(lags: np.ndarray, half_life_days: float, delay_days: int = 0,
            max_days: int = MAX_EFFECT_DAYS) -> np.ndarray:
    """Geometric impulse response ``r ** (lag - delay)`` for ``0 <= lag - delay < max_days``, else 0.

    Parameters
    ----------
    lags : array
        Open days since the campaign start (NaN: closed or before the start).
    half_life_days : float
        Open days for the effect to halve.
    delay_days : int
        Open days before the first extra calls.
    """
    k = np.asarray(lags, float) - delay_days
    ok = np.isfinite(k) & (k >= 0) & (k < max_days)
    return np.where(ok, np.power(decay_rate(half_life_days), np.where(ok, k, 0.0)), 0.0)


def normalize_campaigns(campaigns: pd.DataFrame | None) -> pd.DataFrame:
    """The campaign calendar with canonical columns and types, sorted by start date.

    Adds ``scale``: audience over the median audience of the channel's campaigns with a
    known audience (1 when unknown).
    """
    cols = ["campaign_id", "channel", "start_date", "audience", "scale"]
    if campaigns is None or len(campaigns) == 0:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in cols}).astype(
            {"campaign_id": "str", "channel": "str", "start_date": "datetime64[us]"})
    missing = {"campaign_id", "channel", "start_date"} - set(campaigns.columns)
    if missing:
        raise ValueError(f"campaigns: missing column(s) {sorted(missing)}; the calendar needs "
                         "campaign_id, channel, start_date (audience optional)")
    c = campaigns.copy()
    c["campaign_id"] = c["campaign_id"].astype(str)
    c["channel"] = c["channel"].astype(str).str.strip().str.lower()
    c["start_date"] = pd.to_datetime(c["start_date"]).dt.normalize().astype("datetime64[us]")
    if "audience" not in c:
        c["audience"] = np.nan
    c["audience"] = pd.to_numeric(c["audience"], errors="coerce").astype(float)
    med = c.groupby("channel")["audience"].transform("median")
    c["scale"] = (c["audience"] / med).where(c["audience"].notna() & (med > 0), 1.0)
    return c.sort_values(["start_date", "campaign_id"]).reset_index(drop=True)[
        cols + [k for k in c.columns if k not in cols]]


def campaign_matrix(lags: np.ndarray, campaigns: pd.DataFrame,
                    shapes: dict[str, tuple[float, int]]) -> np.ndarray:
    """Scaled adstock of each campaign: ``scale * r ** (lag - delay)`` (n_dates x n_campaigns).

    ``shapes`` maps a channel to its ``(half_life_days, delay_days)``.
    """
    out = np.zeros(lags.shape)
    chans = campaigns["channel"].to_numpy(object)
    scale = campaigns["scale"].to_numpy(float)
    for ch in set(chans):
        m = chans == ch
        out[:, m] = scale[m][None, :] * adstock(lags[:, m], *shapes[ch])
    return out


def extra_calls(level: np.ndarray, log_effect: np.ndarray) -> np.ndarray:
    """Calls attributable to a multiplicative effect: ``level * (1 - exp(-log_effect))``.

    ``level`` is the volume with the effect (actual or forecast, calls);
    ``log_effect`` the campaign's term in log volume. The counterfactual is
    ``level * exp(-log_effect)``.
    """
    return np.asarray(level, float) * (1.0 - np.exp(-np.asarray(log_effect, float)))


#: smallest between-campaign sd of a channel, relative to its typical size: campaigns of a
#: channel are never assumed identical (a prior, used when the spread is not measurable)
MIN_REL_SPREAD = 0.2


def pool_channel(est: np.ndarray, var: np.ndarray, *, min_rel_spread: float = MIN_REL_SPREAD
                 ) -> tuple[np.ndarray, np.ndarray, float, float, float]:
    """Shrink each campaign's size toward its channel's typical size (random effects).

    Parameters
    ----------
    est, var : arrays
        Each campaign's estimated size per unit of audience scale, and its variance.
    min_rel_spread : float
        Floor of the between-campaign sd as a share of the typical size.

    Returns
    -------
    post, post_var : arrays
        Shrunk sizes ``(est / var + gamma / tau2) / (1 / var + 1 / tau2)`` and their
        variance ``1 / (1 / var + 1 / tau2) + (var / (var + tau2)) ** 2 * var_gamma``.
    gamma, var_gamma, tau2 : float
        Typical size (weighted by ``1 / (var + tau2)``), its variance, and the
        between-campaign variance (DerSimonian-Laird; ``(min_rel_spread * gamma) ** 2`` at
        least; ``(gamma / 2) ** 2`` with a single campaign).

    Notes
    -----
    A small campaign's own estimate is noisy (large ``var``); it is pulled toward what
    campaigns of its channel usually bring, by the share ``var / (var + tau2)``. A large,
    well-measured campaign keeps its own estimate.
    """
    est = np.asarray(est, float)
    var = np.maximum(np.asarray(var, float), 1e-12)
    w = 1.0 / var
    fixed = float(np.sum(w * est) / np.sum(w))
    k = len(est)
    if k >= 2:
        q = float(np.sum(w * (est - fixed) ** 2))
        c = float(np.sum(w) - np.sum(w ** 2) / np.sum(w))
        tau2 = max(0.0, (q - (k - 1)) / c) if c > 0 else 0.0
        tau2 = max(tau2, (min_rel_spread * fixed) ** 2)
    else:
        tau2 = (0.5 * fixed) ** 2
    tau2 = max(tau2, 1e-12)
    wr = 1.0 / (var + tau2)
    gamma = float(np.sum(wr * est) / np.sum(wr))
    var_gamma = float(1.0 / np.sum(wr))
    post = (est / var + gamma / tau2) / (1.0 / var + 1.0 / tau2)
    post_var = 1.0 / (1.0 / var + 1.0 / tau2) + (var / (var + tau2)) ** 2 * var_gamma
    return post, post_var, gamma, var_gamma, tau2
