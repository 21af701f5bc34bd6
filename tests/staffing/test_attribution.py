"""The split of a gap into forecast error, AHT drift, staffing gap and remainder
(staffing.attribution): a case computed by hand, and additivity for any input."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from staffing.attribution import (
    FACTORS,
    PARTS,
    IntervalState,
    aggregate,
    attribute,
    counterfactuals,
    shapley,
)


def test_shapley_of_a_small_game_by_hand():
    """v(none)=0, v(a)=1, v(b)=2, v(ab)=5: a's steps are 1 (first) and 3 (after b), mean 2;
    b's are 2 and 4, mean 3; 2 + 3 = v(ab) - v(none)."""
    v = {frozenset(): 0.0, frozenset("a"): 1.0, frozenset("b"): 2.0, frozenset("ab"): 5.0}
    phi = shapley(v, ("a", "b"))
    assert phi["a"] == pytest.approx(2.0) and phi["b"] == pytest.approx(3.0)


def _sl_c(a: float, n: int) -> float:
    """Erlang C service level at T = 0 (1 - P(wait)) for 1 or 2 advisors, by hand:
    n = 1: P(wait) = A; n = 2: P(wait) = (A^2/(2-A)) / (1 + A + A^2/(2-A))."""
    if n == 1:
        return 1.0 - a
    x = a * a / (2.0 - a)
    return 1.0 - x / (1.0 + a + x)


def test_attribution_by_hand():
    """One hour, T = 0, no abandonment (patience infinite: Erlang C), so the service level is
    1 - P(wait). Plan: 18 calls x 100 s (A = 0.5 erlang) on 2 advisors; actual: 27 calls
    (+50 %), AHT 120 s, 1 advisor logged in; reported service level 15 %, target 80 %.

    The eight states (A = calls x AHT / 3600):
      none            A = 0.5,  n = 2: P(wait) = (1/6)/(1.5 + 1/6) = 0.1      -> 0.9
      volume          A = 0.75, n = 2: 0.45/(1.75 + 0.45) = 0.204545           -> 0.795455
      aht             A = 0.6,  n = 2: 0.257143/(1.6 + 0.257143) = 0.138462    -> 0.861538
      advisors        A = 0.5,  n = 1: 0.5                                     -> 0.5
      volume+aht      A = 0.9,  n = 2: 0.736364/(1.9 + 0.736364) = 0.279310    -> 0.720690
      volume+advisors A = 0.75, n = 1                                          -> 0.25
      aht+advisors    A = 0.6,  n = 1                                          -> 0.4
      all             A = 0.9,  n = 1                                          -> 0.1
    Shapley weights 1/3 (first), 1/6, 1/6 (second), 1/3 (last):
      volume   = (0.795455-0.9)/3 + (0.720690-0.861538)/6 + (0.25-0.5)/6 + (0.1-0.4)/3
               = -0.034848 - 0.023475 - 0.041667 - 0.1 = -0.199990
      aht      = (0.861538-0.9)/3 + (0.720690-0.795455)/6 + (0.4-0.5)/6 + (0.1-0.25)/3
               = -0.012821 - 0.012461 - 0.016667 - 0.05 = -0.091948
      advisors = (0.5-0.9)/3 + (0.25-0.795455)/6 + (0.4-0.861538)/6 + (0.1-0.720690)/3
               = -0.133333 - 0.090909 - 0.076923 - 0.206897 = -0.508062
    (sum -0.8 = v(all) - v(none) = 0.1 - 0.9). The plan expected 0.9 against the target
    0.8: its margin +0.1 joins the staffing gap: -0.508062 + 0.1 = -0.408062. Remainder:
    reported 0.15 - model 0.1 = +0.05 (patience is the same in plan and actual). Gap
    0.15 - 0.8 = -0.65 = -0.199990 - 0.091948 - 0.408062 + 0.05.
    """
    plan = IntervalState(calls=[18], aht_s=[100], advisors=[2], patience_s=[math.inf])
    actual = IntervalState(calls=[27], aht_s=[120], advisors=[1], patience_s=[math.inf])
    states = counterfactuals(plan, actual, interval_s=3600, answer_s=0)
    by_hand = {(): (0.5, 2), ("volume",): (0.75, 2), ("aht",): (0.6, 2),
               ("advisors",): (0.5, 1), ("volume", "aht"): (0.9, 2),
               ("volume", "advisors"): (0.75, 1), ("aht", "advisors"): (0.6, 1),
               ("volume", "aht", "advisors"): (0.9, 1)}
    for switched, (a, n) in by_hand.items():
        assert states[frozenset(switched)]["service_level"][0] == pytest.approx(_sl_c(a, n))
    r = attribute(plan, actual, [0.15], 0.8, measure="service_level", interval_s=3600,
                  answer_s=0)
    assert r.gap[0] == pytest.approx(-0.65)
    assert r.forecast_error[0] == pytest.approx(-0.199990, abs=2e-6)
    assert r.aht_drift[0] == pytest.approx(-0.091948, abs=2e-6)
    assert r.staffing_gap[0] == pytest.approx(-0.408062, abs=2e-6)
    assert r.remainder[0] == pytest.approx(0.05)
    assert r.plan_model[0] == pytest.approx(0.9) and r.actual_model[0] == pytest.approx(0.1)


