"""Operator vs provider reconciliation (KPI_GLOSSARY.md, "Reconciliation").

The telecom operator counts the calls it delivered (``operator_counts``); the provider's
log gives ``offered`` and ``answered``. A gap rate beyond the contract's tolerance is
flagged; a period without operator data is reported as missing, never as zero.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from analytics.contract import Contract
from analytics.kpis import data_range, kpis, period_bounds, resolve_contract, to_date
from analytics.warehouse import line_timezone, sql_text

__all__ = ["reconcile", "RECONCILE_COLUMNS"]

RECONCILE_COLUMNS = ["period_start", "queue", "operator_offered", "offered", "offered_gap",
                     "offered_gap_rate", "operator_handled", "answered", "handled_gap",
                     "handled_gap_rate", "flagged", "missing_operator"]


def _operator(con, tz: str, part: str, first: dt.date, after: dt.date) -> pd.DataFrame:
    df = con.execute(sql_text("reconcile_operator"), {
        "tz": tz, "part": part, "start": dt.datetime.combine(first, dt.time()),
        "end": dt.datetime.combine(after, dt.time())}).df()
    df["period_start"] = [ts.date() for ts in df["period_start"]]
    return df


def _compare(provider: pd.DataFrame, operator: pd.DataFrame, labels: list[str],
             call_queues: set[str], tolerance: float) -> pd.DataFrame:
    frames = []
    for label in labels:
        if label in call_queues:
            prov = provider[provider["queue"] == label][["period_start", "offered", "answered"]]
        else:   # the operator counts the whole line under its own label
            prov = provider.groupby("period_start", as_index=False)[["offered", "answered"]].sum()
        op = operator[operator["queue"] == label][["period_start", "operator_offered",
                                                   "operator_handled"]]
        merged = prov.merge(op, on="period_start", how="outer")
        merged.insert(1, "queue", label)
        frames.append(merged)
    df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["period_start", "queue", "offered", "answered", "operator_offered",
                 "operator_handled"])
    for col in ("offered", "answered"):
        df[col] = df[col].fillna(0).astype("int64")
    for col in ("operator_offered", "operator_handled"):
        df[col] = df[col].astype("Int64")
    df["missing_operator"] = df["operator_offered"].isna()
    df["offered_gap"] = df["operator_offered"] - df["offered"]
    df["handled_gap"] = df["operator_handled"] - df["answered"]
    df["offered_gap_rate"] = (df["offered_gap"].astype("Float64")
                              / df["operator_offered"].where(df["operator_offered"] != 0))
    df["handled_gap_rate"] = (df["handled_gap"].astype("Float64")
                              / df["operator_handled"].where(df["operator_handled"] != 0))
    for col in ("offered_gap_rate", "handled_gap_rate"):
        df[col] = df[col].astype("float64")
    df["flagged"] = ((df["offered_gap_rate"].abs() > tolerance)
                     | (df["handled_gap_rate"].abs() > tolerance)).fillna(False).astype(bool)
    return df.sort_values(["period_start", "queue"]).reset_index(drop=True)


def reconcile(con, *, period: str = "day", start=None, end=None, tolerance: float | None = None,
              contract: Contract | None = None, explain: bool = True) -> pd.DataFrame:
    """Operator counts vs provider log per local period and operator queue/line.

    Parameters
    ----------
    period : ``day`` or ``week`` (ISO).
    start, end : first and last local day (inclusive); default the days with calls or
        operator counts.
    tolerance : flag when ``|offered_gap_rate|`` or ``|handled_gap_rate|`` exceeds this
        fraction; default the contract's ``reconciliation_tolerance`` (0.02).
    explain : for weekly rows, add ``days``: the week's days that explain the gap: days
        with calls but no operator data first, then days with a gap, largest first.

    Returns
    -------
    DataFrame with :data:`RECONCILE_COLUMNS` (+ ``days`` for weeks). The operator's
    ``queue`` label is compared with that provider queue when the calls have it, else with
    the whole line. Counts the operator did not send are null (``missing_operator``).
    """
    if period not in ("day", "week"):
        raise ValueError(f"period {period!r} is not supported; use day or week")
    contract = resolve_contract(con, contract)
    tol = contract.reconciliation_tolerance if tolerance is None else float(tolerance)
    if not 0 <= tol < 1:
        raise ValueError(f"tolerance {tolerance!r} is not a fraction in [0, 1); write 2 % as "
                         "0.02")
    tz = contract.timezone or line_timezone(con)
    start, end = to_date(start), to_date(end)
    if start is None or end is None:
        rng = data_range(con)
        op = con.execute(
            "select cast(timezone(?, min(period_start)) as date), "
            "cast(timezone(?, max(period_start)) as date) from operator_counts", [tz, tz]
        ).fetchall()[0]
        firsts = [d for d in (rng[0] if rng else None, op[0]) if d is not None]
        lasts = [d for d in (rng[1] if rng else None, op[1]) if d is not None]
        if not firsts:
            return pd.DataFrame({c: [] for c in RECONCILE_COLUMNS})
        start = start or min(firsts)
        end = end or max(lasts)
    first, after = period_bounds(start, end, period)
    last = after - dt.timedelta(days=1)
    operator = _operator(con, tz, period, first, after)
    labels = sorted(operator["queue"].unique().tolist())
    if not labels:
        labels = [contract.line_name or "line"]
    provider = kpis(con, period=period, start=first, end=last, by="queue", contract=contract)
    call_queues = set(provider["queue"].dropna().unique().tolist())
    calendar = kpis(con, period=period, start=first, end=last, contract=contract)[["period_start"]]
    df = _compare(provider, operator, labels, call_queues, tol)
    # every calendar period appears for every label, missing when the operator sent nothing
    grid = calendar.merge(pd.DataFrame({"queue": labels}), how="cross")
    df = grid.merge(df, on=["period_start", "queue"], how="left")
    df["missing_operator"] = df["operator_offered"].isna()
    for col in ("offered", "answered"):
        df[col] = df[col].fillna(0).astype("int64")
    df["flagged"] = df["flagged"].fillna(False).astype(bool)
    df = df[RECONCILE_COLUMNS]
    if period == "week" and explain:
        daily = reconcile(con, period="day", start=first, end=last, tolerance=tol,
                          contract=contract)
        days = []
        for row in df.itertuples():
            week = daily[(daily.queue == row.queue)
                         & (daily.period_start >= row.period_start)
                         & (daily.period_start < row.period_start + dt.timedelta(days=7))]
            # days without operator data but with calls first: they distort the week's gap
            missing = week[week.missing_operator & (week.offered > 0)]
            sub = week[~week.missing_operator & (week.offered_gap != 0)]
            sub = sub.reindex(sub.offered_gap.abs().sort_values(ascending=False).index)
            days.append([{"day": r.period_start, "missing_operator": True, "offered": int(r.offered)}
                         for r in missing.itertuples()]
                        + [{"day": r.period_start, "missing_operator": False,
                            "offered_gap": int(r.offered_gap),
                            "offered_gap_rate": r.offered_gap_rate,
                            "handled_gap": int(r.handled_gap)} for r in sub.itertuples()])
        df = df.assign(days=days)
    return df.reset_index(drop=True)
