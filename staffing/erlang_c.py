"""Erlang C (M/M/n): waiting probability, service level, ASA, occupancy and staffing.

Every function takes scalars or NumPy arrays (one value per interval) that broadcast together;
times are in seconds, rates are fractions. ``agents`` are productive advisors taking calls.

Notes
-----
With ``A = calls * aht_s / interval_s`` Erlangs and ``n > A`` agents, Erlang C is derived from
Erlang B (:mod:`staffing.erlang_b`, stable recurrence)::

    C(n, A)  = n B / (n - A (1 - B))            probability of waiting
    SL(T)    = 1 - C exp(-(n - A) T / aht_s)     probability of waiting at most T seconds
    ASA      = C aht_s / (n - A)                 mean wait over all calls (seconds)
    occupancy = A / n

With ``n <= A`` the queue grows without bound: ``p_wait = 1``, ``service_level = 0``,
``asa_s = inf`` and ``occupancy = 1``. With no calls, ``p_wait = 0``, ``service_level = 1``,
``asa_s = 0`` and ``occupancy = 0`` (``nan`` when there are also no agents).

References
----------
A. K. Erlang (1917); G. Koole, *Call Center Optimization* (2013), ch. 5.
"""

from __future__ import annotations

import numpy as np

from staffing._checks import as_agents, as_array, is_scalar, unwrap
from staffing.erlang_b import inverse_blocking

__all__ = ["evaluate", "required_agents", "traffic"]

DEFAULT_ANSWER_S = 20.0


def traffic(calls, aht_s, interval_s) -> np.ndarray:
    """Offered load in Erlangs: ``calls * aht_s / interval_s`` (checked, broadcast)."""
    calls = as_array("calls", calls, low=0.0)
    aht_s = as_array("aht_s", aht_s, low=0.0, low_open=True)
    interval_s = as_array("interval_s", interval_s, low=0.0, low_open=True)
    return calls * aht_s / interval_s


