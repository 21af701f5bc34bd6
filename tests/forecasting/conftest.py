"""Fixtures: synthetic daily call series with known structure, and the bank data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasting.calendar import calendar_frame
from forecasting.campaigns import adstock, open_day_lags

#: weekday multipliers Monday..Sunday (Sunday closed)
WEEKLY = np.array([1.30, 1.10, 1.00, 1.00, 0.95, 0.55, 0.0])


def synthetic_daily(*, start="2023-01-02", days=730, level=900.0, seed=1,
                    campaigns: pd.DataFrame | None = None,
                    half_lives: dict[str, float] | None = None,
                    effects: dict[str, float] | None = None,
                    yearly_amp=0.10) -> tuple[pd.Series, pd.Series]:
    """Poisson daily calls: level x weekday x yearly wave, plus campaign calls.

    French public holidays and Sundays are closed (0 calls). Campaign ``k`` of channel
    ``c`` adds ``effects[c] * r_c ** k`` expected calls on the ``k``-th open day after its
    start (``r_c = 0.5 ** (1 / half_lives[c])``).

    Returns
    -------
    calls : Series of observed calls
    extra : Series of expected extra calls per campaign_id (the truth)
    """
    rng = np.random.default_rng(seed)
    dates = pd.date_range(start, periods=days, freq="D")
    cal = calendar_frame(dates, holidays="FR", closed_weekdays=(6,), weekend=(5, 6))
    doy = dates.day_of_year.to_numpy()
    lam = level * WEEKLY[dates.day_of_week] * (1 + yearly_amp * np.cos(2 * np.pi * (doy - 15) / 365.25))
    lam = np.where(cal["open"].to_numpy(), lam, 0.0)
    extra = {}
    if campaigns is not None:
        lags = open_day_lags(cal["open"], dates, list(pd.to_datetime(campaigns["start_date"])))
        for j, row in enumerate(campaigns.itertuples(index=False)):
            extra[row.campaign_id] = effects[row.channel] * adstock(lags[:, j],
                                                                   half_lives[row.channel])
    mean = lam + (sum(extra.values()) if extra else 0.0)
    calls = pd.Series(rng.poisson(mean).astype(float), index=dates, name="calls")
    return calls, pd.Series({k: float(v.sum()) for k, v in extra.items()})


def campaign_calendar(dates: list[str], channels: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"campaign_id": [f"c{i}" for i in range(len(dates))],
                         "channel": channels, "start_date": pd.to_datetime(dates)})


# ---------------------------------------------------------------- fixtures

CAMPAIGN_DATES = ["2023-02-07", "2023-04-12", "2023-06-06", "2023-09-19", "2023-11-14",
                  "2024-01-16", "2024-03-12", "2024-05-14", "2024-07-09", "2024-09-10",
                  "2024-10-15", "2024-11-19"]
CAMPAIGN_CHANNELS = ["mailing", "email", "mailing", "email", "sms", "mailing", "email", "sms",
                     "mailing", "mailing", "email", "mailing"]
TRUE_HALF_LIVES = {"mailing": 3.0, "email": 1.0, "sms": 0.5}
TRUE_EFFECTS = {"mailing": 450.0, "email": 350.0, "sms": 250.0}  # peak-day extra calls
BANK_DAILY = "/work/shared/data/anonymous_bank_1999/aux/daily_counts_1999.csv"


@pytest.fixture(scope="session")
def synthetic_campaigns() -> pd.DataFrame:
    return campaign_calendar(CAMPAIGN_DATES, CAMPAIGN_CHANNELS)


@pytest.fixture(scope="session")
def synthetic_series(synthetic_campaigns):
    """Two years of Poisson calls (~900/day), Sundays and French holidays closed,
    12 campaigns of three channels with known half-lives and log effects."""
    return synthetic_daily(campaigns=synthetic_campaigns, half_lives=TRUE_HALF_LIVES,
                           effects=TRUE_EFFECTS, seed=1)


@pytest.fixture(scope="session")
def synthetic_fit(synthetic_series, synthetic_campaigns):
    from forecasting.daily import DailyVolumeModel

    calls, _ = synthetic_series
    return DailyVolumeModel(calls, campaigns=synthetic_campaigns, holidays="FR").fit()


@pytest.fixture(scope="session")
def bank_daily() -> pd.Series:
    """The 1999 Anonymous Bank daily counts; Jan 11-12 (no records) are missing."""
    from pathlib import Path

    if not Path(BANK_DAILY).exists():
        pytest.skip("Anonymous Bank daily counts not available")
    d = pd.read_csv(BANK_DAILY, parse_dates=["date"])
    y = pd.Series(d["non_phantom_records"].astype(float).to_numpy(), index=d["date"])
    y[d["all_records"].isna().to_numpy()] = np.nan
    return y


@pytest.fixture(scope="session")
def synth():
    """The synthetic generator and its true parameters (tests cannot import conftest)."""
    from types import SimpleNamespace

    return SimpleNamespace(daily=synthetic_daily, calendar=campaign_calendar, weekly=WEEKLY,
                           half_lives=TRUE_HALF_LIVES, effects=TRUE_EFFECTS)
