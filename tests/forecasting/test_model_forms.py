"""The model's candidate forms, their selection from the series, shrinkage and noise."""

import numpy as np
import pandas as pd
import pytest

from forecasting.campaigns import adstock, open_day_lags, pool_channel
from forecasting.daily import CAMPAIGN_FORMS, DailyVolumeModel
from forecasting.seasonality import YearlyForm, spline_terms


def _check_bands(fc: pd.DataFrame) -> None:
    assert not fc.isna().any().any()
    open_ = fc["forecast"] > 0
    f = fc[open_]
    assert (f["lo95"] < f["lo80"]).all() and (f["lo80"] < f["forecast"]).all()
    assert (f["forecast"] < f["hi80"]).all() and (f["hi80"] < f["hi95"]).all()


@pytest.mark.parametrize("yearly", ["none", "fourier", "month", "spline"])
def test_contract_each_yearly_form(synthetic_series, synthetic_campaigns, yearly):
    calls, _ = synthetic_series
    res = DailyVolumeModel(calls, campaigns=synthetic_campaigns, yearly=yearly,
                           campaign_response="additive").fit()
    assert res.model_form.startswith(f"yearly {yearly}")
    fc = res.forecast(30)
    _check_bands(fc)
    # the same model, fitted again, forecasts the same numbers (forecast = fit + predict)
    again = DailyVolumeModel(calls, campaigns=synthetic_campaigns, yearly=yearly,
                             campaign_response="additive").fit().forecast(30)
    pd.testing.assert_frame_equal(fc, again)


@pytest.mark.parametrize("form", CAMPAIGN_FORMS)
def test_contract_each_campaign_form(synthetic_series, synthetic_campaigns, form):
    calls, truth = synthetic_series
    res = DailyVolumeModel(calls, campaigns=synthetic_campaigns, yearly="fourier",
                           campaign_response=form).fit()
    assert res.campaign_form == form and f"campaigns {form}" in res.model_form
    _check_bands(res.forecast(30))
    up = res.uplift()
    assert (up["model_form"] == form).all()
    assert (up["extra_calls_lo"] <= up["extra_calls"]).all()
    assert (up["extra_calls"] <= up["extra_calls_hi"]).all()
    # the totals are the sums of the daily calls
    by_day = res.uplift_by_day().groupby("campaign_id")["extra_calls"].sum()
    assert np.allclose(up.set_index("campaign_id")["extra_calls"], by_day[up["campaign_id"]])
    # every form measures these additive campaigns within 40 % (most much closer)
    err = up.set_index("campaign_id")["extra_calls"] / truth - 1
    assert err.abs().median() < 0.2 and err.abs().max() < 0.6


