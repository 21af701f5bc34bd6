"""Level shifts, the error process (stationary or local level) and outlier days."""

import numpy as np
import pandas as pd
import pytest

from forecasting.daily import DailyVolumeModel
from forecasting.errors import outlier_days, select_errors
from forecasting.shifts import detect_level_shifts

WEEKDAY = np.array([1.2, 1.05, 1.0, 0.95, 0.8, 0.0, 0.0])


def _weekday_series(level: np.ndarray, seed: int, start="2023-01-02") -> pd.Series:
    """Mon-Fri counts: Poisson around ``level * weekday factor`` (no yearly pattern)."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range(start, periods=len(level), freq="D")
    mean = level * WEEKDAY[dates.day_of_week]
    return pd.Series(rng.poisson(mean).astype(float), index=dates)


def test_level_shift_found_and_forecast_from_the_new_level():
    # 300 days at 1000 a day, then 140 days at 800 (a queue moved away: -20 %)
    level = np.r_[np.full(300, 1000.0), np.full(140, 800.0)]
    calls = _weekday_series(level, seed=3)
    res = DailyVolumeModel(calls, holidays=None, yearly="none").fit()
    shift = pd.Timestamp("2023-01-02") + pd.Timedelta(days=300)     # 2023-10-29
    assert len(res.design.shifts) == 1
    # the step is placed in the week of the change (weekly means: within 7 days)
    assert abs((res.design.shifts[0] - shift).days) <= 7
    assert "level shifts" in res.model_form
    fc = res.forecast(14)
    open_ = fc["forecast"] > 0
    expected = 800.0 * WEEKDAY[fc.index.day_of_week][open_]
    # the next two weeks are forecast at the new level: within 3 % in total (Poisson
    # noise of 140 days at ~800 puts the fitted level within ~0.5 %)
    assert abs(fc.loc[open_, "forecast"].sum() / expected.sum() - 1) < 0.03


def test_no_level_shift_in_a_stable_series():
    calls = _weekday_series(np.full(440, 1000.0), seed=5)
    res = DailyVolumeModel(calls, holidays=None, yearly="none").fit()
    assert res.design.shifts == []
    assert "level shifts" not in res.model_form


def test_detect_level_shifts_by_hand():
    # residuals 0 for 20 weeks then +0.1 for 20 weeks, tiny noise: one shift at week 20
    # (regressed on a constant and a trend, which alone cannot follow the step)
    dates = pd.date_range("2024-01-01", periods=280, freq="D")
    X = np.column_stack([np.ones(280), np.arange(280) / 365.25])
    rng = np.random.default_rng(0)
    r = np.where(np.arange(280) >= 140, 0.1, 0.0) + rng.normal(0, 0.01, 280)
    assert detect_level_shifts(dates, X, r, np.ones(280, bool)) == [pd.Timestamp("2024-05-20")]
    # a step of 0.003 is within the noise of weekly means (sd 0.01 / sqrt(7) = 0.004)
    small = np.where(np.arange(280) >= 140, 0.003, 0.0) + rng.normal(0, 0.01, 280)
    assert detect_level_shifts(dates, X, small, np.ones(280, bool)) == []


def test_error_process_local_level_for_a_random_walk_stationary_for_noise():
    rng = np.random.default_rng(1)
    n = 900
    walk = np.cumsum(rng.normal(0, 0.02, n)) + rng.normal(0, 0.02, n)
    walk[np.arange(n) % 7 >= 5] = np.nan          # weekends are gaps
    assert select_errors(walk, (1, 1)).form == "local_level"
    ar = np.zeros(n)
    for t in range(1, n):
        ar[t] = 0.5 * ar[t - 1] + rng.normal(0, 0.03)
    ar[np.arange(n) % 7 >= 5] = np.nan
    fit = select_errors(ar, (1, 1))
    assert fit.form == "stationary" and fit.label == "ARMA(1,1)"
    assert set(fit.scores) == {"stationary", "local_level"}
    with pytest.raises(ValueError, match="errors must be"):
        select_errors(ar, (1, 1), "trend")


def test_outlier_days_by_hand():
    # residuals -0.02, -0.01, 0, 0.01, 0.02 repeated, one day at -1.5 (an outage: 22 % of
    # the usual calls) and one at +0.2
    r = np.tile([-0.02, -0.01, 0.0, 0.01, 0.02], 20)
    r[37], r[61] = -1.5, 0.2
    rows = np.ones(100, bool)
    # median 0, MAD 0.01 -> robust sd 0.0148: 5 sd = 0.074; both are beyond
    assert list(np.flatnonzero(outlier_days(r, rows))) == [37, 61]
    # 10 sd = 0.148: both still; only the low side: the outage alone
    assert list(np.flatnonzero(outlier_days(r, rows, side="low"))) == [37]
    rows[37] = False                              # outside the rows: never flagged
    assert list(np.flatnonzero(outlier_days(r, rows))) == [61]


def test_outage_in_a_campaign_week_is_set_aside_and_does_not_widen_the_bands():
    level = np.full(440, 1000.0)
    calls = _weekday_series(level, seed=7)
    camps = pd.DataFrame({"campaign_id": ["c1", "c2", "c3", "c4"], "channel": "email",
                          "start_date": pd.to_datetime(["2023-03-06", "2023-06-05",
                                                        "2023-09-04", "2024-01-08"])})
    # each campaign brings 300 calls on its first day, 150 the next (half-life 1 day)
    for s in camps["start_date"]:
        calls[s] += 300
        calls[s + pd.Timedelta(days=1)] += 150
    clean = DailyVolumeModel(calls, campaigns=camps, holidays=None, yearly="none").fit()
    hit = calls.copy()
    outage = pd.Timestamp("2023-06-07")              # two days after campaign c2's start
    hit[outage] = round(hit[outage] * 0.15)
    storm = pd.Timestamp("2023-09-08")               # c3's fifth open day
    hit[storm] = round(hit[storm] * 2.5)
    res = DailyVolumeModel(hit, campaigns=camps, holidays=None, yearly="none").fit()
    assert {outage, storm} <= set(res.outlier_dates)
    # the day-level noise (none generated: Poisson only) is estimated as without them
    assert res.overdispersion_sd == pytest.approx(clean.overdispersion_sd, abs=0.01)
    w_clean = clean.forecast(14).eval("hi80 - lo80").sum()
    w_hit = res.forecast(14).eval("hi80 - lo80").sum()
    assert w_hit == pytest.approx(w_clean, rel=0.1)
    # campaign sizes are never negative
    assert (res.uplift()["extra_calls"] >= 0).all()
