"""One interval through Erlang C or Erlang A: the advisors a target needs, and the measures
a given number of advisors achieves (``copil staff``).

Units: calls per interval, seconds, fractions; advisors are productive advisors (count).
"""

from __future__ import annotations

import pandas as pd

from staffing import erlang_a, erlang_c
from staffing.headcount import scheduled_headcount

__all__ = ["interval_table", "DEFAULT_ANSWER_S", "DEFAULT_SERVICE_LEVEL"]

DEFAULT_ANSWER_S = 20.0
DEFAULT_SERVICE_LEVEL = 0.8   # without any target nor advisors: 80 % answered within 20 s


def interval_table(calls: float, aht_s: float, interval_s: float, *,
                   patience_s: float | None = None, agents: int | None = None,
                   service_level: float | None = None, answer_s: float | None = None,
                   service_level_basis: str = "offered", pickup_rate: float | None = None,
                   asa_s: float | None = None, max_occupancy: float | None = None,
                   shrinkage: float = 0.0) -> pd.DataFrame:
    """One row per staffing level: ``required`` for the targets and/or ``given`` (``agents``).

    Parameters
    ----------
    calls : float
        Calls offered in the interval (count).
    aht_s, interval_s : float
        Average handling time and interval length (s).
    patience_s : float, optional
        Mean caller patience (s): Erlang A; without it, Erlang C (callers never hang up).
    agents : int, optional
        Also evaluate this many productive advisors.
    service_level, answer_s, service_level_basis, pickup_rate, asa_s, max_occupancy
        Targets (fractions, s); ``pickup_rate`` and ``service_level_basis`` are Erlang A's.
        Without any target nor ``agents``: 80 % answered within 20 s.
    shrinkage : float
        Share of paid time off the phones, for ``scheduled_headcount`` (fraction).

    Returns
    -------
    DataFrame: ``model, agents_basis, calls, interval_s, aht_s, [patience_s], answer_s,
    traffic_erlangs, agents, shrinkage, scheduled_headcount`` and the model's measures.
    """
    model_a = patience_s is not None
    if pickup_rate is not None and not model_a:
        raise ValueError("a pickup_rate target needs Erlang A (a caller patience)")
    answer = DEFAULT_ANSWER_S if answer_s is None else answer_s
    targets = {"service_level": service_level, "asa_s": asa_s, "max_occupancy": max_occupancy}
    if model_a:
        targets["pickup_rate"] = pickup_rate
    if all(v is None for v in targets.values()) and agents is None:
        targets["service_level"] = DEFAULT_SERVICE_LEVEL
    given = {k: v for k, v in targets.items() if v is not None}
    levels = []
    if given:
        if "service_level" in given:
            given["answer_s"] = answer
        elif answer_s is not None:
            raise ValueError("--answer-s needs --service-level")
        if model_a:
            n = erlang_a.required_agents(calls, aht_s, interval_s, patience_s,
                                         service_level_basis=service_level_basis, **given)
        else:
            n = erlang_c.required_agents(calls, aht_s, interval_s, **given)
        levels.append(("required", n))
    if agents is not None:
        levels.append(("given", agents))
    rows = []
    for basis, n in levels:
        if model_a:
            m = erlang_a.evaluate(calls, aht_s, interval_s, n, patience_s, answer)
        else:
            m = erlang_c.evaluate(calls, aht_s, interval_s, n, answer)
        row = {"model": "erlang_a" if model_a else "erlang_c", "agents_basis": basis,
               "calls": calls, "interval_s": interval_s, "aht_s": aht_s}
        if model_a:
            row["patience_s"] = patience_s
        row.update(answer_s=answer, traffic_erlangs=m.pop("traffic_erlangs"), agents=int(n),
                   shrinkage=shrinkage, scheduled_headcount=scheduled_headcount(n, shrinkage))
        row.update(m)
        rows.append(row)
    return pd.DataFrame(rows)
