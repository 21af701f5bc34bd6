"""Stored, versioned plans of a week: build (:func:`build_plan`), save (:func:`save_plan`),
list, load, compare (:func:`diff_plans`) and re-run (:func:`rerun_plan`).

A plan is the week's daily forecast (calls with 80 %/95 % bands), its interval forecast with
the Erlang C and Erlang A requirements (:func:`analytics.week_plan.plan_week`: one fit) and
the shift plan covering the requirement (:func:`staffing.shifts.cover_requirements`). Each
saved version records when it was made, by whom, the method, every input of the re-run
(:class:`PlanInputs`: the shift rules themselves, not a file name) and the warehouse
version it was built from (:func:`analytics.warehouse.warehouse_version`). Saving goes
through the writer path (the caller holds a connection from
:func:`analytics.warehouse.connection`, which queues on ``<warehouse>.lock`` and publishes
a snapshot for the dashboard).

Tables (``analytics/sql/schema.sql``): ``plan_versions``, ``plan_daily``,
``plan_intervals``, ``plan_shifts``. Units: calls, seconds, advisors (counts), hours.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from analytics.warehouse import sql_text, warehouse_version

__all__ = ["PlanInputs", "PlanVersion", "PlanDiff", "build_plan", "save_plan", "list_plans",
           "load_plan", "latest_plan", "diff_plans", "rerun_plan", "METHOD",
           "INTERVAL_COLUMNS", "DAILY_COLUMNS", "SHIFT_COLUMNS"]

#: how a plan's numbers are made (recorded with each version)
METHOD = ("daily volume model (analytics.week_plan, fitted on the days before the week) split "
          "into intervals; Erlang C and Erlang A requirements for the contract's targets; "
          "CP-SAT shift plan (staffing.shifts)")
DAILY_COLUMNS = ["date", "forecast", "lo80", "hi80", "lo95", "hi95"]
INTERVAL_COLUMNS = ["period_start", "calls", "lo80", "hi80", "lo95", "hi95", "aht_s",
                    "patience_s", "agents_c", "agents_a", "required", "planned"]
SHIFT_COLUMNS = ["advisor", "contract", "date", "pattern", "start_at", "end_at",
                 "lunch_start", "lunch_end", "paid_hours"]

Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class PlanInputs:
    """Everything a plan is built from besides the warehouse (recorded with each version).

    Attributes
    ----------
    model : {"erlang_a", "erlang_c"}
        The requirement the shifts cover.
    shrinkage : float
        Share of paid time off the phones (fraction).
    interval_minutes : int
        Interval length (minutes).
    staff_to : str or None
        Staff to this forecast column (e.g. ``'hi80'``) instead of the expected calls.
    max_advisors : int
        Advisors available (scales the default rules).
    rules : dict or None
        The shift rules (:func:`rules_dict` of a :class:`staffing.shifts.ShiftRules`);
        None: :func:`staffing.shifts.default_rules` for ``max_advisors``.
    time_limit_s : float
        Shift solver time limit (s).
    campaign : tuple or None
        A planned campaign (channel, first day ``YYYY-MM-DD``, audience or None) the plan
        is made with (a re-plan after a what-if).
    """

    model: str = "erlang_a"
    shrinkage: float = 0.3
    interval_minutes: int = 30
    staff_to: str | None = None
    max_advisors: int = 25
    rules: dict | None = None
    time_limit_s: float = 10.0
    campaign: tuple | None = None

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> PlanInputs:
        raw = json.loads(text)
        if raw.get("campaign") is not None:
            raw["campaign"] = tuple(raw["campaign"])
        return cls(**{f.name: raw[f.name] for f in dataclasses.fields(cls) if f.name in raw})

    def shift_rules(self):
        """The :class:`staffing.shifts.ShiftRules` these inputs name."""
        from staffing.shifts import (
            EmploymentTerms,
            ShiftPattern,
            ShiftRules,
            default_rules,
        )

        if self.rules is None:
            return default_rules(self.max_advisors)
        r = self.rules
        patterns = tuple(ShiftPattern(**{**p, "starts": tuple(p["starts"]),
                                         "lunch_after_h": tuple(p["lunch_after_h"])})
                         for p in r["patterns"])
        terms = tuple(EmploymentTerms(**{**t, "patterns": tuple(t["patterns"])})
                      for t in r["terms"])
        rest = {k: v for k, v in r.items() if k not in ("patterns", "terms")}
        return ShiftRules(patterns=patterns, terms=terms, **rest)


def rules_dict(rules) -> dict:
    """A :class:`staffing.shifts.ShiftRules` as plain JSON-able data (:attr:`PlanInputs.rules`)."""
    return json.loads(json.dumps(dataclasses.asdict(rules)))


@dataclass(frozen=True, eq=False)
class PlanVersion:
    """One plan of a week, stored (``plan_id``) or just built (``plan_id`` None).

    Attributes
    ----------
    plan_id : int or None
    week : str
        The line's week ``YYYY-Www``.
    created_at : datetime (UTC)
    author : str or None
    method : str
    inputs : PlanInputs
    warehouse_version : str
        :func:`analytics.warehouse.warehouse_version` the plan was built from.
    history_end : date
        Last day the daily model was fitted on.
    summary : dict
        The shift solver's summary (status, plan, advisor-hours under/over, paid hours...).
    daily : DataFrame
        :data:`DAILY_COLUMNS` (calls).
    intervals : DataFrame
        :data:`INTERVAL_COLUMNS`: tz-aware local ``period_start``, calls and bands, s,
        advisors (``required``: headcount to schedule; ``planned``: advisors on shift).
        Made with a campaign (:attr:`PlanInputs.campaign`): ``calls`` and the model's
        advisors include it, the bands are the forecast's without it and the other
        model's advisors are null.
    shifts : DataFrame
        :data:`SHIFT_COLUMNS` (tz-aware local times, hours).
    """

    plan_id: int | None
    week: str
    created_at: dt.datetime
    author: str | None
    method: str
    inputs: PlanInputs
    warehouse_version: str
    history_end: dt.date
    summary: dict
    daily: pd.DataFrame = field(repr=False)
    intervals: pd.DataFrame = field(repr=False)
    shifts: pd.DataFrame = field(repr=False)
    #: what the build had at hand and the store does not keep (empty once loaded):
    #: ``week_plan`` (the WeekPlan), ``requirements`` and ``solver`` (cover_requirements' dict)
    details: dict = field(default_factory=dict, repr=False, compare=False)

    def totals(self) -> dict:
        """Week totals: ``calls`` (forecast), ``agent_hours_c``, ``agent_hours_a``,
        ``required_hours``, ``planned_hours`` (advisor-hours), ``under_hours``,
        ``paid_hours`` (h)."""
        iv = self.intervals
        h = self.inputs.interval_minutes / 60.0
        return {"calls": float(iv["calls"].sum()),
                "agent_hours_c": float(iv["agents_c"].sum() * h),
                "agent_hours_a": float(iv["agents_a"].sum() * h),
                "required_hours": float(iv["required"].sum() * h),
                "planned_hours": float(iv["planned"].sum() * h),
                "under_hours": float((iv["required"] - iv["planned"]).clip(lower=0).sum() * h),
                "paid_hours": float(self.shifts["paid_hours"].sum())}

    def header(self) -> dict:
        """The version's record without its frames (for listings and JSON)."""
        return {"plan_id": self.plan_id, "week": self.week,
                "created_at": self.created_at.isoformat(), "author": self.author,
                "method": self.method, "model": self.inputs.model,
                "interval_minutes": self.inputs.interval_minutes,
                "inputs": dataclasses.asdict(self.inputs),
                "warehouse_version": self.warehouse_version,
                "history_end": self.history_end.isoformat(), "summary": self.summary}


