"""Thin adapters from the dashboard to :mod:`analytics.planning` (the planning code shared
with ``copil plan --db`` and the quarterly report), with results cached per warehouse
version so that no callback refits the model for a view already computed.

Planning page: :func:`week_plan_view` (one ISO week: daily and half-hour forecast with
bands, Erlang C and Erlang A requirements for the contract's targets) and
:func:`what_if_view` (a planned campaign's extra calls and advisors). Quarterly page:
:func:`quarter_staffing` (advisor-hours logged in vs needed by Erlang A, per week); the
quarter's forecast accuracy lives in :mod:`analytics.review`.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import threading

import numpy as np
import pandas as pd

REQUIRED = ("analytics.planning", "forecasting", "staffing.erlang_c", "staffing.erlang_a")
INTERVAL_MINUTES = 30
WEEKS_AHEAD = 8          # weeks offered on the Planning page, from the first one after the data
HISTORY_DAYS = 8 * 7     # daily history drawn before the planned week
WEEK_RE = re.compile(r"^\d{4}-W\d{2}$")
_fit_lock = threading.Lock()


def _has(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def missing_modules(names=REQUIRED) -> list[str]:
    """The modules the planner needs that are not installed yet."""
    return [name for name in names if not _has(name)]


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
    """The ISO weeks to plan: the week of the day after the last day with calls and the
    ``WEEKS_AHEAD - 1`` after it (a week partly in the data is forecast ex ante)."""
    from analytics.kpis import data_range, iso_week, week_start

    rng = data_range(con)
    if rng is None:
        return {"weeks": [], "last_day": None}
    monday = week_start(iso_week(rng[1] + dt.timedelta(days=1)))
    return {"weeks": [iso_week(monday + dt.timedelta(weeks=k)) for k in range(WEEKS_AHEAD)],
            "last_day": rng[1]}


def read_week_plan(con, week: str) -> dict:
    """Forecast and requirements of ``week`` from :mod:`analytics.planning`.

    Returns a dict: ``intervals`` (the :func:`~analytics.planning.week_forecast` columns,
    then ``agents_c`` (Erlang C) and ``agents_a`` (Erlang A, null when the profile has no
    abandoned call to estimate patience from), ``answer_s``), ``daily`` (date, forecast
    and 80 % / 95 % bands of the daily model, calls), ``history`` (date, calls offered per
    local day before the week), ``targets`` (Erlang A's staffing targets, else Erlang C's),
    ``model_a`` (bool), ``ex_ante``, ``warnings``.
    """
    from analytics import planning, series
    from analytics.kpis import resolve_contract, week_start

    minutes = INTERVAL_MINUTES
    plan_c = planning.week_plan(con, week, interval_minutes=minutes, model="erlang_c")
    iv = plan_c["requirements"]
    model_a = bool(np.isfinite(iv["patience_s"]).all())
    out = iv[[c for c in planning.FORECAST_COLUMNS + ["actual"] if c in iv.columns]].copy()
    out["agents_c"] = iv["agents"].to_numpy()
    targets = plan_c["targets"]
    if model_a:
        plan_a = planning.week_plan(con, week, interval_minutes=minutes, model="erlang_a")
        out["agents_a"] = plan_a["requirements"]["agents"].to_numpy()
        out["answer_s"] = plan_a["requirements"]["answer_s"].to_numpy()
        targets = plan_a["targets"]
    else:
        out["agents_a"] = np.nan
        out["answer_s"] = iv["answer_s"].to_numpy()
    # daily bands come from the daily model (half-hour bands do not add up to daily ones)
    daily = planning.week_daily_forecast(con, week, contract=resolve_contract(con, None))
    monday = week_start(week)
    hist = series.daily_offered(con).groupby("date")["offered"].sum()
    hist.index = pd.to_datetime(hist.index)
    hist = hist[(hist.index >= pd.Timestamp(monday - dt.timedelta(days=HISTORY_DAYS)))]
    return {"week": week, "intervals": out, "daily": daily,
            "history": hist.rename("calls").rename_axis("date").reset_index(),
            "targets": targets, "model_a": model_a,
            "ex_ante": bool(iv.attrs.get("ex_ante")), "warnings": iv.attrs.get("warnings", [])}


def read_what_if(con, week: str, what_if: tuple[str, str, float | None], model: str) -> dict:
    """:func:`analytics.planning.week_what_if` for ``week``: (table, summary)."""
    from analytics import planning

    channel, start, audience = what_if
    table, summary = planning.week_what_if(con, week, channel, start, audience=audience,
                                           interval_minutes=INTERVAL_MINUTES, model=model)
    return {"table": table, "summary": summary, "model": model}


def _read_locked(wh, fn, *args):
    with _fit_lock:  # one fit at a time: concurrent callbacks wait, then hit the cache
        return wh.read(fn, *args)


def week_plan_view(wh, week: str | None = None) -> dict | None:
    """:func:`read_week_plan` for ``week`` (default: the first week to plan), cached per
    warehouse version. None when the warehouse has no calls. ValueError (plain words) when
    the week cannot be planned (bad week, too little history)."""
    weeks = wh.read(read_plan_weeks)
    if not weeks["weeks"]:
        return None
    week = week or weeks["weeks"][0]
    if not WEEK_RE.match(str(week)):
        raise ValueError(f"week {week!r} must look like 2026-W48")
    return _read_locked(wh, read_week_plan, week)


def what_if_view(wh, week: str, what_if: tuple[str, str, float | None], model: str) -> dict:
    """:func:`read_what_if`, cached per warehouse version."""
    return _read_locked(wh, read_what_if, week, what_if, model)


def requirements_csv(result: dict, what_if: dict | None = None) -> str:
    """Half-hour requirements as CSV: local start (ISO 8601 with offset), calls forecast
    with 80 % and 95 % bands, AHT and patience (s), advisors required by Erlang C and by
    Erlang A; with a what-if, the calls and advisors with the campaign (same model as
    ``agents_a``, or Erlang C without patience)."""
    iv = result["intervals"].copy()
    cols = ["period_start", "calls", "lo80", "hi80", "lo95", "hi95", "aht_s", "patience_s",
            "agents_c", "agents_a"]
    if what_if is not None:
        tab = what_if["table"]
        iv["calls_campaign"] = tab["calls_campaign"].to_numpy()
        iv["agents_campaign"] = tab["agents_campaign"].to_numpy()
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
    missing = missing_modules(REQUIRED)
    if missing:
        raise ImportError(", ".join(missing))
    wh = data.current()
    result = week_plan_view(wh, args.get("week") or None)
    if result is None:
        raise ValueError("the warehouse has no calls to forecast from")
    what_if = parse_what_if(args.get("channel"), args.get("date"), args.get("audience"))
    scenario = None
    if what_if is not None:
        scenario = what_if_view(wh, result["week"], what_if,
                                "erlang_a" if result["model_a"] else "erlang_c")
    return requirements_csv(result, scenario), f"copil-requirements-{result['week']}.csv"


# ------------------------------------------------------------------------------ quarterly
def read_quarter_staffing(con, first: dt.date, last: dt.date) -> dict | None:
    """:func:`analytics.planning.staffing_vs_requirement` over ``first..last`` (the
    quarterly report's figures) and its weekly totals; None without staffing data there."""
    from analytics.planning import staffing_vs_requirement, staffing_vs_requirement_weekly

    has = con.execute("select count(*) > 0 from staffing").fetchall()[0][0]
    if not has:
        return None
    try:
        rows = staffing_vs_requirement(con, first, last)
    except ValueError as exc:
        if "no staffing data" in str(exc):
            return None
        raise
    if rows.empty:
        return None
    return {"intervals": rows, "weekly": staffing_vs_requirement_weekly(rows)}


def quarter_staffing(wh, first: dt.date, last: dt.date) -> pd.DataFrame | None:
    """Weekly advisor-hours logged in vs needed (Erlang A at the actual volume, AHT and
    patience), understaffed half-hours, observed vs expected pickup rate; None without
    staffing data in the period."""
    got = wh.read(read_quarter_staffing, first, last)
    return None if got is None else got["weekly"]
