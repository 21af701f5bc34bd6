"""Advisors required per interval and queue from a call forecast, and campaign what-ifs.

The forecast is one row per interval (and queue): ``period_start``, ``calls`` (or the
forecasting package's ``forecast``), optionally ``aht_s``, ``queue`` and a prediction-interval
bound such as ``hi80``. Results are tidy rows: the inputs first, then the staffing and the
measures it achieves at the expected volume.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from staffing import erlang_a, erlang_c
from staffing.headcount import scheduled_headcount

__all__ = ["campaign_what_if", "infer_interval_s", "requirements", "targets_requirements"]


def infer_interval_s(period_start: pd.Series) -> float:
    """Most common spacing of the interval starts (seconds); 1800 when it cannot be seen."""
    ts = pd.to_datetime(pd.Series(period_start)).drop_duplicates().sort_values()
    if len(ts) < 2:
        return 1800.0
    d = ts.diff().dropna().dt.total_seconds().to_numpy()
    d = d[d > 0]
    if d.size == 0:
        return 1800.0
    vals, counts = np.unique(np.round(d), return_counts=True)
    return float(vals[np.argmax(counts)])


def _column(df: pd.DataFrame, name: str, default, what: str) -> np.ndarray:
    if name in df.columns:
        col = pd.to_numeric(df[name], errors="coerce").to_numpy(dtype=float)
        if default is not None:
            col = np.where(np.isnan(col), default, col)
        if np.isnan(col).any():
            raise ValueError(f"forecast column {name!r} has empty values; fill them or give "
                             f"{what}")
        return col
    if default is None:
        raise ValueError(f"forecast has no {name!r} column; add it or give {what}")
    return np.full(len(df), float(default))


def requirements(forecast: pd.DataFrame, *, model: str = "erlang_a", calls_col: str = "calls",
                 interval_s: float | None = None, aht_s: float | None = None,
                 patience_s: float | None = None, service_level: float | None = 0.8,
                 answer_s: float = 20.0, pickup_rate: float | None = None,
                 asa_s: float | None = None, max_occupancy: float | None = None,
                 service_level_basis: str = "offered",
                 shrinkage: float = 0.0, staff_to: str | None = None,
                 staff_to_when: str | np.ndarray | pd.Series | None = None) -> pd.DataFrame:
    """Advisors required per interval (and queue) with the measures achieved.

    Parameters
    ----------
    forecast : DataFrame
        ``period_start``, ``calls`` (or ``forecast``: expected calls per interval), optional
        ``queue``, ``aht_s`` (seconds), ``patience_s`` (seconds) and bound columns (``hi80``).
    model : {"erlang_a", "erlang_c"}
        Erlang A needs a patience (``patience_s`` argument or column).
    calls_col : str
        Column of expected calls; falls back to ``forecast`` when ``calls`` is absent.
    interval_s : float, optional
        Interval length (seconds); inferred from ``period_start`` when not given.
    aht_s, patience_s : float, optional
        Defaults (seconds) for rows or frames without those columns.
    service_level, answer_s, pickup_rate, asa_s, max_occupancy : optional
        Targets (fractions, seconds) as in :func:`staffing.erlang_a.required_agents`;
        ``pickup_rate`` needs Erlang A.
    service_level_basis : {"offered", "answered"}
        Erlang A: the service level among offered calls (default) or among answered calls
        (a contract's ``answered_only`` variant). Erlang C answers every call: no effect.
    shrinkage : float
        Share of paid time off the phones (fraction), for ``scheduled``.
    staff_to : str, optional
        Staff to this column instead of the expected calls (e.g. ``"hi80"``, the upper bound of
        the 80 % prediction interval) ...
    staff_to_when : str or boolean array, optional
        ... only on these rows (a boolean column name such as ``campaign``, or a mask).

    Returns
    -------
    DataFrame
        Input columns, then ``interval_s, calls_staffed, traffic_erlangs, agents, scheduled``
        and the measures at the expected volume: ``p_wait, service_level, asa_s, occupancy``
        (``service_level`` on ``service_level_basis``, the basis the target is met on;
        Erlang A adds ``p_abandon, pickup_rate, service_level_answered, wait_all_mean_s,
        abandon_wait_s``).
    """
    if model not in ("erlang_a", "erlang_c"):
        raise ValueError(f"model must be 'erlang_a' or 'erlang_c', got {model!r}")
    if "period_start" not in forecast.columns:
        raise ValueError("forecast needs a 'period_start' column (start of each interval)")
    if calls_col not in forecast.columns and calls_col == "calls" and "forecast" in forecast:
        calls_col = "forecast"
    df = forecast.reset_index(drop=True).copy()
    calls = _column(df, calls_col, None, "the expected calls")
    if (calls < 0).any():
        raise ValueError(f"forecast column {calls_col!r} has negative calls")
    aht = _column(df, "aht_s", aht_s, "aht_s=")
    if interval_s is None:
        if "queue" in df.columns:
            sizes = [infer_interval_s(g["period_start"]) for _, g in df.groupby("queue")]
            interval_s = min(sizes) if sizes else 1800.0
        else:
            interval_s = infer_interval_s(df["period_start"])
    staffed = calls.copy()
    if staff_to is not None:
        bound = _column(df, staff_to, None, "another staff_to column")
        when = np.ones(len(df), dtype=bool)
        if staff_to_when is not None:
            when = (df[staff_to_when] if isinstance(staff_to_when, str)
                    else pd.Series(np.asarray(staff_to_when))).fillna(False).to_numpy(dtype=bool)
        staffed = np.where(when, np.maximum(bound, calls), calls)
    targets = {"service_level": service_level, "asa_s": asa_s, "max_occupancy": max_occupancy}
    if service_level is not None:
        targets["answer_s"] = answer_s
    if model == "erlang_a":
        patience = _column(df, "patience_s", patience_s, "patience_s= (mean caller patience)")
        targets["pickup_rate"] = pickup_rate
        given = {k: v for k, v in targets.items() if v is not None}
        agents = erlang_a.required_agents(staffed, aht, interval_s, patience,
                                          service_level_basis=service_level_basis, **given)
        measures = _on_basis(erlang_a.evaluate(calls, aht, interval_s, agents, patience,
                                               answer_s), service_level_basis)
    else:
        if pickup_rate is not None:
            raise ValueError("a pickup-rate target needs model='erlang_a' (Erlang C has no "
                             "abandonment)")
        given = {k: v for k, v in targets.items() if v is not None}
        agents = erlang_c.required_agents(staffed, aht, interval_s, **given)
        measures = erlang_c.evaluate(calls, aht, interval_s, agents, answer_s)
    df["interval_s"] = float(interval_s)
    df["calls_staffed"] = staffed
    df["traffic_erlangs"] = measures.pop("traffic_erlangs")
    df["agents"] = agents
    df["scheduled"] = scheduled_headcount(agents, shrinkage)
    for key, val in measures.items():
        df[key] = val
    return df


def _on_basis(measures: dict, basis: str) -> dict:
    """Erlang A's measures with ``service_level`` on the contract's basis: answered within
    the threshold over offered calls (``'offered'``, the glossary's default) or over answered
    calls (``'answered'``, the ``answered_only`` variant), so that it compares with the
    target the advisors were sized for. ``service_level_answered`` stays as it is."""
    if basis == "answered":
        measures = dict(measures)
        measures["service_level"] = measures["service_level_answered"]
    return measures


def _uplift_factor(period_start: pd.Series, uplift) -> np.ndarray:
    """Volume multiplier per row from a number, a per-day mapping or a per-row array."""
    if np.isscalar(uplift):
        return np.full(len(period_start), float(uplift))
    if isinstance(uplift, Mapping | pd.Series):
        days = pd.to_datetime(period_start).dt.strftime("%Y-%m-%d")
        table = {pd.Timestamp(k).strftime("%Y-%m-%d"): float(v) for k, v in dict(uplift).items()}
        return days.map(table).fillna(1.0).to_numpy(dtype=float)
    arr = np.asarray(uplift, dtype=float)
    if arr.shape != (len(period_start),):
        raise ValueError("uplift must be a number, a {day: multiplier} mapping or one value "
                         "per forecast row")
    return arr


def campaign_what_if(forecast: pd.DataFrame, uplift, **kwargs) -> tuple[pd.DataFrame, dict]:
    """The same week with a campaign: extra advisors, and the service if staffing is unchanged.

    Parameters
    ----------
    forecast : DataFrame
        As for :func:`requirements`.
    uplift : float, mapping or array
        Volume multiplier: one number (``1.3`` = +30 %), a ``{day: multiplier}`` mapping (the
        campaign's uplift curve by day, missing days 1.0) or one value per row.
    **kwargs
        Passed to :func:`requirements` (model, targets, patience, shrinkage...).

    Returns
    -------
    (DataFrame, dict)
        Per interval: ``calls``, ``calls_campaign``, ``agents``, ``agents_campaign``,
        ``extra_agents`` and the measures with the campaign volume at the *unchanged* staffing
        (``*_unchanged``). Summary: extra advisor-hours (productive and scheduled), the peak
        extra advisors, and the volume-weighted service level / pickup rate with and without
        extra staff.
    """
    base = requirements(forecast, **kwargs)
    factor = _uplift_factor(base["period_start"], uplift)
    if (factor < 0).any():
        raise ValueError("uplift multipliers must be >= 0")
    camp_fc = forecast.reset_index(drop=True).copy()
    calls_col = kwargs.get("calls_col", "calls")
    if calls_col not in camp_fc.columns and "forecast" in camp_fc.columns:
        calls_col = "forecast"
    for col in {calls_col, kwargs.get("staff_to")} - {None}:
        camp_fc[col] = pd.to_numeric(camp_fc[col]) * factor
    camp = requirements(camp_fc, **kwargs)
    model = kwargs.get("model", "erlang_a")
    interval_s = float(base["interval_s"].iloc[0])
    calls_new = camp["calls"] if "calls" in camp else camp[calls_col]
    aht = base["aht_s"].to_numpy() if "aht_s" in base else np.full(len(base), kwargs["aht_s"])
    answer_s = kwargs.get("answer_s", 20.0)
    if model == "erlang_a":
        pat = (base["patience_s"].to_numpy() if "patience_s" in base
               else np.full(len(base), kwargs["patience_s"]))
        same = _on_basis(erlang_a.evaluate(calls_new.to_numpy(), aht, interval_s,
                                           base["agents"].to_numpy(), pat, answer_s),
                         kwargs.get("service_level_basis", "offered"))
    else:
        same = erlang_c.evaluate(calls_new.to_numpy(), aht, interval_s,
                                 base["agents"].to_numpy(), answer_s)
    out = base[["period_start"] + (["queue"] if "queue" in base else [])].copy()
    out["calls"] = base["calls"] if "calls" in base else base[calls_col]
    out["calls_campaign"] = calls_new.to_numpy()
    out["agents"] = base["agents"]
    out["agents_campaign"] = camp["agents"]
    out["extra_agents"] = camp["agents"] - base["agents"]
    out["scheduled"] = base["scheduled"]
    out["scheduled_campaign"] = camp["scheduled"]
    for key in ("service_level", "pickup_rate", "asa_s", "occupancy"):
        if key in same:
            out[f"{key}_unchanged"] = same[key]
        if key in camp:
            out[f"{key}_campaign_staffed"] = camp[key]
    hours = interval_s / 3600.0
    w = out["calls_campaign"].to_numpy()

    def weighted(col):
        v = out[col].to_numpy()
        m = w > 0
        return float(np.sum(w[m] * v[m]) / np.sum(w[m])) if m.any() else None

    summary = {
        "calls": float(out["calls"].sum()),
        "calls_campaign": float(out["calls_campaign"].sum()),
        "extra_advisor_hours": float(out["extra_agents"].sum() * hours),
        "extra_scheduled_hours": float((out["scheduled_campaign"] - out["scheduled"]).sum()
                                       * hours),
        "peak_extra_agents": int(out["extra_agents"].max()) if len(out) else 0,
        "service_level_unchanged": weighted("service_level_unchanged"),
        "service_level_campaign_staffed": weighted("service_level_campaign_staffed"),
    }
    if "pickup_rate_unchanged" in out:
        summary["pickup_rate_unchanged"] = weighted("pickup_rate_unchanged")
        summary["pickup_rate_campaign_staffed"] = weighted("pickup_rate_campaign_staffed")
    return out, summary


def targets_requirements(forecast: pd.DataFrame, *, patience_s: float | None = None,
                         service_level: float | None = None, answer_s: float | None = None,
                         pickup_rate: float | None = None, asa_s: float | None = None,
                         max_occupancy: float | None = None, aht_s: float | None = None,
                         shrinkage: float | None = None, staff_to: str | None = None,
                         staff_to_when: str | None = None,
                         uplift: float | Mapping | None = None) -> dict:
    """Requirements of a forecast for explicit targets, and the volume what-if.

    Erlang A when a patience is known (``patience_s``, or a ``patience_s`` column), else
    Erlang C. Defaults: 80 % answered within 20 s, no shrinkage. Units as for
    :func:`requirements`; ``uplift`` as for :func:`campaign_what_if`.

    Returns
    -------
    dict
        ``model`` ('erlang_a' or 'erlang_c'), ``requirements`` (:func:`requirements`), and
        with ``uplift`` ``what_if`` and ``what_if_summary`` (:func:`campaign_what_if`).
    """
    erlang = patience_s is not None or "patience_s" in forecast.columns
    if pickup_rate is not None and not erlang:
        raise ValueError("a pickup-rate target needs a caller patience (--patience-s): "
                         "Erlang A")
    kw = {"model": "erlang_a" if erlang else "erlang_c", "aht_s": aht_s,
          "service_level": 0.8 if service_level is None else service_level,
          "answer_s": 20.0 if answer_s is None else answer_s,
          "asa_s": asa_s, "max_occupancy": max_occupancy,
          "shrinkage": 0.0 if shrinkage is None else shrinkage,
          "staff_to": staff_to, "staff_to_when": staff_to_when}
    if erlang:
        kw.update(patience_s=patience_s, pickup_rate=pickup_rate)
    out = {"model": kw["model"], "requirements": requirements(forecast, **kw)}
    if uplift is not None:
        out["what_if"], out["what_if_summary"] = campaign_what_if(forecast, uplift, **kw)
    return out
