"""Discrete-event simulation of one FCFS multi-server queue with impatient callers.

The queue is served first come, first served by a pool of identical advisors whose
number changes per staffing interval. Each caller has a patience: a caller still
waiting when it runs out hangs up (``abandoned``); a caller still waiting after
``overflow_after_s`` is routed away, e.g. to voicemail (``overflow``).

Staffing model: the advisors are numbered 0, 1, 2, ... and advisor ``j`` is on shift
during interval ``k`` when ``j < agents_per_interval[k]``. An advisor takes a new
call only while on shift; when the count drops, the advisors leaving finish their
current call and then leave (no call is ever cut). After the last interval nobody
is on shift, unless ``agents_per_interval`` is a scalar (constant staffing for ever).

Because service is FCFS and each caller's patience is known on arrival, calls can be
processed in arrival order with a heap of advisor free times: call ``i`` is answered
at the earliest time ``s >= arrival`` at which an advisor is free and on shift (all
earlier callers have been answered or have left by then), provided ``s`` comes no
later than ``arrival + min(patience, overflow_after_s)``; otherwise it leaves
unanswered and takes no advisor time. This is exact for FCFS with abandonment.
"""

from __future__ import annotations

import heapq
import math

import numpy as np

__all__ = [
    "ABANDONED",
    "ANSWERED",
    "OUTCOME_NAMES",
    "OVERFLOW",
    "UNSERVED",
    "simulate_queue",
]

ANSWERED = 0
ABANDONED = 1
OVERFLOW = 2
UNSERVED = 3  # infinite patience, no overflow and no advisor on shift ever again
OUTCOME_NAMES = np.array(["answered", "abandoned", "overflow", "unserved"])


def _next_on_shift(agents: np.ndarray) -> np.ndarray:
    """``nxt[j, k]``: first interval ``>= k`` in which advisor ``j`` is on shift, else ``K``."""
    n_max = int(agents.max(initial=0))
    n_int = agents.size
    on = np.arange(n_max)[:, None] < agents[None, :]
    idx = np.where(on, np.arange(n_int)[None, :], n_int)
    return np.minimum.accumulate(idx[:, ::-1], axis=1)[:, ::-1]


