"""How the demo line's calls are served: handling times, the advisors' plan, the queue.

Waits, abandons and overflows come from simulating the arrivals against the advisors
logged in (:func:`staffing.simulation.simulate_queue`): one shared pool of advisors serves
all queues first come, first served (a single skill group, the common set-up for a
15-25 advisor line); callers have exponential patience; callers still queued after
``overflow_after_s`` go to voicemail. Advisors per interval follow a plan made for the
expected *normal* volume, so campaign peaks are understaffed. Service time = talk + hold +
wrap-up (lognormal talk and wrap, hold on some calls).
"""

from __future__ import annotations

import numpy as np
from tqdm import tqdm

from demo.arrivals import INTERVAL_S
from staffing.simulation import ANSWERED, simulate_queue

__all__ = ["handling", "mean_service_s", "staffing_plan", "simulate_days"]


def _lognormal(rng: np.random.Generator, mean: np.ndarray, cv: np.ndarray | float,
               size: int) -> np.ndarray:
    """Lognormal draws with the given mean and coefficient of variation."""
    s2 = np.log(1 + np.square(cv))
    return rng.lognormal(np.log(mean) - s2 / 2, np.sqrt(s2), size)


def mean_service_s(qcfg: list[dict], share: np.ndarray) -> float:
    """Expected service time of a call (seconds): talk + hold share x hold + wrap, by queue share."""
    return float(share @ np.array([x["talk_s"] + x["hold_share"] * x["hold_s"] + x["wrap_s"]
                                   for x in qcfg]))


def handling(rng: np.random.Generator, qcfg: list[dict], q: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Talk, hold, wrap-up and patience of each call (whole seconds) from its queue's means."""
    n = q.size
    param = {k: np.array([x.get(k, 0.75) for x in qcfg], float)[q]
             for k in ("talk_s", "talk_cv", "hold_share", "hold_s", "wrap_s", "patience_s")}
    talk = np.maximum(10, np.rint(_lognormal(rng, param["talk_s"], param["talk_cv"], n)))
    has_hold = rng.random(n) < param["hold_share"]
    hold = np.where(has_hold, np.maximum(5, np.rint(_lognormal(rng, param["hold_s"], 0.8, n))), 0)
    wrap = np.maximum(5, np.rint(_lognormal(rng, param["wrap_s"], 0.5, n)))
    patience = np.maximum(1, np.ceil(rng.exponential(param["patience_s"])))
    return talk, hold, wrap, patience


def staffing_plan(rng: np.random.Generator, expected_calls: np.ndarray, aht_s: float, st: dict,
                   cell_day: np.ndarray, n_days: int) -> tuple[np.ndarray, np.ndarray]:
    """Advisors logged in per interval, and each day's roster (slot -> advisor number).

    Square-root staffing on the expected normal calls per half-hour, divided by
    (1 - shrinkage) and clipped to [min_on_shift, max_on_shift]; each scheduled advisor is
    logged in with probability 1 - that day's realised shrinkage.
    """
    erlangs = expected_calls * aht_s / INTERVAL_S
    needed = erlangs + st["beta"] * np.sqrt(erlangs)
    scheduled = np.clip(np.ceil(needed / (1 - st["shrinkage"])), st["min_on_shift"],
                        st["max_on_shift"]).astype(np.int64)
    shrink_day = np.clip(rng.normal(st["shrinkage"], st["shrinkage_sd"], n_days), 0.0, 0.6)
    logged = rng.binomial(scheduled, 1 - shrink_day[cell_day])
    roster = np.array([rng.permutation(int(st["team"])) for _ in range(n_days)])
    return logged, roster


def simulate_days(span_days: np.ndarray, day: np.ndarray, sec_from_open: np.ndarray,
                   is_ivr: np.ndarray, service: np.ndarray, patience: np.ndarray,
                   logged: np.ndarray, cell_day: np.ndarray, roster: np.ndarray,
                   overflow_after_s: float | None, progress: bool
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Queue simulation of each open day: waits (s), outcome codes, advisor numbers (-1)."""
    n = day.size
    wait = np.zeros(n, dtype=np.int64)
    outcome = np.full(n, 3, dtype=np.int8)  # ivr unless simulated
    agent = np.full(n, -1, dtype=np.int64)
    offered_idx = np.flatnonzero(~is_ivr)
    off_day = day[offered_idx]
    lo = np.searchsorted(off_day, span_days, side="left")
    hi = np.searchsorted(off_day, span_days, side="right")
    cell_lo = np.searchsorted(cell_day, span_days, side="left")
    cell_hi = np.searchsorted(cell_day, span_days, side="right")
    for j, i in enumerate(tqdm(span_days, desc="simulating days", unit="day",
                               disable=not progress, leave=False)):
        idx = offered_idx[lo[j]:hi[j]]
        if idx.size == 0:
            continue
        staff = logged[cell_lo[j]:cell_hi[j]]
        staff = np.append(staff, staff[-1])  # advisors stay to clear the queue at closing
        r = simulate_queue(sec_from_open[idx].astype(float), service[idx], patience[idx], staff,
                           float(INTERVAL_S), overflow_after_s=overflow_after_s)
        wait[idx] = r["wait_s"].astype(np.int64)
        outcome[idx] = r["outcome"]
        ans = r["outcome"] == ANSWERED
        agent[idx[ans]] = roster[i][r["agent"][ans]]
    return wait, outcome, agent
