"""Scheduled headcount from productive agents and shrinkage, in exact arithmetic."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from staffing._checks import as_agents, as_array, is_scalar

__all__ = ["scheduled_headcount"]


def _decimal_fraction(x: float) -> Fraction:
    """The decimal the user wrote: ``0.3`` is 3/10, not the binary double just below it."""
    return Fraction(repr(float(x)))


def scheduled_headcount(agents, shrinkage):
    """Advisors to schedule so that ``agents`` remain after shrinkage: ``ceil(agents / (1 - s))``.

    Parameters
    ----------
    agents : int or array
        Productive advisors required (count, >= 0).
    shrinkage : float or array
        Share of paid time not available for calls (fraction in [0, 1)).

    Returns
    -------
    int or numpy.ndarray of int64
        Scheduled advisors.

    Notes
    -----
    Computed with rationals: the shrinkage is read as the shortest decimal that gives the same
    float (``0.3`` -> 3/10), so ``14 / (1 - 0.30)`` is exactly 20, where floating point gives
    20.000000000000004 and a naive ``ceil`` 21.

    Examples
    --------
    >>> scheduled_headcount(14, 0.30)
    20
    >>> scheduled_headcount(67, 0.33)
    100
    """
    scalar = is_scalar(agents, shrinkage)
    n = as_agents("agents", agents)
    s = as_array("shrinkage", shrinkage, low=0.0, high=1.0, high_open=True)
    n, s = np.broadcast_arrays(n, s)
    out = np.empty(n.shape, dtype=np.int64)
    pairs, inverse = np.unique(np.stack([n.ravel().astype(float), s.ravel()]), axis=1,
                               return_inverse=True)
    values = np.empty(pairs.shape[1], dtype=np.int64)
    for j in range(pairs.shape[1]):
        frac = _decimal_fraction(pairs[1, j])
        kept = 1 - frac  # p / q
        num = int(pairs[0, j]) * kept.denominator
        den = kept.numerator
        values[j] = -(-num // den)
    out.ravel()[:] = values[np.asarray(inverse).ravel()]
    return int(out) if scalar else out
