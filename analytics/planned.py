"""What was planned for a span of days, interval by interval: :func:`planned_intervals`.

The one home every comparison of "planned" against "actual" reads (net staffing, the
intraday projection, the attribution of a missed target). Each week of the span is the
line's :func:`analytics.week_plan.plan_week` (fitted on the days before the week, so it is
the forecast the planner had); a stored plan (:mod:`analytics.plan_store`: the latest
version saved for the week with the same interval length, unless ``plan_ids`` names
others), when one exists, takes its place with its shift plan's advisors.

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
                      contract: Contract | None = None, stored: bool = True,
                      plan_ids: dict[str, int] | None = None) -> pd.DataFrame:
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
    stored : bool
        Use the stored plan of a week when there is one (default); False: always refit.
        Stored plans are of the whole line with the warehouse's contract: with ``queues``
        or ``contract`` given they are not used.
    plan_ids : dict, optional
        ``{week: plan_id}``: the stored version to use for a week instead of its latest.

    Returns
    -------
    DataFrame with :data:`PLANNED_COLUMNS`: the forecast (``calls`` and its bands),
    the planned ``aht_s`` and ``patience_s`` (s), the advisors required by Erlang C
    (``agents_c``) and Erlang A (``agents_a``, null without patience data), ``scheduled``
    (advisors of the stored shift plan; null when no shift plan was stored), the line's
    ``week`` label and ``plan_source`` (``'computed'``: re-fitted now from the days before
    the week; ``'stored'``: a saved plan version). ``attrs['plan_ids']``: ``{week:
    plan_id}`` of the stored versions used.
    """
    from analytics.plan_store import latest_plan, load_plan
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
    use_stored = stored and not queues and contract is None
    frames, used = [], {}
    for label in labels:
        version = None
        if use_stored and plan_ids and label in plan_ids:
            version = load_plan(con, plan_ids[label])
        elif use_stored:
            version = latest_plan(con, label, interval_minutes=interval_minutes)
        if version is not None:
            frame = version.intervals.copy()
            frame["scheduled"] = frame["planned"]
            frame["plan_source"] = "stored"
            used[label] = version.plan_id
        else:
            plan = plan_week(con, label, interval_minutes=interval_minutes, queues=queues,
                             contract=contract)
            frame = plan.agents().copy()
            frame["scheduled"] = np.nan
            frame["plan_source"] = "computed"
        frame["week"] = label
        frames.append(frame[PLANNED_COLUMNS])
    out = pd.concat(frames, ignore_index=True)
    local_day = out["period_start"].dt.tz_localize(None).dt.normalize()
    keep = (local_day >= pd.Timestamp(first)) & (local_day <= pd.Timestamp(last))
    out = out.loc[keep, PLANNED_COLUMNS].reset_index(drop=True)
    out.attrs["plan_ids"] = used
    return out
