"""Erlang A: a 40-digit birth-death reference, pyworkforce, a discrete-event simulation and
invariants (monotone in agents, Erlang A -> Erlang C as patience -> infinity)."""

from __future__ import annotations

import heapq
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyworkforce.queuing import ErlangA

from staffing import erlang_a, erlang_c

KEYS = ("p_wait", "p_abandon", "pickup_rate", "service_level", "service_level_answered",
        "asa_s", "wait_all_mean_s", "abandon_wait_s", "occupancy")

# (load in Erlangs, patience / aht, agents as offsets from the load)
REF_CASES = [
    (0.01, 0.5, (1, 2, 3)),
    (0.3, 2.0, (1, 2, 4)),
    (1.0, 1.0, (1, 2, 3)),
    (4.2, 0.25, (2, 4, 6, 9)),
    (10.0, 0.667, (5, 10, 14, 20)),
    (33.3, 1.5, (20, 30, 34, 40)),
    (99.9, 0.8, (60, 95, 100, 115)),
    (250.0, 2.5, (200, 250, 270)),
    (1000.0, 0.5, (700, 1000, 1050)),
    pytest.param(5000.0, 0.75, (4000, 5000, 5150), marks=pytest.mark.slow),
    (5000.0, 0.75, (5150,)),
]


@pytest.mark.parametrize(("load", "pat_ratio", "agents"), REF_CASES)
def test_matches_40_digit_birth_death_reference(ref, load, pat_ratio, agents):
    """Relative error below 1e-9 wherever the reference exceeds 1e-12 (0.01 to 5,000 Erlangs,
    under- and overloaded); the reference also confirms that the offered-wait density used by
    the closed forms integrates to P(wait)."""
    aht, interval = 240.0, 900.0
    calls = load * interval / aht
    patience = pat_ratio * aht
    ns = [int(n) if n >= 1 else 1 for n in agents]
    got = erlang_a.evaluate(calls, aht, interval, np.array(ns), patience, answer_s=20)
    for i, n in enumerate(ns):
        want = ref.erlang_a(calls, aht, interval, n, patience, 20)
        assert float(want["_density_mass"]) == pytest.approx(float(want["p_wait"]), rel=1e-20)
        for key in KEYS:
            w = float(want[key])
            if abs(w) > 1e-12:
                assert got[key][i] == pytest.approx(w, rel=1e-9), (key, load, n)


def test_hand_computed_single_agent():
    """n = 1, A = 1, patience = aht: pi_1+j ~ 1/(j+1)!, so P(wait) = (e - 1)/e."""
    r = erlang_a.evaluate(1, 100, 100, 1, 100, answer_s=0)
    # unnormalised: pi_0 = 1, pi_{1+j} = 1 / (j+1)!  ->  total e
    assert r["p_wait"] == pytest.approx((math.e - 1) / math.e, rel=1e-14)
    # abandonment: sum_j pi_{1+j} (j+1)/(j+2) / ... ; Little: theta Lq / lam = Lq
    lq = sum(j / math.factorial(j + 1) for j in range(1, 40)) / math.e
    assert r["p_abandon"] == pytest.approx(lq, rel=1e-14)
    assert r["service_level"] == pytest.approx(1 / math.e, rel=1e-14)  # answered at once


def test_zero_volume_no_agents_and_infinite_patience():
    r = erlang_a.evaluate([0, 10, 10], 180, 1800, [0, 0, 3], [60, 60, np.inf])
    assert r["p_wait"][0] == 0 and r["pickup_rate"][0] == 1 and r["service_level"][0] == 1
    assert r["p_abandon"][1] == 1 and r["pickup_rate"][1] == 0 and r["abandon_wait_s"][1] == 60
    c = erlang_c.evaluate(10, 180, 1800, 3)
    assert r["p_wait"][2] == pytest.approx(c["p_wait"], rel=1e-15)
    assert r["asa_s"][2] == pytest.approx(c["asa_s"], rel=1e-13)
    assert r["p_abandon"][2] == 0
    assert erlang_a.required_agents(0, 180, 900, 60, pickup_rate=0.9) == 0


