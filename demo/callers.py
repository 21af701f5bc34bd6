"""Who calls the demo line: a pool of fake French numbers with regions and repeat callers."""

from __future__ import annotations

import numpy as np

__all__ = ["caller_pool", "callers"]


def caller_pool(rng: np.random.Generator, size: int) -> np.ndarray:
    """Unique fake French numbers, ``+33 6 12 34 56 78`` (80 % mobiles 6/7, else 1-5)."""
    first = np.where(rng.random(size * 2) < 0.8, rng.choice([6, 7], size * 2, p=[0.8, 0.2]),
                     rng.integers(1, 6, size * 2))
    body = rng.integers(0, 100_000_000, size * 2)
    code = first * 100_000_000 + body
    _, keep = np.unique(code, return_index=True)
    code = code[np.sort(keep)[:size]]
    text = np.char.zfill(code.astype(str), 9)
    return np.array([f"+33 {t[0]} {t[1:3]} {t[3:5]} {t[5:7]} {t[7:9]}" for t in text.tolist()])


def callers(rng: np.random.Generator, cfg: dict, outcome: np.ndarray, q: np.ndarray,
            day: np.ndarray, arrived: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Caller pool (numbers, regions) and each call's caller index.

    Callers are drawn with gamma-distributed propensities (repeat callers); 45 % of the
    callers who abandoned or overflowed call the same queue again 2-60 minutes later that day.
    """
    n = q.size
    pool = caller_pool(rng, int(cfg["pool_size"]))
    regions = cfg["regions"]
    pool_region = rng.choice(list(regions), pool.size,
                             p=np.array(list(regions.values())) / sum(regions.values()))
    propensity = rng.gamma(cfg["propensity_shape"], 1.0, pool.size)
    caller = rng.choice(pool.size, n, p=propensity / propensity.sum())
    gone = np.flatnonzero((outcome == 1) | (outcome == 2))
    redial = gone[rng.random(gone.size) < 0.45]
    again_at = arrived[redial] + rng.integers(120, 3600, redial.size)
    for qi in np.unique(q):
        members = np.flatnonzero(q == qi)
        sel = redial[q[redial] == qi]
        pos = np.searchsorted(arrived[members], again_at[q[redial] == qi])
        ok = pos < members.size
        target_idx = members[np.minimum(pos, members.size - 1)]
        ok &= day[target_idx] == day[sel]
        caller[target_idx[ok]] = caller[sel[ok]]
    return pool, pool_region, caller
