"""Callback requests of the demo line and their completion (the 72-hour promise)."""

from __future__ import annotations

import numpy as np

from demo.clock import WorkClock
from staffing.simulation import ANSWERED

__all__ = ["callbacks"]


def callbacks(rng: np.random.Generator, cb: dict, clock: WorkClock, requested_from: np.ndarray,
               outcome: np.ndarray, is_ivr: np.ndarray, span_end: int
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Callback requests: (call index, requested_at, completed_at (0 unless completed),
    outcome), instants in epoch seconds.

    Completion comes a gamma-distributed number of opening hours after the request (a
    few late ones 10-30 opening hours more); completions after the span are pending.
    """
    p_cb = np.select([outcome == ANSWERED, outcome == 2, outcome == 1],
                     [cb["answered_share"], cb["overflow_share"], cb["abandoned_share"]], 0.0)
    p_cb = np.where(is_ivr, 0.0, p_cb)
    req = np.flatnonzero(rng.random(outcome.size) < p_cb)
    requested = requested_from[req]
    delay_h = rng.gamma(1.3, cb["work_hours_mean"] / 1.3, req.size)
    late = rng.random(req.size) < cb["late_share"]
    delay_h = delay_h + np.where(late, rng.uniform(10, 30, req.size), 0.0)
    done_at = clock.instant(clock.worked(requested) + np.rint(delay_h * 3600).astype(np.int64))
    failed = rng.random(req.size) < cb["failed_share"]
    pending = (done_at < 0) | (done_at >= span_end)
    status = np.where(pending, "pending", np.where(failed, "failed", "completed"))
    return req, requested, np.where(status == "completed", done_at, 0), status