@pytest.mark.parametrize("load", [0.5, 8.0, 60.0, 400.0])
def test_converges_to_erlang_c_as_patience_grows(load):
    aht = 300.0
    calls = load * 1800 / aht
    n = math.floor(load) + 1 + int(math.sqrt(load))
    c = erlang_c.evaluate(calls, aht, 1800, n)
    errors = []
    for patience in (1e4, 1e6, 1e8):
        a = erlang_a.evaluate(calls, aht, 1800, n, patience)
        errors.append(abs(a["p_wait"] - c["p_wait"]) / c["p_wait"])
        assert a["p_abandon"] < 1e3 * aht / patience
    assert errors[0] > errors[1] > errors[2]
    assert errors[2] < 1e-5
    a = erlang_a.evaluate(calls, aht, 1800, n, 1e8)
    assert a["asa_s"] == pytest.approx(c["asa_s"], rel=1e-4)
    assert a["service_level"] == pytest.approx(c["service_level"], rel=1e-5)


def test_cross_check_with_pyworkforce():
    """pyworkforce 0.5.4 ErlangA: waiting and abandonment probabilities agree; its
    "average_speed_of_answer" is the mean wait of *all* callers (our wait_all_mean_s), not the
    ASA of answered calls; its service level underflows to the immediate answers once
    exp(-rate * T) underflows; its search never goes below ceil(A) (here 11 for A = 10 because
    100 / 30 * 3 = 10.000000000000002), where 9 agents already give 75 % pickup."""
    for calls, aht, patience, n in [(100, 3, 1, 10), (100, 3, 2, 12), (40, 5, 0.5, 5),
                                    (300, 4, 10, 60)]:
        pw = ErlangA(transactions=calls, aht=aht, asa=20 / 60, interval=30, patience=patience)
        ours = erlang_a.evaluate(calls, aht * 60, 1800, n, patience * 60)
        assert ours["p_wait"] == pytest.approx(pw.waiting_probability(n), rel=1e-10)
        assert ours["p_abandon"] == pytest.approx(pw.abandonment_probability(n), rel=1e-10)
        assert ours["service_level"] == pytest.approx(pw.service_level(n), rel=1e-9)
        assert ours["wait_all_mean_s"] == pytest.approx(pw.average_speed_of_answer(n) * 60,
                                                        rel=1e-10)
        assert ours["asa_s"] < ours["wait_all_mean_s"] or ours["p_abandon"] < 1e-12
    # long thresholds: pyworkforce's uniformisation weight exp(-rate * T) underflows
    pw = ErlangA(transactions=600, aht=4, asa=20 / 60, interval=30, patience=10)
    long_t = pw.service_level(60, asa=60)
    ours = erlang_a.evaluate(600, 240, 1800, 60, 600, answer_s=3600)
    assert long_t < 0.01  # it reports the immediate answers only
    assert ours["service_level"] == pytest.approx(ours["pickup_rate"], rel=1e-6)
    assert ours["pickup_rate"] > 0.7
    # the search floor
    pw = ErlangA(transactions=100, aht=3, asa=20 / 60, interval=30, patience=1)
    theirs = pw.required_positions(service_level=0.0, max_abandonment=0.25)["raw_positions"]
    mine = erlang_a.required_agents(100, 180, 1800, 60, pickup_rate=0.75)
    assert theirs == 11 and mine == 9
    assert erlang_a.evaluate(100, 180, 1800, 9, 60)["pickup_rate"] >= 0.75
    assert erlang_a.evaluate(100, 180, 1800, 8, 60)["pickup_rate"] < 0.75


# ---------------------------------------------------------------------------------------------
# discrete-event simulation of M/M/n+M, first come first served


