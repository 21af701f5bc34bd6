"""Erlang A (M/M/n+M, Palm's model): abandonment, pickup rate, service level, waits, staffing.

Callers arrive as a Poisson stream, handling times are exponential with mean ``aht_s`` and each
waiting caller hangs up after an exponential patience with mean ``patience_s``. Every function
takes scalars or NumPy arrays that broadcast together; times in seconds, rates as fractions.

Notes
-----
With ``lam = calls / interval_s``, ``mu = 1 / aht_s``, ``theta = 1 / patience_s``, ``n``
agents, ``A = lam / mu``, ``X = lam / theta`` and ``a = n mu / theta``, the stationary
birth-death chain has ``pi_k ~ A^k / k!`` for ``k <= n`` and
``pi_{n+j} = pi_n X^j / ((a+1)(a+2)...(a+j))``. The queue part sums to
``S = M(1, a+1, X)`` (Kummer's function), so with ``E = 1 / B(n-1, A)`` (Erlang B)::

    pi_{n-1}        = 1 / (E + rho S),  rho = A / n
    P(wait)         = rho S pi_{n-1}
    P(abandon)      = pi_{n-1} (1 - (1 - rho) S)
    P(answered)     = pi_{n-1} (E + X/(a+1) M(1, a+2, X))
    answered late   = pi_{n-1} exp(X (1 - e^{-theta T}) - n mu T) u/(a+1) M(1, a+2, u),
                      u = X e^{-theta T}

(Mandelbaum & Zeltyn's formulas for M/M/n+M, written with Kummer's function; the offered wait
``V`` has density ``lam pi_{n-1} exp(X (1 - e^{-theta x}) - n mu x)`` on x > 0, and a caller is
answered when patience exceeds ``V``.) Kummer's function is evaluated in log space from the
regularised incomplete gamma function, ``log M(1, b+1, x) = x - b log x + log Gamma(b+1) +
log P(b, x)``, or by its series where ``P`` would underflow. Mean waits of answered and
abandoning callers come from the chain itself: a caller arriving with ``j`` callers ahead is
answered with probability ``a / (a + j + 1)`` after a wait of mean
``sum_{i=1}^{j+1} 1 / (n mu + i theta)``; the series is summed until its terms are below 1e-18.

References
----------
A. Mandelbaum and S. Zeltyn, "The M/M/n+G queue: summary of performance measures" (2004);
O. Garnett, A. Mandelbaum and M. Reiman, "Designing a call center with impatient customers",
MSOM 4 (2002).
"""

from __future__ import annotations

import numpy as np
from scipy import special

from staffing import erlang_c
from staffing._checks import as_agents, as_array, is_scalar, unwrap
from staffing.erlang_b import inverse_blocking

__all__ = ["evaluate", "evaluate_fractional", "required_agents"]

DEFAULT_ANSWER_S = 20.0
_TINY = 1e-18
_KEYS = ("p_wait", "p_abandon", "pickup_rate", "service_level", "service_level_answered",
         "asa_s", "wait_all_mean_s", "abandon_wait_s", "occupancy")


def _log_kummer(b: np.ndarray, x: np.ndarray, lgamma_b1: np.ndarray | None = None) -> np.ndarray:
    """``log M(1, b+1, x) = log sum_k x^k / ((b+1)...(b+k))`` for ``b > 0``, ``x >= 0``
    (1-d arrays; ``lgamma_b1`` is ``log Gamma(b + 1)`` when already known)."""
    out = np.zeros(b.shape)
    pos = x > 0
    if not pos.any():
        return out
    with np.errstate(divide="ignore", invalid="ignore", under="ignore"):
        p = special.gammainc(b, x)
        closed = pos & (p > 1e-250) & (x >= 1.0)
        bc, xc = b[closed], x[closed]
        lg = special.gammaln(bc + 1.0) if lgamma_b1 is None else lgamma_b1[closed]
        out[closed] = xc - bc * np.log(xc) + lg + np.log(p[closed])
    ser = np.flatnonzero(pos & ~closed)
    if ser.size:
        bs, xs = b[ser], x[ser]
        term = np.ones(ser.size)
        total = np.ones(ser.size)
        k = 0
        active = np.arange(ser.size)
        while active.size:
            k += 1
            term[active] *= xs[active] / (bs[active] + k)
            total[active] += term[active]
            active = active[term[active] > 1e-17 * total[active]]
        out[ser] = np.log(total)
    return out


