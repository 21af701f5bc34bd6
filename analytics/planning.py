"""Planning rules on the warehouse: handling-time and patience profile, contract targets as
staffing targets, advisors required, and "did staffing match need".

The week's forecast and requirements, from one fit, are :func:`analytics.week_plan.plan_week`
(:class:`~analytics.week_plan.WeekPlan`), built on the functions here. Nothing is written.

Units: calls are counts per interval, durations seconds, rates fractions in [0, 1],
advisors counts (productive, on the phones unless the column says ``scheduled``). Intervals
are cut on the line's local wall clock (``settings.timezone`` or the contract's zone), as in
the KPIs; ``period_start`` columns are tz-aware local timestamps.

Contract targets become staffing targets (:func:`staffing_targets`):

- ``pickup_rate >= p``       -> Erlang A ``pickup_rate >= p``;
- ``abandon_rate <= a``      -> Erlang A ``pickup_rate >= 1 - a`` (in Erlang A every call that
  is not answered abandons: overflow to voicemail is not modelled, so this is the prudent
  reading);
- ``service_level_<T>s >= s`` -> ``service_level >= s`` with ``answer_s = T``;
- ``asa_s <= w``             -> ``asa_s <= w`` (mean wait of answered calls).

Service-level variants (glossary): ``default`` answered within T / (answered + abandoned +
short abandons), ``exclude_short`` / (answered + abandoned), ``offered`` / offered,
``answered_only`` / answered. In Erlang A every offered call is either answered or abandons
(short abandons are, being instant hang-ups, out of the model's patience), so the first
three are Erlang A's ``service_level`` (answered within T / offered: the ``"offered"``
basis) and ``answered_only`` is its ``service_level_answered`` (the ``"answered"`` basis);
:func:`staffing_targets` gives the basis and the requirements are computed on it.
"""

from __future__ import annotations

import datetime as dt
import math

import duckdb
import numpy as np
import pandas as pd

from analytics.contract import Contract
from analytics.kpis import last_complete_week, line_zone, resolve_contract
from analytics.line_calendar import line_calendar
from analytics.periods import week_days, week_label
from analytics.warehouse import sql_text
from staffing.erlang_a import evaluate_fractional

__all__ = [
    "interval_profile", "staffing_targets", "required_advisors", "attach_profile",
    "check_interval_minutes", "check_patience", "staffing_vs_requirement",
    "staffing_vs_requirement_weekly", "evaluate_fractional",
]

PROFILE_COLUMNS = ["weekday", "slot", "offered", "answered", "abandoned", "slot_aht_s",
                   "slot_patience_mean_s", "aht_s", "patience_mean_s", "aht_fallback",
                   "patience_fallback"]
FORECAST_COLUMNS = ["period_start", "calls", "lo80", "hi80", "lo95", "hi95", "aht_s",
                    "patience_s"]


# ------------------------------------------------------------------------------ helpers
def check_interval_minutes(minutes: int) -> None:
    """Refuse an interval length (minutes) that does not divide a day."""
    if minutes <= 0 or 1440 % minutes:
        raise ValueError(f"interval_minutes {minutes} must divide a day (e.g. 15, 30 or 60)")


def _localize(naive: pd.Series, tz: str) -> pd.Series:
    """Naive local wall-clock timestamps -> tz-aware (repeated autumn hour: first one)."""
    ts = pd.to_datetime(naive)
    return ts.dt.tz_localize(tz, ambiguous=np.ones(len(ts), dtype=bool),
                             nonexistent="shift_forward")


