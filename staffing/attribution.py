"""Why a target was missed: the gap between a target and the actual, split by Erlang A
counterfactuals into forecast error, handle-time drift, staffing gap and a remainder.

Pure maths (NumPy in, NumPy out); :mod:`analytics.review.attribution` feeds it the plan and
the actuals of a week.

Method
------
Per interval, three causes move the service from the plan to what happened: the volume
(planned -> actual calls offered), the handling time (planned -> actual AHT) and the
advisors (planned -> logged in). Erlang A (:func:`staffing.erlang_a.evaluate_fractional`)
gives the measure ``v(S)`` at the plan with the causes in ``S`` set to their actual value,
for the 2^3 subsets ``S``; caller patience is the actual one in all eight. Each cause's
part is its **Shapley value**, the mean of its step ``v(S + {f}) - v(S)`` over the 3! orders
in which the causes can be switched on (weights 1/3, 1/6, 1/6, 1/3)::

    forecast_error + aht_drift + staffing_steps = v(all actual) - v(plan)

exactly, whatever the order. A chained (sequential) split would depend on the order: an
extra 10 % of calls costs more service when the advisors are already short.

The gap is ``actual - target`` (the glossary's margin). Two more terms close it:

- the plan's own margin ``m_plan - target``, where ``m_plan`` is Erlang A at the plan
  with the *planned* patience (the service the plan expected): the planned advisors
  against the exact requirement of the target (rounding up to whole advisors, another
  target needing more). It belongs to staffing, so
  ``staffing_gap = staffing_steps + m_plan - target``: the advisors logged in against
  those the target required at the plan's forecast.
- ``remainder = actual - target - forecast_error - aht_drift - staffing_gap
  = (actual - v(all actual)) + (v(plan, actual patience) - m_plan)``: the model's error
  on the interval (Erlang A's assumptions, overflow, chance) and the change of caller
  patience, neither of which is one of the three causes.

So the four parts add up to the gap in every interval. Where Erlang A has no value for
one of the states (ASA with nobody logged in: no call is answered), the interval is not
explained: its three parts are 0 and the whole gap is remainder.

A week aggregates its intervals by the metric's own weighting: each interval weighs the
calls in the metric's denominator (offered calls for the pickup and abandon rates, the
service level's calls, answered calls for the ASA). Weighted means of the interval parts
add up to the weighted mean of the interval gaps, which is the week's gap because the
weighted mean of the interval actuals is the week's actual.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import combinations
from math import factorial

import numpy as np

from staffing.erlang_a import evaluate_fractional

__all__ = ["FACTORS", "PARTS", "IntervalState", "Attribution", "shapley", "counterfactuals",
           "attribute", "aggregate"]

#: the causes, in the order of the parts
FACTORS = ("volume", "aht", "advisors")
#: the parts of a gap, in order (they add up to the gap)
PARTS = ("forecast_error", "aht_drift", "staffing_gap", "remainder")


@dataclass(frozen=True)
class IntervalState:
    """What an interval faced: ``calls`` offered (count), ``aht_s`` (s), ``advisors`` (time
    averaged, may be fractional) and mean caller ``patience_s`` (s); arrays of one length."""

    calls: np.ndarray
    aht_s: np.ndarray
    advisors: np.ndarray
    patience_s: np.ndarray

    def __post_init__(self) -> None:
        for name in ("calls", "aht_s", "advisors", "patience_s"):
            object.__setattr__(self, name, np.atleast_1d(np.asarray(getattr(self, name),
                                                                    dtype=float)))
        sizes = {getattr(self, n).size for n in ("calls", "aht_s", "advisors", "patience_s")}
        if len(sizes) != 1:
            raise ValueError(f"calls, aht_s, advisors and patience_s must have one length, "
                             f"got {sorted(sizes)}")


@dataclass(frozen=True)
class Attribution:
    """Per interval: the ``gap`` (actual - target) and its parts (:data:`PARTS`, in the
    measure's unit), ``plan_model`` (Erlang A at the plan, planned patience) and
    ``actual_model`` (Erlang A at the actual state), and ``explained`` (False where Erlang A
    had no value for a state: the gap is all remainder there)."""

    gap: np.ndarray
    forecast_error: np.ndarray
    aht_drift: np.ndarray
    staffing_gap: np.ndarray
    remainder: np.ndarray
    plan_model: np.ndarray
    actual_model: np.ndarray
    explained: np.ndarray

    def parts(self) -> dict[str, np.ndarray]:
        """The four parts by name (:data:`PARTS`)."""
        return {p: getattr(self, p) for p in PARTS}


def shapley(values: Mapping[frozenset, np.ndarray],
            factors: tuple[str, ...] = FACTORS) -> dict[str, np.ndarray]:
    """Shapley value of each factor for the game ``values`` (every subset of ``factors`` ->
    the value with those factors switched on; arrays broadcast). The values add up to
    ``values[all] - values[none]`` exactly.

    Examples
    --------
    >>> v = {frozenset(): 0.0, frozenset("a"): 1.0, frozenset("b"): 2.0, frozenset("ab"): 5.0}
    >>> {k: float(x) for k, x in shapley(v, ("a", "b")).items()}
    {'a': 2.0, 'b': 3.0}
    """
    n = len(factors)
    out = {}
    for f in factors:
        others = [g for g in factors if g != f]
        total = 0.0
        for k in range(n):
            weight = factorial(k) * factorial(n - k - 1) / factorial(n)
            for subset in combinations(others, k):
                s = frozenset(subset)
                with np.errstate(invalid="ignore"):   # inf - inf: no model value
                    total = total + weight * (np.asarray(values[s | {f}], dtype=float)
                                              - np.asarray(values[s], dtype=float))
        out[f] = total
    return out


def _state(planned: IntervalState, actual: IntervalState, switched: frozenset) -> tuple:
    return (actual.calls if "volume" in switched else planned.calls,
            actual.aht_s if "aht" in switched else planned.aht_s,
            actual.advisors if "advisors" in switched else planned.advisors)


def counterfactuals(planned: IntervalState, actual: IntervalState, *, interval_s: float,
                    answer_s: float) -> dict:
    """Erlang A measures (:func:`staffing.erlang_a.evaluate_fractional` keys) at every mix
    of plan and actual: ``{frozenset(switched causes): measures}`` with the actual
    patience, plus ``'plan'``: the plan with its own (planned) patience."""
    states = [frozenset(c) for k in range(len(FACTORS) + 1) for c in combinations(FACTORS, k)]
    size = planned.calls.size
    cols = [np.concatenate(x) for x in zip(*(_state(planned, actual, s) for s in states),
                                           strict=True)]
    pat = np.concatenate([actual.patience_s] * len(states))
    calls = np.concatenate([cols[0], planned.calls])
    aht = np.concatenate([cols[1], planned.aht_s])
    adv = np.concatenate([cols[2], planned.advisors])
    pat = np.concatenate([pat, planned.patience_s])
    for name, x in (("calls", calls), ("aht_s", aht), ("advisors", adv), ("patience_s", pat)):
        if np.isnan(x).any():
            raise ValueError(f"{name} has a missing value in the plan or the actuals; fill "
                             "the intervals without one (e.g. with the profile's AHT) first")
    with np.errstate(all="ignore"):
        m = evaluate_fractional(calls, aht, interval_s, adv, pat, answer_s)
    out: dict = {}
    for i, s in enumerate([*states, "plan"]):
        out[s] = {k: np.asarray(v)[i * size:(i + 1) * size] for k, v in m.items()}
    return out


def attribute(planned: IntervalState, actual: IntervalState, observed, target: float, *,
              measure: str, interval_s: float, answer_s: float,
              states: dict | None = None) -> Attribution:
    """Split ``observed - target`` per interval (see the module notes).

    Parameters
    ----------
    planned, actual : IntervalState
        The plan (forecast calls, planned AHT, planned advisors, planned patience) and what
        happened (calls offered, AHT, advisors logged in, patience).
    observed : array
        The measure as reported per interval (the KPI), in the unit of ``measure``.
    target : float
        The target's threshold, same unit.
    measure : str
        Key of :func:`staffing.erlang_a.evaluate`: ``pickup_rate``, ``p_abandon``,
        ``service_level``, ``service_level_answered`` or ``asa_s``.
    interval_s, answer_s : float
        Interval length and the service level's threshold T (s).
    states : dict, optional
        :func:`counterfactuals` already computed for these inputs.

    Returns
    -------
    Attribution (arrays in the measure's unit; parts add up to ``gap``).
    """
    if states is None:
        states = counterfactuals(planned, actual, interval_s=interval_s, answer_s=answer_s)
    values = {s: np.asarray(m[measure], dtype=float) for s, m in states.items()}
    obs = np.atleast_1d(np.asarray(observed, dtype=float))
    gap = obs - float(target)
    phi = shapley({s: v for s, v in values.items() if s != "plan"})
    plan_model = values["plan"]
    actual_model = values[frozenset(FACTORS)]
    explained = np.isfinite(plan_model) & np.logical_and.reduce(
        [np.isfinite(v) for v in values.values()])
    zero = np.zeros_like(gap)
    fe = np.where(explained, phi["volume"], zero)
    aht = np.where(explained, phi["aht"], zero)
    staff = np.where(explained, phi["advisors"] + plan_model - float(target), zero)
    remainder = gap - fe - aht - staff
    return Attribution(gap=gap, forecast_error=fe, aht_drift=aht, staffing_gap=staff,
                       remainder=remainder, plan_model=plan_model, actual_model=actual_model,
                       explained=explained)


def aggregate(attribution: Attribution, weights) -> dict[str, float]:
    """Weighted means of the gap and the parts over intervals (``weights``: calls in the
    measure's denominator, >= 0; intervals without weight are left out). The parts add up
    to the gap. Returns ``gap`` and :data:`PARTS` (NaN without weight)."""
    w = np.asarray(weights, dtype=float)
    keep = w > 0
    total = w[keep].sum()
    out = {}
    for name in ("gap", *PARTS):
        x = getattr(attribution, name)[keep]
        out[name] = float((w[keep] * x).sum() / total) if total > 0 else float("nan")
    return out
