"""High-precision references for the queueing tests (mpmath, 40 significant digits).

They use other formulas than the package: Erlang B from the upper incomplete gamma function,
Erlang A from the birth-death chain with Little's law and numerical integration of the
offered-wait density, so an error in one is not repeated in the other.
"""

from __future__ import annotations

import mpmath as mp
import pytest

mp.mp.dps = 40


def ref_erlang_c(calls, aht_s, interval_s, n, answer_s=20):
    """Erlang C measures in mpmath: B = A^n e^-A / Gamma(n+1, A)."""
    a = mp.mpf(calls) * aht_s / interval_s
    n = int(n)
    b = a**n * mp.exp(-a) / mp.gammainc(n + 1, a)
    c = n * b / (n - a * (1 - b))
    sl = 1 - c * mp.exp(-(n - a) * mp.mpf(answer_s) / aht_s)
    asa = c * aht_s / (n - a)
    return {"p_wait": c, "service_level": sl, "asa_s": asa, "occupancy": a / n}


def ref_erlang_a(calls, aht_s, interval_s, n, patience_s, answer_s=20):
    """Erlang A measures from the truncated birth-death chain (mpmath)."""
    lam = mp.mpf(calls) / interval_s
    mu = 1 / mp.mpf(aht_s)
    theta = 1 / mp.mpf(patience_s)
    n = int(n)
    # unnormalised stationary probabilities
    probs = [mp.mpf(1)]
    k = 0
    while True:
        k += 1
        death = min(k, n) * mu + max(k - n, 0) * theta
        probs.append(probs[-1] * lam / death)
        if k > n and probs[-1] < mp.mpf(10) ** -45 * max(probs) and lam < death:
            break
    total = mp.fsum(probs)
    pi = [p / total for p in probs]
    p_wait = mp.fsum(pi[n:])
    lq = mp.fsum((j - n) * pi[j] for j in range(n, len(pi)))
    p_ab = theta * lq / lam  # Little's law on the abandonment flow
    wait_all = lq / lam
    # density of the offered wait V on (0, inf): lam * pi_{n-1} * phi(x)
    x_big = lam / theta

    def phi(x):
        return mp.exp(x_big * (1 - mp.exp(-theta * x)) - n * mu * x)

    pi_nm1 = pi[n - 1]
    # the density peaks where lam e^{-theta x} = n mu: give quad that point as a breakpoint
    peak = mp.log(lam / (n * mu)) / theta if lam > n * mu else mp.mpf(0)

    def pts(*xs):
        return sorted({mp.mpf(v) for v in (0, peak, *xs)})

    t = mp.mpf(answer_s)
    sl = mp.fsum(pi[:n])  # answered at once
    if t > 0:
        sl += lam * pi_nm1 * mp.quad(lambda x: mp.exp(-theta * x) * phi(x),
                                     [v for v in pts(t) if v <= t])
    p_ans = 1 - p_ab
    ans_wait = lam * pi_nm1 * mp.quad(lambda x: x * mp.exp(-theta * x) * phi(x),
                                      pts(t) + [mp.inf])
    return {
        "p_wait": p_wait,
        "p_abandon": p_ab,
        "pickup_rate": p_ans,
        "service_level": sl,
        "service_level_answered": sl / p_ans,
        "asa_s": ans_wait / p_ans,
        "wait_all_mean_s": wait_all,
        "abandon_wait_s": (wait_all - ans_wait) / p_ab,
        "occupancy": p_ans * lam / (n * mu),
        "_density_mass": lam * pi_nm1 * mp.quad(phi, pts() + [mp.inf]),
    }


@pytest.fixture(scope="session")
def ref():
    class Ref:
        erlang_c = staticmethod(ref_erlang_c)
        erlang_a = staticmethod(ref_erlang_a)

    return Ref
