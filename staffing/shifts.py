"""Shift plans for a week of interval requirements (OR-Tools CP-SAT).

pyworkforce 0.5.4's schedulers (``MinAbsDifference``, ``MinRequiredResources``) count
anonymous shifts per day: they cannot hold a weekly hour limit, a rest period between two days
or a headcount of named advisors. This module builds the same kind of CP-SAT model with one
boolean per advisor, day and shift pattern, so French working-time rules can be stated:

* at most ``max_hours_day`` (10 h) of work a day, ``max_hours_week`` (48 h) a week,
  ``min_rest_hours`` (11 h) between the end of one day's shift and the next day's start;
* employment terms (full time, part time) with their own patterns, weekly hours and working days;
* a lunch break inside the shift, placed by the solver within a window;
* at most ``sum(contract counts)`` advisors (the available headcount).

Objective, lexicographic: first the advisor-intervals short of the requirement, then the paid
hours. The solver stops at ``time_limit_s``; its status is reported, and a plan that cannot
cover the requirement with the headcount is returned as the best partial plan, labelled so.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["EmploymentTerms", "ShiftPattern", "ShiftRules", "cover_requirements",
           "coverage_per_day", "default_rules", "plan_shifts", "rules_from_dict"]


@dataclass(frozen=True)
class ShiftPattern:
    """A family of shifts: work ``work_hours`` (paid) starting at any of ``starts`` ("HH:MM"),
    with an unpaid lunch of ``lunch_minutes`` starting between ``lunch_after_h`` hours
    after the start (earliest, latest)."""

    name: str
    starts: tuple[str, ...]
    work_hours: float
    lunch_minutes: int = 0
    lunch_after_h: tuple[float, float] = (3.0, 5.0)


@dataclass(frozen=True)
class EmploymentTerms:
    """``count`` advisors on the same employment terms (weekly hours, working days, allowed
    patterns): full time, part time... Not the service contract (:mod:`analytics.contract`)."""

    name: str
    count: int
    patterns: tuple[str, ...]
    max_hours_week: float = 48.0
    max_days_week: int = 5


@dataclass(frozen=True)
class ShiftRules:
    patterns: tuple[ShiftPattern, ...]
    terms: tuple[EmploymentTerms, ...]
    max_hours_day: float = 10.0
    max_hours_week: float = 48.0
    min_rest_hours: float = 11.0
    extra: dict = field(default_factory=dict)

    @property
    def headcount(self) -> int:
        return sum(c.count for c in self.terms)


def _hhmm(text: str) -> int:
    h, m = str(text).split(":")
    return int(h) * 60 + int(m)


def _fmt(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _starts(spec) -> tuple[str, ...]:
    if isinstance(spec, dict):
        a, b = _hhmm(spec["from"]), _hhmm(spec["to"])
        step = int(spec.get("every_minutes", 30))
        return tuple(_fmt(m) for m in range(a, b + 1, step))
    return tuple(str(s) for s in spec)


def default_rules(max_advisors: int = 25, *, open_time: str = "08:00",
                  close_time: str = "20:00") -> ShiftRules:
    """Full-time 7 h + 1 h lunch (at most 39 h, 5 days a week) for 80 % of the headcount and
    part-time 4 h shifts (at most 24 h, 5 days) for the rest, starting every 30 minutes."""
    o, c = _hhmm(open_time), _hhmm(close_time)
    ft = ShiftPattern("FT7", tuple(_fmt(m) for m in range(o, c - 8 * 60 + 1, 30)), 7.0, 60,
                      (3.0, 4.5))
    pt = ShiftPattern("PT4", tuple(_fmt(m) for m in range(o, c - 4 * 60 + 1, 30)), 4.0)
    n_pt = max_advisors // 5
    terms = (EmploymentTerms("full_time", max_advisors - n_pt, ("FT7",), 39.0, 5),
             EmploymentTerms("part_time", n_pt, ("PT4",), 24.0, 5))
    return ShiftRules((ft, pt), tuple(c for c in terms if c.count > 0))


def rules_from_dict(cfg: dict, *, max_advisors: int | None = None) -> ShiftRules:
    """Rules from a JSON/YAML mapping (``patterns``, the employment terms under ``terms`` or
    ``contracts``, and the legal limits).

    ``max_advisors`` scales the advisor counts down proportionally when they exceed it.
    """
    try:
        patterns = tuple(
            ShiftPattern(p["name"], _starts(p["starts"]), float(p["work_hours"]),
                         int(p.get("lunch_minutes", 0)),
                         tuple(p.get("lunch_after_h", (3.0, 5.0))))
            for p in cfg["patterns"])
        given = cfg["terms"] if "terms" in cfg else cfg["contracts"]
        terms = [EmploymentTerms(c["name"], int(c["count"]), tuple(c["patterns"]),
                                 float(c.get("max_hours_week", 48.0)),
                                 int(c.get("max_days_week", 5)))
                 for c in given]
    except KeyError as exc:
        raise ValueError(f"shift rules: missing key {exc}; see 'copil plan --help'") from exc
    total = sum(c.count for c in terms)
    if max_advisors is not None and total > max_advisors:
        counts = np.floor(np.array([c.count for c in terms]) * max_advisors / total)
        counts[0] += max_advisors - counts.sum()
        terms = [EmploymentTerms(c.name, int(k), c.patterns, c.max_hours_week, c.max_days_week)
                 for c, k in zip(terms, counts, strict=True)]
    rules = ShiftRules(patterns, tuple(terms), float(cfg.get("max_hours_day", 10.0)),
                       float(cfg.get("max_hours_week", 48.0)),
                       float(cfg.get("min_rest_hours", 11.0)))
    names = {p.name for p in patterns}
    for c in rules.terms:
        unknown = set(c.patterns) - names
        if unknown:
            raise ValueError(f"employment terms {c.name!r} use unknown patterns "
                             f"{sorted(unknown)}")
    return rules


@dataclass(frozen=True)
class _Shift:
    pattern: str
    start: int  # minutes after midnight
    end: int  # end of presence
    work_slots: int
    covered: tuple[int, ...]  # slot indices of work (lunch excluded)
    lunch: tuple[int, int] | None


def _expand(rules: ShiftRules, slot_min: int) -> list[_Shift]:
    shifts = []
    for p in rules.patterns:
        if p.work_hours > rules.max_hours_day + 1e-9:
            raise ValueError(f"pattern {p.name!r}: {p.work_hours:g} h of work exceeds the "
                             f"{rules.max_hours_day:g} h daily limit")
        work = int(round(p.work_hours * 60))
        if work % slot_min or p.lunch_minutes % slot_min:
            raise ValueError(f"pattern {p.name!r}: hours and lunch must be whole {slot_min}-minute "
                             "intervals")
        for s in p.starts:
            start = _hhmm(s)
            if start % slot_min:
                raise ValueError(f"pattern {p.name!r}: start {s} is not on a {slot_min}-minute "
                                 "boundary")
            if p.lunch_minutes == 0:
                cov = tuple(range(start // slot_min, (start + work) // slot_min))
                shifts.append(_Shift(p.name, start, start + work, work // slot_min, cov, None))
                continue
            lo, hi = (int(round(h * 60)) for h in p.lunch_after_h)
            for off in range(lo, min(hi, work) + 1, slot_min):
                ls, le = start + off, start + off + p.lunch_minutes
                end = start + work + p.lunch_minutes
                cov = tuple(k for k in range(start // slot_min, end // slot_min)
                            if not ls // slot_min <= k < le // slot_min)
                shifts.append(_Shift(p.name, start, end, work // slot_min, cov, (ls, le)))
    return shifts


def plan_shifts(required: pd.DataFrame, rules: ShiftRules | None = None, *,
                column: str = "scheduled", time_limit_s: float = 10.0,
                workers: int = 2, seed: int = 0) -> dict:
    """Turn interval requirements into named shifts for each day.

    Parameters
    ----------
    required : DataFrame
        ``period_start`` (tz-aware local time) and the advisors needed per interval in
        ``column`` (e.g. :func:`staffing.requirements` output: ``scheduled`` or ``agents``).
    rules : ShiftRules, optional
        Patterns, employment terms and legal limits (default: :func:`default_rules`).
    column : str
        Requirement column (advisors, count).
    time_limit_s : float
        Solver time limit (seconds).
    workers, seed : int
        CP-SAT search workers and random seed.

    Returns
    -------
    dict
        ``status`` (OPTIMAL, FEASIBLE, INFEASIBLE, UNKNOWN), ``plan`` ("complete" when every
        interval is covered, else "partial: best plan within the headcount"), ``shifts``
        (one row per advisor and day), ``coverage`` (per interval: required, planned, under,
        over), ``summary`` (advisor-hours under/over, paid hours, advisors used, solve time).
    """
    from ortools.sat.python import cp_model

    rules = rules or default_rules()
    if "period_start" not in required.columns or column not in required.columns:
        raise ValueError(f"requirements need 'period_start' and {column!r} columns")
    ps = pd.to_datetime(required["period_start"])
    gaps = ps.drop_duplicates().sort_values().diff().dropna().dt.total_seconds()
    slot_min = int(round(gaps.mode().iloc[0] / 60)) if len(gaps) else 30
    if 1440 % slot_min:
        raise ValueError(f"interval of {slot_min} minutes does not divide the day")
    per_day = 1440 // slot_min
    req = pd.DataFrame({"date": ps.dt.date, "slot": (ps.dt.hour * 60 + ps.dt.minute) // slot_min,
                        "need": pd.to_numeric(required[column]).to_numpy()})
    req = req.groupby(["date", "slot"], as_index=False)["need"].sum()
    days = sorted(req["date"].unique())
    day_ix = {d: i for i, d in enumerate(days)}
    need = np.zeros((len(days), per_day), dtype=np.int64)
    need[req["date"].map(day_ix).to_numpy(), req["slot"].to_numpy()] = np.ceil(
        req["need"].to_numpy()).astype(np.int64)
    shifts = _expand(rules, slot_min)
    pattern_ix = {}
    for k, s in enumerate(shifts):
        pattern_ix.setdefault(s.pattern, []).append(k)

    m = cp_model.CpModel()
    advisors = []  # (terms, index within them)
    x = {}  # (advisor, day, shift) -> bool
    for c in rules.terms:
        allowed = [k for name in c.patterns for k in pattern_ix.get(name, [])]
        for i in range(c.count):
            a = len(advisors)
            advisors.append((c, i))
            for d in range(len(days)):
                for k in allowed:
                    x[a, d, k] = m.NewBoolVar(f"x{a}_{d}_{k}")
    by_ad: dict[tuple[int, int], list[int]] = {}
    for a, d, k in x:
        by_ad.setdefault((a, d), []).append(k)
    week_cap = min(rules.max_hours_week, 10**9)
    rest = int(round(rules.min_rest_hours * 60))
    hours_vars = []
    for a, (c, _) in enumerate(advisors):
        day_terms = []
        work_terms = []
        for d in range(len(days)):
            ks = by_ad.get((a, d), [])
            if not ks:
                continue
            m.AddAtMostOne(x[a, d, k] for k in ks)
            day_terms += [x[a, d, k] for k in ks]
            work_terms += [shifts[k].work_slots * x[a, d, k] for k in ks]
            # rest between the end of day d and the start of day d + 1 (calendar-adjacent)
            if d + 1 < len(days) and (days[d + 1] - days[d]).days == 1:
                nxt = by_ad.get((a, d + 1), [])
                for k in ks:
                    clash = [x[a, d + 1, j] for j in nxt
                             if 1440 + shifts[j].start - shifts[k].end < rest]
                    if clash:
                        m.Add(x[a, d, k] + sum(clash) <= 1)
        cap_slots = int(np.floor(min(c.max_hours_week, week_cap) * 60 / slot_min + 1e-9))
        m.Add(sum(work_terms) <= cap_slots)
        m.Add(sum(day_terms) <= c.max_days_week)
        h = m.NewIntVar(0, cap_slots, f"h{a}")
        m.Add(h == sum(work_terms))
        hours_vars.append(h)
    # symmetry: advisors of one contract sorted by hours
    for a in range(1, len(advisors)):
        if advisors[a][0] is advisors[a - 1][0]:
            m.Add(hours_vars[a - 1] >= hours_vars[a])
    # coverage per interval through the per-day pattern counts
    cover_by = [[[] for _ in range(per_day)] for _ in days]
    for (_a, d, k), var in x.items():
        for slot in shifts[k].covered:
            if 0 <= slot < per_day:
                cover_by[d][slot].append(var)
    under = {}
    for d in range(len(days)):
        for p in range(per_day):
            if need[d, p] > 0:
                u = m.NewIntVar(0, int(need[d, p]), f"u{d}_{p}")
                m.Add(sum(cover_by[d][p]) + u >= int(need[d, p]))
                under[d, p] = u
    cost = sum(shifts[k].work_slots * var for (_a, _d, k), var in x.items())
    max_cost = sum(int(np.floor(c.max_hours_week * 60 / slot_min)) * c.count
                   for c in rules.terms) + 1
    m.Minimize(max_cost * sum(under.values()) + cost)

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(time_limit_s)
    solver.parameters.num_search_workers = int(workers)
    solver.parameters.random_seed = int(seed)
    t0 = time.perf_counter()
    status = solver.Solve(m)
    elapsed = time.perf_counter() - t0
    status_name = solver.StatusName(status)
    tz = ps.dt.tz
    hours_per_slot = slot_min / 60.0
    shift_rows = []
    planned = np.zeros_like(need)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        for (a, d, k), var in x.items():
            if solver.Value(var):
                s = shifts[k]
                for slot in s.covered:
                    if 0 <= slot < per_day:
                        planned[d, slot] += 1
                c, i = advisors[a]
                day = pd.Timestamp(days[d])
                row = {"advisor": f"{c.name}-{i + 1:02d}", "contract": c.name,
                       "date": days[d], "pattern": s.pattern,
                       "start": _localise(day, s.start, tz), "end": _localise(day, s.end, tz),
                       "lunch_start": None if s.lunch is None else _localise(day, s.lunch[0], tz),
                       "lunch_end": None if s.lunch is None else _localise(day, s.lunch[1], tz),
                       "paid_hours": s.work_slots * hours_per_slot}
                shift_rows.append(row)
    shifts_df = pd.DataFrame(shift_rows, columns=["advisor", "contract", "date", "pattern",
                                                  "start", "end", "lunch_start", "lunch_end",
                                                  "paid_hours"])
    shifts_df = shifts_df.sort_values(["date", "start", "advisor"]).reset_index(drop=True)
    cov_rows = []
    for d, day in enumerate(days):
        for p in range(per_day):
            if need[d, p] > 0 or planned[d, p] > 0:
                cov_rows.append({"period_start": _localise(pd.Timestamp(day), p * slot_min, tz),
                                 "required": int(need[d, p]), "planned": int(planned[d, p])})
    coverage = pd.DataFrame(cov_rows, columns=["period_start", "required", "planned"])
    coverage["under"] = (coverage["required"] - coverage["planned"]).clip(lower=0)
    coverage["over"] = (coverage["planned"] - coverage["required"]).clip(lower=0)
    solved = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    under_h = float(coverage["under"].sum() * hours_per_slot)
    summary = {
        "status": status_name,
        "plan": ("none: the solver found no plan within the time limit" if not solved
                 else "complete" if under_h == 0
                 else "partial: best plan within the headcount, some intervals under-covered"),
        "under_advisor_hours": under_h if solved else None,
        "over_advisor_hours": float(coverage["over"].sum() * hours_per_slot) if solved else None,
        "required_advisor_hours": float(need.sum() * hours_per_slot),
        "paid_hours": float(shifts_df["paid_hours"].sum()),
        "advisors_available": rules.headcount,
        "advisors_used": int(shifts_df["advisor"].nunique()),
        "shifts": len(shifts_df),
        "interval_minutes": slot_min,
        "solve_seconds": round(elapsed, 3),
        "time_limit_s": float(time_limit_s),
    }
    return {"status": status_name, "plan": summary["plan"], "shifts": shifts_df,
            "coverage": coverage, "summary": summary}


def _localise(day: pd.Timestamp, minutes: int, tz) -> pd.Timestamp:
    ts = day.normalize() + pd.Timedelta(minutes=int(minutes))
    if tz is not None:
        ts = ts.tz_localize(tz, nonexistent="shift_forward", ambiguous=False)
    return ts


def cover_requirements(requirements: pd.DataFrame, rules: ShiftRules | None = None, *,
                       column: str = "scheduled", time_limit_s: float = 10.0) -> dict:
    """Shifts for a week of interval requirements, with the coverage beside each interval.

    Parameters
    ----------
    requirements : DataFrame
        :func:`staffing.requirements.requirements` rows (``period_start``, ``column``;
        with a ``queue`` column the queues' advisors are summed per interval).
    rules : ShiftRules, optional
        As for :func:`plan_shifts`.
    column : str
        Requirement column (advisors, count).
    time_limit_s : float
        Solver time limit (s).

    Returns
    -------
    dict
        :func:`plan_shifts`'s result, plus ``intervals``: the requirements with the
        coverage columns (``scheduled_required``, ``planned``, ``under``, ``over``; not
        joined when the rows are per queue).
    """
    if "queue" in requirements.columns:
        total = requirements.groupby("period_start", as_index=False)[column].sum()
    else:
        total = requirements[["period_start", column]]
    result = plan_shifts(total, rules, column=column, time_limit_s=time_limit_s)
    cov = result["coverage"].rename(columns={"required": f"{column}_required"})
    intervals = (requirements if "queue" in requirements.columns
                 else requirements.merge(cov, on="period_start", how="left"))
    return {**result, "intervals": intervals}


def coverage_per_day(coverage: pd.DataFrame, shifts: pd.DataFrame,
                     interval_minutes: float) -> pd.DataFrame:
    """Per local day: ``required_h``, ``planned_h``, ``under_h``, ``over_h`` (advisor-hours,
    from :func:`plan_shifts`'s coverage), ``shifts`` (count) and ``paid_hours`` (h)."""
    cov = coverage.copy()
    hours = interval_minutes / 60.0
    cov["date"] = cov["period_start"].dt.date
    day = cov.groupby("date").agg(required_h=("required", "sum"), planned_h=("planned", "sum"),
                                  under_h=("under", "sum"), over_h=("over", "sum")) * hours
    sh = shifts.groupby("date").agg(shifts=("advisor", "size"),
                                    paid_hours=("paid_hours", "sum"))
    return day.join(sh, how="left").fillna(0).reset_index()
