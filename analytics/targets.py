"""Contract targets: actual vs threshold per period, and the week's gaps ("écarts").

Status, margin and shortfall follow KPI_GLOSSARY.md and come from
:func:`analytics.metrics.target_status` (their one home): ``margin = actual - threshold``;
``shortfall`` is how far the actual lies on the wrong side (0 when met, never negative).
"""

from __future__ import annotations

import pandas as pd

from analytics.contract import Contract, Target
from analytics.kpis import kpis, resolve_contract
from analytics.line_calendar import line_calendar
from analytics.metrics import target_margin, target_shortfall, target_status
from analytics.periods import week_days

__all__ = ["evaluate_targets", "week_gaps", "line_target", "service_level_threshold",
           "TARGET_COLUMNS", "GAP_COLUMNS"]

TARGET_COLUMNS = ["period_start", "metric", "comparison", "threshold", "queue", "actual",
                  "status", "margin", "shortfall"]
GAP_COLUMNS = ["rank", "metric", "comparison", "threshold", "queue", "actual", "shortfall",
               "relative_shortfall", "days", "worst_intervals_abandoned", "worst_intervals_wait"]

_CALLBACK_METRICS = ("callbacks_due", "callbacks_on_time", "callbacks_pending",
                     "callback_on_time_rate")


def line_target(contract: Contract, metric: str, queues: list[str] | None = None
                ) -> Target | None:
    """The weekly target on ``metric`` for the whole line, or for the one selected queue
    when ``queues`` names exactly one queue with its own target; None without a target."""
    chosen = None
    for target in contract.targets:
        if target.metric != metric or target.period != "week":
            continue
        if target.queue is None and chosen is None:
            chosen = target
        if queues and len(queues) == 1 and target.queue == queues[0]:
            chosen = target
    return chosen


def service_level_threshold(contract: Contract) -> int:
    """The service-level threshold (s) the contract's targets use, else its first one."""
    for target in contract.targets:
        if target.metric.startswith("service_level_"):
            return int(target.metric.removeprefix("service_level_").removesuffix("s"))
    return int(contract.service_level_thresholds[0])


def _has_data(row: pd.Series, metric: str) -> bool:
    if metric in _CALLBACK_METRICS:
        return bool(row["callbacks_due"] + row["callbacks_pending"] > 0)
    return bool(row["offered"] + row["ivr_only"] + row["short_abandoned"] > 0)


def evaluate_targets(con, contract: Contract | None = None, *, period: str | None = "week",
                     start=None, end=None, queues: list[str] | None = None,
                     frames: dict | None = None) -> pd.DataFrame:
    """Every target of the contract for every period: actual, status, margin, shortfall.

    Parameters
    ----------
    period : evaluate the targets set for this period (``week`` by default); None for all
        targets, each at its own period.
    start, end : first and last local day (inclusive); default the days with calls.
    queues : restrict the line-level targets to these queues (queue targets keep theirs).
    frames : optional cache ``{(period, queue): kpi frame}`` shared between calls.

    Returns
    -------
    DataFrame with :data:`TARGET_COLUMNS`; ``status`` is ``met``, ``missed`` or
    ``no_data`` (no calls, or no callbacks due for callback metrics, in the period).
    """
    contract = resolve_contract(con, contract)
    frames = {} if frames is None else frames
    rows = []
    for target in contract.targets:
        if period is not None and target.period != period:
            continue
        key = (target.period, target.queue)
        if key not in frames:
            frames[key] = kpis(con, period=target.period, start=start, end=end,
                               queues=[target.queue] if target.queue else queues,
                               contract=contract)
        frame = frames[key]
        if target.metric not in frame.columns:      # occupancy without staffing data
            values = [None] * len(frame)
        else:
            values = frame[target.metric].tolist()
        for (_, row), actual in zip(frame.iterrows(), values, strict=True):
            if not _has_data(row, target.metric):
                actual = None
            status = target_status(actual, target.comparison, target.threshold)
            margin = target_margin(actual, target.threshold)
            shortfall = target_shortfall(actual, target.comparison, target.threshold)
            rows.append([row["period_start"], target.metric, target.comparison, target.threshold,
                         target.queue, None if status == "no_data" else float(actual), status,
                         margin, shortfall])
    df = pd.DataFrame(rows, columns=TARGET_COLUMNS)
    for col in ("threshold", "actual", "margin", "shortfall"):
        df[col] = df[col].astype("float64")
    return df


