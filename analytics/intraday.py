"""The day so far and its projected end: :func:`intraday_day` (→ :class:`Intraday`), with
:class:`DayProjection` (today so far, the reforecast, the end-of-day indicators by Erlang A
with a band, the callbacks due today at risk) and :class:`NetStaffing` (required, planned
and logged-in advisors per interval, their differences and sums).

Homes read, never re-derived here:

- the calls so far: the KPI function :func:`analytics.kpis.kpis` over the day's calls
  arrived before the cutoff (``before=``), so offered/answered/abandoned/service level are
  the staging model's (``stg_calls.sql``);
- the rest of the day's calls: :func:`analytics.reforecast.reforecast_day`;
- what was planned per interval (AHT, patience, Erlang A advisors, stored shift plan):
  :func:`analytics.planned.planned_intervals`;
- advisors logged in: the staffing table through ``staffed_intervals.sql``;
- Erlang A at a (fractional) number of advisors: :func:`analytics.planning.evaluate_fractional`;
  advisors required for the contract's targets: :func:`analytics.planning.required_advisors`
  with :func:`analytics.planning.staffing_targets`;
- callbacks due today: the KPI function's ``callbacks_due / callbacks_on_time /
  callbacks_pending`` (the 72-hour promise of the glossary).

**Planned advisors.** The stored shift plan's ``scheduled`` advisors when one was stored
(:func:`~analytics.planned.planned_intervals`, ``plan_source='stored'``); without one, the
plan's own Erlang A requirement ``agents_a`` (what the week plan said the interval needed;
Erlang C's ``agents_c`` when the profile has no patience), flagged
``planned_source='requirement'`` and said so on the page and by the CLI.

**Net staffing (NICE).** NICE CXone WFM's net staffing compares, per interval, *Req* (the
agents required by the forecast) with *Sched* (agents scheduled to be open for
interactions); *Diff* is their difference, an interval is overstaffed when Sched > Req and
understaffed when Sched < Req ("Net Staffing Bar", help.nice-incontact.com
…/workforcemanagement/netstaffingthresholds.htm; "Schedule Optimization Rules",
…/optimizationrules.htm: 105 available for 100 required is "+5", 90 is "-10"). Over- and
under-scheduled are summed here as NICE's example reads them, interval by interval and
never netted (an overstaffed 11:15 does not cover an understaffed 11:45), in advisor-hours:
``over_scheduled_h = sum(max(planned - required, 0)) x h`` and ``under_scheduled_h =
sum(max(required - planned, 0)) x h`` (``h`` the interval in hours). The same sums on the
staffing actually available (logged in before the as-of, planned after) give
``over_staffed_h`` and ``shortfall_h`` (the shortfall advisor-hours).

Units: calls per interval, seconds, rates in [0, 1], advisors (time-averaged counts),
advisor-hours. Times are the line's naive local wall clock.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from analytics.contract import Contract
from analytics.kpis import kpis, line_zone, resolve_contract
from analytics.metrics import target_status
from analytics.planned import planned_intervals
from analytics.planning import evaluate_fractional, required_advisors, staffing_targets
from analytics.reforecast import DayReforecast, reforecast_day
from analytics.targets import line_target, service_level_threshold
from analytics.warehouse import sql_text

__all__ = ["Intraday", "DayProjection", "NetStaffing", "intraday_day", "intraday_days",
           "combine_day", "scheduling_sums", "pick_as_of",
           "implied_attendance", "STAFFING_AHEAD", "INDICATORS"]

#: how the advisors of the intervals after the as-of are taken: ``plan`` (the planned
#: advisors), ``persist`` (planned x the day's logged-in / planned ratio so far: the
#: morning's realised shrinkage carried forward; without staffing data, the ratio the
#: calls answered so far imply, :func:`implied_attendance`), ``logged`` (the staffing
#: table where it already holds the interval: replaying a past day with its staffing known)
STAFFING_AHEAD = ("plan", "persist", "logged")
#: the end-of-day indicators, in the order of the page's headline figures
INDICATORS = ("offered", "pickup_rate", "service_level", "asa_s", "abandoned",
              "abandon_rate")
NET_COLUMNS = ["period_start", "calls", "calls_source", "aht_s", "patience_s", "required",
               "planned", "planned_source", "logged_in", "staffed", "net_staffing",
               "planned_vs_required", "logged_vs_planned", "shrinkage"]


@dataclass(frozen=True)
class DayProjection:
    """A day so far and its projected end (shared indicators: no staffing detail).

    Attributes
    ----------
    day : date
        The local day.
    as_of, cutoff : Timestamp
        Naive local time asked for, and the start of the first interval still to come
        (calls before ``cutoff`` are "so far").
    so_far : Series
        The KPI function's row for the day's calls before ``cutoff``
        (:func:`analytics.kpis.kpis` columns).
    indicators : DataFrame
        One row per :data:`INDICATORS` name: ``metric`` (the registry name, e.g.
        ``service_level_30s``), ``so_far``, ``projected`` (end of day), ``low``, ``high``
        (the band: the end of day when every remaining interval's calls sit at the
        reforecast's 80 % lower or upper bound), ``comparison``, ``threshold`` (the
        contract's target, None without one; for ``offered`` the morning forecast of the
        day, as ``'~'``), ``status`` (``met``/``missed``/``no_data`` of the projection).
    intervals : DataFrame
        The remaining intervals: ``period_start``, ``calls`` (reforecast), ``lo80``,
        ``hi80``, ``aht_s``, ``patience_s``, ``advisors`` (taken as :data:`STAFFING_AHEAD`
        says), ``pickup_rate``, ``p_abandon``, ``service_level`` (answered within T /
        offered), ``asa_s`` (Erlang A at ``calls``).
    callbacks : dict
        Callbacks whose 72-hour deadline falls today: ``due`` (deadline passed),
        ``on_time``, ``late`` (``due - on_time``), ``at_risk`` (still open, deadline later
        today: the KPI's ``callbacks_pending`` of the day at ``as_of``), ``on_time_rate``
        (``on_time / due``, None when none is due), and the contract's target on
        ``callback_on_time_rate``: ``comparison``, ``threshold``, ``status`` (None without).
    forecast_total, reforecast_total : float
        The morning forecast of the whole day and the so-far + reforecast total (calls).
    answer_s : float
        Service-level threshold T (s) of the contract's target.
    staffing_ahead : str
        See :data:`STAFFING_AHEAD`.
    attendance : float
        The factor applied to the planned advisors ahead (``persist``): logged in /
        planned so far (``attendance_source='logged_in'``), else, without staffing data,
        :func:`implied_attendance` from the calls answered so far (``'implied'``); 1 with
        ``plan``/``logged`` or nothing to learn from (``'plan'``).
    residual : dict
        ``pickup_rate`` and ``service_level``: the morning's observed minus Erlang A's
        value at the advisors it had (rate points as fractions), added to every remaining
        interval's Erlang A value when ``calibrate`` (0 otherwise).
    """

    day: dt.date
    as_of: pd.Timestamp
    cutoff: pd.Timestamp
    so_far: pd.Series
    indicators: pd.DataFrame
    intervals: pd.DataFrame
    callbacks: dict
    forecast_total: float
    reforecast_total: float
    answer_s: float
    staffing_ahead: str
    attendance: float
    attendance_source: str
    residual: dict


@dataclass(frozen=True)
class NetStaffing:
    """Required, planned and logged-in advisors per interval of the day.

    Attributes
    ----------
    table : DataFrame
        :data:`NET_COLUMNS`, one row per open interval of the day: ``calls`` (actual before
        the cutoff, reforecast after: ``calls_source``), ``aht_s``, ``patience_s`` (the
        plan's, s), ``required`` (Erlang A advisors for the contract's targets at
        ``calls``), ``planned`` (see the module notes; ``planned_source`` ``stored`` or
        ``requirement``), ``logged_in`` (staffing table; only intervals begun before the
        as-of, null after and without staffing data), ``staffed`` (logged in, else
        planned), ``net_staffing`` (``staffed - required``), ``planned_vs_required``,
        ``logged_vs_planned`` (advisors) and ``shrinkage`` (``1 - logged_in / planned``).
    over_scheduled_h, under_scheduled_h : float
        NICE's over- and under-scheduled sums of ``planned - required`` (advisor-hours).
    over_staffed_h, shortfall_h : float
        The same on ``staffed - required`` (advisor-hours).
    realised_shrinkage : float
        ``1 - sum(logged_in) / sum(planned)`` over the intervals with both (nan without).
    planned_source : str
        ``stored`` when a stored shift plan gave every planned figure, else ``requirement``.
    has_staffing : bool
        Whether the warehouse has staffing data for the day.
    interval_minutes : int
    """

    table: pd.DataFrame
    over_scheduled_h: float
    under_scheduled_h: float
    over_staffed_h: float
    shortfall_h: float
    realised_shrinkage: float
    planned_source: str
    has_staffing: bool
    interval_minutes: int


@dataclass(frozen=True)
class Intraday:
    """One as-of's intraday view: the reforecast, the projection and the net staffing."""

    reforecast: DayReforecast
    projection: DayProjection
    staffing: NetStaffing

    def to_dict(self, *, staffing: bool = True) -> dict:
        """Plain JSON-able values (``copil intraday --format json``); without the staffing
        detail when ``staffing`` is False (what a client may see)."""
        p = self.projection

        def rows(df: pd.DataFrame) -> list[dict]:
            out = df.copy()
            for col in out.columns:
                if pd.api.types.is_datetime64_any_dtype(out[col]):
                    out[col] = out[col].dt.strftime("%Y-%m-%dT%H:%M")
            return [{k: (None if isinstance(v, float) and not math.isfinite(v) else v)
                     for k, v in r.items()} for r in out.astype(object).to_dict("records")]

        def num(v) -> float | None:
            return None if v is None or pd.isna(v) else float(v)

        out = {"day": p.day.isoformat(), "as_of": f"{p.as_of:%Y-%m-%dT%H:%M}",
               "cutoff": f"{p.cutoff:%Y-%m-%dT%H:%M}", "answer_s": p.answer_s,
               "staffing_ahead": p.staffing_ahead, "attendance": num(p.attendance),
               "attendance_source": p.attendance_source, "forecast_total": num(p.forecast_total),
               "reforecast_total": num(p.reforecast_total),
               "busyness_factor": num(self.reforecast.factor),
               "indicators": rows(p.indicators), "callbacks": dict(p.callbacks),
               "reforecast": rows(self.reforecast.table)}
        if staffing:
            s = self.staffing
            out["staffing"] = {
                "planned_source": s.planned_source, "has_staffing": s.has_staffing,
                "over_scheduled_h": num(s.over_scheduled_h),
                "under_scheduled_h": num(s.under_scheduled_h),
                "over_staffed_h": num(s.over_staffed_h), "shortfall_h": num(s.shortfall_h),
                "realised_shrinkage": num(s.realised_shrinkage), "intervals": rows(s.table)}
            out["projection_intervals"] = rows(p.intervals)
        return out


# ------------------------------------------------------------------------------ pure maths
def combine_day(so_far: dict, rest: pd.DataFrame, *, answered_basis: bool = False) -> dict:
    """End-of-day indicators from the counts so far and Erlang A over the remaining intervals.

    Parameters
    ----------
    so_far : dict
        ``offered``, ``answered``, ``abandoned`` (calls), ``within`` (answered within T),
        ``sl_calls`` (the service level's denominator) and ``asa_s`` (s, mean wait of
        the answered so far; ignored without answered calls).
    rest : DataFrame
        One row per remaining interval: ``calls`` (expected offered), ``pickup_rate``,
        ``p_abandon``, ``service_level`` (answered within T / offered) and ``asa_s`` (s).
    answered_basis : bool
        The service level divides by answered calls (a contract's ``answered_only``).

    Returns
    -------
    dict: ``offered``, ``answered``, ``abandoned`` (calls), ``pickup_rate``,
    ``abandon_rate``, ``service_level`` and ``asa_s`` (s) of the whole day; nan when
    nothing was (or will be) offered or answered.
    """
    c = rest["calls"].to_numpy(float)
    ans = c * rest["pickup_rate"].to_numpy(float)
    offered = float(so_far["offered"]) + float(c.sum())
    answered = float(so_far["answered"]) + float(ans.sum())
    abandoned = float(so_far["abandoned"]) + float((c * rest["p_abandon"].to_numpy(float)).sum())
    within = float(so_far["within"]) + float((c * rest["service_level"].to_numpy(float)).sum())
    sl_calls = float(so_far["sl_calls"]) + float((ans if answered_basis else c).sum())
    asa_so = so_far.get("asa_s")
    wait = (0.0 if so_far["answered"] == 0 or asa_so is None or pd.isna(asa_so)
            else float(asa_so) * float(so_far["answered"]))
    wait += float(np.nansum(ans * rest["asa_s"].to_numpy(float)))

    def ratio(a: float, b: float) -> float:
        return a / b if b > 0 else math.nan

    return {"offered": offered, "answered": answered, "abandoned": abandoned,
            "pickup_rate": ratio(answered, offered), "abandon_rate": ratio(abandoned, offered),
            "service_level": ratio(within, sl_calls), "asa_s": ratio(wait, answered)}


def implied_attendance(frame: pd.DataFrame, answered: float, interval_s: float,
                       answer_s: float, *, low: float = 0.05, high: float = 3.0) -> float:
    """The share ``r`` of the planned advisors that explains the calls answered so far.

    Without a staffing feed the advisors actually on the phones are unknown, but the
    service they gave is not: ``r`` solves ``sum(calls x pickup_A(r x planned)) =
    answered`` over the intervals so far (Erlang A pickup is increasing in the advisors,
    so bisection finds it; fractional advisors as in
    :func:`analytics.planning.evaluate_fractional`).

    Parameters
    ----------
    frame : DataFrame
        The intervals so far: ``calls`` (offered), ``aht_s``, ``patience_s`` (s) and
        ``planned`` (advisors).
    answered : float
        Calls answered in those intervals.
    interval_s, answer_s : float
        Interval length and service-level threshold (s).
    low, high : float
        Bounds of ``r`` (returned when the answered calls lie beyond them).

    Returns
    -------
    float
        ``r``; nan without a call or a planned advisor so far.
    """
    f = frame[(frame["calls"] > 0) & (frame["planned"] > 0)]
    if f.empty:
        return math.nan
    calls = f["calls"].to_numpy(float)

    def answered_at(r: float) -> float:
        m = evaluate_fractional(calls, f["aht_s"].to_numpy(float), interval_s,
                                r * f["planned"].to_numpy(float),
                                f["patience_s"].to_numpy(float), answer_s)
        return float((calls * m["pickup_rate"]).sum())

    if answered_at(low) >= answered:
        return low
    if answered_at(high) <= answered:
        return high
    lo, hi = low, high
    for _ in range(40):                 # |hi - lo| < 3 x 2^-40
        mid = (lo + hi) / 2
        if answered_at(mid) < answered:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def scheduling_sums(have, required, interval_minutes: int) -> tuple[float, float]:
    """Over and under sums of ``have - required`` per interval (advisor-hours), never
    netted across intervals (NICE's net staffing, see the module notes); intervals where
    either is missing count in neither."""
    d = np.asarray(have, dtype=float) - np.asarray(required, dtype=float)
    d = d[np.isfinite(d)]
    h = interval_minutes / 60.0
    return float(np.clip(d, 0, None).sum() * h), float(np.clip(-d, 0, None).sum() * h)


# ------------------------------------------------------------------------------ warehouse
def intraday_days(con: duckdb.DuckDBPyConnection, contract: Contract | None = None
                  ) -> pd.DataFrame:
    """The local days with calls: ``day`` (date), ``first_call``, ``last_call`` (naive
    local timestamps), oldest first."""
    contract = resolve_contract(con, contract)
    df = con.execute(sql_text("intraday_days"), {
        "tz": line_zone(con, contract), "short_s": float(contract.short_abandon_s)}).df()
    df["day"] = pd.to_datetime(df["day"]).dt.date
    return df


def pick_as_of(days: pd.DataFrame, day: str | None = None, time: str | None = None) -> str:
    """The as-of ``'YYYY-MM-DD HH:MM'`` for a picked day and time, bounded to the data.

    Parameters
    ----------
    days : DataFrame
        :func:`intraday_days`.
    day : str, optional
        ``YYYY-MM-DD`` (a longer ISO text is cut to the date); default the last day with
        calls. A day without calls is refused (ValueError naming the day).
    time : str, optional
        ``HH:MM``; default (or ``'latest'``) the day's last call. A time after the data's
        last call is taken as that call.
    """
    if days.empty:
        raise ValueError("no calls in the warehouse; load a call log with "
                         "'copil ingest calls FILE'")
    last = {d.isoformat(): ts for d, ts in zip(days["day"], days["last_call"], strict=True)}
    day = (day or days["day"].iloc[-1].isoformat())[:10]
    if day not in last:
        raise ValueError(f"no calls on {day}; pick a day with data (from "
                         f"{days['day'].iloc[0]} to {days['day'].iloc[-1]})")
    latest = f"{last[day]:%H:%M}"
    if not time or time == "latest" or (day == days["day"].iloc[-1].isoformat()
                                        and time > latest):
        time = latest
    return f"{day} {time}"


def _logged_in(con, day: dt.date, minutes: int, contract: Contract, tz: str,
               answer_s: float) -> pd.Series:
    """Advisors logged in per naive local interval start of ``day`` (staffing table)."""
    df = con.execute(sql_text("staffed_intervals"), {
        "tz": tz, "start": dt.datetime.combine(day, dt.time()),
        "end": dt.datetime.combine(day + dt.timedelta(days=1), dt.time()),
        "minutes": minutes, "short_s": float(contract.short_abandon_s), "answer_s": answer_s,
        "variant": contract.service_level_variant}).df()
    if df.empty:
        return pd.Series(dtype=float)
    return df.set_index(pd.to_datetime(df["period_start"]))["advisors"].astype(float)


def _planned_day(con, day: dt.date, minutes: int, contract: Contract,
                 planned: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`planned_intervals` of ``day`` on the naive local wall clock (the repeated
    autumn hour merged), with ``planned`` and ``planned_source``."""
    p = (planned_intervals(con, day, day, interval_minutes=minutes, contract=contract)
         if planned is None else planned)
    p = p.assign(period_start=p["period_start"].dt.tz_localize(None))
    p = p[p["period_start"].dt.normalize() == pd.Timestamp(day)]
    req = p["agents_a"].where(p["agents_a"].notna(), p["agents_c"]).astype(float)
    p["planned"] = p["scheduled"].where(p["scheduled"].notna(), req).astype(float)
    p["planned_source"] = np.where(p["scheduled"].notna(), "stored", "requirement")
    return p.groupby("period_start", as_index=False).agg(
        calls=("calls", "sum"), aht_s=("aht_s", "mean"), patience_s=("patience_s", "mean"),
        planned=("planned", "max"), planned_source=("planned_source", "first"))


def _so_far(con, day: dt.date, cutoff: pd.Timestamp, as_of: pd.Timestamp, tz: str,
            contract: Contract, answer_s: float) -> tuple[pd.Series, dict, dict]:
    """The KPI row of the day before ``cutoff``, the counts :func:`combine_day` takes, and
    the callbacks due today (at ``as_of``)."""
    as_of_utc = as_of.tz_localize(tz, ambiguous=True, nonexistent="shift_forward"
                                  ).tz_convert("UTC").to_pydatetime()
    row = kpis(con, period="day", start=day, end=day, contract=contract, as_of=as_of_utc,
               before=cutoff).iloc[0]
    sl_col = f"service_level_{int(answer_s)}s"
    sl_calls = con.execute(sql_text("service_level_calls"), {
        "variant": contract.service_level_variant, "answered": int(row["answered"]),
        "abandoned": int(row["abandoned"]), "short_abandoned": int(row["short_abandoned"]),
        "offered": int(row["offered"])}).fetchone()[0] or 0
    sl = row[sl_col]
    counts = {"offered": int(row["offered"]), "answered": int(row["answered"]),
              "abandoned": int(row["abandoned"]), "sl_calls": float(sl_calls),
              "within": 0.0 if pd.isna(sl) else float(sl) * float(sl_calls),
              "asa_s": row["asa_s"]}
    callbacks = {"due": int(row["callbacks_due"]), "on_time": int(row["callbacks_on_time"]),
                 "late": int(row["callbacks_due"] - row["callbacks_on_time"]),
                 "at_risk": int(row["callbacks_pending"])}
    return row, counts, callbacks


def _erlang(frame: pd.DataFrame, calls: np.ndarray, interval_s: float,
            answer_s: float) -> dict:
    return evaluate_fractional(calls, frame["aht_s"].to_numpy(float), interval_s,
                               frame["advisors"].to_numpy(float),
                               frame["patience_s"].to_numpy(float), answer_s)


def _morning_residual(before: pd.DataFrame, counts: dict, attendance: float,
                      interval_s: float, answer_s: float, answered_basis: bool) -> dict:
    """Observed minus Erlang A pickup rate and service level over the intervals so far."""
    zero = {"pickup_rate": 0.0, "service_level": 0.0}
    adv = before["logged_in"].where(before["logged_in"].notna(),
                                    before["planned"] * attendance)
    f = before.assign(advisors=adv, patience_s=before["patience_s"].fillna(math.inf))
    f = f[(f["calls"] > 0) & f["advisors"].notna() & np.isfinite(f["aht_s"])]
    if f.empty or counts["offered"] == 0 or counts["sl_calls"] == 0:
        return zero
    calls = f["calls"].to_numpy(float)
    m = _erlang(f, calls, interval_s, answer_s)
    model_pick = float((calls * m["pickup_rate"]).sum() / calls.sum())
    within = float((calls * m["service_level"]).sum())
    model_sl = within / float((calls * m["pickup_rate"]).sum() if answered_basis
                              else calls.sum())
    return {"pickup_rate": counts["answered"] / counts["offered"] - model_pick,
            "service_level": counts["within"] / counts["sl_calls"] - model_sl}


def intraday_day(con: duckdb.DuckDBPyConnection, as_of=None, *, interval_minutes: int = 30,
                 contract: Contract | None = None, staffing_ahead: str = "persist",
                 reforecast: DayReforecast | None = None,
                 planned: pd.DataFrame | None = None, calibrate: bool = False) -> Intraday:
    """The day of ``as_of`` so far, its projected end and its net staffing.

    Parameters
    ----------
    con : DuckDB connection to the warehouse.
    as_of : str or Timestamp, optional
        Naive local time ``YYYY-MM-DD HH:MM`` (default: the warehouse's latest call; it
        must lie between the first and the last call, as for
        :func:`analytics.reforecast.reforecast_day`).
    interval_minutes : int
        Interval length (minutes).
    contract : Contract, optional
        Targets, service-level variant (default: the warehouse's).
    staffing_ahead : str
        Advisors of the intervals after the as-of (:data:`STAFFING_AHEAD`).
    reforecast : DayReforecast, optional
        The reforecast of that as-of when already made (a backtest reuses its plans).
    planned : DataFrame, optional
        :func:`analytics.planned.planned_intervals` over a span holding the day (default:
        asked for the day).
    calibrate : bool
        Add the morning's residual (observed pickup rate and service level minus Erlang
        A's at the advisors the morning had: logged in, else planned x attendance) to the
        remaining intervals' Erlang A values: what the model misses on this line today
        (overflow, breaks, skills) is taken to persist. Off by default: on the demo's
        last 6 months it made the 12:00 service-level projection worse (within 5 points
        on 67 % of days instead of 79 %; ``benchmarks/intraday.py --calibrated``).

    Returns
    -------
    Intraday
    """
    if staffing_ahead not in STAFFING_AHEAD:
        raise ValueError(f"staffing_ahead {staffing_ahead!r} is unknown; use one of "
                         f"{', '.join(STAFFING_AHEAD)}")
    contract = resolve_contract(con, contract)
    rf = reforecast if reforecast is not None else reforecast_day(
        con, as_of, interval_minutes=interval_minutes, contract=contract)
    tz = line_zone(con, contract)
    day, cutoff, as_of = rf.as_of.date(), rf.cutoff, rf.as_of
    minutes = interval_minutes
    interval_s = minutes * 60.0
    answer_s = float(service_level_threshold(contract))
    targets = staffing_targets(contract)
    answered_basis = targets["service_level_basis"] == "answered"

    planned = _planned_day(con, day, minutes, contract, planned).set_index("period_start")
    logged = _logged_in(con, day, minutes, contract, tz, answer_s)
    row, counts, callbacks = _so_far(con, day, cutoff, as_of, tz, contract, answer_s)
    cb_target = line_target(contract, "callback_on_time_rate")
    callbacks["on_time_rate"] = (callbacks["on_time"] / callbacks["due"] if callbacks["due"]
                                 else None)
    callbacks["comparison"] = cb_target.comparison if cb_target else None
    callbacks["threshold"] = float(cb_target.threshold) if cb_target else None
    callbacks["status"] = (target_status(callbacks["on_time_rate"], cb_target.comparison,
                                         cb_target.threshold) if cb_target else None)

    # every open interval of the day: actual calls before the cutoff, reforecast after
    done = rf.observed.set_index("period_start")
    rest = rf.table.set_index("period_start")
    idx = done.index.append(rest.index)
    net = pd.DataFrame(index=idx)
    net["calls"] = pd.concat([done["actual"], rest["reforecast"]]).astype(float)
    net["calls_source"] = ["actual"] * len(done) + ["reforecast"] * len(rest)
    net["aht_s"] = planned["aht_s"].reindex(idx).astype(float)
    net["patience_s"] = planned["patience_s"].reindex(idx).astype(float)
    net["planned"] = planned["planned"].reindex(idx).astype(float)
    net["planned_source"] = planned["planned_source"].reindex(idx).fillna("requirement")
    begun = idx < as_of
    net["logged_in"] = logged.reindex(idx).where(begun).astype(float)
    net["aht_s"] = net["aht_s"].fillna(np.nanmean(net["aht_s"]) if net["aht_s"].notna().any()
                                       else math.nan)
    model = "erlang_a" if np.isfinite(net["patience_s"]).all() else "erlang_c"
    frame = net.reset_index().rename(columns={"index": "period_start"})
    if len(frame) and np.isfinite(frame["aht_s"]).all():
        req = required_advisors(frame[["period_start", "calls", "aht_s", "patience_s"]],
                                staffing_targets(contract, model=model), model=model,
                                shrinkage=0.0)
        net["required"] = req["agents"].to_numpy(float)
    else:
        net["required"] = math.nan
    net["staffed"] = net["logged_in"].where(net["logged_in"].notna(), net["planned"])
    net["net_staffing"] = net["staffed"] - net["required"]
    net["planned_vs_required"] = net["planned"] - net["required"]
    net["logged_vs_planned"] = net["logged_in"] - net["planned"]
    with np.errstate(divide="ignore", invalid="ignore"):
        net["shrinkage"] = 1.0 - net["logged_in"] / net["planned"].where(net["planned"] > 0)
    both = net["logged_in"].notna() & (net["planned"] > 0)
    realised = (1.0 - net.loc[both, "logged_in"].sum() / net.loc[both, "planned"].sum()
                if both.any() else math.nan)
    over_sched, under_sched = scheduling_sums(net["planned"], net["required"], minutes)
    over_staff, shortfall = scheduling_sums(net["staffed"], net["required"], minutes)
    net_table = net.rename_axis("period_start").reset_index()[NET_COLUMNS]
    staffing = NetStaffing(
        table=net_table, over_scheduled_h=over_sched, under_scheduled_h=under_sched,
        over_staffed_h=over_staff, shortfall_h=shortfall, realised_shrinkage=realised,
        planned_source=("stored" if len(net) and (net["planned_source"] == "stored").all()
                        else "requirement"),
        has_staffing=bool(len(logged)), interval_minutes=minutes)

    # the remaining intervals: Erlang A at the advisors there will be
    ahead = net.loc[rest.index].copy()
    ahead["lo80"], ahead["hi80"] = rest["lo80"].astype(float), rest["hi80"].astype(float)
    known = ahead["logged_in"]
    if staffing_ahead == "logged":
        known = logged.reindex(ahead.index).astype(float)
    attendance, attendance_source = 1.0, "plan"
    if staffing_ahead == "persist" and np.isfinite(realised):
        attendance, attendance_source = 1.0 - realised, "logged_in"
    elif staffing_ahead == "persist" and not both.any():
        before = net.loc[done.index].assign(
            patience_s=lambda d: d["patience_s"].fillna(math.inf))
        implied = implied_attendance(before, float(counts["answered"]), interval_s, answer_s)
        if np.isfinite(implied):
            attendance, attendance_source = implied, "implied"
    scale = attendance
    ahead["advisors"] = known.where(known.notna(), ahead["planned"] * scale)
    ahead["patience_s"] = ahead["patience_s"].fillna(math.inf)   # no patience: Erlang C
    ahead = ahead.rename_axis("period_start").reset_index()
    shift = {"pickup_rate": 0.0, "service_level": 0.0}
    if calibrate:
        shift = _morning_residual(net.loc[done.index], counts, attendance, interval_s,
                                  answer_s, answered_basis)
    scenarios = {}
    for name, col in (("projected", "calls"), ("low_volume", "lo80"), ("high_volume", "hi80")):
        calls = ahead[col].to_numpy(float)
        m = _erlang(ahead, calls, interval_s, answer_s) if len(ahead) else {
            k: np.array([]) for k in ("pickup_rate", "p_abandon", "service_level", "asa_s")}
        pick = np.clip(np.asarray(m["pickup_rate"], float) + shift["pickup_rate"], 0.0, 1.0)
        sl = np.clip(np.asarray(m["service_level"], float) + shift["service_level"], 0.0, pick)
        part = pd.DataFrame({"calls": calls, "pickup_rate": pick, "p_abandon": 1.0 - pick,
                             "service_level": sl, "asa_s": m["asa_s"]})
        if name == "projected":
            for k in ("pickup_rate", "p_abandon", "service_level", "asa_s"):
                ahead[k] = part[k].to_numpy()
        scenarios[name] = combine_day(counts, part, answered_basis=answered_basis)

    sl_metric = f"service_level_{int(answer_s)}s"
    forecast_total = float(rf.observed["forecast"].sum() + rf.table["forecast"].sum())
    rows = []
    for name in INDICATORS:
        metric = sl_metric if name == "service_level" else name
        so = row[metric] if metric in row.index else math.nan
        vals = [scenarios[s][name] for s in ("projected", "low_volume", "high_volume")]
        finite = [v for v in vals if pd.notna(v)]
        target = line_target(contract, metric) if name != "offered" else None
        if name == "offered":
            comparison, threshold, status = "~", forecast_total, None
        elif target is None:
            comparison, threshold, status = None, None, None
        else:
            comparison, threshold = target.comparison, float(target.threshold)
            status = target_status(vals[0], comparison, threshold)
        rows.append({"metric": metric, "so_far": float(so) if pd.notna(so) else math.nan,
                     "projected": vals[0], "low": min(finite) if finite else math.nan,
                     "high": max(finite) if finite else math.nan, "comparison": comparison,
                     "threshold": threshold, "status": status})
    indicators = pd.DataFrame(rows)
    projection = DayProjection(
        day=day, as_of=as_of, cutoff=cutoff, so_far=row, indicators=indicators,
        intervals=ahead[["period_start", "calls", "lo80", "hi80", "aht_s", "patience_s",
                         "advisors", "pickup_rate", "p_abandon", "service_level", "asa_s"]],
        callbacks=callbacks, forecast_total=forecast_total,
        reforecast_total=float(counts["offered"] + rest["reforecast"].sum()),
        answer_s=answer_s, staffing_ahead=staffing_ahead, attendance=float(attendance),
        attendance_source=attendance_source, residual=shift)
    return Intraday(reforecast=rf, projection=projection, staffing=staffing)