def _split(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    c = 134217729.0 * x  # Dekker's split: x = hi + lo with 26-bit halves
    hi = c - (c - x)
    return hi, x - hi


def stability_gap(calls, aht_s, interval_s, agents) -> np.ndarray:
    """``agents - calls * aht_s / interval_s`` without the rounding of the product.

    Near a critical load (``n - A`` around 1e-12) the rounding of ``calls * aht_s`` would
    dominate ``n - A`` and hence the ASA; the product's exact error term (Dekker) keeps the
    difference to a few ulps.
    """
    calls, aht, interval, n = np.broadcast_arrays(
        np.asarray(calls, float), np.asarray(aht_s, float), np.asarray(interval_s, float),
        np.asarray(agents, float))
    prod = calls * aht
    ch, cl = _split(calls)
    ah, al = _split(aht)
    err = ((ch * ah - prod) + ch * al + cl * ah) + cl * al
    return ((n * interval - prod) - err) / interval


def evaluate(calls, aht_s, interval_s, agents, answer_s=DEFAULT_ANSWER_S) -> dict:
    """Erlang C measures for a staffing level.

    Parameters
    ----------
    calls : float or array
        Calls offered in the interval (count, >= 0).
    aht_s : float or array
        Average handling time (seconds, > 0).
    interval_s : float or array
        Interval length (seconds, > 0), e.g. 1800 for half-hours.
    agents : int or array
        Productive advisors taking calls (count, >= 0).
    answer_s : float or array, default 20
        Service-level threshold T (seconds, >= 0).

    Returns
    -------
    dict
        ``p_wait`` (probability of waiting), ``service_level`` (P(wait <= answer_s)),
        ``asa_s`` (mean wait over all calls, seconds), ``occupancy`` (fraction), plus
        ``traffic_erlangs``. Python floats when every input is a scalar, else arrays.

    Examples
    --------
    >>> r = evaluate(100, 180, 1800, 14)
    >>> round(r["p_wait"], 4), round(r["service_level"], 4)
    (0.1741, 0.8884)
    """
    scalar = is_scalar(calls, aht_s, interval_s, agents, answer_s)
    load = traffic(calls, aht_s, interval_s)
    n = as_agents("agents", agents)
    t = as_array("answer_s", answer_s, low=0.0)
    aht = as_array("aht_s", aht_s, low=0.0, low_open=True)
    gap = stability_gap(calls, aht_s, interval_s, n)
    load, n, t, aht, gap = np.broadcast_arrays(load, n, t, aht, gap)
    nf = n.astype(float)
    shape = load.shape
    p_wait = np.zeros(shape)
    sl = np.ones(shape)
    asa = np.zeros(shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        occ = np.where(nf > 0, np.minimum(load / nf, 1.0), np.where(load > 0, np.nan, np.nan))
    unstable = (load > 0) & (gap <= 0)
    p_wait[unstable] = 1.0
    sl[unstable] = 0.0
    asa[unstable] = np.inf
    ok = (load > 0) & ~unstable
    if ok.any():
        a, k, tt, h, g = load[ok], nf[ok], t[ok], aht[ok], gap[ok]
        inv_b = inverse_blocking(k.astype(np.int64), a)
        with np.errstate(over="ignore", invalid="ignore"):
            c = k / (g * inv_b + a)
        p_wait[ok] = c
        sl[ok] = 1.0 - c * np.exp(-g * tt / h)
        asa[ok] = c * h / g
    result = {"traffic_erlangs": load, "p_wait": p_wait, "service_level": sl, "asa_s": asa,
              "occupancy": occ}
    return unwrap(result, scalar)


def _occupancy_floor(load: np.ndarray, max_occupancy: np.ndarray) -> np.ndarray:
    """Smallest n with ``load / n <= max_occupancy`` as evaluated in floating point."""
    with np.errstate(divide="ignore", invalid="ignore"):
        n = np.ceil(load / max_occupancy)
        n = np.where(load / np.maximum(n, 1) > max_occupancy, n + 1, n)
        lower = np.maximum(n - 1, 1)
        n = np.where((n > 1) & (load / lower <= max_occupancy), lower, n)
    return n


def _check_targets(service_level, answer_s, asa_s, max_occupancy):
    if service_level is None and asa_s is None and max_occupancy is None:
        raise ValueError("give at least one target: service_level, asa_s or max_occupancy")
    sl_t = t = asa_t = occ_t = None
    if service_level is not None:
        sl_t = as_array("service_level", service_level, low=0.0, high=1.0, high_open=True)
        t = as_array("answer_s", DEFAULT_ANSWER_S if answer_s is None else answer_s, low=0.0)
    elif answer_s is not None:
        raise ValueError("answer_s only applies with a service_level target; give service_level too")
    if asa_s is not None:
        asa_t = as_array("asa_s", asa_s)
        if (asa_t <= 0).any():
            raise ValueError("asa_s must be > 0 s: an ASA of 0 s is unreachable as long as "
                             "calls arrive (any caller may find every advisor busy)")
    if max_occupancy is not None:
        occ_t = as_array("max_occupancy", max_occupancy, low=0.0, low_open=True, high=1.0)
    return sl_t, t, asa_t, occ_t


def required_agents(calls, aht_s, interval_s, *, service_level=None, answer_s=None,
                    asa_s=None, max_occupancy=None, max_steps: int | None = None):
    """Smallest number of agents meeting every target given (Erlang C).

    Parameters
    ----------
    calls, aht_s, interval_s : float or array
        Calls per interval (count), average handling time (s), interval length (s).
    service_level : float or array, optional
        Minimum share of calls answered within ``answer_s`` (fraction in [0, 1)).
    answer_s : float or array, optional
        Service-level threshold (seconds); 20 when ``service_level`` is given without it.
    asa_s : float or array, optional
        Maximum mean wait over all calls (seconds, > 0).
    max_occupancy : float or array, optional
        Maximum occupancy (fraction in (0, 1]).
    max_steps : int, optional
        Safety bound on the search per interval (default ``A + 40 sqrt(A) + 200`` agents).

    Returns
    -------
    int or numpy.ndarray of int64
        Agents required; 0 where there are no calls. Always more than the load (a stable queue).

    Raises
    ------
    ValueError
        When a target is out of range or unreachable (service level 1, ASA 0).

    Notes
    -----
    Each interval starts at ``floor(A) + 1`` (or the occupancy bound if higher) with Erlang B
    from the recurrence, then only the intervals still short of a target take another step
    (``1/B(n+1) = 1 + (n+1)/A / B(n)``); the others leave the working set.

    Examples
    --------
    >>> required_agents(100, 180, 1800, service_level=0.8, answer_s=20)
    14
    """
    scalar = is_scalar(calls, aht_s, interval_s, service_level, answer_s, asa_s, max_occupancy)
    sl_t, t, asa_t, occ_t = _check_targets(service_level, answer_s, asa_s, max_occupancy)
    load = traffic(calls, aht_s, interval_s)
    aht = as_array("aht_s", aht_s, low=0.0, low_open=True)
    parts = [load, aht] + [x for x in (sl_t, t, asa_t, occ_t) if x is not None]
    shape = np.broadcast_shapes(*(p.shape for p in parts))

    def flat(x):
        return None if x is None else np.broadcast_to(x, shape).ravel()

    load_f, aht_f = flat(load), flat(aht)
    calls_f = flat(as_array("calls", calls))
    interval_f = flat(as_array("interval_s", interval_s))
    sl_f, t_f, asa_f, occ_f = flat(sl_t), flat(t), flat(asa_t), flat(occ_t)
    out = np.zeros(load_f.size, dtype=np.int64)
    idx = np.flatnonzero(load_f > 0)
    if idx.size:
        a = load_f[idx]
        n = np.floor(a) + 1.0
        if occ_f is not None:
            n = np.maximum(n, _occupancy_floor(a, occ_f[idx]))
        limit = a + 40.0 * np.sqrt(a) + 200.0 if max_steps is None else n + max_steps
        h = aht_f[idx]
        limit = np.broadcast_to(limit, a.shape)
        miss = None if sl_f is None else 1.0 - sl_f[idx]
        tt = None if t_f is None else t_f[idx]
        asa_lim = None if asa_f is None else asa_f[idx]
        inv_b = inverse_blocking(n.astype(np.int64), a)
        gap = stability_gap(calls_f[idx], h, interval_f[idx], n)
        max_extra = int(np.max(limit - n)) + 1
        # Working set, one row per quantity, compressed as intervals reach their targets:
        # load, agents, 1/B, n - A, then per target (1 - SL target, exp(-(n-A)T/aht),
        # exp(-T/aht)) and (ASA target / aht).
        rows = [a, n, inv_b, gap]
        if miss is not None:
            rows += [miss, np.exp(-gap * tt / h), np.exp(-tt / h)]
        if asa_lim is not None:
            rows.append(asa_lim / h)
        w = np.stack(rows)
        j_asa = len(rows) - 1
        done = np.zeros(idx.size, dtype=bool)
        res = np.zeros(idx.size)  # the agents found, aligned with the working set
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            for _ in range(max_extra + 1):
                a, n, gap = w[0], w[1], w[3]
                c = n / (gap * w[2] + a)
                if miss is not None:
                    ok = c * w[5] <= w[4]
                    if asa_lim is not None:
                        ok &= c <= w[j_asa] * gap
                else:
                    ok = c <= w[j_asa] * gap
                ok &= ~done
                np.copyto(res, n, where=ok)
                done |= ok
                n_done = np.count_nonzero(done)
                if n_done == idx.size:
                    out[idx] = res
                    break
                if n_done > idx.size // 2:  # compress the working set
                    out[idx[done]] = res[done]
                    keep = ~done
                    idx = idx[keep]
                    w = w[:, keep]
                    res = res[keep]
                    done = np.zeros(idx.size, dtype=bool)
                n = w[1]
                n += 1.0
                w[3] += 1.0
                w[2] *= n / w[0]
                w[2] += 1.0
                if miss is not None:
                    w[5] *= w[6]
            else:
                raise ValueError(
                    f"target not reachable within a sensible staffing (over {max_extra} agents "
                    f"above the load for {w[0][0]:.4g} Erlangs); relax the service level / "
                    "ASA target")
    out = out.reshape(shape)
    return int(out) if scalar else out
