"""Rest-of-day reforecast maths: gamma-Poisson busyness factor, negative-binomial bands."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasting.reforecast import (
    estimate_handle_dispersion,
    estimate_handle_prior_strength,
    estimate_interval_dispersion,
    estimate_prior_strength,
    handle_factor,
    posterior_factor,
    reforecast_rest,
)


def test_posterior_hand_checked():
    # a = 10, N = 30 calls where 20 were expected: (10 + 30) / (10 + 20) = 40 / 30 = 4/3
    assert posterior_factor(10, 30, 20) == pytest.approx(4 / 3)
    rf = reforecast_rest(pd.Series([6.0, 3.0]), a=10, calls_so_far=30, expected_so_far=20)
    # remaining 6 and 3 calls expected: 6 * 4/3 = 8, 3 * 4/3 = 4
    np.testing.assert_allclose(rf.table["reforecast"], [8.0, 4.0])
    np.testing.assert_allclose(rf.table["forecast"], [6.0, 3.0])
    assert rf.factor == pytest.approx(4 / 3)


def test_negative_binomial_bands_hand_checked():
    # a = 1, N = 0, Lambda = 1, f = 2: r = a + N = 1, p = (a + L) / (a + L + f) = 2/4 = 1/2,
    # a geometric count: P(k) = 0.5^(k+1), CDF(k) = 1 - 0.5^(k+1).
    # 10 %: CDF(0) = 0.5 >= 0.1 -> 0; 90 %: CDF(2) = 0.875, CDF(3) = 0.9375 -> 3;
    # 2.5 % -> 0; 97.5 %: CDF(4) = 0.96875, CDF(5) = 0.984375 -> 5. Mean 2 * 1/2 = 1.
    t = reforecast_rest(pd.Series([2.0]), a=1, calls_so_far=0, expected_so_far=1).table
    assert t.loc[0, ["reforecast", "lo80", "hi80", "lo95", "hi95"]].tolist() == [
        1.0, 0.0, 3.0, 0.0, 5.0]


def test_prior_strength_hand_checked():
    # ratios 1.2 and 0.8: mean((r - 1)^2) = 0.04; Poisson part mean(1/F) = 0.01;
    # v = 0.03 -> a = 1 / 0.03 = 33.33
    assert estimate_prior_strength([120, 80], [100, 100]) == pytest.approx(1 / 0.03)
    # no more dispersed than Poisson: no update (a infinite); a missing forecast is ignored
    assert estimate_prior_strength([100, 101, 5], [100, 100, np.nan]) == np.inf
    assert np.isnan(estimate_prior_strength([1.0], [0.0]))


def test_a_to_zero_is_the_plain_ratio():
    f = pd.Series([10.0, 20.0, 5.0])
    for a in (0.0, 1e-9):
        rf = reforecast_rest(f, a=a, calls_so_far=150, expected_so_far=120)
        np.testing.assert_allclose(rf.table["reforecast"], f * 150 / 120, rtol=1e-9)


def test_a_to_infinity_is_the_forecast():
    f = pd.Series([10.0, 20.0, 5.0])
    for a in (np.inf, 1e15):
        rf = reforecast_rest(f, a=a, calls_so_far=150, expected_so_far=120)
        np.testing.assert_allclose(rf.table["reforecast"], f, rtol=1e-9)
    # infinite a: Poisson bands around the forecast (10 calls: 80 % band 6-14)
    t = reforecast_rest(f, a=np.inf, calls_so_far=150, expected_so_far=120).table
    assert (t.loc[0, "lo80"], t.loc[0, "hi80"]) == (6.0, 14.0)


def test_bands_are_ordered():
    rng = np.random.default_rng(7)
    for _ in range(200):
        f = pd.Series(rng.gamma(0.5, 20, size=12))
        a = float(rng.choice([0.0, rng.gamma(1, 20), np.inf]))
        k = float(rng.choice([np.inf, rng.gamma(1, 20)]))
        lam = float(rng.gamma(1, 200))
        n = float(rng.poisson(lam * rng.uniform(0.5, 1.5)))
        t = reforecast_rest(f, a=a, calls_so_far=n, expected_so_far=lam, k=k).table
        assert (t["lo95"] <= t["lo80"]).all() and (t["lo80"] <= t["reforecast"]).all()
        assert (t["reforecast"] <= t["hi80"]).all() and (t["hi80"] <= t["hi95"]).all()
        assert (t["lo95"] >= 0).all()


def test_refuses_negative_inputs():
    with pytest.raises(ValueError, match=">= 0"):
        posterior_factor(-1, 3, 2)


def test_interval_dispersion_hand_checked():
    # one day, forecast 10 and 10, actual 5 and 15: day ratio 20/20 = 1, mu = 10 and 10;
    # sum((y - mu)^2 - mu) = (25 - 10) + (25 - 10) = 30; sum(mu^2) = 200; k = 200/30
    assert estimate_interval_dispersion([5, 15], [10, 10], ["d1", "d1"]) == pytest.approx(
        200 / 30)
    # a second day at twice the level with the same shape error: the day ratio 2 is removed
    # (mu = 20, 20; excess (100 - 20) * 2 = 160; mu^2 800): k = (200 + 800) / (30 + 160)
    assert estimate_interval_dispersion([5, 15, 10, 30], [10, 10, 10, 10],
                                        ["d1", "d1", "d2", "d2"]) == pytest.approx(1000 / 190)
    # exactly the forecast shape: Poisson at most, no extra dispersion
    assert estimate_interval_dispersion([10, 10], [10, 10], [1, 1]) == np.inf


def test_shape_dispersion_widens_the_bands():
    f = pd.Series([40.0, 25.0])
    exact = reforecast_rest(f, a=20, calls_so_far=110, expected_so_far=100).table
    loose = reforecast_rest(f, a=20, calls_so_far=110, expected_so_far=100, k=5).table
    np.testing.assert_allclose(loose["reforecast"], exact["reforecast"])
    assert (loose["hi80"] > exact["hi80"]).all() and (loose["lo80"] < exact["lo80"]).all()
    assert (loose["hi95"] - loose["lo95"] >= loose["hi80"] - loose["lo80"]).all()


def test_handle_dispersion_hand_checked():
    # day d1: 10 + 10 answered, handle 1000 s and 3000 s, planned AHT 200 s: expected
    # handle 2000 s each, interval ratios 0.5 and 1.5 around the day's 4000 / 4000 = 1;
    # sum n (h - H)^2 = 10 * 0.25 + 10 * 0.25 = 5 over 2 intervals - 1 day: c2 = 5
    n, h, p, d = [10, 10], [1000, 3000], [200, 200], ["d1", "d1"]
    assert estimate_handle_dispersion(n, h, p, d) == pytest.approx(5.0)
    # day d2: 20 + 20 answered, 4000 s each, planned 100 s: ratios 2 and 2, day ratio 2, no
    # spread: c2 = 5 / (4 intervals - 2 days) = 2.5; an interval without answered calls or
    # without a planned AHT is left out
    n2, h2, p2 = n + [20, 20, 0, 5], h + [4000, 4000, 0, 900], p + [100, 100, 100, np.nan]
    d2 = d + ["d2", "d2", "d2", "d2"]
    c2 = estimate_handle_dispersion(n2, h2, p2, d2)
    assert c2 == pytest.approx(2.5)
    # prior: day ratios 1 (20 calls) and 2 (40 calls): mean((H - 1)^2) = (0 + 1) / 2 = 0.5;
    # sampling part mean(c2 / n) = (2.5 / 20 + 2.5 / 40) / 2 = 0.09375; t2 = 0.40625,
    # b = c2 / t2 = 2.5 / 0.40625 = 6.1538 calls
    assert estimate_handle_prior_strength(n2, h2, p2, d2, c2) == pytest.approx(2.5 / 0.40625)
    # days no more dispersed than the sampling noise: no update
    assert estimate_handle_prior_strength([10, 10], [2000, 2000], [200, 200], ["a", "b"],
                                          c2=1.0) == np.inf
    assert np.isnan(estimate_handle_dispersion([10], [1000], [100], ["a"]))


def test_handle_factor_hand_checked():
    # 30 answered calls took 9000 s where the plan expected 7500 s: plain ratio 1.2;
    # with b = 20 calls: (20 + 30 * 1.2) / (20 + 30) = 56 / 50 = 1.12
    assert handle_factor(20, 30, 9000, 7500) == pytest.approx(1.12)
    # b = 0 is the plain ratio; b infinite (or no answered call yet) leaves the plan
    assert handle_factor(0, 30, 9000, 7500) == pytest.approx(1.2)
    assert handle_factor(np.inf, 30, 9000, 7500) == 1.0
    assert handle_factor(20, 0, 0, 0) == 1.0
    with pytest.raises(ValueError, match=">= 0"):
        handle_factor(-1, 30, 9000, 7500)
