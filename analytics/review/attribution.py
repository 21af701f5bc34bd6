"""Why a target was missed: each missed weekly target and each interval that missed its
threshold, the gap split into forecast error, handle-time drift, staffing gap and a
remainder by Erlang A counterfactuals (:func:`week_attribution`).

The maths (Shapley split over the three causes, the plan's margin, the remainder, the
weekly weighting) is :mod:`staffing.attribution`; this module brings it the figures:

- the plan per interval: :func:`analytics.planned.planned_intervals` (forecast calls,
  planned AHT and patience; planned advisors: ``scheduled`` from a stored shift plan, else
  ``agents_a``, the Erlang A advisors the plan required for the contract's targets);
- what happened per interval: :func:`analytics.planning.staffing_vs_requirement` (calls
  offered, observed AHT, caller patience over the reviewed week, advisors logged in);
- the actual per interval and per week: the KPIs (:func:`analytics.kpis.kpis`; the week's
  is the review's own row), so the actual is the figure the review shows.

Metrics: the line-wide weekly targets Erlang A can predict: ``pickup_rate``,
``abandon_rate`` (Erlang A's abandonment), ``service_level_<T>s`` (answered within T over
offered calls; over answered calls for the ``answered_only`` variant) and ``asa_s``.
Targets on one queue are left out: advisors are logged in for the whole line.

Units: rates are fractions, ``asa_s`` seconds; ``gap = actual - target`` (the glossary's
margin) and its parts are in the metric's unit and add up to it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.contract import Contract, Target
from analytics.metrics import target_status
from analytics.periods import week_days
from analytics.warehouse import sql_text
from staffing.attribution import PARTS, IntervalState, aggregate, attribute, counterfactuals
from staffing.erlang_a import evaluate_fractional

__all__ = ["ATTRIBUTION_COLUMNS", "CHECK_COLUMNS", "GapAttribution", "week_attribution",
           "actual_intervals", "attribution_intervals", "attributable_targets",
           "model_at_actual", "metric_weights", "interval_parts", "INTERVAL_MINUTES"]

INTERVAL_MINUTES = 30
#: one row per missed week or missed interval and metric
ATTRIBUTION_COLUMNS = ["grain", "period", "metric", "comparison", "target", "actual", "gap",
                       *PARTS, "calls"]
#: the model check: Erlang A at the actual state against the KPI, per metric
CHECK_COLUMNS = ["metric", "intervals", "mae", "bias"]
_LABEL = "%Y-%m-%dT%H:%M"


@dataclass(frozen=True)
class GapAttribution:
    """The attribution of a week's missed targets.

    Attributes
    ----------
    week : the week label.
    rows : :data:`ATTRIBUTION_COLUMNS`: ``grain`` (``week`` or ``interval``), ``period`` (the
        week label or the interval's local start ``YYYY-MM-DDTHH:MM``), ``metric``,
        ``comparison``, ``target`` (threshold), ``actual`` (the KPI), ``gap`` (actual -
        target), the parts (they add up to ``gap``), ``calls`` (the calls the metric divides
        by: its weight). Week rows for the weekly targets missed, then the intervals that
        missed a target's threshold (whatever the week's status), worst first per metric.
    checks : :data:`CHECK_COLUMNS`: per attributable target metric, the intervals with
        calls, the mean absolute error and the mean error (model - KPI) of Erlang A at the
        actual volume, AHT, patience and advisors logged in (the metric's unit).
    planned_staffing : ``scheduled`` (a stored shift plan) or ``agents_a`` (the advisors
        the plan required, Erlang A).
    reason : why there is no attribution (no staffing data, a queue filter, no
        attributable target...), else None.
    """

    week: str
    rows: pd.DataFrame
    checks: pd.DataFrame
    planned_staffing: str | None = None
    reason: str | None = None

    def week_rows(self) -> pd.DataFrame:
        """The rows of the weekly targets missed."""
        return self.rows[self.rows["grain"] == "week"].reset_index(drop=True)

    def interval_rows(self, metric: str | None = None) -> pd.DataFrame:
        """The missed intervals (of ``metric`` when given)."""
        sel = self.rows["grain"] == "interval"
        if metric is not None:
            sel &= self.rows["metric"] == metric
        return self.rows[sel].reset_index(drop=True)


def _empty(week: str, reason: str | None) -> GapAttribution:
    return GapAttribution(week, pd.DataFrame({c: [] for c in ATTRIBUTION_COLUMNS}),
                          pd.DataFrame({c: [] for c in CHECK_COLUMNS}), reason=reason)


def _measure(metric: str, basis: str) -> str | None:
    """The :func:`staffing.erlang_a.evaluate` key predicting ``metric``, None if none."""
    if metric == "pickup_rate":
        return "pickup_rate"
    if metric == "abandon_rate":
        return "p_abandon"
    if metric == "asa_s":
        return "asa_s"
    if metric.startswith("service_level_"):
        return "service_level_answered" if basis == "answered" else "service_level"
    return None


def attributable_targets(contract: Contract) -> list[Target]:
    """The contract's line-wide weekly targets Erlang A can predict, in contract order."""
    return [t for t in contract.targets if t.period == "week" and t.queue is None
            and _measure(t.metric, "offered") is not None]


def _answer_s(metric: str) -> float:
    return float(metric[len("service_level_"):-1]) if metric.startswith("service_level_") \
        else 20.0


def actual_intervals(con, first, last, *, contract: Contract) -> pd.DataFrame:
    """What happened in every local interval with calls offered, ``first`` to ``last``.

    Returns
    -------
    DataFrame per interval: ``period`` (local ``YYYY-MM-DDTHH:MM``), the KPI columns of
    :func:`analytics.kpis.kpis` (``offered``, ``answered``, the rates...), ``aht_actual_s``
    (observed, else the profile's), ``patience_actual_s`` (the profile over the span's
    weeks), ``advisors`` (logged in, time-averaged; null without staffing data) and
    ``staffed`` (bool), from :func:`analytics.planning.staffing_vs_requirement`. ``attrs``:
    ``service_level_basis``. ValueError without staffing data in the span.
    """
    from analytics.kpis import kpis
    from analytics.planning import staffing_vs_requirement

    kpi = kpis(con, period="interval", interval_minutes=INTERVAL_MINUTES, start=first,
               end=last, contract=contract)
    kpi = kpi[kpi["offered"] > 0].rename(columns={"period_start": "period"})
    staffed = staffing_vs_requirement(con, first, last, interval_minutes=INTERVAL_MINUTES,
                                      contract=contract)
    staffed = staffed.assign(period=staffed["period_start"].dt.strftime(_LABEL))
    out = kpi.merge(staffed[["period", "aht_s", "patience_s", "advisors"]].rename(columns={
        "aht_s": "aht_actual_s", "patience_s": "patience_actual_s"}), on="period", how="left")
    out["staffed"] = out["advisors"].notna()
    out = out.reset_index(drop=True)
    out.attrs.update(service_level_basis=staffed.attrs.get("service_level_basis", "offered"))
    return out


def attribution_intervals(con, first, last, *, contract: Contract) -> pd.DataFrame:
    """:func:`actual_intervals` with the plan of each interval: ``plan_calls``,
    ``plan_aht_s``, ``plan_patience_s`` and ``plan_advisors`` (``scheduled`` from a stored
    shift plan, else ``agents_a``; 0 calls and 0 advisors where the plan had no row).
    ``attrs`` adds ``planned_staffing`` (``scheduled`` or ``agents_a``)."""
    from analytics.planned import planned_intervals

    out = actual_intervals(con, first, last, contract=contract)
    plan = planned_intervals(con, first, last, interval_minutes=INTERVAL_MINUTES,
                             contract=contract)
    plan = plan.assign(period=plan["period_start"].dt.strftime(_LABEL))
    plan = plan.drop_duplicates("period", keep="first")  # repeated autumn hour: one bucket
    has_scheduled = bool(np.isfinite(plan["scheduled"].to_numpy(float)).any())
    plan_adv = plan["scheduled"] if has_scheduled else plan["agents_a"]
    attrs = dict(out.attrs)
    out = out.merge(plan.assign(plan_advisors=plan_adv)[
        ["period", "calls", "aht_s", "patience_s", "plan_advisors"]].rename(columns={
            "calls": "plan_calls", "aht_s": "plan_aht_s", "patience_s": "plan_patience_s"}),
        on="period", how="left")
    out["plan_calls"] = out["plan_calls"].fillna(0.0)
    out["plan_advisors"] = out["plan_advisors"].astype(float).fillna(0.0)
    for col in ("plan_aht_s", "plan_patience_s"):
        fallback = plan[col.removeprefix("plan_")].dropna()
        out[col] = out[col].astype(float).fillna(float(fallback.mean()) if len(fallback)
                                                 else np.nan)
    out["aht_actual_s"] = out["aht_actual_s"].astype(float).fillna(out["plan_aht_s"])
    out["patience_actual_s"] = out["patience_actual_s"].astype(float).fillna(
        out["plan_patience_s"])
    out.attrs.update(attrs, planned_staffing="scheduled" if has_scheduled else "agents_a")
    return out


def model_at_actual(frame: pd.DataFrame, metric: str, basis: str) -> np.ndarray:
    """Erlang A's ``metric`` per row of :func:`actual_intervals` at the actual calls, AHT,
    patience and advisors logged in (the last state of the attribution); null where the
    row has no staffing data."""
    out = np.full(len(frame), np.nan)
    rows = np.flatnonzero(frame["staffed"].to_numpy())
    if rows.size:
        sub = frame.iloc[rows]
        m = evaluate_fractional(sub["offered"].to_numpy(float),
                                sub["aht_actual_s"].to_numpy(float), INTERVAL_MINUTES * 60.0,
                                sub["advisors"].to_numpy(float),
                                sub["patience_actual_s"].to_numpy(float),
                                _answer_s(metric))
        out[rows] = m[_measure(metric, basis)]
    return out


def metric_weights(con, metric: str, frame: pd.DataFrame, variant: str) -> np.ndarray:
    """Calls in ``metric``'s denominator per row of a KPI frame (its weighting): offered
    calls for the pickup and abandon rates, the ``variant``'s service-level calls
    (``service_level_denominator``, stg_calls.sql), answered calls for the ASA."""
    if metric in ("pickup_rate", "abandon_rate"):
        return frame["offered"].to_numpy(float)
    if metric == "asa_s":
        return frame["answered"].to_numpy(float)
    counts = {c: [int(x) for x in frame[c]] for c in ("offered", "answered", "abandoned",
                                                         "short_abandoned")}
    den = con.execute(sql_text("kpi_denominators"), {"variant": variant, **counts}).df()
    return den["service_level_calls"].to_numpy(float) if len(den) else np.zeros(0)


def interval_parts(frame: pd.DataFrame, target: Target, basis: str) -> pd.DataFrame:
    """The attribution of ``target`` in every row of :func:`attribution_intervals`:
    ``actual`` (the KPI), ``gap``, the parts, ``actual_model`` (Erlang A at the actual
    state), ``explained`` (False without staffing data or a model value: all remainder)."""
    measure = _measure(target.metric, basis)
    actual = frame[target.metric].astype(float).to_numpy()
    n = len(frame)
    out = {"actual": actual, "gap": actual - target.threshold,
           **{p: np.zeros(n) for p in PARTS}, "actual_model": np.full(n, np.nan),
           "explained": np.zeros(n, dtype=bool)}
    rows = np.flatnonzero(frame["staffed"].to_numpy())
    if rows.size:
        sub = frame.iloc[rows]
        planned = IntervalState(sub["plan_calls"], sub["plan_aht_s"], sub["plan_advisors"],
                                sub["plan_patience_s"])
        actual_state = IntervalState(sub["offered"], sub["aht_actual_s"], sub["advisors"],
                                     sub["patience_actual_s"])
        states = counterfactuals(planned, actual_state, interval_s=INTERVAL_MINUTES * 60.0,
                                 answer_s=_answer_s(target.metric))
        res = attribute(planned, actual_state, actual[rows], target.threshold,
                        measure=measure, interval_s=INTERVAL_MINUTES * 60.0,
                        answer_s=_answer_s(target.metric), states=states)
        for p in PARTS:
            out[p][rows] = getattr(res, p)
        out["actual_model"][rows] = res.actual_model
        out["explained"][rows] = res.explained
    df = pd.DataFrame(out, index=frame.index)
    df["remainder"] = df["gap"] - df["forecast_error"] - df["aht_drift"] - df["staffing_gap"]
    return df


def week_attribution(con, week: str, week_row: pd.Series | None, *, contract: Contract,
                     week_start: int = 0, queues=None) -> GapAttribution:
    """The attribution of ``week``'s missed targets and missed intervals.

    Parameters
    ----------
    con : DuckDB connection to the warehouse.
    week : ``YYYY-Www``.
    week_row : the review's KPI row of the week (:attr:`analytics.review.Review.weeks`):
        the weekly actuals.
    contract : the contract (targets, variant, short abandons).
    week_start : the line's week start (Monday = 0).
    queues : the review's queue filter; the attribution is for the whole line only.

    Returns
    -------
    GapAttribution (``reason`` says why it is empty when it is).
    """
    from analytics.planning import staffing_targets

    targets = attributable_targets(contract)
    if queues:
        return _empty(week, "the attribution covers the whole line (advisors are logged in "
                            "for the line); clear the queue filter")
    if not targets:
        return _empty(week, "no line-wide weekly target on the pickup rate, abandon rate, "
                            "service level or ASA in the contract")
    if week_row is None or int(week_row["offered"]) == 0:
        return _empty(week, f"no calls offered in {week}")
    if not con.execute("select count(*) > 0 from staffing").fetchall()[0][0]:
        return _empty(week, "no staffing data (advisors logged in) in the warehouse; load "
                            "it with 'copil ingest staffing FILE'")
    first, last = week_days(week, week_start)
    try:
        frame = attribution_intervals(con, first, last, contract=contract)
    except ValueError as exc:
        return _empty(week, str(exc))
    if not frame["staffed"].any():
        return _empty(week, f"no staffing data in {week}; load it with "
                            "'copil ingest staffing FILE'")
    if frame["plan_advisors"].isna().any() or not np.isfinite(
            frame["plan_patience_s"].to_numpy(float)).all():
        return _empty(week, "the plan of the week has no Erlang A staffing (no abandoned call "
                            "before the week to estimate patience from)")
    basis = staffing_targets(contract)["service_level_basis"]
    rows, interval_rows, checks = [], [], []
    for target in targets:
        parts = interval_parts(frame, target, basis)
        weights = metric_weights(con, target.metric, frame, contract.service_level_variant)
        has = (weights > 0) & np.isfinite(parts["actual"].to_numpy())
        model_err = (parts["actual_model"] - parts["actual"])[has & parts["explained"]]
        checks.append([target.metric, int(model_err.size),
                       float(model_err.abs().mean()) if model_err.size else None,
                       float(model_err.mean()) if model_err.size else None])
        actual = week_row.get(target.metric)
        if target_status(actual, target.comparison, target.threshold) == "missed":
            agg = aggregate(_as_attr(parts, has), np.where(has, weights, 0.0))
            gap = float(actual) - target.threshold
            fe, aht, staff = agg["forecast_error"], agg["aht_drift"], agg["staffing_gap"]
            rows.append(["week", week, target.metric, target.comparison, target.threshold,
                         float(actual), gap, fe, aht, staff, gap - fe - aht - staff,
                         float(weights[has].sum())])
        missed = [has[i] and target_status(parts["actual"].iloc[i], target.comparison,
                                           target.threshold) == "missed"
                  for i in range(len(frame))]
        sub = parts[missed].assign(period=frame.loc[missed, "period"],
                                   calls=weights[np.asarray(missed, dtype=bool)])
        sub = sub.assign(_lost=(sub["gap"].abs() * sub["calls"])).sort_values(
            ["_lost", "period"], ascending=[False, True])
        interval_rows.extend(["interval", r.period, target.metric, target.comparison, target.threshold,
                     r.actual, r.gap, r.forecast_error, r.aht_drift, r.staffing_gap,
                     r.remainder, float(r.calls)] for r in sub.itertuples())
    out = pd.DataFrame(rows + interval_rows, columns=ATTRIBUTION_COLUMNS)
    return GapAttribution(week, out, pd.DataFrame(checks, columns=CHECK_COLUMNS),
                          planned_staffing=frame.attrs["planned_staffing"])


def _as_attr(parts: pd.DataFrame, keep: np.ndarray):
    """:class:`staffing.attribution.Attribution`-like view of ``parts`` for
    :func:`staffing.attribution.aggregate` (rows outside ``keep`` zeroed: no weight)."""
    from staffing.attribution import Attribution

    def col(name):
        return np.where(keep, parts[name].to_numpy(float), 0.0)

    return Attribution(gap=col("gap"), forecast_error=col("forecast_error"),
                       aht_drift=col("aht_drift"), staffing_gap=col("staffing_gap"),
                       remainder=col("remainder"), plan_model=np.zeros(len(parts)),
                       actual_model=parts["actual_model"].to_numpy(float),
                       explained=parts["explained"].to_numpy())