def test_the_plans_patience_change_goes_to_the_remainder():
    """Same volume, AHT and advisors as planned, callers less patient than planned: no
    cause moved, so forecast error and AHT drift are 0; the plan's margin (expected
    pickup - target) is staffing; the patience change and the model error are remainder."""
    plan = IntervalState(calls=[100], aht_s=[300], advisors=[18], patience_s=[200])
    actual = IntervalState(calls=[100], aht_s=[300], advisors=[18], patience_s=[80])
    r = attribute(plan, actual, [0.85], 0.9, measure="pickup_rate", interval_s=1800,
                  answer_s=20)
    assert r.forecast_error[0] == pytest.approx(0.0, abs=1e-12)
    assert r.aht_drift[0] == pytest.approx(0.0, abs=1e-12)
    assert r.staffing_gap[0] == pytest.approx(r.plan_model[0] - 0.9)
    # remainder = (0.85 - model at the actual state) + (model at the actual state - plan):
    # the model's error plus the patience change, i.e. 0.85 - plan
    assert r.remainder[0] == pytest.approx(0.85 - r.plan_model[0])
    assert r.actual_model[0] < r.plan_model[0]       # impatient callers abandon more


def test_nobody_logged_in_leaves_the_asa_unexplained():
    """With no advisor logged in Erlang A answers nobody: no ASA, so the gap is all
    remainder (the three parts are 0)."""
    plan = IntervalState(calls=[40], aht_s=[300], advisors=[8], patience_s=[150])
    actual = IntervalState(calls=[40], aht_s=[300], advisors=[0], patience_s=[150])
    r = attribute(plan, actual, [95.0], 60.0, measure="asa_s", interval_s=1800, answer_s=20)
    assert not r.explained[0]
    assert (r.forecast_error[0], r.aht_drift[0], r.staffing_gap[0]) == (0.0, 0.0, 0.0)
    assert r.remainder[0] == pytest.approx(35.0)


def test_aggregate_weighs_intervals_by_calls():
    """Two intervals of 100 and 300 calls with gaps -0.2 and -0.04: the week's gap is
    (100 x -0.2 + 300 x -0.04) / 400 = -0.08; each part likewise; an interval without
    calls does not count."""
    plan = IntervalState([50, 150, 10], [300, 300, 300], [10, 25, 3], [150, 150, 150])
    actual = IntervalState([100, 300, 0], [320, 310, 300], [9, 24, 3], [150, 150, 150])
    r = attribute(plan, actual, [0.7, 0.86, np.nan], 0.9, measure="pickup_rate",
                  interval_s=1800, answer_s=20)
    week = aggregate(r, [100, 300, 0])
    assert week["gap"] == pytest.approx((100 * -0.2 + 300 * -0.04) / 400)
    for p in PARTS:
        assert week[p] == pytest.approx((100 * getattr(r, p)[0] + 300 * getattr(r, p)[1])
                                        / 400)
    assert sum(week[p] for p in PARTS) == pytest.approx(week["gap"])


def test_inputs_must_be_known():
    plan = IntervalState([10], [np.nan], [2], [100])
    with pytest.raises(ValueError, match="aht_s has a missing value"):
        counterfactuals(plan, plan, interval_s=1800, answer_s=20)
    with pytest.raises(ValueError, match="one length"):
        IntervalState([1, 2], [300], [1], [100])


_calls = st.floats(0, 250)
_aht = st.floats(20, 900)
_adv = st.floats(0, 40)
_pat = st.one_of(st.floats(5, 2000), st.just(math.inf))
_interval = st.tuples(_calls, _aht, _adv, _pat, _calls, _aht, _adv, _pat,
                      st.floats(0, 1), st.floats(0, 200))


@settings(max_examples=100, deadline=None)
@given(rows=st.lists(_interval, min_size=1, max_size=6),
       measure=st.sampled_from(["pickup_rate", "p_abandon", "service_level",
                                "service_level_answered", "asa_s"]),
       target=st.floats(0.01, 0.99), answer_s=st.sampled_from([0.0, 20.0, 30.0, 60.0]),
       weights=st.lists(st.integers(0, 300), min_size=6, max_size=6))
def test_parts_add_up_to_the_gap_for_any_input(rows, measure, target, answer_s, weights):
    cols = list(zip(*rows, strict=True))
    plan = IntervalState(*cols[0:4])
    actual = IntervalState(*cols[4:8])
    observed = np.array(cols[9] if measure == "asa_s" else cols[8])
    tgt = 60.0 * target if measure == "asa_s" else target
    r = attribute(plan, actual, observed, tgt, measure=measure, interval_s=1800,
                  answer_s=answer_s)
    total = r.forecast_error + r.aht_drift + r.staffing_gap + r.remainder
    assert np.all(np.isfinite(total))
    np.testing.assert_allclose(total, r.gap, rtol=0, atol=1e-9)
    # the three causes' Shapley values add up to the model's move from plan to actual
    ok = r.explained
    moved = r.forecast_error + r.aht_drift + r.staffing_gap - (r.plan_model - tgt)
    states = counterfactuals(plan, actual, interval_s=1800, answer_s=answer_s)
    with np.errstate(invalid="ignore"):
        span = states[frozenset(FACTORS)][measure] - states[frozenset()][measure]
    np.testing.assert_allclose(moved[ok], span[ok], rtol=0, atol=1e-9)
    w = np.array(weights[:len(rows)], dtype=float)
    if w.sum() > 0:
        week = aggregate(r, w)
        assert sum(week[p] for p in PARTS) == pytest.approx(week["gap"], abs=1e-9)