def simulate_queue(
    arrival_s: np.ndarray,
    service_s: np.ndarray,
    patience_s: np.ndarray,
    agents_per_interval: np.ndarray | int,
    interval_s: float = 1800.0,
    *,
    overflow_after_s: float | None = None,
) -> dict[str, np.ndarray]:
    """Simulate an FCFS multi-server queue with abandonment and time-varying staffing.

    Parameters
    ----------
    arrival_s : ndarray of float, shape (n,)
        Arrival times (seconds from the start of the first staffing interval), sorted
        ascending and ``>= 0``.
    service_s : ndarray of float, shape (n,)
        Advisor time each call needs once answered (seconds; talk + hold + wrap-up).
    patience_s : ndarray of float, shape (n,)
        How long each caller is willing to wait (seconds); ``inf`` for never.
    agents_per_interval : ndarray of int, shape (K,), or int
        Advisors on shift during each interval ``[k * interval_s, (k + 1) * interval_s)``;
        nobody after the last one. An int means that many advisors at all times.
    interval_s : float, default 1800
        Length of a staffing interval (seconds).
    overflow_after_s : float or None
        Maximum wait (seconds): a caller still queued then is routed away
        (``overflow``). ``None``: never.

    Returns
    -------
    dict of ndarray, each of shape (n,)
        ``wait_s``: seconds queued until answer, abandon or overflow (``inf`` if unserved);
        ``outcome``: int8 code, ``ANSWERED`` (0), ``ABANDONED`` (1), ``OVERFLOW`` (2) or
        ``UNSERVED`` (3) (names in ``OUTCOME_NAMES``);
        ``answered_s``: answer time (seconds, ``nan`` unless answered);
        ``left_s``: time the call left the system (answer + service, or arrival + wait);
        ``agent``: index of the advisor who answered (``-1`` unless answered).

    Notes
    -----
    A caller whose patience ends exactly when an advisor becomes free is answered.
    When patience and ``overflow_after_s`` are equal the call overflows.

    Examples
    --------
    One advisor, calls at 0, 10 and 20 s needing 15 s each: the second waits 5 s, the
    third 10 s.

    >>> r = simulate_queue(np.array([0., 10., 20.]), np.full(3, 15.), np.full(3, np.inf), 1)
    >>> r["wait_s"].tolist()
    [0.0, 5.0, 10.0]
    """
    arrival = np.asarray(arrival_s, dtype=float)
    service = np.asarray(service_s, dtype=float)
    patience = np.asarray(patience_s, dtype=float)
    n = arrival.size
    if service.shape != (n,) or patience.shape != (n,) or arrival.ndim != 1:
        raise ValueError("arrival_s, service_s and patience_s must be 1-D arrays of one length")
    if n and (arrival[0] < 0 or np.any(np.diff(arrival) < 0)):
        raise ValueError("arrival_s must be sorted ascending and >= 0 (seconds from the grid start)")
    if np.any(service < 0) or np.any(np.isnan(service)):
        raise ValueError("service_s must be >= 0 seconds")
    if np.any(patience < 0) or np.any(np.isnan(patience)):
        raise ValueError("patience_s must be >= 0 seconds (inf for never)")
    if not interval_s > 0:
        raise ValueError("interval_s must be > 0 seconds")
    if overflow_after_s is not None and not overflow_after_s >= 0:
        raise ValueError("overflow_after_s must be >= 0 seconds or None")
    overflow = math.inf if overflow_after_s is None else float(overflow_after_s)

    constant = np.ndim(agents_per_interval) == 0
    if constant:
        n_const = int(agents_per_interval)
        if n_const < 0:
            raise ValueError("agents_per_interval must be >= 0")
        n_slots = n_const
        nxt: list[list[int]] = []
        n_int = 0
    else:
        agents = np.asarray(agents_per_interval)
        if agents.ndim != 1 or np.any(agents < 0) or np.any(agents != np.floor(agents)):
            raise ValueError("agents_per_interval must be whole numbers >= 0")
        agents = agents.astype(np.int64)
        nxt = _next_on_shift(agents).tolist()
        n_int = agents.size
        n_slots = int(agents.max(initial=0))

    inf = math.inf

    def available(j: int, t: float) -> float:
        """Earliest time >= t at which advisor j is on shift."""
        if constant:
            return t
        k = int(t // interval_s)
        if k >= n_int:
            return inf
        kk = nxt[j][k]
        if kk == k:
            return t
        if kk >= n_int:
            return inf
        return kk * interval_s

    wait = np.empty(n)
    outcome = np.empty(n, dtype=np.int8)
    answered = np.full(n, np.nan)
    left = np.empty(n)
    agent = np.full(n, -1, dtype=np.int64)

    heap = [(available(j, 0.0), j) for j in range(n_slots)]
    heapq.heapify(heap)
    arr_l, svc_l, pat_l = arrival.tolist(), service.tolist(), patience.tolist()
    for i in range(n):
        a = arr_l[i]
        p = pat_l[i]
        limit = a + (p if p < overflow else overflow)
        s = inf
        j = -1
        while heap:
            t, j = heap[0]
            if t == inf:
                s = inf
                break
            s = t if t > a else a
            s2 = available(j, s)
            if s2 == s:
                break
            heapq.heapreplace(heap, (s2, j))
            s = inf
        if s <= limit and s < inf:
            done = s + svc_l[i]
            heapq.heapreplace(heap, (done, j))
            wait[i] = s - a
            outcome[i] = ANSWERED
            answered[i] = s
            left[i] = done
            agent[i] = j
        elif limit < inf:
            wait[i] = limit - a
            outcome[i] = ABANDONED if p < overflow else OVERFLOW
            left[i] = limit
        else:
            wait[i] = inf
            outcome[i] = UNSERVED
            left[i] = inf
    return {"wait_s": wait, "outcome": outcome, "answered_s": answered, "left_s": left,
            "agent": agent}
