"""Communication campaigns as regressors: geometric-decay (adstock) impulses.

A campaign starting on day ``s`` adds, in log volume, ``beta * scale * r**(t - s)`` on
days ``t >= s`` where ``r = 0.5 ** (1 / half_life_days)`` is its channel's daily decay.
``scale`` is the campaign's audience over its channel's typical audience (1 when the
audience is unknown).

The canonical campaign calendar has the warehouse's columns: ``campaign_id``,
``channel``, ``start_date`` and optionally ``end_date``, ``audience``, ``name``,
``queues``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: candidate half-lives (days) searched for each channel
HALF_LIFE_GRID = (0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 7.0, 10.0)
#: days after the start over which an impulse is carried (its tail beyond is < 1 %)
MAX_EFFECT_DAYS = 42


def decay_rate(half_life_days: float) -> float:
    """Daily retention ``r`` of a geometric decay with the given half-life (days)."""
    if half_life_days <= 0:
        raise ValueError("half_life_days must be > 0")
    return float(0.5 ** (1.0 / half_life_days))


def adstock(dates: pd.DatetimeIndex, start: pd.Timestamp, half_life_days: float,
            max_days: int = MAX_EFFECT_DAYS) -> np.ndarray:
    """Impulse response of one campaign on ``dates``: ``r**(t - start)`` for 0 <= t - start < max_days.

    Parameters
    ----------
    dates : DatetimeIndex
        Daily dates.
    start : Timestamp
        Campaign start day (the impulse, value 1).
    half_life_days : float
        Days for the effect to halve.
    """
    lag = ((dates - pd.Timestamp(start).normalize()) / pd.Timedelta(days=1)).to_numpy()
    r = decay_rate(half_life_days)
    out = np.where((lag >= 0) & (lag < max_days), np.power(r, np.clip(lag, 0, None)), 0.0)
    return out


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


def campaign_matrix(dates: pd.DatetimeIndex, campaigns: pd.DataFrame,
                    half_lives: dict[str, float]) -> pd.DataFrame:
    """One column per campaign: its scaled adstock ``scale * r**(t - start)`` on ``dates``."""
    cols = {}
    for row in campaigns.itertuples(index=False):
        hl = half_lives.get(row.channel, 2.0)
        cols[row.campaign_id] = row.scale * adstock(dates, row.start_date, hl)
    return pd.DataFrame(cols, index=dates)


def extra_calls(level: np.ndarray, log_effect: np.ndarray) -> np.ndarray:
    """Calls attributable to a multiplicative effect: ``level * (1 - exp(-log_effect))``.

    ``level`` is the volume with the effect (actual or forecast, calls);
    ``log_effect`` the campaign's term in log volume. The counterfactual is
    ``level * exp(-log_effect)``.
    """
    return np.asarray(level, float) * (1.0 - np.exp(-np.asarray(log_effect, float)))
