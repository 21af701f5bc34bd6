"""Thin adapters from the dashboard to the planning library, with results cached per
warehouse version so that no callback refits the model for a view already computed.

Planning page: :func:`week_plan_view` (one week's :class:`analytics.week_plan.WeekPlan`,
the object ``copil plan --db`` uses: one fit gives the daily and half-hour forecasts,
Erlang C and Erlang A requirements and the what-if) and :func:`plan_weeks_view` (the weeks
offered). The Quarterly page's figures (staffing vs need, forecast accuracy) come from
:mod:`analytics.review`.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import TYPE_CHECKING

from analytics.bounds import PLANNING_WEEKS_AHEAD as WEEKS_AHEAD  # weeks offered

if TYPE_CHECKING:
    from analytics.week_plan import WeekPlan, WhatIf

INTERVAL_MINUTES = 30
HISTORY_DAYS = 8 * 7     # daily history drawn before the planned week
_fit_lock = threading.Lock()


def parse_what_if(channel, date, audience) -> tuple[str, str, float | None] | None:
    """``(channel, 'YYYY-MM-DD', audience or None)`` from the form, None without channel or
    date; ValueError for an audience that is not a positive number of people."""
    if not channel or not date:
        return None
    audience_value = None
    if audience not in (None, ""):
        audience_value = float(audience)
        if not audience_value > 0:
            raise ValueError("audience must be a positive number of people")
    return str(channel), str(date)[:10], audience_value


# ------------------------------------------------------------------------------ readers
def read_plan_weeks(con) -> dict:
    """The weeks to plan, in the line's weeks (:func:`analytics.line_calendar.line_calendar`'s
    ``week_start``): the week of the day after the last day with calls and the
    ``WEEKS_AHEAD - 1`` after it (a week partly in the data is forecast ex ante)."""
    from analytics.kpis import data_range
    from analytics.line_calendar import line_calendar
    from analytics.periods import week_first_day, week_label

    rng = data_range(con)
    if rng is None:
        return {"weeks": [], "last_day": None}
    week_start = line_calendar(con).week_start
    first = week_first_day(rng[1] + dt.timedelta(days=1), week_start)
    return {"weeks": [week_label(first + dt.timedelta(weeks=k), week_start)
                      for k in range(WEEKS_AHEAD)], "last_day": rng[1]}


def read_week_plan(con, week: str) -> WeekPlan:
    """:func:`analytics.week_plan.plan_week` for ``week`` (half hours, the warehouse's
    contract and calendar): the one fit every figure of the Planning page comes from."""
    from analytics.bounds import PLANNING_MARGIN_DAYS
    from analytics.week_plan import plan_week

    return plan_week(con, week, interval_minutes=INTERVAL_MINUTES,
                     max_days_after=PLANNING_MARGIN_DAYS)


def week_model(plan: WeekPlan) -> str:
    """The model the what-if is sized with: Erlang A when patience is known, else Erlang C."""
    return "erlang_a" if plan.has_patience else "erlang_c"


def plan_weeks_view(wh) -> dict:
    """:func:`read_plan_weeks`, cached per warehouse version."""
    return wh.read(read_plan_weeks)


def week_plan_view(wh, week: str | None = None) -> WeekPlan | None:
    """The :class:`~analytics.week_plan.WeekPlan` of ``week`` (default: the first week to
    plan), cached per warehouse version and week: one fit per week, whatever the number of
    callbacks and downloads. None when the warehouse has no calls. ValueError (plain words)
    when the week cannot be planned (bad week, too little history)."""
    from analytics.periods import parse_week

    weeks = plan_weeks_view(wh)
    if not weeks["weeks"]:
        return None
    week = parse_week(week or weeks["weeks"][0])
    with _fit_lock:  # one fit at a time: concurrent callbacks wait, then hit the cache
        return wh.read(read_week_plan, week)


def what_if_view(plan: WeekPlan, what_if: tuple[str, str, float | None]) -> WhatIf:
    """The plan's what-if for ``(channel, start date, audience)`` (same fit, memoised)."""
    channel, start, audience = what_if
    return plan.what_if(channel, start, audience, model=week_model(plan))


def requirements_csv(plan: WeekPlan, what_if: WhatIf | None = None) -> str:
    """Half-hour requirements as CSV: local start (ISO 8601 with offset), calls forecast
    with 80 % and 95 % bands, AHT and patience (s), advisors required by Erlang C and by
    Erlang A; with a what-if, the calls and advisors with the campaign (same model as
    ``agents_a``, or Erlang C without patience)."""
    iv = plan.agents()
    cols = ["period_start", "calls", "lo80", "hi80", "lo95", "hi95", "aht_s", "patience_s",
            "agents_c", "agents_a"]
    if what_if is not None:
        iv["calls_campaign"] = what_if.table["calls_campaign"].to_numpy()
        iv["agents_campaign"] = what_if.table["agents_campaign"].to_numpy()
        cols += ["calls_campaign", "agents_campaign"]
    iv["period_start"] = iv["period_start"].map(lambda ts: ts.isoformat())
    for c in ("calls", "lo80", "hi80", "lo95", "hi95", "calls_campaign"):
        if c in iv:
            iv[c] = iv[c].round(3)
    for c in ("aht_s", "patience_s"):
        iv[c] = iv[c].round(1)
    iv["agents_a"] = iv["agents_a"].astype("Int64")
    return iv[cols].to_csv(index=False)


def planning_csv(what: str, args) -> tuple[str, str]:
    """CSV text and file name of the requirements or shifts download."""
    from dashboards import data

    if what == "shifts":
        raise ImportError("shift plans in the dashboard; 'copil plan --db ... --week ... "
                          "--out plan.csv' builds them")
    plan = week_plan_view(data.current(), args.get("week") or None)
    if plan is None:
        raise ValueError("the warehouse has no calls to forecast from")
    what_if = parse_what_if(args.get("channel"), args.get("date"), args.get("audience"))
    scenario = None if what_if is None else what_if_view(plan, what_if)
    return requirements_csv(plan, scenario), f"copil-requirements-{plan.week}.csv"


def read_stored_plan(con, week: str):
    """The latest stored plan of ``week`` (half hours; :func:`analytics.plan_store.latest_plan`),
    None when none was saved."""
    from analytics.plan_store import latest_plan

    return latest_plan(con, week, interval_minutes=INTERVAL_MINUTES)


def stored_plan_view(wh, week: str):
    """:func:`read_stored_plan`, cached per warehouse version (a save publishes a new one)."""
    return wh.read(read_stored_plan, week)


def shift_inputs(plan: WeekPlan, what_if: tuple[str, str, float | None] | None):
    """The inputs of the page's shift plan: the page's model (:func:`week_model`), half
    hours, and the what-if on screen, if any (a re-plan after a what-if is one action)."""
    from analytics.plan_store import PlanInputs

    return PlanInputs(model=week_model(plan), interval_minutes=INTERVAL_MINUTES,
                      campaign=tuple(what_if) if what_if is not None else None)

