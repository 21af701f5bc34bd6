"""Intraday split: shares, DST days, coherent interval bands."""

import numpy as np
import pandas as pd
import pytest

from forecasting.baselines import Z80
from forecasting.intraday import (
    as_interval_series,
    day_intervals,
    interval_bands,
    learn_shares,
    split_daily,
    split_wape,
)

TZ = "Europe/Paris"


def _intervals(days: int, start="2025-03-03", seed=0) -> pd.Series:
    """Half-hourly Poisson calls, open 08:00-18:00 local; Mondays busier in the morning."""
    rng = np.random.default_rng(seed)
    idx = pd.date_range(pd.Timestamp(start).tz_localize(TZ), periods=days * 48 + 2, freq="30min")
    idx = idx[idx < (pd.Timestamp(start) + pd.Timedelta(days=days)).tz_localize(TZ)]
    hour = idx.hour + idx.minute / 60
    shape = np.where((hour >= 8) & (hour < 18), 1.0 + 0.5 * np.sin((hour - 8) / 10 * np.pi), 0.0)
    shape = shape * np.where((idx.day_of_week == 0) & (hour < 12), 2.0, 1.0)
    return pd.Series(rng.poisson(20 * shape).astype(float), index=idx)


def test_day_intervals_follow_dst():
    assert len(day_intervals(pd.Timestamp("2025-03-30"), 30, TZ)) == 46  # spring forward
    assert len(day_intervals(pd.Timestamp("2025-10-26"), 30, TZ)) == 50  # fall back
    assert len(day_intervals(pd.Timestamp("2025-10-27"), 15, TZ)) == 96


def test_shares_by_day_type_sum_to_one_and_respect_opening_hours():
    s = _intervals(56)
    shares = learn_shares(s, weeks=8)
    assert {"all", "mon", "tue", "sun"} <= set(shares.columns)
    assert shares.sum().to_numpy() == pytest.approx(np.ones(shares.shape[1]))
    assert (shares.loc[: 7 * 60 + 30] == 0).all().all()  # closed before 08:00
    # Monday mornings carry more of the day than Tuesday mornings
    assert shares.loc[8 * 60: 11 * 60 + 30, "mon"].sum() > shares.loc[8 * 60: 11 * 60 + 30, "tue"].sum() + 0.1


def test_split_keeps_daily_totals_on_dst_days():
    s = _intervals(56, start="2025-02-01")
    shares = learn_shares(s)
    daily = pd.DataFrame({"forecast": [1000.0, 800.0, 0.0], "lo80": [900.0, 700.0, 0.0],
                          "hi80": [1100.0, 900.0, 0.0], "lo95": [850.0, 650.0, 0.0],
                          "hi95": [1200.0, 950.0, 0.0]},
                         index=pd.to_datetime(["2025-03-30", "2025-10-26", "2025-10-27"]))
    out = split_daily(daily, shares, minutes=30, tz=TZ)
    per_day = out.groupby(out["period_start"].dt.tz_localize(None).dt.normalize())
    assert per_day.size().tolist() == [46, 50, 48]
    assert per_day["forecast"].sum().to_numpy() == pytest.approx([1000.0, 800.0, 0.0])
    assert (out["lo95"] <= out["lo80"]).all() and (out["hi80"] <= out["hi95"]).all()


def test_interval_bands_one_multiplier_plus_poisson():
    mu = np.array([0.0, 10.0, 40.0])
    lo, hi = interval_bands(mu, 0.9, 1.2, Z80)
    # hi = mu + sqrt((0.2 mu)^2 + z^2 mu), by hand for mu = 10
    assert hi[1] == pytest.approx(10 + np.sqrt(4.0 + Z80**2 * 10))
    assert lo[1] == pytest.approx(10 - np.sqrt(1.0 + Z80**2 * 10))
    assert hi[0] == 0 and lo[0] == 0
    # with large volumes the Poisson part vanishes: bounds add up to the day's bounds
    big = np.array([5e6, 3e6, 2e6])
    lo, hi = interval_bands(big, 0.9, 1.2, Z80)
    assert hi.sum() == pytest.approx(1.2 * big.sum(), rel=1e-4)
    assert lo.sum() == pytest.approx(0.9 * big.sum(), rel=1e-4)


def test_naive_local_input_and_split_accuracy():
    s = _intervals(70, start="2025-01-06")
    naive = pd.DataFrame({"period_start": s.index.tz_localize(None), "calls": s.to_numpy()})
    back = as_interval_series(naive, tz=TZ)
    assert back.index.equals(s.index)
    res = split_wape(back, test_weeks=2)
    # Poisson(20-30) per half-hour: the split cannot beat ~ sqrt(2/(pi*25)) = 0.16
    assert 0.1 < res["wape"] < 0.22
    assert res["n_days"] == 14
