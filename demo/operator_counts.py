"""The operator's file of the demo line: daily counts per queue, a little above the provider's log."""

from __future__ import annotations

import numpy as np

__all__ = ["operator_counts"]


def operator_counts(rng: np.random.Generator, op: dict, key: np.ndarray, is_ivr: np.ndarray,
                     answered: np.ndarray, span_days: np.ndarray, n_keys: int, n_q: int,
                     n_years: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The operator's days and its offered and handled counts (day x queue).

    ``key`` = day index x n_q + queue index of each call. Offered = the provider's offered
    plus calls lost on the way (binomial, a daily rate in ``lost_rate``, bad days more);
    handled = answered with small noise (never above offered); ``missing_days`` days are
    absent.
    """
    prov_off = np.bincount(key[~is_ivr], minlength=n_keys).reshape(-1, n_q)
    prov_ans = np.bincount(key[answered], minlength=n_keys).reshape(-1, n_q)
    n_days = prov_off.shape[0]
    lo, hi = op["lost_rate"]
    rate = np.repeat(rng.uniform(lo, hi, n_days)[:, None], n_q, axis=1)
    n_bad = min(span_days.size, int(round(op["bad_days_per_year"] * n_years)))
    bad = rng.choice(span_days, n_bad, replace=False) if n_bad else np.zeros(0, int)
    rate[bad] += rng.uniform(*op["bad_day_gap"], (n_bad, 1))
    op_off = prov_off + rng.binomial(prov_off, np.minimum(rate, 1))
    op_hand = np.clip(prov_ans + np.rint(rng.normal(0, op["handled_noise"] * prov_ans
                                                    + 1e-12)).astype(np.int64), 0, op_off)
    n_missing = min(span_days.size, int(op["missing_days"]))
    missing = rng.choice(span_days, n_missing, replace=False) if n_missing else np.zeros(0, int)
    return np.setdiff1d(span_days, missing), op_off, op_hand