def _queue_series(x, ap, log_s):
    """Sums over the queue states, weights ``t_j / S``; returns (abandon, answered wait, abandon
    wait) per waiting caller: ``E[(j+1)/(a+j+1)]``, ``E[a/(a+j+1) sum 1/(a+i)]``,
    ``E[sum i/(a+i) / (a+j+1)]`` (the last two in units of the patience)."""
    m = x.size
    ab = np.zeros(m)
    ans_w = np.zeros(m)
    ab_w = np.zeros(m)
    log_w = -log_s.copy()
    h = np.zeros(m)
    g = np.zeros(m)
    log_x = np.log(x)
    idx = np.arange(m)
    j = 0
    while idx.size:
        a = ap[idx]
        w = np.exp(log_w[idx])
        d = a + j + 1.0
        h[idx] += 1.0 / d
        g[idx] += (j + 1.0) / d
        ab[idx] += w * (j + 1.0) / d
        ans_w[idx] += w * a / d * h[idx]
        ab_w[idx] += w * g[idx] / d
        j += 1
        log_w[idx] += log_x[idx] - np.log(a + j)
        keep = (j < x[idx] - a) | (log_w[idx] > np.log(_TINY))
        idx = idx[keep]
    return ab, ans_w, ab_w


def _core(load, n, x, ap, mu_t, theta_t, *, full: bool, need_sl: bool = True) -> dict:
    """Erlang A measures for ``load > 0``, ``n >= 1`` (1-d arrays of one length)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        log_e = np.log(inverse_blocking(n.astype(np.int64) - 1, load))
        rho = load / n
        b = ap + 1.0
        log_b = np.log(b)
        lg_b = special.gammaln(b)  # log Gamma(a + 1)
        log_x = np.log(x)
        # M(1, a+2, X), then S = M(1, a+1, X) = 1 + X/(a+1) M(1, a+2, X)
        log_f1 = _log_kummer(b, x, lg_b + log_b)
        log_s = np.logaddexp(0.0, log_x - log_b + log_f1)
        log_rs = np.log(rho) + log_s
        log_pi = -np.logaddexp(log_e, log_rs)
        p_wait = np.exp(log_rs + log_pi)
        p_v0 = np.exp(log_e + log_pi)
        late0 = np.exp(log_pi + log_x - log_b + log_f1)
        pickup = np.minimum(p_v0 + late0, 1.0)
        res = {"p_wait": p_wait, "pickup_rate": pickup,
               "occupancy": np.minimum(pickup * rho, 1.0)}
        if need_sl:
            u = x * np.exp(-theta_t)
            within = np.empty(x.size)
            # before the peak of u^a e^-u: answered by T = all answered - answered after T
            lower = np.flatnonzero(u < b)
            if lower.size:
                ul = u[lower]
                late_t = np.exp(log_pi[lower] + x[lower] * -np.expm1(-theta_t[lower])
                                - n[lower] * mu_t[lower] + np.log(ul) - log_b[lower]
                                + _log_kummer(b[lower], ul, (lg_b + log_b)[lower]))
                within[lower] = late0[lower] - np.minimum(late_t, late0[lower])
            # past the peak that difference cancels: integrate the upper tail instead,
            # pi e^X X^-a Gamma(a+1) (Q(a+1, u) - Q(a+1, X))
            upper = np.flatnonzero(u >= b)
            if upper.size:
                bu = b[upper]
                qu = special.gammaincc(bu, u[upper])
                qx = special.gammaincc(bu, x[upper])
                log_g = (log_pi[upper] + x[upper] - ap[upper] * log_x[upper] + lg_b[upper]
                         + np.log(qu) + np.log1p(-np.minimum(qx / qu, 1.0)))
                within[upper] = np.where(qu > 0, np.exp(log_g), 0.0)
            res["service_level"] = np.minimum(p_v0 + within, pickup)
        if not full:
            return res
        # P(abandon) = pi_{n-1} (1 - (1 - rho) S); the series where that difference cancels
        log_q = np.log(np.abs(1.0 - rho)) + log_s
        q = np.exp(log_q)
        log_d = np.where(rho >= 1.0, np.logaddexp(0.0, log_q), np.log1p(-np.minimum(q, 1.0)))
        p_ab = np.minimum(np.exp(log_pi + log_d), 1.0)
        ab_s, ans_w, ab_w = _queue_series(x, ap, log_s)
        bad = (rho < 1.0) & (q > 0.5)
        p_ab = np.where(bad, p_wait * ab_s, p_ab)
    res.update(p_abandon=p_ab, ans_wait_units=p_wait * ans_w, ab_wait_units=p_wait * ab_w)
    return res


def _prepare(calls, aht_s, interval_s, agents, patience_s, answer_s):
    load = erlang_c.traffic(calls, aht_s, interval_s)
    aht = as_array("aht_s", aht_s, low=0.0, low_open=True)
    n = as_agents("agents", agents)
    pat = as_array("patience_s", patience_s, low=0.0, low_open=True, allow_inf=True)
    t = as_array("answer_s", answer_s, low=0.0)
    return np.broadcast_arrays(load, aht, n, pat, t)


def evaluate(calls, aht_s, interval_s, agents, patience_s, answer_s=DEFAULT_ANSWER_S) -> dict:
    """Erlang A measures for a staffing level.

    Parameters
    ----------
    calls : float or array
        Calls offered in the interval (count, >= 0).
    aht_s : float or array
        Average handling time (seconds, > 0).
    interval_s : float or array
        Interval length (seconds, > 0).
    agents : int or array
        Productive advisors taking calls (count, >= 0).
    patience_s : float or array
        Mean caller patience (seconds, > 0; ``inf`` gives Erlang C), e.g. the warehouse's
        ``patience_mean_s``.
    answer_s : float or array, default 20
        Service-level threshold T (seconds, >= 0).

    Returns
    -------
    dict
        ``p_wait``, ``p_abandon``, ``pickup_rate`` (1 - P(abandon)), ``service_level``
        (answered within ``answer_s`` / offered: the glossary default), ``service_level_answered``
        (answered within ``answer_s`` / answered), ``asa_s`` (mean wait of answered calls,
        immediate answers counting 0), ``wait_all_mean_s`` (mean wait over all callers,
        abandoners' time to abandon included), ``abandon_wait_s`` (mean time to abandon),
        ``occupancy``, plus ``traffic_erlangs``. Means over an empty set are ``nan``.

    Examples
    --------
    >>> r = evaluate(100, 180, 1800, 10, patience_s=120)
    >>> round(r["pickup_rate"], 4), round(r["service_level"], 4)
    (0.8625, 0.6399)
    """
    scalar = is_scalar(calls, aht_s, interval_s, agents, patience_s, answer_s)
    load, aht, n, pat, t = _prepare(calls, aht_s, interval_s, agents, patience_s, answer_s)
    shape = load.shape
    out = {k: np.full(shape, np.nan) for k in _KEYS}
    nf = n.astype(float)
    empty = load == 0
    for key, val in (("p_wait", 0.0), ("p_abandon", 0.0), ("pickup_rate", 1.0),
                     ("service_level", 1.0), ("service_level_answered", 1.0), ("asa_s", 0.0),
                     ("wait_all_mean_s", 0.0)):
        out[key][empty] = val
    out["occupancy"][empty & (n > 0)] = 0.0
    nobody = (load > 0) & (n == 0)
    for key, val in (("p_wait", 1.0), ("p_abandon", 1.0), ("pickup_rate", 0.0),
                     ("service_level", 0.0)):
        out[key][nobody] = val
    out["wait_all_mean_s"][nobody] = pat[nobody]
    out["abandon_wait_s"][nobody] = pat[nobody]
    inf_pat = (load > 0) & (n > 0) & np.isinf(pat)
    if inf_pat.any():
        c = erlang_c.evaluate(load[inf_pat], 1.0, 1.0, n[inf_pat],
                              answer_s=t[inf_pat] / aht[inf_pat])
        out["p_wait"][inf_pat] = c["p_wait"]
        out["p_abandon"][inf_pat] = 0.0
        out["pickup_rate"][inf_pat] = 1.0
        out["service_level"][inf_pat] = c["service_level"]
        out["service_level_answered"][inf_pat] = c["service_level"]
        out["asa_s"][inf_pat] = c["asa_s"] * aht[inf_pat]
        out["wait_all_mean_s"][inf_pat] = c["asa_s"] * aht[inf_pat]
        out["occupancy"][inf_pat] = c["occupancy"]
    sel = (load > 0) & (n > 0) & ~np.isinf(pat)
    if sel.any():
        a, k, h, p, tt = load[sel], nf[sel], aht[sel], pat[sel], t[sel]
        x = a * p / h
        ap = k * p / h
        r = _core(a, k, x, ap, tt / h, tt / p, full=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            out["p_wait"][sel] = r["p_wait"]
            out["p_abandon"][sel] = r["p_abandon"]
            out["pickup_rate"][sel] = r["pickup_rate"]
            out["service_level"][sel] = r["service_level"]
            out["service_level_answered"][sel] = r["service_level"] / r["pickup_rate"]
            out["asa_s"][sel] = r["ans_wait_units"] * p / r["pickup_rate"]
            out["wait_all_mean_s"][sel] = r["p_abandon"] * p
            out["abandon_wait_s"][sel] = np.where(r["p_abandon"] > 0,
                                                  r["ab_wait_units"] * p / r["p_abandon"],
                                                  np.nan)
            out["occupancy"][sel] = r["occupancy"]
    result = {"traffic_erlangs": load, **out}
    return unwrap(result, scalar)


def evaluate_fractional(calls, aht_s, interval_s, advisors, patience_s,
                        answer_s=DEFAULT_ANSWER_S) -> dict:
    """:func:`evaluate` for a time-averaged, possibly fractional number of advisors (e.g.
    advisors logged in, averaged over the interval): the measures at ``floor(advisors)`` and
    ``floor(advisors) + 1``, mixed linearly by the fractional part (exact for whole numbers).
    Same units and keys as :func:`evaluate`; arrays in, arrays out."""
    adv = np.asarray(advisors, dtype=float)
    lo = np.floor(adv)
    frac = adv - lo
    m = evaluate(calls, aht_s, interval_s, lo, patience_s, answer_s)
    if (frac > 0).any():
        hi = evaluate(calls, aht_s, interval_s, lo + 1, patience_s, answer_s)
        m = {k: m[k] * (1 - frac) + hi[k] * frac for k in m}
    return m


def _meets(load, n, aht, pat, t, targets, basis_answered):
    """Boolean per interval: does ``n`` agents meet every target? (``n >= 1``, load > 0)."""
    sl_t, pick_t, asa_t, occ_t = targets
    x = load * pat / aht
    ap = n * pat / aht
    r = _core(load, n, x, ap, t / aht, t / pat, full=asa_t is not None,
              need_sl=sl_t is not None)
    ok = np.ones(load.size, dtype=bool)
    if pick_t is not None:
        ok &= r["pickup_rate"] >= pick_t
    if sl_t is not None:
        if basis_answered:
            ok &= r["service_level"] >= sl_t * r["pickup_rate"]
        else:
            ok &= r["service_level"] >= sl_t
    if asa_t is not None:
        ok &= r["ans_wait_units"] * pat <= asa_t * r["pickup_rate"]
    if occ_t is not None:
        ok &= r["occupancy"] <= occ_t
    return ok


def required_agents(calls, aht_s, interval_s, patience_s, *, pickup_rate=None,
                    service_level=None, service_level_basis="offered", answer_s=None,
                    asa_s=None, max_occupancy=None):
    """Smallest number of agents meeting every target given (Erlang A).

    Parameters
    ----------
    calls, aht_s, interval_s : float or array
        Calls per interval (count), average handling time (s), interval length (s).
    patience_s : float or array
        Mean caller patience (seconds, > 0, finite).
    pickup_rate : float or array, optional
        Minimum share of offered calls answered (fraction in [0, 1)).
    service_level : float or array, optional
        Minimum share answered within ``answer_s`` (fraction in [0, 1)), among offered calls
        (``service_level_basis="offered"``, the glossary default) or among answered calls
        (``"answered"``).
    answer_s : float or array, optional
        Service-level threshold (seconds); 20 when ``service_level`` is given without it.
    asa_s : float or array, optional
        Maximum mean wait of answered calls (seconds, > 0).
    max_occupancy : float or array, optional
        Maximum occupancy (fraction in (0, 1]).

    Returns
    -------
    int or numpy.ndarray of int64
        Agents required; 0 where there are no calls.

    Notes
    -----
    Every measure is monotone in the number of agents. Each interval has a lower bound (the
    answered rate cannot exceed ``n / aht``: ``n >= pickup target x A``) and a first guess (the
    Erlang C staffing for the service-level target, else the bound); from the guess it gallops
    upwards by doubling steps until the targets are met, then bisects.

    Examples
    --------
    >>> required_agents(100, 180, 1800, 120, pickup_rate=0.95, service_level=0.8)
    13
    """
    scalar = is_scalar(calls, aht_s, interval_s, patience_s, pickup_rate, service_level,
                       answer_s, asa_s, max_occupancy)
    if service_level_basis not in ("offered", "answered"):
        raise ValueError("service_level_basis must be 'offered' or 'answered', got "
                         f"{service_level_basis!r}")
    if all(v is None for v in (pickup_rate, service_level, asa_s, max_occupancy)):
        raise ValueError("give at least one target: pickup_rate, service_level, asa_s or "
                         "max_occupancy")
    sl_t = pick_t = asa_t = occ_t = None
    t = as_array("answer_s", DEFAULT_ANSWER_S if answer_s is None else answer_s, low=0.0)
    if service_level is not None:
        sl_t = as_array("service_level", service_level, low=0.0, high=1.0, high_open=True)
    elif answer_s is not None:
        raise ValueError("answer_s only applies with a service_level target; give service_level too")
    if pickup_rate is not None:
        pick_t = as_array("pickup_rate", pickup_rate, low=0.0, high=1.0, high_open=True)
    if asa_s is not None:
        asa_t = as_array("asa_s", asa_s)
        if (asa_t <= 0).any():
            raise ValueError("asa_s must be > 0 s: an ASA of 0 s is unreachable as long as "
                             "calls arrive")
    if max_occupancy is not None:
        occ_t = as_array("max_occupancy", max_occupancy, low=0.0, low_open=True, high=1.0)
    load = erlang_c.traffic(calls, aht_s, interval_s)
    aht = as_array("aht_s", aht_s, low=0.0, low_open=True)
    pat = as_array("patience_s", patience_s, low=0.0, low_open=True)
    given = [v for v in (sl_t, pick_t, asa_t, occ_t) if v is not None]
    shape = np.broadcast_shapes(load.shape, aht.shape, pat.shape, t.shape,
                                *(v.shape for v in given))

    def flat(v):
        return None if v is None else np.broadcast_to(v, shape).ravel()

    load_f, aht_f, pat_f, t_f = flat(load), flat(aht), flat(pat), flat(t)
    tg = [flat(v) for v in (sl_t, pick_t, asa_t, occ_t)]
    out = np.zeros(load_f.size, dtype=np.int64)
    idx = np.flatnonzero(load_f > 0)
    if idx.size:
        a = load_f[idx]
        lower = np.ones(idx.size)
        if tg[1] is not None:
            lower = np.maximum(lower, np.floor(tg[1][idx] * a))
        if tg[0] is not None and service_level_basis == "offered":
            lower = np.maximum(lower, np.floor(tg[0][idx] * a))
        limit = a + 40.0 * np.sqrt(a) + 200.0
        answered = service_level_basis == "answered"

        def meets(sub, n):
            return _meets(load_f[sub], n, aht_f[sub], pat_f[sub], t_f[sub],
                          [None if v is None else v[sub] for v in tg], answered)

        lo = lower - 1.0  # below the bound: fails
        hi = np.full(idx.size, np.nan)
        cand = lower.copy()
        if tg[0] is not None:
            # first guess: the Erlang C staffing for the same service level (abandonment
            # usually lowers it); bisection below it, galloping above it when it falls short
            guess = erlang_c.required_agents(load_f[idx], 1.0, 1.0, service_level=tg[0][idx],
                                             answer_s=t_f[idx] / aht_f[idx])
            cand = np.maximum(cand, guess.astype(float))
        step = np.ones(idx.size)
        pending = np.arange(idx.size)
        while pending.size:  # gallop upwards
            ok = meets(idx[pending], cand[pending])
            hi[pending[ok]] = cand[pending[ok]]
            fail = pending[~ok]
            lo[fail] = cand[fail]
            cand[fail] += step[fail]
            step[fail] *= 2.0
            pending = fail
            if (cand[pending] > limit[pending] + step[pending]).any():
                raise ValueError("targets not reachable within a sensible staffing; relax the "
                                 "pickup-rate / service-level / ASA targets")
        pending = np.flatnonzero(hi - lo > 1)
        while pending.size:  # bisect
            mid = np.floor((lo[pending] + hi[pending]) / 2.0)
            ok = meets(idx[pending], mid)
            hi[pending[ok]] = mid[ok]
            lo[pending[~ok]] = mid[~ok]
            pending = pending[hi[pending] - lo[pending] > 1]
        out[idx] = hi.astype(np.int64)
    out = out.reshape(shape)
    return int(out) if scalar else out
