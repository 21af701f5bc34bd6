"""The review of a week or a quarter: every figure computed once, for every face.

:func:`week_review` and :func:`quarter_review` return results objects read by the
weekly and quarterly reports (:mod:`analytics.reports`), the Weekly and Quarterly
dashboard pages and ``copil review``. The weeks of a quarter are
:func:`analytics.periods.weeks_of_quarter` (a week belongs to the quarter holding its
Thursday), so every week is in exactly one quarter.

KPI rows are ``analytics.kpis`` weeks (ISO, Monday to Sunday) labelled ``YYYY-Www``; for a
line whose week starts on another day the label is the same (the ISO week of its
Thursday) while the KPI days stay Monday to Sunday.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from analytics.bounds import check_quarter, check_week
from analytics.contract import Contract
from analytics.kpis import data_range, kpis, last_complete_week, resolve_contract
from analytics.line_calendar import LineCalendar, line_calendar
from analytics.periods import (
    week_days,
    week_label,
    weeks_of_quarter,
)
from analytics.review.accuracy import ForecastAccuracy, forecast_accuracy
from analytics.review.attribution import GapAttribution, week_attribution
from analytics.review.campaigns import campaign_review
from analytics.targets import evaluate_targets

__all__ = ["Review", "WeekReview", "QuarterReview", "week_review", "quarter_review",
           "TREND_WEEKS", "COMPLIANCE_COLUMNS", "VOLUME_COLUMNS"]

#: weeks of the trend shown with a week (the week and the 12 before)
TREND_WEEKS = 13
COMPLIANCE_COLUMNS = ["week", "metric", "comparison", "threshold", "queue", "actual",
                      "status", "complete"]
VOLUME_COLUMNS = ["week", "offered", "last_year_week", "offered_last_year", "change"]


@dataclass(frozen=True)
class Review:
    """Figures of a period (a week or a quarter), each computed once.

    Attributes
    ----------
    kind : ``week`` or ``quarter``; period : its label (``YYYY-Www`` / ``YYYY-Qn``).
    first, last : first and last day of the period's weeks (line's week).
    calendar : the line calendar's one-line description (:meth:`LineCalendar.describe`).
    week_labels : the period's weeks, in order.
    weeks : one row per week: ``week`` then the ``copil kpis`` columns (counts, rates as
        fractions, durations in seconds), queue filter applied.
    compliance : one row per week and weekly target of the contract:
        :data:`COMPLIANCE_COLUMNS` (``status`` met / missed / no_data; ``complete`` False
        for a week whose last open day is not in the data yet: not judged).
    volume : per week, calls offered and those of the same week label a year before:
        :data:`VOLUME_COLUMNS` (``change`` fraction; null without data a year before).
    campaigns : :func:`analytics.review.campaigns.campaign_review` (campaigns whose effect
        window overlaps the period).
    forecast_accuracy : the forecast made on the eve of the period.
    staffing : :func:`analytics.planning.staffing_vs_requirement_weekly` for the period's
        weeks (empty without staffing data).
    queues : the queue filter of ``weeks`` and ``volume`` (None: the whole line).
    """

    kind: str
    period: str
    first: dt.date
    last: dt.date
    calendar: str
    week_labels: tuple[str, ...]
    weeks: pd.DataFrame
    compliance: pd.DataFrame
    volume: pd.DataFrame
    campaigns: pd.DataFrame
    forecast_accuracy: ForecastAccuracy
    staffing: pd.DataFrame
    queues: tuple[str, ...] | None
    contract: Contract
    week_start: int = 0           # the line's week start (Monday = 0, Sunday = 6)

    def compliance_summary(self) -> pd.DataFrame:
        """Per weekly target: ``metric, comparison, threshold, queue, met, evaluated,
        share_met`` over the complete weeks (``share_met`` fraction, null when none)."""
        cols = ["metric", "comparison", "threshold", "queue", "met", "evaluated", "share_met"]
        rows = []
        done = self.compliance[self.compliance["complete"]]
        for t in self.contract.targets:
            if t.period != "week":
                continue
            sel = done[(done["metric"] == t.metric) & (done["comparison"] == t.comparison)
                       & ((done["queue"] == t.queue) if t.queue else done["queue"].isna())]
            evaluated = int((sel["status"] != "no_data").sum())
            met = int((sel["status"] == "met").sum())
            rows.append([t.metric, t.comparison, t.threshold, t.queue, met, evaluated,
                         met / evaluated if evaluated else None])
        return pd.DataFrame(rows, columns=cols)

    def volume_total(self) -> dict:
        """Calls offered over the period's weeks and over the same weeks a year before
        (``offered``, ``offered_last_year`` calls, null without data; ``change``)."""
        now = int(self.volume["offered"].sum())
        then = self.volume["offered_last_year"].dropna()
        then_v = int(then.sum()) if len(then) else None
        change = (now - then_v) / then_v if then_v else None
        return {"offered": now, "offered_last_year": then_v, "change": change}


@dataclass(frozen=True)
class WeekReview(Review):
    """A week's review, plus its trend and its days.

    trend : ``weeks``-shaped rows of the :data:`TREND_WEEKS` weeks ending with this one.
    trend_targets : :func:`analytics.targets.evaluate_targets` over the trend's weeks.
    daily : the week's KPIs per local day (``copil kpis --period day``).
    attribution : why the week's targets were missed
        (:func:`analytics.review.attribution.week_attribution`: the gap of each missed
        weekly target and missed interval split into forecast error, AHT drift, staffing
        gap and remainder).
    """

    trend: pd.DataFrame = None
    trend_targets: pd.DataFrame = None
    daily: pd.DataFrame = None
    attribution: GapAttribution = None

    def row(self, week: str | None = None) -> pd.Series | None:
        """The trend row of ``week`` (default: this week), None when absent."""
        hit = self.trend[self.trend["week"] == (week or self.period)]
        return hit.iloc[0] if len(hit) else None

    @property
    def previous_week(self) -> str:
        return week_label(self.first - dt.timedelta(days=7), self.week_start)


@dataclass(frozen=True)
class QuarterReview(Review):
    """A quarter's review (see :class:`Review`)."""


