"""Rolling-origin backtests on synthetic and real data."""

import warnings

import numpy as np
import pytest

from forecasting.backtest import SUMMARY_COLUMNS, backtest, rolling_origin_forecasts
from forecasting.metrics import poisson_wape_floor


@pytest.fixture(scope="module")
def synthetic_backtest(synthetic_series, synthetic_campaigns):
    calls, _ = synthetic_series
    return backtest(calls, campaigns=synthetic_campaigns, n_origins=10, horizon_days=28)


def _row(table, model, horizon="d1-7", segment="all"):
    m = (table["model"] == model) & (table["horizon"] == horizon) & (table["segment"] == segment)
    assert m.sum() == 1
    return table[m].iloc[0]


def test_backtest_table_shape(synthetic_backtest):
    assert list(synthetic_backtest.columns) == SUMMARY_COLUMNS
    assert set(synthetic_backtest["model"]) == {"loglinear_arma", "combination",
                                                "seasonal_naive", "ets"}
    sel = synthetic_backtest[synthetic_backtest["selected"]]
    assert set(sel["model"]) == {"loglinear_arma"}
    assert set(synthetic_backtest["horizon"]) == {"d1-7", "d8-14", "w3-13"}


def test_synthetic_goals(synthetic_backtest, synthetic_series):
    calls, _ = synthetic_series
    floor = poisson_wape_floor(float(calls[calls > 0].mean()))
    for segment in ("all", "campaign"):
        ours = _row(synthetic_backtest, "loglinear_arma", segment=segment)
        naive = _row(synthetic_backtest, "seasonal_naive", segment=segment)
        assert ours["wape"] <= 0.5 * naive["wape"]
        assert ours["wape"] <= 2 * floor
    assert 0.7 <= _row(synthetic_backtest, "loglinear_arma")["coverage_80"] <= 0.92


def test_forecasts_are_out_of_sample(synthetic_series):
    calls, _ = synthetic_series
    fc = rolling_origin_forecasts(calls.iloc[:200], n_origins=2, horizon_days=10,
                                  models=("seasonal_naive",))
    assert (fc["date"] > fc["origin"]).all()
    first = fc[fc["origin"] == fc["origin"].min()]
    o = first["origin"].iloc[0]
    # seasonal naive: the same weekday in the last training week
    for _, r in first[first["open"]].head(6).iterrows():
        lag = ((r["date"] - o).days - 1) % 7 + 1
        assert r["forecast"] == calls[o - np.timedelta64(7 - lag, "D")]


def test_bank_1999_beats_baselines(bank_daily):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = backtest(bank_daily, holidays=None, models=("loglinear_arma", "seasonal_naive",
                                                             "ets"))
    ours = _row(table, "loglinear_arma")
    assert ours["wape"] < _row(table, "seasonal_naive")["wape"]
    assert ours["wape"] < _row(table, "ets")["wape"]
    assert 0.7 <= ours["coverage_80"] <= 0.92
    assert ours["n"] == 182  # 26 origins x 7 days (no missing day in the window)
