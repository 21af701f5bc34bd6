"""Accuracy measures on hand-computed tiny examples."""

import math

import numpy as np
import pandas as pd
import pytest

from forecasting.backtest import horizon_label, origins, summarize
from forecasting.metrics import coverage, mase, poisson_wape_floor, seasonal_naive_mae, wape


def test_wape_by_hand():
    # |10-8| + |20-25| + |30-30| = 7 over 60
    assert wape([10, 20, 30], [8, 25, 30]) == pytest.approx(7 / 60)
    assert math.isnan(wape([0, 0], [1, 1]))


def test_seasonal_naive_mae_by_hand():
    idx = pd.date_range("2025-01-06", periods=9, freq="D")
    y = pd.Series([10, 0, 0, 0, 0, 0, 0, 13, 4], index=idx, dtype=float)
    # errors on days 8 and 9: |13-10| = 3 and |4-0| = 4
    assert seasonal_naive_mae(y) == pytest.approx(3.5)
    open_days = pd.Series([True] * 8 + [False], index=idx)
    assert seasonal_naive_mae(y, open_days=open_days) == pytest.approx(3.0)


def test_mase_and_coverage_by_hand():
    assert mase([10, 20], [12, 17], scale=2.5) == pytest.approx(2.5 / 2.5)
    assert coverage([1, 5, 9, 10], [0, 6, 8, 10], [2, 7, 9, 11]) == pytest.approx(3 / 4)


def test_poisson_floor_at_900_calls():
    assert poisson_wape_floor(900) == pytest.approx(math.sqrt(2 / (math.pi * 900)))
    assert 0.026 < poisson_wape_floor(900) < 0.027


def test_horizon_labels_and_origins():
    assert [horizon_label(h) for h in (1, 7, 8, 14, 15, 91, 92)] == [
        "d1-7", "d1-7", "d8-14", "d8-14", "w3-13", "w3-13", None]
    dates = pd.date_range("2025-01-01", periods=100, freq="D")
    o = origins(dates, 3, 7)
    assert o == [dates[-1] - pd.Timedelta(days=d) for d in (21, 14, 7)]


def test_summarize_tiny_example_by_hand():
    d = pd.to_datetime(["2025-03-03", "2025-03-04", "2025-03-05", "2025-03-12"])
    fc = pd.DataFrame({
        "model": "m", "origin": pd.Timestamp("2025-03-02"), "date": d, "h": [1, 2, 3, 10],
        "actual": [100.0, 50.0, 0.0, 80.0], "open": [True, True, False, True],
        "forecast": [90.0, 60.0, 0.0, 100.0], "lo80": [85.0, 55.0, 0.0, 70.0],
        "hi80": [105.0, 70.0, 0.0, 75.0], "lo95": [80.0, 30.0, 0.0, 60.0],
        "hi95": [120.0, 80.0, 0.0, 110.0], "scale": 10.0,
    })
    camps = pd.DataFrame({"campaign_id": ["x"], "channel": ["sms"], "start_date": ["2025-03-04"]})
    out = summarize(fc, camps, selected="m").set_index(["horizon", "segment"])
    d17 = out.loc[("d1-7", "all")]
    assert d17["n"] == 2  # the closed day is not scored
    assert d17["wape"] == pytest.approx(20 / 150)
    assert d17["mase"] == pytest.approx(np.mean([10 / 10, 10 / 10]))
    assert d17["coverage_80"] == pytest.approx(0.5)  # 50 lies below [55, 70]
    assert d17["coverage_95"] == pytest.approx(1.0)
    camp = out.loc[("d1-7", "campaign")]
    assert camp["n"] == 1 and camp["wape"] == pytest.approx(10 / 50)
    d814 = out.loc[("d8-14", "campaign")]  # 2025-03-12 is 8 days after the start
    assert d814["wape"] == pytest.approx(20 / 80) and d814["coverage_80"] == 0.0
    assert bool(d17["selected"])