# ---------------------------------------------------------------------------- pieces

def _span(labels, ws: int) -> tuple[dt.date, dt.date]:
    return week_days(labels[0], ws)[0], week_days(labels[-1], ws)[1]


def _week_rows(con, labels, contract, queues, ws: int,
               covering: pd.DataFrame | None = None) -> pd.DataFrame:
    """KPI rows of the weeks ``labels``; ``covering``: rows already read for a span holding
    them (same contract, queues and week start), filtered instead of read again."""
    if covering is not None:
        return covering[covering["week"].isin(labels)].reset_index(drop=True)
    first, last = _span(labels, ws)
    df = kpis(con, period="week", start=first, end=last, contract=contract,
              queues=list(queues) if queues else None, week_start=ws)
    df.insert(0, "week", [week_label(d, ws) for d in df["period_start"]])
    return df[df["week"].isin(labels)].reset_index(drop=True)


def _target_frames(con, rows: pd.DataFrame, contract, queues, ws: int) -> dict:
    """:func:`analytics.targets.evaluate_targets`'s frames seeded with ``rows`` (whole-line
    weekly KPIs) when they are what it would read itself: no queue filter and the week
    start it uses; else empty."""
    if queues or line_calendar(con, contract).week_start != ws:
        return {}
    return {("week", None): rows}


def _complete(labels, con) -> list[bool]:
    done = last_complete_week(con)
    return [done is not None and lab <= done for lab in labels]