def simulate(lam, aht, patience, n, answer_s, customers, rng):
    """Each arrival takes the earliest free advisor if its patience outlasts the wait
    (FCFS: the advisors' free times form a heap; abandoners never take one)."""
    arrivals = np.cumsum(rng.exponential(1 / lam, customers))
    services = rng.exponential(aht, customers)
    patience_draws = rng.exponential(patience, customers)
    free = [0.0] * n
    wait = np.empty(customers)
    answered = np.empty(customers, dtype=bool)
    for i in range(customers):
        t = arrivals[i]
        v = free[0] - t
        if v <= 0:
            wait[i] = 0.0
            answered[i] = True
            heapq.heapreplace(free, t + services[i])
        elif patience_draws[i] > v:
            wait[i] = v
            answered[i] = True
            heapq.heapreplace(free, free[0] + services[i])
        else:
            wait[i] = patience_draws[i]
            answered[i] = False
    return wait, answered


SIM_CASES = [  # calls per 30 min, aht_s, patience_s, agents
    (100, 180, 120, 9),
    (100, 180, 120, 13),
    (240, 300, 60, 36),
    (60, 420, 300, 12),
]


@pytest.mark.parametrize(("calls", "aht", "patience", "n"), SIM_CASES)
def test_agrees_with_discrete_event_simulation(calls, aht, patience, n):
    """200,000 simulated callers; tolerance = 4.5 standard errors from 40 batch means (the
    batches are long against the queue's relaxation time, so their means are ~independent)."""
    rng = np.random.default_rng(20260310 + n)
    lam = calls / 1800
    wait, ans = simulate(lam, aht, patience, n, 20, 200_000, rng)
    wait, ans = wait[10_000:], ans[10_000:]  # drop the warm-up from an empty system
    model = erlang_a.evaluate(calls, aht, 1800, n, patience, answer_s=20)
    batches = 40
    size = wait.size // batches
    w = wait[: size * batches].reshape(batches, size)
    a = ans[: size * batches].reshape(batches, size)
    stats = {
        "p_wait": (w > 0).mean(axis=1),
        "pickup_rate": a.mean(axis=1),
        "service_level": (a & (w <= 20)).mean(axis=1),
        "wait_all_mean_s": w.mean(axis=1),
        "asa_s": (w * a).sum(axis=1) / a.sum(axis=1),
    }
    for key, per_batch in stats.items():
        est = per_batch.mean()
        se = per_batch.std(ddof=1) / math.sqrt(batches)
        assert abs(est - model[key]) <= 4.5 * se + 1e-9, (key, est, model[key], se)


# ---------------------------------------------------------------------------------------------
# invariants


@settings(max_examples=25, deadline=None)
@given(load=st.floats(0.05, 200), aht=st.floats(60, 600), pat=st.floats(10, 2000),
       t=st.floats(0, 120))
def test_measures_are_monotone_in_agents(load, aht, pat, t):
    calls = load * 1800 / aht
    n = np.arange(1, int(load * 1.5) + 12)
    r = erlang_a.evaluate(calls, aht, 1800, n, pat, answer_s=t)
    for key in ("service_level", "pickup_rate", "service_level_answered"):
        assert (np.diff(r[key]) >= -1e-11).all(), key
    for key in ("p_wait", "p_abandon", "asa_s", "wait_all_mean_s", "occupancy"):
        assert (np.diff(r[key]) <= 1e-11 * np.abs(r[key][:-1]) + 1e-15).all(), key
    for key in ("p_wait", "p_abandon", "pickup_rate", "service_level", "occupancy"):
        assert ((r[key] >= 0) & (r[key] <= 1)).all()
    assert np.allclose(r["pickup_rate"] + r["p_abandon"], 1, rtol=0, atol=1e-11)
    assert (r["service_level"] <= r["pickup_rate"] + 1e-15).all()


