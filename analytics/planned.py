"""What was planned for a span of days, interval by interval: :func:`planned_intervals`.

The one home every comparison of "planned" against "actual" reads (net staffing, the
intraday projection, the attribution of a missed target). Each week of the span is the
line's :func:`analytics.week_plan.plan_week` (fitted on the days before the week, so it is
the forecast the planner had); a stored plan, when one exists for the week, takes its place
(see :mod:`analytics.plan_store` once it lands).

Units: calls per interval, seconds, advisors (counts). ``period_start`` is the line's
tz-aware local interval start.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pandas as pd

from analytics.contract import Contract
from analytics.line_calendar import line_calendar
from analytics.periods import to_date, week_label

__all__ = ["PLANNED_COLUMNS", "planned_intervals"]

#: columns of :func:`planned_intervals`
PLANNED_COLUMNS = ["period_start", "calls", "lo80", "hi80", "lo95", "hi95", "aht_s",
                   "patience_s", "agents_c", "agents_a", "scheduled", "week", "plan_source"]


def planned_intervals(con: duckdb.DuckDBPyConnection, first, last, *,
                      interval_minutes: int = 30, queues: list[str] | None = None,
                      contract: Contract | None = None) -> pd.DataFrame:
    """The plan of every interval from local day ``first`` to ``last`` (inclusive).

    Parameters
    ----------
    con : DuckDB connection to the warehouse.
    first, last : date-like
        Local days (inclusive), at most 62 days apart.
    interval_minutes : int
        Interval length (minutes).
    queues : list of str, optional
        Queues planned together (default: the whole line).
    contract : Contract, optional
        Default: the warehouse's.

    Returns
    -------
    DataFrame with :data:`PLANNED_COLUMNS`: the forecast (``calls`` and its bands),
    the planned ``aht_s`` and ``patience_s`` (s), the advisors required by Erlang C
    (``agents_c``) and Erlang A (``agents_a``, null without patience data), ``scheduled``
    (advisors of the stored shift plan; null when no shift plan was stored), the line's
    ``week`` label and ``plan_source`` (``'computed'``: re-fitted now from the days before
    the week; ``'stored'``: a saved plan version).
    """
    from analytics.week_plan import plan_week

    first, last = to_date(first), to_date(last)
    if last < first:
        raise ValueError(f"the span ends ({last}) before it starts ({first})")
    if (last - first).days > 62:
        raise ValueError(f"{first} to {last} is more than 62 days; ask for a shorter span")
    ws = line_calendar(con, contract).week_start
    labels: list[str] = []
    day = first
    while day <= last:
        label = week_label(day, ws)
        if label not in labels:
            labels.append(label)
        day += dt.timedelta(days=1)
    frames = []
    for label in labels:
        plan = plan_week(con, label, interval_minutes=interval_minutes, queues=queues,
                         contract=contract)
        frame = plan.agents().copy()
        frame["scheduled"] = np.nan
        frame["week"] = label
        frame["plan_source"] = "computed"
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    local_day = out["period_start"].dt.tz_localize(None).dt.normalize()
    keep = (local_day >= pd.Timestamp(first)) & (local_day <= pd.Timestamp(last))
    return out.loc[keep, PLANNED_COLUMNS].reset_index(drop=True)
