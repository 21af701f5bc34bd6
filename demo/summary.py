"""The headline ``copil demo`` prints: the last complete week's KPIs against the week before
and the contract's weekly line targets."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from analytics.contract import warehouse_contract
from analytics.kpis import kpis, last_complete_week
from analytics.line_calendar import line_week
from analytics.metrics import target_status
from analytics.warehouse import connection

__all__ = ["HEADLINE_METRICS", "HeadlineRow", "WeekHeadline", "week_headline"]

#: KPI columns of the headline, in print order
HEADLINE_METRICS = ("offered", "answered", "pickup_rate", "abandon_rate", "service_level_20s",
                    "service_level_30s", "asa_s", "wait_p90_s", "aht_s", "callback_on_time_rate")


@dataclass(frozen=True)
class HeadlineRow:
    """One KPI of the week: value, the previous week's value, and the line's weekly target
    (``comparison``/``threshold``/``status`` None when the contract sets none; status
    ``met``, ``missed`` or ``no_data`` as :func:`analytics.metrics.target_status`)."""

    metric: str
    value: float | None
    previous: float | None
    comparison: str | None = None
    threshold: float | None = None
    status: str | None = None


@dataclass(frozen=True)
class WeekHeadline:
    """The last complete ISO week (``week`` as ``YYYY-Www``, ``monday`` its first day)."""

    week: str
    monday: dt.date
    line_name: str
    rows: list[HeadlineRow]


def week_headline(db_path: str | Path) -> WeekHeadline | None:
    """The last complete week's headline KPIs; None when the warehouse has no complete week."""
    with connection(db_path, read_only=True) as con:
        week = last_complete_week(con)
        if week is None:
            return None
        w = line_week(con, week)
        monday = w.first                      # the week's first day (Monday unless the line's
        frame = kpis(con, period="week", start=monday - dt.timedelta(days=7),  # week differs)
                     end=w.last)
        contract = warehouse_contract(con)
    this, prev = frame.iloc[-1], frame.iloc[0]
    targets = {t.metric: t for t in (contract.targets if contract else ()) if t.queue is None
               and t.period == "week"}
    rows = []
    for metric in HEADLINE_METRICS:
        if metric not in frame.columns:
            continue
        target = targets.get(metric)
        if target is None:
            rows.append(HeadlineRow(metric, this[metric], prev[metric]))
            continue
        status = target_status(this[metric], target.comparison, target.threshold)
        rows.append(HeadlineRow(metric, this[metric], prev[metric], target.comparison,
                                target.threshold, status))
    name = contract.line_name if contract and contract.line_name else "line"
    return WeekHeadline(week=week, monday=monday, line_name=name, rows=rows)