# ------------------------------------------------------------------------------ build
def build_plan(con: duckdb.DuckDBPyConnection, week: str, inputs: PlanInputs | None = None, *,
               author: str | None = None, progress: Progress | None = None) -> PlanVersion:
    """Build the plan of ``week`` from the warehouse (not saved: see :func:`save_plan`).

    Parameters
    ----------
    con : DuckDB connection (read-only is enough).
    week : str
        ``YYYY-Www``.
    inputs : PlanInputs, optional
        Default :class:`PlanInputs()`.
    author : str, optional
        Who asks (recorded when saved).
    progress : callable, optional
        Called with ``(step, fraction done)`` as the build goes (for a background job).

    Returns
    -------
    PlanVersion with ``plan_id`` None.
    """
    from analytics.week_plan import plan_week
    from staffing.shifts import cover_requirements

    inputs = inputs or PlanInputs()
    say = progress or (lambda _step, _done: None)
    say("forecast", 0.05)
    plan = plan_week(con, week, interval_minutes=inputs.interval_minutes)
    version = warehouse_version(con)
    say("requirements", 0.3)
    agents = plan.agents()
    if inputs.campaign is not None:
        channel, start, audience = inputs.campaign
        scenario = plan.what_if(channel, start, audience, model=inputs.model,
                                shrinkage=inputs.shrinkage)
        req = plan.forecast()
        req["scheduled"] = scenario.table["scheduled_campaign"].to_numpy()
        agents = agents.copy()  # with the campaign: its calls and the model's advisors
        agents["calls"] = scenario.table["calls_campaign"].to_numpy()
        agents["agents_c" if inputs.model == "erlang_c" else "agents_a"] = (
            scenario.table["agents_campaign"].to_numpy())
        agents["agents_a" if inputs.model == "erlang_c" else "agents_c"] = np.nan
    else:
        req = plan.requirements(inputs.model, shrinkage=inputs.shrinkage,
                                staff_to=inputs.staff_to)
    say("shifts", 0.4)
    result = cover_requirements(req, inputs.shift_rules(),
                                time_limit_s=inputs.time_limit_s)
    say("done", 1.0)
    cov = result["coverage"].set_index("period_start")
    intervals = agents[["period_start", "calls", "lo80", "hi80", "lo95", "hi95", "aht_s",
                        "patience_s", "agents_c", "agents_a"]].copy()
    intervals["required"] = req["scheduled"].to_numpy(float)
    intervals["planned"] = intervals["period_start"].map(cov["planned"]).fillna(0).to_numpy(
        float)
    shifts = result["shifts"].rename(columns={"start": "start_at", "end": "end_at"})
    daily = plan.daily_forecast()[DAILY_COLUMNS].copy()
    return PlanVersion(
        plan_id=None, week=plan.week, created_at=dt.datetime.now(dt.UTC), author=author,
        method=METHOD, inputs=inputs, warehouse_version=version,
        history_end=plan.daily.history_end, summary=dict(result["summary"]),
        daily=daily.reset_index(drop=True), intervals=intervals.reset_index(drop=True),
        shifts=shifts[SHIFT_COLUMNS].reset_index(drop=True),
        details={"week_plan": plan, "requirements": req, "solver": result})