@settings(max_examples=40, deadline=None)
@given(calls=st.floats(1, 400), extra=st.floats(0, 100), aht=st.floats(60, 600),
       more=st.floats(0, 200), pat=st.floats(20, 1000), pick=st.floats(0.5, 0.99),
       sl=st.floats(0.3, 0.95))
def test_required_never_decreases_with_volume_or_aht(calls, extra, aht, more, pat, pick, sl):
    base = erlang_a.required_agents(calls, aht, 1800, pat, pickup_rate=pick, service_level=sl)
    assert erlang_a.required_agents(calls + extra, aht, 1800, pat, pickup_rate=pick,
                                    service_level=sl) >= base
    assert erlang_a.required_agents(calls, aht + more, 1800, pat, pickup_rate=pick,
                                    service_level=sl) >= base


def test_required_agents_is_minimal_for_every_target_kind():
    calls = np.array([3, 40, 100, 333, 900.0])
    aht = np.array([300, 240, 180, 420, 250.0])
    pat = np.array([60, 120, 200, 90, 400.0])
    kinds = [
        {"pickup_rate": 0.92},
        {"service_level": 0.8, "answer_s": 20},
        {"service_level": 0.9, "service_level_basis": "answered", "answer_s": 30},
        {"asa_s": 15},
        {"max_occupancy": 0.8},
        {"pickup_rate": 0.95, "service_level": 0.8, "asa_s": 10, "max_occupancy": 0.9},
    ]
    for kw in kinds:
        n = erlang_a.required_agents(calls, aht, 1800, pat, **kw)
        t = kw.get("answer_s", 20)

        def ok(m, kw=kw, t=t):
            r = erlang_a.evaluate(calls, aht, 1800, m, pat, answer_s=t)
            good = np.ones(calls.size, bool)
            if "pickup_rate" in kw:
                good &= r["pickup_rate"] >= kw["pickup_rate"]
            if "service_level" in kw:
                key = ("service_level_answered" if kw.get("service_level_basis") == "answered"
                       else "service_level")
                good &= r[key] >= kw["service_level"] - 1e-14
            if "asa_s" in kw:
                good &= r["asa_s"] <= kw["asa_s"]
            if "max_occupancy" in kw:
                good &= r["occupancy"] <= kw["max_occupancy"]
            return good

        assert ok(n).all(), kw
        assert not ok(np.maximum(n - 1, 0)).any(), kw


def test_invalid_and_unreachable_targets():
    with pytest.raises(ValueError, match="asa_s"):
        erlang_a.required_agents(100, 180, 1800, 60, asa_s=0)
    with pytest.raises(ValueError, match="pickup_rate"):
        erlang_a.required_agents(100, 180, 1800, 60, pickup_rate=1.0)
    with pytest.raises(ValueError, match="service_level_basis"):
        erlang_a.required_agents(100, 180, 1800, 60, service_level=0.8,
                                 service_level_basis="all")
    with pytest.raises(ValueError, match="patience_s"):
        erlang_a.evaluate(100, 180, 1800, 10, 0)


@settings(max_examples=25, deadline=None)
@given(load=st.floats(0.01, 120), ratio=st.floats(0.05, 20), frac=st.floats(0, 1.6),
       t=st.floats(0, 300))
def test_random_cases_match_the_reference(ref, load, ratio, frac, t):
    """Random loads, patience/AHT ratios, staffing (under- and overloaded) and thresholds:
    every measure within 1e-9 relative of the 40-digit birth-death reference."""
    aht = 300.0
    calls = load * 1800 / aht
    n = max(1, int(frac * load) + 1)
    got = erlang_a.evaluate(calls, aht, 1800, n, ratio * aht, answer_s=t)
    want = ref.erlang_a(calls, aht, 1800, n, ratio * aht, t)
    for key in KEYS:
        w = float(want[key])
        if abs(w) > 1e-12:
            assert got[key] == pytest.approx(w, rel=1e-9), key
