"""Erlang B (M/M/n/n) blocking probability by the stable forward recurrence.

The recurrence ``1/B(k) = 1 + (k / A) / B(k - 1)`` with ``B(0) = 1`` only adds and multiplies
positive numbers, so it is exact to rounding at any load (no factorials, no overflow before
``B`` itself drops below ~1e-308, where it is reported as 0). Erlang C and Erlang A are derived
from it.
"""

from __future__ import annotations

import numpy as np

from staffing._checks import as_agents, as_array, is_scalar

__all__ = ["blocking", "inverse_blocking"]


def inverse_blocking(agents, load) -> np.ndarray:
    """``1 / B(agents, load)`` for broadcast arrays (``load`` > 0, in Erlangs).

    Vectorised without testing anything per step: the intervals are sorted by ``agents`` and
    step ``k`` of the recurrence only touches the prefix whose ``agents >= k``, so the work is
    ``sum(agents)`` multiply-adds. Entries whose value exceeds the float range are ``inf``.

    Parameters
    ----------
    agents : int array
        Number of servers (advisors), >= 0.
    load : float array
        Offered traffic (Erlangs), > 0.

    Returns
    -------
    numpy.ndarray
        ``1 / B`` with the broadcast shape (float).
    """
    n, a = np.broadcast_arrays(np.asarray(agents, dtype=np.int64), np.asarray(load, dtype=float))
    shape = n.shape
    n = n.ravel()
    a = a.ravel()
    out = np.ones(n.size)
    if n.size == 0:
        return out.reshape(shape)
    key = -n
    if n.max() < 32767:
        key = key.astype(np.int16)  # radix sort
    order = np.argsort(key, kind="stable")
    ns = n[order]
    inv_a = 1.0 / a[order]
    v = np.ones(n.size)
    kmax = int(ns[0])
    if kmax > 0:
        counts = np.bincount(ns, minlength=kmax + 1)
        # m[k] = number of entries with agents >= k (a prefix, because ns is sorted descending)
        m = n.size - np.cumsum(counts)[:-1]
        step = np.empty(n.size)
        with np.errstate(over="ignore", invalid="ignore"):
            for k in range(1, kmax + 1):
                mk = int(m[k - 1])
                vk = v[:mk]
                np.multiply(inv_a[:mk], float(k), out=step[:mk])
                vk *= step[:mk]
                vk += 1.0
    out[order] = v
    return out.reshape(shape)


def blocking(agents, load):
    """Erlang B blocking probability ``B(agents, load)``.

    Parameters
    ----------
    agents : int or array
        Number of servers, >= 0.
    load : float or array
        Offered traffic (Erlangs), >= 0.

    Returns
    -------
    float or numpy.ndarray
        Probability that an arriving call finds every server busy (lost in M/M/n/n).

    Examples
    --------
    >>> round(blocking(1, 1.0), 12)
    0.5
    >>> round(blocking(2, 1.0), 12)
    0.2
    """
    n = as_agents("agents", agents)
    a = as_array("load", load, low=0.0)
    n, a = np.broadcast_arrays(n, a)
    out = np.where(n == 0, 1.0, 0.0)
    pos = a > 0
    if pos.any():
        out = out.astype(float)
        out[pos] = 1.0 / inverse_blocking(n[pos], a[pos])
    return out.item() if is_scalar(agents, load) else out