def _slot_keys(period_start: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    ps = pd.to_datetime(period_start)
    return (ps.dt.day_of_week.to_numpy(), (ps.dt.hour * 60 + ps.dt.minute).to_numpy())


# ------------------------------------------------------------------------------ profile
def interval_profile(con: duckdb.DuckDBPyConnection, *, weeks: int = 8,
                     interval_minutes: int = 30, queues: list[str] | None = None,
                     until: dt.date | str | None = None, contract: Contract | None = None,
                     min_answered: int = 30, min_abandoned: int = 10) -> pd.DataFrame:
    """Mean handling time and caller patience per local weekday x wall-clock slot.

    Parameters
    ----------
    con : DuckDB connection to the warehouse.
    weeks : int
        Window length (weeks), ending the day before ``until``.
    interval_minutes : int
        Slot length (minutes; divides a day).
    queues : list of str, optional
        Keep only these queues (default: the whole line).
    until : date or 'YYYY-MM-DD', optional
        First local day *after* the window. Default: the Monday after the last complete
        ISO week in the data (so the window is the last ``weeks`` complete weeks).
    contract : Contract, optional
        For the time zone and short abandons (default: the warehouse's).
    min_answered, min_abandoned : int
        A slot with fewer answered (abandoned) calls in the window takes the whole window's
        AHT (patience) instead of its own.

    Returns
    -------
    DataFrame, one row per weekday (0 = Monday) x slot (minutes after local midnight), all
    ``7 x 1440 / interval_minutes`` of them: ``offered, answered, abandoned`` (calls in the
    window), ``slot_aht_s`` and ``slot_patience_mean_s`` (the slot's own values, s; null
    without calls), ``aht_s`` and ``patience_mean_s`` (the values to plan with, s, after the
    fallback), ``aht_fallback``, ``patience_fallback`` (bool). ``attrs`` holds the window
    (``start``, ``end`` local dates, end exclusive) and the whole-window values.

    Notes
    -----
    Glossary formulas (staging model ``stg_calls``): ``aht_s`` = mean handle time (talk +
    hold + wrap) over answered calls; ``patience_mean_s`` = total ``wait_s`` of offered calls
    (answered, abandoned and overflow) / abandoned calls (exponential patience, the waits of
    answered and overflowed callers censored). Short abandons (contract ``short_abandon_s``)
    are left out of both, as in the KPIs.
    """
    check_interval_minutes(interval_minutes)
    if weeks < 1:
        raise ValueError("weeks must be >= 1")
    contract = resolve_contract(con, contract)
    tz = line_zone(con, contract)
    if until is None:
        last = last_complete_week(con)
        if last is None:
            raise ValueError("no complete week of calls in the warehouse; load a call log "
                             "with 'copil ingest calls FILE' or give until=")
        end = week_days(last, line_calendar(con, contract).week_start)[1] + dt.timedelta(days=1)
    else:
        end = pd.Timestamp(until).date()
    start = end - dt.timedelta(days=7 * weeks)
    df = con.execute(sql_text("interval_handling_profile"), {
        "tz": tz, "start": dt.datetime.combine(start, dt.time()),
        "end": dt.datetime.combine(end, dt.time()), "minutes": interval_minutes,
        "queues": list(queues) if queues else None,
        "short_s": float(contract.short_abandon_s)}).df()
    whole = df[df["weekday"].isna()]
    slots = df[df["weekday"].notna()].astype({"weekday": "int64", "slot": "int64"})
    all_aht = float(whole["aht_s"].iloc[0]) if len(whole) and pd.notna(whole["aht_s"].iloc[0]) \
        else math.nan
    all_pat = (float(whole["patience_mean_s"].iloc[0])
               if len(whole) and pd.notna(whole["patience_mean_s"].iloc[0]) else math.nan)
    grid = pd.DataFrame([(d, s) for d in range(7) for s in range(0, 1440, interval_minutes)],
                        columns=["weekday", "slot"])
    out = grid.merge(slots.rename(columns={"aht_s": "slot_aht_s",
                                           "patience_mean_s": "slot_patience_mean_s"}),
                     on=["weekday", "slot"], how="left")
    for c in ("offered", "answered", "abandoned"):
        out[c] = out[c].fillna(0).astype("int64")
    out["aht_fallback"] = out["answered"] < min_answered
    out["patience_fallback"] = ((out["abandoned"] < min_abandoned)
                                | out["slot_patience_mean_s"].isna())
    out["aht_s"] = out["slot_aht_s"].where(~out["aht_fallback"], all_aht).astype(float)
    out["patience_mean_s"] = out["slot_patience_mean_s"].where(~out["patience_fallback"],
                                                               all_pat).astype(float)
    out = out[PROFILE_COLUMNS]
    out.attrs.update(start=start, end=end, timezone=tz, aht_s=all_aht, patience_mean_s=all_pat,
                     interval_minutes=interval_minutes)
    return out


def attach_profile(frame: pd.DataFrame, profile: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """AHT and patience (s) from ``profile`` for each ``period_start`` of ``frame``."""
    wd, slot = _slot_keys(frame["period_start"])
    minutes = int(profile.attrs.get("interval_minutes", 30))
    key = pd.MultiIndex.from_arrays([wd, slot - slot % minutes])
    prof = profile.set_index(["weekday", "slot"])
    return (prof["aht_s"].reindex(key).to_numpy(float),
            prof["patience_mean_s"].reindex(key).to_numpy(float))


# ------------------------------------------------------------------------------ requirements
def staffing_targets(contract: Contract, *, queues: list[str] | None = None,
                     model: str = "erlang_a") -> dict:
    """Staffing targets from the contract's targets (see the module notes for the mapping).

    Only line-wide targets count (and, with ``queues``, targets on one of those queues); for
    each metric the strictest threshold wins. Returns ``pickup_rate`` (fraction or None),
    ``asa_s`` (s or None) and ``service_levels``: a list of ``(answer_s, fraction)`` pairs,
    and ``service_level_basis`` (``"answered"`` for the ``answered_only`` variant, else
    ``"offered"``; see the module notes). With ``model='erlang_c'`` pickup targets are
    dropped (no abandonment in Erlang C).
    """
    pickup = asa = None
    sls: dict[float, float] = {}
    for t in contract.targets:
        if t.queue is not None and (not queues or t.queue not in queues):
            continue
        if t.metric == "pickup_rate" and t.comparison == ">=":
            pickup = max(pickup or 0.0, t.threshold)
        elif t.metric == "abandon_rate" and t.comparison == "<=":
            pickup = max(pickup or 0.0, 1.0 - t.threshold)
        elif t.metric == "asa_s" and t.comparison == "<=":
            asa = t.threshold if asa is None else min(asa, t.threshold)
        elif t.metric.startswith("service_level_") and t.comparison == ">=":
            answer_s = float(t.metric[len("service_level_"):-1])
            sls[answer_s] = max(sls.get(answer_s, 0.0), t.threshold)
    if model == "erlang_c":
        pickup = None
    basis = "answered" if contract.service_level_variant == "answered_only" else "offered"
    return {"pickup_rate": pickup, "asa_s": asa, "service_levels": sorted(sls.items()),
            "service_level_basis": basis}


def required_advisors(frame: pd.DataFrame, targets: dict, *, model: str, shrinkage: float,
                      staff_to: str | None = None) -> pd.DataFrame:
    """:func:`staffing.requirements.requirements` for every service-level target; per row
    the run needing the most advisors (its ``answer_s`` is kept)."""
    from staffing.requirements import requirements

    common = {"model": model, "shrinkage": shrinkage, "staff_to": staff_to,
              "asa_s": targets["asa_s"]}
    if model == "erlang_a":
        common["pickup_rate"] = targets["pickup_rate"]
        common["service_level_basis"] = targets.get("service_level_basis", "offered")
    sls = targets["service_levels"]
    if not sls and common["asa_s"] is None and common.get("pickup_rate") is None:
        sls = [(20.0, 0.8)]  # no usable target: the requirements default (80 % in 20 s)
    runs = ([requirements(frame, service_level=s, answer_s=t, **common) for t, s in sls]
            or [requirements(frame, service_level=None, **common)])
    answer = [t for t, _ in sls] or [20.0]
    out = runs[0].copy()
    out["answer_s"] = answer[0]
    if len(runs) > 1:
        pick = np.argmax(np.vstack([r["agents"].to_numpy() for r in runs]), axis=0)
        for k in range(1, len(runs)):
            m = pick == k
            out.loc[m, runs[k].columns] = runs[k].loc[m]
            out.loc[m, "answer_s"] = answer[k]
    return out


def check_patience(frame: pd.DataFrame, model: str) -> None:
    """Refuse (ValueError, with the fix) a frame whose AHT, or patience for Erlang A, is
    unknown somewhere."""
    if model == "erlang_a" and not np.isfinite(frame["patience_s"]).all():
        raise ValueError("no abandoned call in the profile window, so caller patience cannot "
                         "be estimated; plan with model='erlang_c' (--model erlang_c)")
    if not np.isfinite(frame["aht_s"]).all():
        raise ValueError("no answered call in the profile window, so the handling time is "
                         "unknown; load more call history")


# ------------------------------------------------------------------------- did staffing match need
def staffing_vs_requirement(con: duckdb.DuckDBPyConnection, start, end, *,
                            interval_minutes: int = 30,
                            contract: Contract | None = None) -> pd.DataFrame:
    """Staffing on shift against the need, per interval with staffing data.

    Parameters
    ----------
    con : DuckDB connection to the warehouse.
    start, end : date or 'YYYY-MM-DD'
        First and last local day (inclusive).
    interval_minutes : int
        Interval length (minutes); a multiple of the staffing data's interval.
    contract : Contract, optional
        Targets, service-level variant, short abandons (default: the warehouse's).

    Returns
    -------
    DataFrame, one row per local interval with staffing data: ``period_start`` (tz-aware),
    ``offered, answered, abandoned, short_abandoned, overflow, answered_within`` (calls;
    within ``answer_s``), ``service_level_calls`` (calls in the contract variant's
    service-level denominator),
    ``aht_s`` (the interval's observed AHT, or the profile's without answered calls, s),
    ``patience_s`` (profile over the period, s), ``advisors`` (logged in, time-averaged),
    ``agents_required`` (Erlang A for the contract's targets at the actual volume),
    ``understaffed`` (advisors < required), ``erlang_a_pickup_rate``,
    ``erlang_a_abandon_rate``, ``erlang_a_service_level``, ``erlang_a_asa_s`` (Erlang A at the
    advisors on shift; fractional advisors are interpolated linearly between the two whole
    numbers around them) and ``observed_pickup_rate``, ``observed_abandon_rate``,
    ``observed_service_level`` (contract variant), ``observed_asa_s``; ``answer_s`` (s).

    Notes
    -----
    Erlang A knows answered and abandoned calls only: calls that overflow (voicemail,
    transfer) are unanswered calls to it, so ``erlang_a_abandon_rate`` compares with
    ``1 - observed_pickup_rate`` (abandoned + overflow) as much as with the abandon rate.
    """
    check_interval_minutes(interval_minutes)
    contract = resolve_contract(con, contract)
    tz = line_zone(con, contract)
    first, last = pd.Timestamp(start).date(), pd.Timestamp(end).date()
    if last < first:
        raise ValueError(f"end {last} is before start {first}; swap them")
    after = last + dt.timedelta(days=1)
    targets = staffing_targets(contract)
    answer_s = (targets["service_levels"][0][0] if targets["service_levels"]
                else float(contract.service_level_thresholds[0]))
    df = con.execute(sql_text("staffed_intervals"), {
        "tz": tz, "start": dt.datetime.combine(first, dt.time()),
        "end": dt.datetime.combine(after, dt.time()), "minutes": interval_minutes,
        "short_s": float(contract.short_abandon_s), "answer_s": answer_s,
        "variant": contract.service_level_variant}).df()
    if df.empty:
        raise ValueError(f"no staffing data between {first} and {last}; load it with "
                         "'copil ingest staffing FILE'")
    df["period_start"] = _localize(df["period_start"], tz)
    weeks = math.ceil((after - first).days / 7)
    profile = interval_profile(con, weeks=weeks, interval_minutes=interval_minutes,
                               until=after, contract=contract)
    prof_aht, prof_pat = attach_profile(df, profile)
    df["aht_s"] = df["aht_s"].fillna(pd.Series(prof_aht, index=df.index)).astype(float)
    df["patience_s"] = prof_pat
    frame = df[["period_start"]].assign(calls=df["offered"].astype(float),
                                        aht_s=df["aht_s"], patience_s=df["patience_s"])
    check_patience(frame, "erlang_a")
    req = required_advisors(frame, targets, model="erlang_a", shrinkage=0.0)
    interval_s = interval_minutes * 60.0
    m = evaluate_fractional(df["offered"].to_numpy(float), df["aht_s"].to_numpy(float),
                            interval_s, df["advisors"].to_numpy(float), prof_pat, answer_s)
    sl_key = ("service_level_answered" if targets["service_level_basis"] == "answered"
              else "service_level")
    observed = [c for c in df.columns if c.startswith("observed_")]
    out = df[["period_start", "offered", "answered", "abandoned", "short_abandoned", "overflow",
              "answered_within", "service_level_calls", "aht_s", "patience_s",
              "advisors"]].copy()
    out["agents_required"] = req["agents"].to_numpy()
    out["understaffed"] = out["advisors"] < out["agents_required"]
    out["erlang_a_pickup_rate"] = m["pickup_rate"]
    out["erlang_a_abandon_rate"] = m["p_abandon"]
    out["erlang_a_service_level"] = m[sl_key]
    out["erlang_a_asa_s"] = m["asa_s"]
    for c in observed:
        out[c] = df[c].astype(float)
    out["answer_s"] = answer_s
    out.attrs.update(targets=targets, timezone=tz,
                     service_level_variant=contract.service_level_variant,
                     service_level_basis=targets["service_level_basis"],
                     week_start=line_calendar(con, contract).week_start)
    return out


def staffing_vs_requirement_weekly(intervals: pd.DataFrame) -> pd.DataFrame:
    """Weekly totals of :func:`staffing_vs_requirement`'s rows.

    Returns
    -------
    DataFrame per ISO week (``week`` 'YYYY-Www' of the local interval start): ``intervals``,
    ``understaffed_intervals``, ``offered``, ``advisor_hours`` and
    ``required_advisor_hours`` (advisor x hours), then the observed rates over the week's
    staffed intervals from the counts (``observed_pickup_rate`` = answered / offered,
    ``observed_abandon_rate``, ``observed_service_level`` = answered within T / the
    contract variant's calls, ``service_level_calls``) and Erlang A's expected values
    weighted by offered calls (``erlang_a_*`` rates; ``erlang_a_asa_s`` weighted by expected
    answered calls, ``observed_asa_s`` by answered calls).
    """
    df = intervals.copy()
    hours = df["period_start"].diff().dt.total_seconds().mode()
    step_h = float(hours.iloc[0]) / 3600.0 if len(hours) else 0.5
    ws = int(intervals.attrs.get("week_start", 0))      # the line's week start
    df["week"] = [week_label(ts.date(), ws) for ts in df["period_start"]]
    off = df["offered"].astype(float)
    exp_ans = off * df["erlang_a_pickup_rate"]
    answered_only = intervals.attrs.get("service_level_basis") == "answered"
    df = df.assign(
        _pick=off * df["erlang_a_pickup_rate"], _ab=off * df["erlang_a_abandon_rate"],
        _sl=(exp_ans if answered_only else off) * df["erlang_a_service_level"],
        _asa=(exp_ans * df["erlang_a_asa_s"]).fillna(0.0), _exp_ans=exp_ans,
        _sl_den=df["service_level_calls"],
        _wait=(df["answered"] * df["observed_asa_s"]).fillna(0.0))
    g = df.groupby("week", sort=True)
    out = pd.DataFrame({
        "intervals": g.size(),
        "understaffed_intervals": g["understaffed"].sum().astype("int64"),
        "offered": g["offered"].sum(),
        "advisor_hours": g["advisors"].sum() * step_h,
        "required_advisor_hours": g["agents_required"].sum() * step_h,
    })
    s = g[["offered", "answered", "abandoned", "answered_within", "_pick", "_ab", "_sl",
           "_asa", "_exp_ans", "_sl_den", "_wait"]].sum()
    den_sl = s["_exp_ans"] if answered_only else s["offered"]
    out["erlang_a_pickup_rate"] = s["_pick"] / s["offered"]
    out["observed_pickup_rate"] = s["answered"] / s["offered"]
    out["erlang_a_abandon_rate"] = s["_ab"] / s["offered"]
    out["observed_abandon_rate"] = s["abandoned"] / s["offered"]
    out["erlang_a_service_level"] = s["_sl"] / den_sl
    out["observed_service_level"] = s["answered_within"] / s["_sl_den"]
    out["erlang_a_asa_s"] = s["_asa"] / s["_exp_ans"]
    out["observed_asa_s"] = s["_wait"] / s["answered"]
    out = out.replace([np.inf, -np.inf], np.nan)
    return out.reset_index()
