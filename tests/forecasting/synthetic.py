"""Synthetic daily call series with known structure, for the forecasting tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecasting.calendar import calendar_frame

#: weekday multipliers Monday..Sunday (Sunday closed)
WEEKLY = np.array([1.30, 1.10, 1.00, 1.00, 0.95, 0.55, 0.0])


def synthetic_daily(*, start="2023-01-02", days=730, level=900.0, seed=1,
                    campaigns: pd.DataFrame | None = None,
                    half_lives: dict[str, float] | None = None,
                    effects: dict[str, float] | None = None,
                    yearly_amp=0.10) -> tuple[pd.Series, pd.Series]:
    """Poisson daily calls: level x weekday x yearly x exp(sum of campaign log effects).

    French public holidays and Sundays are closed (0 calls). Campaign ``k`` of channel
    ``c`` adds ``effects[c] * r_c ** (t - start_k)`` to the log mean.

    Returns
    -------
    calls : Series of observed calls
    extra : Series of expected extra calls per campaign_id (the truth)
    """
    rng = np.random.default_rng(seed)
    dates = pd.date_range(start, periods=days, freq="D")
    cal = calendar_frame(dates, holidays="FR", closed_weekdays=(6,), weekend=(5, 6))
    doy = dates.dayofyear.to_numpy()
    lam = level * WEEKLY[dates.dayofweek] * (1 + yearly_amp * np.cos(2 * np.pi * (doy - 15) / 365.25))
    lam = np.where(cal["open"].to_numpy(), lam, 0.0)
    log_eff = {}
    if campaigns is not None:
        for row in campaigns.itertuples(index=False):
            lag = (dates - pd.Timestamp(row.start_date)).days.to_numpy()
            r = 0.5 ** (1 / half_lives[row.channel])
            log_eff[row.campaign_id] = np.where((lag >= 0) & (lag < 42),
                                                effects[row.channel] * r ** np.clip(lag, 0, None), 0)
    total = sum(log_eff.values()) if log_eff else 0.0
    mean = lam * np.exp(total)
    calls = pd.Series(rng.poisson(mean).astype(float), index=dates, name="calls")
    extra = pd.Series({k: float((mean * (1 - np.exp(-v))).sum()) for k, v in log_eff.items()})
    return calls, extra


def campaign_calendar(dates: list[str], channels: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"campaign_id": [f"c{i}" for i in range(len(dates))],
                         "channel": channels, "start_date": pd.to_datetime(dates)})
