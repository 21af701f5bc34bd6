"""Why a target was missed: does Erlang A reproduce the realised service, interval by
interval, well enough to split a gap with it? And how do the parts come out over a month?

Usage: python benchmarks/attribution.py --db PATH [--month YYYY-MM]
                                        [--bank PATH [--bank-month YYYY-MM] [--gap-min 10]]

Build a warehouse first (``copil demo --no-serve --db PATH``). For every interval of the
month with calls offered and advisors logged in, the model check compares Erlang A at the
actual calls, AHT, caller patience and advisors logged in (the attribution's last state,
:func:`analytics.review.attribution.model_at_actual`) with the KPI of the interval, for the
pickup rate, the contract's service level, the abandon rate and the ASA:

- ``mae``: mean absolute error over intervals (points for rates, seconds for the ASA; the
  acceptance bar is 5 points for the service level and the pickup rate),
- ``mae_w``: the same weighted by the calls the metric divides by,
- ``bias``: mean error (model - KPI),
- ``noise``: the MAE a perfect model would still have from chance alone (the interval's
  KPI is a share of a few dozen calls: E|X/n - p|, X ~ Binomial(n, model)),
- ``constant``: the MAE of the month's pooled value used for every interval (baseline),
- ``week_mae``: the error on the weeks (intervals pooled by the metric's weighting).

Then the attribution of every interval of the month that missed a contract target
(:mod:`staffing.attribution`): the mean parts over the missed intervals (weighted by calls)
and the largest ``|gap - sum of parts|`` over all intervals (additivity, ~1e-16).

``--bank``: the 1999 bank log has no staffing table; advisors logged in are inferred from
the advisor named on each answered call (``benchmarks/inferred_staffing.sql``: an advisor
is logged in from a call's answer to the end of the next call when it starts within
``--gap-min`` minutes, else the session stops) and loaded into a copy of the warehouse as
staffing data; the model check then runs as on the demo, for each idle gap given (the
first is the main case, the others show how much the inference moves the result). The
bank has no contract, so there is no target to attribute.

Prints the tables and ``BENCH name=attribution/<case> metric=<metric>_mae value=... baseline=
<constant MAE> ratio=... unit=points|s`` lines.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from scipy import stats  # noqa: E402

from analytics.kpis import data_range, resolve_contract  # noqa: E402
from analytics.line_calendar import line_calendar  # noqa: E402
from analytics.metrics import target_status  # noqa: E402
from analytics.periods import week_label  # noqa: E402
from analytics.planning import staffing_targets  # noqa: E402
from analytics.review.attribution import (  # noqa: E402
    actual_intervals,
    attributable_targets,
    attribution_intervals,
    interval_parts,
    metric_weights,
    model_at_actual,
)
from analytics.targets import service_level_threshold  # noqa: E402
from analytics.warehouse import connect  # noqa: E402
from staffing.attribution import PARTS  # noqa: E402

RATES = ("pickup_rate", "abandon_rate")


def month_span(con, month: str | None) -> tuple[dt.date, dt.date]:
    """First and last day of ``month`` (``YYYY-MM``), default the last whole month of data."""
    if month is None:
        last = data_range(con)[1]
        end_of_month = (last.replace(day=28) + dt.timedelta(days=4)).replace(day=1) \
            - dt.timedelta(days=1)
        ref = last if last == end_of_month else last.replace(day=1) - dt.timedelta(days=1)
        month = f"{ref.year}-{ref.month:02d}"
    first = dt.date.fromisoformat(month + "-01")
    last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return first, last


def _noise(p: np.ndarray, n: np.ndarray) -> float:
    """Mean over intervals of E|X/n - p|, X ~ Binomial(n, p)."""
    out = []
    for pi, ni in zip(np.clip(p, 0, 1), n.astype(int), strict=True):
        k = np.arange(ni + 1)
        out.append(float((stats.binom.pmf(k, ni, pi) * np.abs(k / ni - pi)).sum()))
    return float(np.mean(out)) if out else float("nan")


def model_check(con, first, last, contract, metrics: list[str]) -> pd.DataFrame:
    """One row per metric: the model check over the intervals of ``first`` to ``last``."""
    frame = actual_intervals(con, first, last, contract=contract)
    basis = frame.attrs["service_level_basis"]
    ws = line_calendar(con, contract).week_start
    weeks = np.array([week_label(dt.date.fromisoformat(p[:10]), ws) for p in frame["period"]])
    rows = []
    for metric in metrics:
        model = model_at_actual(frame, metric, basis)
        actual = frame[metric].to_numpy(float)
        w = metric_weights(con, metric, frame, contract.service_level_variant)
        keep = (w > 0) & np.isfinite(actual) & np.isfinite(model)
        err = model[keep] - actual[keep]
        scale = 100.0 if metric != "asa_s" else 1.0
        pooled = float((w[keep] * actual[keep]).sum() / w[keep].sum())
        week_err = []
        for wk in np.unique(weeks[keep]):
            sel = keep & (weeks == wk)
            week_err.append(float((w[sel] * (model[sel] - actual[sel])).sum() / w[sel].sum()))
        if metric.startswith("service_level_"):
            occ = (frame["offered"] * frame["aht_actual_s"] / 1800.0
                   / frame["advisors"]).to_numpy(float)
            band = pd.cut(occ[keep], [0, 0.7, 0.8, 0.9, 1.0, np.inf])
            first = frame["period"].str[:10].ne(frame["period"].str[:10].shift()).to_numpy()
            detail = pd.DataFrame({"load per advisor": band, "error": scale * err})
            by_load = detail.groupby("load per advisor", observed=True)["error"].agg(
                ["size", "mean", lambda x: x.abs().mean()])
            by_load.columns = ["intervals", "bias", "mae"]
            print(f"{metric} model error by offered load per advisor logged in (points):")
            print(by_load.to_string(float_format=lambda x: f"{x:.2f}"))
            print(f"  day's first interval: bias {scale * err[first[keep]].mean():+.2f} over "
                  f"{int(first[keep].sum())}; the others: {scale * err[~first[keep]].mean():+.2f}")
        rows.append({
            "metric": metric, "intervals": int(keep.sum()),
            "mae": scale * float(np.abs(err).mean()),
            "mae_w": scale * float((w[keep] * np.abs(err)).sum() / w[keep].sum()),
            "bias": scale * float(err.mean()),
            "noise": (scale * _noise(model[keep], w[keep]) if metric != "asa_s" else np.nan),
            "constant": scale * float(np.abs(pooled - actual[keep]).mean()),
            "weeks": len(week_err),
            "week_mae": scale * float(np.mean(np.abs(week_err))) if week_err else np.nan,
        })
    return pd.DataFrame(rows)


def month_attribution(con, first, last, contract) -> pd.DataFrame:
    """Per attributable target: intervals missed, the call-weighted mean parts over them,
    and the largest additivity error over every interval."""
    frame = attribution_intervals(con, first, last, contract=contract)
    basis = frame.attrs["service_level_basis"]
    rows = []
    for target in attributable_targets(contract):
        parts = interval_parts(frame, target, basis)
        w = metric_weights(con, target.metric, frame, contract.service_level_variant)
        has = (w > 0) & np.isfinite(parts["actual"].to_numpy())
        err = (parts["gap"] - parts[list(PARTS)].sum(axis=1))[has].abs().max()
        missed = has & np.array([target_status(a, target.comparison, target.threshold)
                                 == "missed" for a in parts["actual"]])
        scale = 100.0 if target.metric != "asa_s" else 1.0
        ww = w[missed]
        row = {"metric": target.metric, "intervals": int(has.sum()),
               "missed": int(missed.sum()), "explained": int(parts["explained"][missed].sum())}
        for name in ("gap", *PARTS):
            row[name] = scale * float((ww * parts[name][missed]).sum() / ww.sum()) \
                if ww.sum() else np.nan
        row["max_sum_error"] = float(err)
        rows.append(row)
    return pd.DataFrame(rows)


def infer_staffing(db: Path, out_db: Path, first, last, gap_min: float) -> Path:
    """Copy ``db`` to ``out_db`` and load advisors inferred from the log as staffing data."""
    from analytics.ingest import ingest_file

    shutil.copy(db, out_db)
    con = connect(out_db)
    try:
        start = dt.datetime.combine(first - dt.timedelta(days=1), dt.time(), dt.UTC)
        end = dt.datetime.combine(last + dt.timedelta(days=2), dt.time(), dt.UTC)
        sql = (Path(__file__).parent / "inferred_staffing.sql").read_text(encoding="utf-8")
        staff = con.execute(sql, {"start": start, "end": end, "gap_s": gap_min * 60.0,
                                  "minutes": 30}).df()
        csv = out_db.with_suffix(".staffing.csv")
        pd.DataFrame({"interval_start": pd.to_datetime(staff["interval_start"], utc=True)
                      .dt.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
                      "interval_minutes": 30, "queue": "*",
                      "advisors": staff["advisors"].round(3)}).to_csv(csv, index=False)
        ingest_file(con, "staffing", csv)
    finally:
        con.close()
    return out_db


def report(case: str, db: Path, month: str | None, *, attribute: bool) -> None:
    con = connect(db, read_only=True)
    try:
        contract = resolve_contract(con, None)
        first, last = month_span(con, month)
        sl = f"service_level_{service_level_threshold(contract)}s"
        metrics = ["pickup_rate", sl, "abandon_rate", "asa_s"]
        basis = staffing_targets(contract)["service_level_basis"]
        print(f"== {case}: {db} {first} to {last}, service-level variant "
              f"{contract.service_level_variant} (Erlang A basis '{basis}')")
        started = time.perf_counter()
        check = model_check(con, first, last, contract, metrics)
        print("model check: Erlang A at actual calls, AHT, patience, advisors logged in vs "
              "the KPI (rates in points, ASA in s)")
        print(check.to_string(index=False, float_format=lambda x: f"{x:.2f}"))
        for r in check.itertuples():
            unit = "s" if r.metric == "asa_s" else "points"
            print(f"BENCH name=attribution/{case} metric={r.metric}_mae value={r.mae:.3f} "
                  f"baseline={r.constant:.3f} ratio={r.mae / r.constant:.3f} unit={unit}")
            if r.metric in ("pickup_rate", sl):
                verdict = "within" if r.mae <= 5.0 else "NOT within"
                print(f"  {r.metric}: MAE {r.mae:.2f} points over {r.intervals} intervals: "
                      f"{verdict} the 5-point bar (chance alone: {r.noise:.2f}, bias "
                      f"{r.bias:+.2f})")
        if attribute and attributable_targets(contract):
            parts = month_attribution(con, first, last, contract)
            print("attribution of the intervals that missed a target (call-weighted means "
                  "over them; rates in points, ASA in s):")
            print(parts.to_string(index=False, float_format=lambda x: f"{x:.3g}"))
            worst = float(parts["max_sum_error"].max())
            print(f"BENCH name=attribution/{case} metric=max_sum_error value={worst:.3g} "
                  f"baseline=0 ratio=nan unit={'fraction or s'}")
        print(f"({time.perf_counter() - started:.1f} s)")
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="warehouse with staffing data")
    parser.add_argument("--month", help="YYYY-MM (default: the last whole month of data)")
    parser.add_argument("--bank", type=Path, help="the bank warehouse (no staffing table)")
    parser.add_argument("--bank-month", help="YYYY-MM for the bank (default: last whole month)")
    parser.add_argument("--gap-min", default="10,3,30",
                        help="idle minutes between two calls still counted as logged in; "
                             "several (comma-separated) for the sensitivity, the first is the "
                             "main case")
    args = parser.parse_args(argv)
    report("demo", args.db, args.month, attribute=True)
    if args.bank:
        with tempfile.TemporaryDirectory() as tmp:
            con = connect(args.bank, read_only=True)
            try:
                first, last = month_span(con, args.bank_month)
            finally:
                con.close()
            for i, gap in enumerate(float(g) for g in args.gap_min.split(",")):
                copy = infer_staffing(args.bank, Path(tmp) / f"bank{i}.duckdb", first, last,
                                      gap)
                print(f"(bank: advisors inferred from the advisors named on answered calls, "
                      f"idle gaps up to {gap:g} min inside a session)")
                report("bank" if i == 0 else f"bank-gap{gap:g}min", copy, f"{first:%Y-%m}",
                       attribute=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