def _multiplicative_series(seed: int = 4):
    """Two years Mon-Fri, ~800 calls a day, a yearly wave; campaigns multiply the day's
    volume by ``exp(0.6 r^k)`` (r = 0.5 per open day): a campaign on a Monday brings
    more calls than one on a Friday, in proportion."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2023-01-02", periods=728, freq="D")
    open_ = pd.Series(dates.day_of_week < 5, index=dates)
    wk = np.array([1.4, 1.1, 1.0, 0.9, 0.6, 0, 0])[dates.day_of_week]
    base = 800 * wk * np.exp(0.2 * np.cos(2 * np.pi * dates.day_of_year / 365.25))
    starts = pd.date_range("2023-02-01", "2024-12-01", freq="19D")
    starts = [d + pd.Timedelta(days=(7 - d.day_of_week) % 7 if d.day_of_week > 4 else 0)
              for d in starts]
    camps = pd.DataFrame({"campaign_id": [f"c{i}" for i in range(len(starts))],
                          "channel": "email", "start_date": starts})
    lags = open_day_lags(open_, dates, starts)
    eff = sum(0.6 * adstock(lags[:, j], 1.0) for j in range(len(starts)))
    y = rng.poisson(base * np.exp(eff)).astype(float)
    return pd.Series(y, index=dates), camps


def test_multiplicative_series_selects_multiplicative():
    y, camps = _multiplicative_series()
    res = DailyVolumeModel(y, campaigns=camps, holidays=None).fit()
    assert res.campaign_form == "multiplicative", res.form_scores
    assert res.form_scores["multiplicative"] < res.form_scores["additive"]
    # its log effect is recovered (0.6 in the truth)
    assert res.channel_effect["email"][0] == pytest.approx(0.6, abs=0.06)


def test_dips_off_month_boundaries_select_a_smooth_pattern():
    """A summer dip 15 July - 20 August and a Christmas dip: neither month effects nor no
    pattern are kept; a spline or a many-term Fourier series is."""
    rng = np.random.default_rng(7)
    dates = pd.date_range("2022-01-03", periods=3 * 364, freq="D")
    doy = dates.day_of_year.to_numpy()
    dip = (-0.35 * ((doy >= 196) & (doy <= 232)) - 0.4 * ((doy >= 355) | (doy <= 3)))
    lam = 1000 * np.exp(dip) * (dates.day_of_week < 5)
    y = pd.Series(rng.poisson(lam).astype(float), index=dates)
    res = DailyVolumeModel(y, holidays=None).fit()
    assert res.yearly_form.kind in ("spline", "fourier"), res.yearly_scores
    assert res.yearly_form.kind == "spline" or res.yearly_form.size >= 8
    assert res.yearly_scores["month"] > 1.5 * res.yearly_scores[res.yearly_form.label]


def test_spline_basis_is_periodic_partition_of_unity():
    d = pd.date_range("2024-01-01", periods=800, freq="D")
    s = spline_terms(d, 12).to_numpy()
    assert s.shape == (800, 11)
    # the 12 cubic B-splines sum to 1; the 12th (left out) is 1 - the others, in [0, 2/3]
    rest = 1 - s.sum(axis=1)
    assert rest.min() >= -1e-12 and rest.max() <= 2 / 3 + 1e-12
    # one year later (365.25 days) the pattern repeats
    assert np.allclose(spline_terms(pd.DatetimeIndex(["2024-03-01 00:00"]), 12).to_numpy(),
                       spline_terms(pd.DatetimeIndex(["2025-03-01 06:00"]), 12).to_numpy())
    with pytest.raises(ValueError, match="yearly pattern"):
        YearlyForm("weekly")


def test_pool_channel_by_hand():
    # three campaigns 10, 20, 30 with variance 1: fixed mean 20, Q = 100 + 0 + 100 = 200,
    # c = 3 - 3/3 = 2, tau2 = (200 - 2) / 2 = 99 (above the floor (0.2 x 20)^2 = 16);
    # weights 1/(1 + 99) alike: gamma = 20, var_gamma = 100 / 3;
    # post = (est / 1 + 20 / 99) / (1 + 1 / 99) = (99 est + 20) / 100 -> 10.1, 20, 29.9;
    # post_var = 1 / (1 + 1/99) + (1 / 100)^2 x 100 / 3 = 0.99 + 1/300
    post, post_var, gamma, var_gamma, tau2 = pool_channel(np.array([10.0, 20, 30]), np.ones(3))
    assert tau2 == pytest.approx(99.0) and gamma == pytest.approx(20.0)
    assert var_gamma == pytest.approx(100 / 3)
    assert post == pytest.approx([10.1, 20.0, 29.9])
    assert post_var == pytest.approx([0.99 + 1 / 300] * 3)


def test_pool_channel_pulls_small_noisy_campaign():
    # two well-measured campaigns at 100 and a noisy one at 40 (sd 60): the spread is
    # what their noise explains (tau2 -> floor (0.2 x ~100)^2 ~ 400), so the noisy one
    # is pulled nearly all the way (share 3600 / (3600 + 400) = 0.9) to the channel
    post, post_var, gamma, var_gamma, tau2 = pool_channel(np.array([100.0, 100.0, 40.0]),
                                                          np.array([1.0, 1.0, 3600.0]))
    assert tau2 == pytest.approx((0.2 * 99.99) ** 2, rel=1e-3)
    assert post[:2] == pytest.approx([100.0, 100.0], abs=0.05)
    assert post[2] == pytest.approx(0.1 * 40 + 0.9 * gamma, rel=0.01)
    # 1 / (1/3600 + 1/tau2) ~ 360, plus 0.9^2 x var_gamma (the channel mean's variance)
    assert post_var[2] == pytest.approx(1 / (1 / 3600 + 1 / tau2)
                                        + (3600 / (3600 + tau2)) ** 2 * var_gamma)
    assert post_var[2] < 3600 / 6  # far tighter than its own estimate


def test_overdispersion_recovered():
    """Poisson counts around 1000 x exp(e), e ~ N(0, 0.08): the estimate is 0.08 +- 0.015."""
    rng = np.random.default_rng(11)
    dates = pd.date_range("2023-01-02", periods=2 * 364, freq="D")
    lam = 1000 * np.array([1.2, 1.0, 1.0, 0.9, 0.8, 0, 0])[dates.day_of_week]
    lam = lam * np.exp(rng.normal(0, 0.08, len(dates)) - 0.08 ** 2 / 2)
    y = pd.Series(rng.poisson(lam).astype(float), index=dates)
    res = DailyVolumeModel(y, holidays=None, yearly="none").fit()
    assert res.overdispersion_sd == pytest.approx(0.08, abs=0.015)
    assert "day noise sd 0.0" in res.model_form
    pure = pd.Series(rng.poisson(1000 * np.array([1.2, 1.0, 1.0, 0.9, 0.8, 0, 0])[
        dates.day_of_week]).astype(float), index=dates)
    assert DailyVolumeModel(pure, holidays=None, yearly="none").fit().overdispersion_sd < 0.015