def _compliance(con, labels, contract, ws: int,
                frames: dict | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    first, last = _span(labels, ws)
    targets = evaluate_targets(con, contract, period="week", start=first, end=last,
                               frames=frames)
    targets.insert(0, "week", [week_label(d, ws) for d in targets["period_start"]])
    targets = targets[targets["week"].isin(labels)].reset_index(drop=True)
    complete = dict(zip(labels, _complete(labels, con), strict=True))
    grid = targets.assign(complete=[complete[w] for w in targets["week"]])
    return grid[COMPLIANCE_COLUMNS], targets


def _volume(con, weeks: pd.DataFrame, contract, queues, ws: int) -> pd.DataFrame:
    """Offered per week and per the same week label a year before (one KPI read for all
    the year-before weeks with data)."""
    rng = data_range(con)
    before = {}
    for label in weeks["week"]:
        year, w = (int(x) for x in label.split("-W"))
        try:
            before[label] = (f"{year - 1}-W{w:02d}", *week_days(f"{year - 1}-W{w:02d}", ws))
        except ValueError:       # week 53 without a counterpart a year before
            before[label] = None
    read = [b for b in before.values() if b is not None and rng is not None and b[2] >= rng[0]]
    offered_then = {}
    if read:
        frame = kpis(con, period="week", start=min(b[1] for b in read),
                     end=max(b[2] for b in read), contract=contract,
                     queues=list(queues) if queues else None, week_start=ws)
        offered_then = {week_label(d, ws): int(n)
                        for d, n in zip(frame["period_start"], frame["offered"], strict=True)}
    rows = []
    for label, offered in zip(weeks["week"], weeks["offered"], strict=True):
        b = before[label]
        if b is None:
            rows.append([label, int(offered), None, None, None])
        elif b not in read:
            rows.append([label, int(offered), b[0], None, None])
        else:
            then = offered_then[b[0]]
            rows.append([label, int(offered), b[0], then,
                         (offered - then) / then if then else None])
    return pd.DataFrame(rows, columns=VOLUME_COLUMNS)


def _staffing(con, first, last, labels, contract) -> pd.DataFrame:
    from analytics.planning import staffing_vs_requirement, staffing_vs_requirement_weekly

    if not con.execute("select count(*) > 0 from staffing").fetchall()[0][0]:
        return pd.DataFrame()
    try:
        rows = staffing_vs_requirement(con, first, last, contract=contract)
    except ValueError as exc:
        if "no staffing data" in str(exc):
            return pd.DataFrame()
        raise
    weekly = staffing_vs_requirement_weekly(rows)
    return weekly[weekly["week"].isin(labels)].reset_index(drop=True)


def _build(cls, con, kind, period, labels, cal: LineCalendar, contract, queues,
           covering: pd.DataFrame | None = None, frames: dict | None = None, **extra):
    first = week_days(labels[0], cal.week_start)[0]
    last = week_days(labels[-1], cal.week_start)[1]
    ws = cal.week_start
    weeks = _week_rows(con, labels, contract, queues, ws, covering)
    if frames is None:
        frames = _target_frames(con, weeks, contract, queues, ws)
    compliance, _ = _compliance(con, labels, contract, ws, frames)
    return cls(
        kind=kind, period=period, first=first, last=last, calendar=cal.describe(),
        week_labels=tuple(labels), weeks=weeks, compliance=compliance,
        volume=_volume(con, weeks, contract, queues, ws),
        campaigns=campaign_review(con, first, last, contract=contract, calendar=cal),
        forecast_accuracy=forecast_accuracy(con, first, last, contract=contract, calendar=cal),
        staffing=_staffing(con, first, last, labels, contract), queues=queues,
        contract=contract, week_start=ws, **extra)


# ------------------------------------------------------------------------------ public

def week_review(con, week: str, *, contract: Contract | None = None,
                queues: tuple[str, ...] | None = None) -> WeekReview:
    """The review of ``week`` (``YYYY-Www``): see :class:`Review` and :class:`WeekReview`.
    :class:`analytics.bounds.PeriodOutsideData` for a week without any day in the data."""
    week = check_week(con, week)
    cal = line_calendar(con, contract)
    contract = resolve_contract(con, contract)
    ws = cal.week_start
    first, last = week_days(week, ws)
    trend_labels = [week_label(first - dt.timedelta(weeks=k), ws)
                    for k in range(TREND_WEEKS - 1, -1, -1)]
    trend = _week_rows(con, trend_labels, contract, queues, ws)
    # the trend's KPI frames serve the week's rows and every target evaluation again
    frames = _target_frames(con, trend, contract, queues, ws)
    _, trend_targets = _compliance(con, trend_labels, contract, ws, frames)
    daily = kpis(con, period="day", start=first, end=last, contract=contract,
                 queues=list(queues) if queues else None)
    this = trend[trend["week"] == week]
    attribution = week_attribution(con, week, this.iloc[0] if len(this) else None,
                                   contract=contract, week_start=ws, queues=queues)
    return _build(WeekReview, con, "week", week, [week], cal, contract, queues,
                  covering=trend, frames=frames, trend=trend, trend_targets=trend_targets,
                  daily=daily, attribution=attribution)


def quarter_review(con, quarter: str, *, contract: Contract | None = None,
                   queues: tuple[str, ...] | None = None) -> QuarterReview:
    """The review of ``quarter`` (``YYYY-Qn``) over its weeks
    (:func:`analytics.periods.weeks_of_quarter` with the line's week start).
    :class:`analytics.bounds.PeriodOutsideData` for a quarter whose weeks miss the data."""
    quarter = check_quarter(con, quarter)
    cal = line_calendar(con, contract)
    contract = resolve_contract(con, contract)
    return _build(QuarterReview, con, "quarter", quarter,
                  weeks_of_quarter(quarter, cal.week_start), cal, contract, queues)
