"""Rest-of-day reforecast of a day on the warehouse (the maths: :mod:`forecasting.reforecast`).

The morning's unrevised forecast is the interval forecast of the week plan holding the day
(:func:`analytics.week_plan.plan_week`, fitted ex ante); the calls so far are the staged
offered counts (:func:`analytics.series.interval_offered`) of the day's complete intervals
before ``as_of``; the prior strength comes from the ex-ante daily forecasts of the weeks
before and of the week's earlier days. The day's handle time is revised the same way: the
plan's AHT per interval (:func:`analytics.planning.interval_profile`) times the day's AHT
factor, the morning's handle time over its planned handle time shrunk towards 1 with a
prior strength learned from the same past days (:func:`analytics.series.interval_handling`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from analytics.contract import Contract
from analytics.kpis import line_zone, resolve_contract
from analytics.line_calendar import line_calendar
from analytics.periods import week_label
from analytics.series import interval_handling
from analytics.warehouse import sql_text
from analytics.week_plan import WeekPlan, plan_week
from forecasting.reforecast import (
    estimate_handle_dispersion,
    estimate_handle_prior_strength,
    estimate_interval_dispersion,
    estimate_prior_strength,
    handle_factor,
    reforecast_rest,
)

#: the calls columns every reforecast table starts with
REFORECAST_COLUMNS = ["period_start", "forecast", "reforecast", "lo80", "hi80", "lo95", "hi95"]
#: :attr:`DayReforecast.table`: the calls columns, then the planned and revised AHT (s)
TABLE_COLUMNS = REFORECAST_COLUMNS + ["aht_s", "reaht_s"]
HISTORY_WEEKS = 4
HISTORY_COLUMNS = ["date", "period_start", "actual", "forecast", "aht_s"]


@dataclass(frozen=True)
class DayReforecast:
    """A day's rest-of-day reforecast.

    Attributes
    ----------
    as_of : Timestamp
        Naive local time of the update; calls before ``cutoff`` are used.
    cutoff : Timestamp
        ``as_of`` floored to the interval: the start of the first remaining interval.
    week : str
        The plan's week.
    a, factor, calls_so_far, expected_so_far : float
        Prior strength, posterior busyness factor, calls so far (N) and the plan's
        expectation over the same intervals (Lambda).
    k : float
        Interval-level dispersion of the intraday shape used by the bands.
    history_days : int
        Past days the prior strength was estimated on.
    table : DataFrame
        :data:`TABLE_COLUMNS`, one row per remaining open interval (``period_start`` naive
        local; calls; ``aht_s`` the plan's AHT and ``reaht_s`` the revised AHT, s).
    observed : DataFrame
        The day's open intervals before ``cutoff``: ``period_start``, ``forecast``,
        ``actual`` (calls), ``aht_s`` (planned, s), ``answered`` (calls), ``handle_total_s``
        (s).
    b_aht : float
        Prior strength of the day's AHT factor (answered calls; ``inf``: the past days' AHT
        did not move beyond sampling noise, no update; ``nan``: no AHT history).
    aht_factor : float
        Posterior mean of the day's AHT factor (revised / planned AHT).
    answered_so_far : float
        Answered calls before ``cutoff``.
    handle_so_far_s, planned_handle_so_far_s : float
        Their handle time and the plan's handle time for them (s).
    """

    as_of: pd.Timestamp
    cutoff: pd.Timestamp
    week: str
    a: float
    factor: float
    calls_so_far: float
    expected_so_far: float
    k: float
    history_days: int
    table: pd.DataFrame
    observed: pd.DataFrame
    b_aht: float = float("nan")
    aht_factor: float = 1.0
    answered_so_far: float = 0.0
    handle_so_far_s: float = 0.0
    planned_handle_so_far_s: float = 0.0


def call_span(con: duckdb.DuckDBPyConnection, contract: Contract | None = None
              ) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last call of the warehouse (naive local timestamps)."""
    contract = resolve_contract(con, contract)
    first, last = con.execute(sql_text("call_span"),
                              {"tz": line_zone(con, contract),
                               "short_s": float(contract.short_abandon_s)}).fetchone()
    if first is None:
        raise ValueError("no calls in the warehouse; load a call log with "
                         "'copil ingest calls FILE'")
    return pd.Timestamp(first), pd.Timestamp(last)