def _worst_intervals(frame: pd.DataFrame, n: int) -> tuple[list[dict], list[dict]]:
    busy = frame[frame.offered > 0].copy()
    by_abandoned = busy[busy.abandoned > 0].sort_values(
        ["abandoned", "abandon_rate", "period_start"], ascending=[False, False, True]).head(n)
    waited = busy.answered + busy.abandoned
    busy["wait_total_s"] = busy.wait_all_mean_s * waited
    by_wait = busy[busy.wait_total_s > 0].sort_values(
        ["wait_total_s", "period_start"], ascending=[False, True]).head(n)
    aband = [{"interval": r.period_start, "abandoned": int(r.abandoned), "offered": int(r.offered),
              "abandon_rate": float(r.abandon_rate)} for r in by_abandoned.itertuples()]
    wait = [{"interval": r.period_start, "wait_all_mean_s": float(r.wait_all_mean_s),
             "wait_total_s": float(r.wait_total_s), "offered": int(r.offered)}
            for r in by_wait.itertuples()]
    return aband, wait


def week_gaps(con, contract: Contract | None = None, week: str | None = None, *,
              queues: list[str] | None = None, interval_minutes: int = 30,
              top: int = 3) -> pd.DataFrame:
    """The week's missed targets, worst first, with the days and intervals behind each.

    Parameters
    ----------
    week : ISO week ``YYYY-Www``.
    queues : restrict line-level targets to these queues.
    interval_minutes : interval length (minutes) for the worst-interval lists.
    top : how many worst intervals to list per gap.

    Returns
    -------
    DataFrame with :data:`GAP_COLUMNS`, one row per weekly target missed in the week,
    ranked by ``relative_shortfall`` (shortfall ÷ threshold). ``days`` lists the week's
    days that missed the same threshold (``{'day', 'actual', 'shortfall', 'offered',
    'volume'}``, largest shortfall first; ``volume`` is callbacks due for callback
    metrics, else calls offered); the two interval lists name the intervals with the most
    abandoned calls and the most total waiting time (s) in the target's scope.
    """
    if week is None:
        raise ValueError("week is required, e.g. 2026-W08")
    contract = resolve_contract(con, contract)
    monday, sunday = week_days(week, line_calendar(con, contract).week_start)  # first, last day
    weekly = evaluate_targets(con, contract, period="week", start=monday, end=sunday,
                              queues=queues)
    missed = weekly[weekly.status == "missed"].copy()
    if missed.empty:
        return pd.DataFrame({c: [] for c in GAP_COLUMNS})
    missed["relative_shortfall"] = missed.shortfall / missed.threshold.where(missed.threshold > 0, 1)
    missed = missed.sort_values(["relative_shortfall", "metric"], ascending=[False, True])
    daily_cache: dict = {}
    interval_cache: dict = {}
    rows = []
    for rank, gap in enumerate(missed.itertuples(), start=1):
        q = [gap.queue] if isinstance(gap.queue, str) else queues
        scope = gap.queue if isinstance(gap.queue, str) else None
        if scope not in daily_cache:
            daily_cache[scope] = kpis(con, period="day", start=monday, end=sunday, queues=q,
                                      contract=contract)
            interval_cache[scope] = kpis(con, period="interval", interval_minutes=interval_minutes,
                                         start=monday, end=sunday, queues=q, contract=contract)
        daily = daily_cache[scope]
        target = Target(gap.metric, gap.comparison, gap.threshold, "week", scope)
        days = []
        for _, d in daily.iterrows():
            actual = d.get(target.metric)
            if not _has_data(d, target.metric):
                continue
            if target_status(actual, target.comparison, target.threshold) == "missed":
                shortfall = target_shortfall(actual, target.comparison, target.threshold)
                volume = d["callbacks_due"] if target.metric in _CALLBACK_METRICS else d["offered"]
                days.append({"day": d["period_start"], "actual": float(actual),
                             "shortfall": float(shortfall), "offered": int(d["offered"]),
                             "volume": int(volume)})
        days.sort(key=lambda x: (-x["shortfall"], x["day"]))
        aband, wait = _worst_intervals(interval_cache[scope], top)
        rows.append([rank, gap.metric, gap.comparison, gap.threshold, scope, gap.actual,
                     gap.shortfall, gap.relative_shortfall, days, aband, wait])
    return pd.DataFrame(rows, columns=GAP_COLUMNS)
