"""The queue simulation against hand-worked cases, invariants and M/M/n closed forms.

The closed forms (Erlang C's mean wait, Palm's M/M/n+M abandonment probability) are
computed here with short recurrences on purpose: independent of ``staffing.erlang_*``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from staffing.simulation import (
    ABANDONED,
    ANSWERED,
    OVERFLOW,
    UNSERVED,
    simulate_queue,
)

INF = math.inf


def test_one_advisor_deterministic_waits():
    r = simulate_queue(np.array([0.0, 10.0, 20.0]), np.full(3, 15.0), np.full(3, INF), 1)
    assert r["wait_s"].tolist() == [0.0, 5.0, 10.0]
    assert r["answered_s"].tolist() == [0.0, 15.0, 30.0]
    assert r["left_s"].tolist() == [15.0, 30.0, 45.0]
    assert r["outcome"].tolist() == [ANSWERED] * 3
    assert r["agent"].tolist() == [0, 0, 0]


def test_abandoned_caller_takes_no_advisor_time():
    # call 2 would wait 5 s but has 3 s of patience: it leaves at 13 s, so call 3
    # (arriving at 20 s, advisor free at 15 s) is answered at once.
    r = simulate_queue(np.array([0.0, 10.0, 20.0]), np.full(3, 15.0),
                       np.array([INF, 3.0, INF]), 1)
    assert r["outcome"].tolist() == [ANSWERED, ABANDONED, ANSWERED]
    assert r["wait_s"].tolist() == [0.0, 3.0, 0.0]
    assert r["left_s"].tolist() == [15.0, 13.0, 35.0]
    assert math.isnan(r["answered_s"][1]) and r["agent"][1] == -1


def test_patience_equal_to_wait_is_answered_and_overflow_wins_ties():
    r = simulate_queue(np.array([0.0, 10.0]), np.array([15.0, 1.0]), np.array([INF, 5.0]), 1)
    assert r["outcome"].tolist() == [ANSWERED, ANSWERED]
    r = simulate_queue(np.array([0.0, 1.0, 2.0]), np.array([100.0, 1.0, 1.0]),
                       np.array([INF, 60.0, 30.0]), 1, overflow_after_s=60.0)
    assert r["outcome"].tolist() == [ANSWERED, OVERFLOW, ABANDONED]
    assert r["wait_s"].tolist() == [0.0, 60.0, 30.0]


def test_leaving_advisor_finishes_the_call_and_returns_next_shift():
    # intervals of 60 s with 1, 0, 1 advisors: the call answered at 50 s runs to 80 s
    # though the advisor's shift ends at 60 s; the call at 70 s waits for 120 s.
    r = simulate_queue(np.array([50.0, 70.0]), np.array([30.0, 10.0]), np.full(2, INF),
                       np.array([1, 0, 1]), 60.0)
    assert r["answered_s"].tolist() == [50.0, 120.0]
    assert r["wait_s"].tolist() == [0.0, 50.0]
    assert r["left_s"].tolist() == [80.0, 130.0]


def test_second_advisor_only_in_second_interval():
    # advisor 1 joins at 60 s: calls at 0 and 5 s (service 100 s) -> second waits to 60 s.
    r = simulate_queue(np.array([0.0, 5.0, 6.0]), np.full(3, 100.0), np.full(3, INF),
                       np.array([1, 2]), 60.0)
    assert r["answered_s"].tolist() == [0.0, 60.0, 100.0]
    assert r["agent"].tolist() == [0, 1, 0]


def test_nobody_after_the_grid_and_unserved():
    r = simulate_queue(np.array([0.0, 1.0, 2.0]), np.full(3, 100.0),
                       np.array([INF, 20.0, INF]), np.array([1]), 60.0)
    assert r["outcome"].tolist() == [ANSWERED, ABANDONED, UNSERVED]
    assert r["wait_s"][2] == INF


def test_no_advisors_at_all():
    r = simulate_queue(np.array([0.0, 1.0]), np.ones(2), np.array([5.0, 9.0]), 0,
                       overflow_after_s=7.0)
    assert r["outcome"].tolist() == [ABANDONED, OVERFLOW]
    assert r["wait_s"].tolist() == [5.0, 7.0]


@pytest.mark.parametrize("bad", [
    dict(arrival_s=np.array([2.0, 1.0])),
    dict(arrival_s=np.array([-1.0, 1.0])),
    dict(service_s=np.array([1.0, -1.0])),
    dict(patience_s=np.array([1.0, np.nan])),
    dict(agents_per_interval=np.array([1.5])),
    dict(interval_s=0.0),
])
def test_invalid_inputs_are_refused(bad):
    args = dict(arrival_s=np.array([0.0, 1.0]), service_s=np.ones(2), patience_s=np.ones(2),
                agents_per_interval=np.array([1]), interval_s=60.0)
    args.update(bad)
    with pytest.raises(ValueError):
        simulate_queue(**args)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_calls=st.integers(1, 120),
       agents=st.lists(st.integers(0, 4), min_size=1, max_size=6),
       overflow=st.one_of(st.none(), st.floats(1.0, 200.0)))
def test_invariants(seed, n_calls, agents, overflow):
    rng = np.random.default_rng(seed)
    interval = 100.0
    horizon = interval * len(agents)
    arrival = np.sort(rng.uniform(0, horizon, n_calls))
    service = rng.exponential(60.0, n_calls)
    patience = np.where(rng.random(n_calls) < 0.2, INF, rng.exponential(80.0, n_calls))
    agents_arr = np.array(agents)
    r = simulate_queue(arrival, service, patience, agents_arr, interval, overflow_after_s=overflow)
    cap = INF if overflow is None else overflow
    ans = r["outcome"] == ANSWERED
    # waits are within patience and the overflow limit; FCFS: answer times increase
    assert np.all(r["wait_s"][ans] <= np.minimum(patience, cap)[ans] + 1e-9)
    assert np.all(np.diff(r["answered_s"][ans]) >= 0)
    np.testing.assert_allclose(r["wait_s"][ans], r["answered_s"][ans] - arrival[ans])
    unans = ~ans & (r["outcome"] != UNSERVED)
    np.testing.assert_allclose(r["wait_s"][unans], np.minimum(patience, cap)[unans])
    # each answer happens while the advisor is on shift, and an advisor's calls never overlap
    k = (r["answered_s"][ans] // interval).astype(int)
    assert np.all(r["agent"][ans] < agents_arr[k])
    for j in np.unique(r["agent"][ans]):
        m = ans & (r["agent"] == j)
        assert np.all(r["answered_s"][m][1:] >= r["left_s"][m][:-1] - 1e-9)
    # work conservation: a caller who waits found every on-shift advisor busy
    for i in np.flatnonzero(r["wait_s"] > 0):
        a = arrival[i]
        on = agents_arr[int(a // interval)]
        busy = {int(r["agent"][c]) for c in np.flatnonzero(ans)
                if r["answered_s"][c] <= a < r["left_s"][c] and r["agent"][c] < on}
        assert len(busy) == on
    # non-idling: while a caller waits, no on-shift advisor is ever free (checked at every
    # moment one could become free: call ends and interval starts); for a caller who
    # leaves, that holds up to and including the moment they leave
    ends = r["left_s"][ans]
    moments = np.concatenate([ends, interval * np.arange(len(agents))])
    for i in np.flatnonzero(r["wait_s"] > 0):
        a, w = arrival[i], r["wait_s"][i]
        if w == INF:
            continue
        inside = (moments > a) & ((moments < a + w) if ans[i] else (moments <= a + w))
        for tau in moments[inside]:
            k_tau = int(tau // interval)
            on = agents_arr[k_tau] if k_tau < len(agents) else 0
            busy = {int(r["agent"][c]) for c in np.flatnonzero(ans)
                    if r["answered_s"][c] <= tau < r["left_s"][c] and r["agent"][c] < on}
            assert len(busy) == on, (i, tau)


def erlang_c_asa(n: int, traffic: float, mean_service: float) -> float:
    """Mean wait of all calls in M/M/n (seconds), Erlang B recurrence then C."""
    b = 1.0
    for k in range(1, n + 1):
        b = traffic * b / (k + traffic * b)
    c = n * b / (n - traffic * (1 - b))
    return c * mean_service / (n - traffic)


def palm_abandon_probability(n: int, lam: float, mu: float, theta: float) -> float:
    """P(abandon) in M/M/n+M from the birth-death stationary distribution."""
    probs = [1.0]
    k = 0
    while True:
        k += 1
        death = min(k, n) * mu + max(k - n, 0) * theta
        probs.append(probs[-1] * lam / death)
        if k > n and probs[-1] < 1e-16 * sum(probs):
            break
    pi = np.array(probs) / sum(probs)
    queue = np.maximum(np.arange(pi.size) - n, 0)
    return theta * float(queue @ pi) / lam


def _replications(n_rep, n_calls, warmup, lam, mean_service, patience_mean, n):
    means, abandons = [], []
    for rep in range(n_rep):
        rng = np.random.default_rng([7, rep])
        arrival = np.cumsum(rng.exponential(1 / lam, n_calls))
        service = rng.exponential(mean_service, n_calls)
        patience = (np.full(n_calls, INF) if patience_mean is None
                    else rng.exponential(patience_mean, n_calls))
        r = simulate_queue(arrival, service, patience, n)
        means.append(r["wait_s"][warmup:].mean())
        abandons.append(np.mean(r["outcome"][warmup:] == ABANDONED))
    return np.array(means), np.array(abandons)


def test_mean_wait_matches_erlang_c():
    n, mean_service = 5, 300.0
    traffic = 4.0  # erlangs: occupancy 0.8
    lam = traffic / mean_service
    means, _ = _replications(16, 25_000, 1_000, lam, mean_service, None, n)
    expected = erlang_c_asa(n, traffic, mean_service)
    assert expected == pytest.approx(166.234, abs=0.001)  # C(5, 4) = 0.55411 x 300 s
    se = means.std(ddof=1) / math.sqrt(means.size)
    assert se < 0.05 * expected
    assert abs(means.mean() - expected) < 4 * se


def test_abandonment_matches_palm_mm_n_m():
    n, mean_service, patience_mean = 4, 300.0, 150.0
    lam = 4.5 / mean_service  # overloaded: 4.5 erlangs offered to 4 advisors
    _, abandons = _replications(12, 20_000, 1_000, lam, mean_service, patience_mean, n)
    expected = palm_abandon_probability(n, lam, 1 / mean_service, 1 / patience_mean)
    assert 0.1 < expected < 0.3
    se = abandons.std(ddof=1) / math.sqrt(abandons.size)
    assert abs(abandons.mean() - expected) < 4 * se