def plan_history(plan: WeekPlan, before: dt.date | None = None) -> pd.DataFrame:
    """The plan's intervals of open days with an actual: ``date``, ``period_start`` (naive
    local), ``actual``, ``forecast`` (calls), ``aht_s`` (the plan's AHT, s); only the days
    before ``before`` when given."""
    d = plan.daily_forecast()
    days = d.loc[d["actual"].notna() & (d["forecast"] > 0), "date"]
    if before is not None:
        days = days[days < pd.Timestamp(before)]
    fc = plan.forecast()
    if "actual" not in fc or days.empty:
        return pd.DataFrame(columns=HISTORY_COLUMNS)
    wall = fc["period_start"].dt.tz_localize(None)
    out = pd.DataFrame({"date": wall.dt.normalize(), "period_start": wall,
                        "actual": fc["actual"].astype(float),
                        "forecast": fc["calls"].astype(float),
                        "aht_s": fc["aht_s"].astype(float)})
    return out[out["date"].isin(days) & out["actual"].notna()].reset_index(drop=True)


def prior_history(con: duckdb.DuckDBPyConnection, day: dt.date, *,
                  weeks: int = HISTORY_WEEKS, interval_minutes: int = 30,
                  contract: Contract | None = None) -> pd.DataFrame:
    """Past open days' intervals (:func:`plan_history`: actual and ex-ante forecast) over
    the ``weeks`` weeks before the week of ``day`` (one plan fit per week)."""
    cal = line_calendar(con, contract)
    rows = []
    for k in range(1, weeks + 1):
        label = week_label(day - dt.timedelta(days=7 * k), cal.week_start)
        try:
            plan = plan_week(con, label, interval_minutes=interval_minutes, contract=contract)
        except ValueError:      # no history before that week
            break
        rows.append(plan_history(plan))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(
        columns=HISTORY_COLUMNS)