def rerun_plan(con: duckdb.DuckDBPyConnection, version: PlanVersion) -> PlanVersion:
    """Build ``version``'s week again from its recorded inputs (same warehouse version: the
    same numbers; the shift plan's totals are the same when the solver proved it optimal).
    ValueError when the warehouse has changed since (name both versions)."""
    now = warehouse_version(con)
    if now != version.warehouse_version:
        raise ValueError(f"plan {version.plan_id} was built from warehouse version "
                         f"{version.warehouse_version}; the warehouse is now at {now} (loads "
                         "or the contract changed): a re-run would not reproduce it")
    return build_plan(con, version.week, version.inputs, author=version.author)


# ------------------------------------------------------------------------------ store
def _has_tables(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the warehouse has the plan tables (an old one opened read-only may not)."""
    return bool(con.execute("select count(*) from duckdb_tables() where table_name = "
                            "'plan_versions' and database_name = current_database()"
                            ).fetchone()[0])


def save_plan(con: duckdb.DuckDBPyConnection, plan: PlanVersion) -> PlanVersion:
    """Store ``plan`` as a new version; returns it with its ``plan_id``. ``con`` is a writer
    connection (:func:`analytics.warehouse.connection`); one transaction."""
    con.execute("begin")
    try:
        plan_id = con.execute("select nextval('plan_seq')").fetchone()[0]
        con.execute(
            "insert into plan_versions values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [plan_id, plan.week, plan.created_at, plan.author, plan.method, plan.inputs.model,
             plan.inputs.interval_minutes, plan.inputs.to_json(), plan.warehouse_version,
             plan.history_end, json.dumps(plan.summary)])
        for table, frame, cols in (("plan_daily", plan.daily, DAILY_COLUMNS),
                                   ("plan_intervals", plan.intervals, INTERVAL_COLUMNS),
                                   ("plan_shifts", plan.shifts, SHIFT_COLUMNS)):
            rows = frame[cols].copy()
            rows.insert(0, "plan_id", plan_id)
            con.register("plan_rows", rows)
            try:
                con.execute(f"insert into {table} select * from plan_rows")  # noqa: S608 (fixed names)
            finally:
                con.unregister("plan_rows")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return dataclasses.replace(plan, plan_id=int(plan_id), details=plan.details)


def list_plans(con: duckdb.DuckDBPyConnection, week: str | None = None) -> pd.DataFrame:
    """Stored versions, newest first: ``plan_id, week, created_at, author, model,
    interval_minutes, warehouse_version, history_end, status, under_advisor_hours,
    paid_hours`` (optionally of one ``week``)."""
    cols = ["plan_id", "week", "created_at", "author", "model", "interval_minutes",
            "warehouse_version", "history_end", "status", "under_advisor_hours", "paid_hours"]
    if not _has_tables(con):
        return pd.DataFrame(columns=cols)
    if week is not None:
        from analytics.periods import parse_week

        week = parse_week(week)
    df = con.execute(sql_text("plan_versions_list"), [week]).df()
    return df[cols]


def load_plan(con: duckdb.DuckDBPyConnection, plan_id: int) -> PlanVersion:
    """The stored version ``plan_id`` (its frames in the line's time zone). ValueError naming
    ``copil plan list`` when there is none."""
    from analytics.warehouse import line_timezone

    row = None
    if _has_tables(con):
        row = con.execute("select plan_id, week, created_at, author, method, inputs, "
                          "warehouse_version, history_end, summary from plan_versions "
                          "where plan_id = ?", [int(plan_id)]).fetchone()
    if row is None:
        raise ValueError(f"no stored plan {plan_id}; see 'copil plan list --db ...'")
    tz = line_timezone(con)
    frames = {}
    for table, cols, order in (("plan_daily", DAILY_COLUMNS, "date"),
                               ("plan_intervals", INTERVAL_COLUMNS, "period_start"),
                               ("plan_shifts", SHIFT_COLUMNS, "date, start_at, advisor")):
        df = con.execute(f"select {', '.join(cols)} from {table} where plan_id = ? "  # noqa: S608
                         f"order by {order}", [int(plan_id)]).df()
        for c in df.columns:
            if isinstance(df[c].dtype, pd.DatetimeTZDtype):
                df[c] = df[c].dt.tz_convert(tz)
        frames[table] = df
    daily = frames["plan_daily"]
    daily["date"] = pd.to_datetime(daily["date"])
    shifts = frames["plan_shifts"]
    shifts["date"] = pd.to_datetime(shifts["date"]).dt.date
    created = row[2] if row[2].tzinfo else row[2].replace(tzinfo=dt.UTC)
    return PlanVersion(plan_id=int(row[0]), week=row[1], created_at=created, author=row[3],
                       method=row[4], inputs=PlanInputs.from_json(row[5]),
                       warehouse_version=row[6], history_end=row[7],
                       summary=json.loads(row[8]), daily=daily,
                       intervals=frames["plan_intervals"], shifts=shifts)


def latest_plan(con: duckdb.DuckDBPyConnection, week: str, *,
                interval_minutes: int | None = None) -> PlanVersion | None:
    """The newest stored version of ``week`` (of that interval length when given), None
    when none was saved."""
    if not _has_tables(con):
        return None
    from analytics.periods import parse_week

    row = con.execute("select max(plan_id) from plan_versions where week = ? and "
                      "(? is null or interval_minutes = ?)",
                      [parse_week(week), interval_minutes, interval_minutes]).fetchone()
    return None if row[0] is None else load_plan(con, row[0])


# ------------------------------------------------------------------------------ diff
@dataclass(frozen=True)
class PlanDiff:
    """Two versions side by side.

    Attributes
    ----------
    old, new : PlanVersion
    intervals : DataFrame
        Per ``period_start``: ``calls``, ``agents_c``, ``agents_a``, ``required``,
        ``planned`` of each (``_old``, ``_new``) and their difference (``_diff`` = new - old).
    totals : DataFrame
        One row per :meth:`PlanVersion.totals` measure: ``old``, ``new``, ``diff``.
    inputs : dict
        The inputs that differ: ``{name: (old, new)}`` (and ``warehouse_version``).
    """

    old: PlanVersion
    new: PlanVersion
    intervals: pd.DataFrame
    totals: pd.DataFrame
    inputs: dict


def diff_plans(old: PlanVersion, new: PlanVersion) -> PlanDiff:
    """What changed from ``old`` to ``new`` (same or different weeks: intervals matched on
    their start; an interval in one only counts 0 in the other)."""
    measures = ["calls", "agents_c", "agents_a", "required", "planned"]
    a = old.intervals.set_index("period_start")[measures]
    b = new.intervals.set_index("period_start")[measures]
    joined = a.add_suffix("_old").join(b.add_suffix("_new"), how="outer").fillna(0.0)
    for m in measures:
        joined[f"{m}_diff"] = joined[f"{m}_new"] - joined[f"{m}_old"]
    ta, tb = old.totals(), new.totals()
    totals = pd.DataFrame({"measure": list(ta), "old": list(ta.values()),
                           "new": [tb[k] for k in ta]})
    totals["diff"] = totals["new"] - totals["old"]
    ia, ib = dataclasses.asdict(old.inputs), dataclasses.asdict(new.inputs)
    changed = {k: (ia[k], ib[k]) for k in ia if ia[k] != ib[k]}
    if old.warehouse_version != new.warehouse_version:
        changed["warehouse_version"] = (old.warehouse_version, new.warehouse_version)
    return PlanDiff(old, new, joined.reset_index(), totals, changed)