def reforecast_day(con: duckdb.DuckDBPyConnection, as_of=None, *,
                   interval_minutes: int = 30, contract: Contract | None = None,
                   plan: WeekPlan | None = None, history: pd.DataFrame | None = None
                   ) -> DayReforecast:
    """Reforecast the rest of the day of ``as_of`` from the calls arrived before it.

    Parameters
    ----------
    con : DuckDB connection to the warehouse.
    as_of : str or Timestamp, optional
        Naive local time ``YYYY-MM-DD HH:MM`` (default: the warehouse's latest call);
        must lie between the first and the last call.
    interval_minutes : int
        Interval length (minutes).
    contract : Contract, optional
        Default: the warehouse's.
    plan : WeekPlan, optional
        The plan of the week holding the day (fitted here when not given).
    history : DataFrame, optional
        Past intervals ``date, period_start, actual, forecast`` and optionally ``aht_s``
        (default: :func:`prior_history`); the week's days before the day are added from
        ``plan``. Their day totals give the prior strength ``a``, their intervals the shape
        dispersion ``k`` of the bands; with ``aht_s``, their answered calls and handle time
        the prior strength ``b_aht`` of the day's AHT factor (without it the AHT of the
        history rows is unknown and those rows are left out of ``b_aht``).

    Returns
    -------
    DayReforecast
    """
    first, last = call_span(con, contract)
    if as_of is None:
        as_of = last
    try:
        as_of = pd.Timestamp(as_of)
    except ValueError:
        raise ValueError(f"as-of {as_of!r}: expected 'YYYY-MM-DD HH:MM'") from None
    if as_of.tzinfo is not None:
        raise ValueError("as-of is a local wall-clock time without a zone, e.g. "
                         "'2026-11-19 11:00'")
    if not first <= as_of <= last:
        raise ValueError(f"as-of {as_of:%Y-%m-%d %H:%M} is outside the data: calls run from "
                         f"{first:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M} (local time); "
                         "pick a time in that range")
    day = as_of.date()
    if plan is None:
        cal = line_calendar(con, contract)
        plan = plan_week(con, week_label(day, cal.week_start),
                         interval_minutes=interval_minutes, contract=contract)
    if history is None:
        history = prior_history(con, day, interval_minutes=interval_minutes,
                                contract=contract)
    parts = [h for h in (history, plan_history(plan, before=day)) if len(h)]
    history = (pd.concat(parts, ignore_index=True) if parts
               else pd.DataFrame(columns=HISTORY_COLUMNS))
    totals = history.groupby("date")[["actual", "forecast"]].sum()
    a = estimate_prior_strength(totals["actual"], totals["forecast"])
    k = estimate_interval_dispersion(history["actual"], history["forecast"], history["date"])
    if pd.isna(a):
        raise ValueError(f"no past day with a forecast and calls before {day}; the "
                         "reforecast needs at least one week of history")

    minutes = plan.interval_minutes
    cutoff = as_of.floor(f"{minutes}min")
    fc = plan.forecast()
    wall = fc["period_start"].dt.tz_localize(None)
    # the repeated autumn hour is one wall-clock bucket (KPI convention): merge it
    today = (pd.DataFrame({"period_start": wall, "forecast": fc["calls"].astype(float)})
             [wall.dt.normalize() == pd.Timestamp(day)]
             .groupby("period_start", as_index=False)["forecast"].sum())
    # intervals of the line's opening hours only (a calendar without hours keeps all)
    today = today[plan.calendar.slot_open_mask(today["period_start"], minutes)
                  | (today["forecast"] > 0)]
    done = today["period_start"] < cutoff
    iv = plan.offered_intervals
    so_far = iv[(iv["period_start"] >= pd.Timestamp(day)) & (iv["period_start"] < cutoff)]
    observed = today[done].reset_index(drop=True)
    observed["actual"] = observed["period_start"].map(
        so_far.groupby("period_start")["offered"].sum()).fillna(0.0).astype(float)
    n = float(so_far["offered"].sum())
    lam = float(observed["forecast"].sum())
    rest = today[~done].set_index("period_start")["forecast"]
    rf = reforecast_rest(rest, a=a, calls_so_far=n, expected_so_far=lam, k=k)
    table = rf.table.rename_axis("period_start").reset_index()[REFORECAST_COLUMNS]

    # the day's handle time: the plan's AHT per interval times the day's AHT factor
    aht = (pd.DataFrame({"period_start": wall, "aht_s": fc["aht_s"].astype(float)})
           .groupby("period_start")["aht_s"].first())
    table["aht_s"] = table["period_start"].map(aht).to_numpy(float)
    observed["aht_s"] = observed["period_start"].map(aht).to_numpy(float)
    first_day = min([day, *pd.to_datetime(history["date"]).dt.date]) if len(history) else day
    handled = interval_handling(con, first_day, day, minutes, contract=contract)
    handled = handled.set_index("period_start")
    for col in ("answered", "handle_total_s"):
        observed[col] = observed["period_start"].map(handled[col]).fillna(0.0).to_numpy(float)
    b_aht = float("nan")
    if "aht_s" in history and len(history):
        past = history.assign(
            answered=history["period_start"].map(handled["answered"]).to_numpy(float),
            handle_total_s=history["period_start"].map(handled["handle_total_s"])
            .to_numpy(float))
        args = (past["answered"], past["handle_total_s"], past["aht_s"], past["date"])
        b_aht = estimate_handle_prior_strength(*args, c2=estimate_handle_dispersion(*args))
    ok = observed["aht_s"].notna() & (observed["aht_s"] > 0)
    answered = float(observed.loc[ok, "answered"].sum())
    handle = float(observed.loc[ok, "handle_total_s"].sum())
    planned = float((observed.loc[ok, "answered"] * observed.loc[ok, "aht_s"]).sum())
    phi = handle_factor(b_aht, answered, handle, planned) if not pd.isna(b_aht) else 1.0
    table["reaht_s"] = table["aht_s"] * phi
    return DayReforecast(as_of=as_of, cutoff=cutoff, week=plan.week, a=rf.a,
                         factor=rf.factor, calls_so_far=n, expected_so_far=lam,
                         k=k, history_days=len(totals), table=table[TABLE_COLUMNS],
                         observed=observed, b_aht=b_aht, aht_factor=phi,
                         answered_so_far=answered, handle_so_far_s=handle,
                         planned_handle_so_far_s=planned)
