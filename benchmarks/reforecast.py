"""Rest-of-day reforecast backtest: does the gamma-Poisson busyness factor beat the
morning's unrevised forecast and the vendors' ratios?

Usage: python benchmarks/reforecast.py [--db PATH] [--months 6] [--hours 11,14]

Build a warehouse first (``copil demo --no-serve --db PATH``, or ``copil ingest calls
…/anonymous_bank_1999/calls.csv.gz --profile anonymous-bank --db PATH``). For every open
day of the last ``--months`` months (30-day months, up to the day before the last call) and
each hour of update, the day's rest (the open intervals from that hour on) is forecast by

- ``morning``: the week plan's unrevised forecast (``analytics.week_plan``, ex ante),
- ``ratio``: the vendors' full-day ratio, forecast x N / Lambda over the day so far,
- ``ratio_4h``: the same ratio over the last four hours only,
- ``copil``: ``analytics.reforecast`` (gamma-Poisson, prior strength from the ex-ante
  forecasts of the weeks before: only days before the day updated).

Prints per hour: days, the pooled rest-of-day WAPE (sum |actual - forecast| / sum actual,
over intervals) of each, copil's WAPE reduction vs the morning forecast, the share of days
on which copil's rest-of-day absolute error (|sum of the rest's actual - sum forecast|
summed per interval) is lower than each ratio's, the 80 % and 95 % interval coverage and
the mean prior strength. One week plan is fitted per week.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from analytics.line_calendar import line_calendar  # noqa: E402
from analytics.periods import week_label  # noqa: E402
from analytics.reforecast import HISTORY_WEEKS, call_span, plan_history, reforecast_day  # noqa: E402
from analytics.warehouse import connect  # noqa: E402
from analytics.week_plan import plan_week  # noqa: E402
from forecasting.reforecast import posterior_factor  # noqa: E402


def run(db: Path, months: int, hours: list[int], minutes: int) -> pd.DataFrame:
    con = connect(db, read_only=True)
    try:
        cal = line_calendar(con)
        _, last = call_span(con)
        end = last.date() - dt.timedelta(days=1)
        start = end - dt.timedelta(days=30 * months)
        weeks = sorted({week_label(start + dt.timedelta(days=d), cal.week_start)
                        for d in range(-7 * HISTORY_WEEKS, (end - start).days + 1)})
        history = []
        rows = []
        for week in weeks:
            try:
                plan = plan_week(con, week, interval_minutes=minutes)
            except ValueError as exc:
                print(f"skip {week}: {exc}", file=sys.stderr)
                continue
            hist = (pd.concat(history[-HISTORY_WEEKS:], ignore_index=True) if history
                    else None)
            if hist is not None and len(history) >= HISTORY_WEEKS:
                for day in cal.open_days(max(plan.first_day, start), min(plan.last_day, end)):
                    for hour in hours:
                        rows.append(_one(con, plan, hist, day, hour))
            history.append(plan_history(plan))
    finally:
        con.close()
    return pd.DataFrame([r for r in rows if r is not None])


def _one(con, plan, hist, day: dt.date, hour: int) -> dict | None:
    as_of = pd.Timestamp(day) + pd.Timedelta(hours=hour)
    try:
        rf = reforecast_day(con, as_of, plan=plan, history=hist)
    except ValueError:
        return None
    t, obs = rf.table, rf.observed
    if t.empty or obs.empty or rf.expected_so_far <= 0:
        return None
    iv = plan.offered_intervals.groupby("period_start")["offered"].sum()
    actual = t["period_start"].map(iv).fillna(0.0).to_numpy(float)
    if actual.sum() <= 0:
        return None
    f = t["forecast"].to_numpy(float)
    last4 = obs[obs["period_start"] >= rf.cutoff - pd.Timedelta(hours=4)]
    preds = {
        "morning": f,
        "ratio": f * posterior_factor(0.0, rf.calls_so_far, rf.expected_so_far),
        "ratio_4h": f * posterior_factor(0.0, last4["actual"].sum(), last4["forecast"].sum()),
        "copil": t["reforecast"].to_numpy(float),
    }
    out = {"date": day, "hour": hour, "a": rf.a, "k": rf.k, "actual": actual.sum(),
           "in80": int(((actual >= t["lo80"]) & (actual <= t["hi80"])).sum()),
           "in95": int(((actual >= t["lo95"]) & (actual <= t["hi95"])).sum()),
           "intervals": len(t)}
    for k, p in preds.items():
        out[f"ae_{k}"] = float(np.abs(actual - p).sum())
    return out


def summarize(df: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for hour, g in df.groupby("hour"):
        w = {k: g[f"ae_{k}"].sum() / g["actual"].sum()
             for k in ("morning", "ratio", "ratio_4h", "copil")}
        rows.append({
            "hour": f"{hour:02d}:00", "days": len(g),
            **{f"wape_{k}": round(v, 4) for k, v in w.items()},
            "reduction_vs_morning": round(1 - w["copil"] / w["morning"], 4),
            "beats_ratio": round(float((g["ae_copil"] < g["ae_ratio"]).mean()), 3),
            "beats_ratio_4h": round(float((g["ae_copil"] < g["ae_ratio_4h"]).mean()), 3),
            "beats_morning": round(float((g["ae_copil"] < g["ae_morning"]).mean()), 3),
            "coverage80": round(g["in80"].sum() / g["intervals"].sum(), 3),
            "coverage95": round(g["in95"].sum() / g["intervals"].sum(), 3),
            "a_median": round(float(g["a"].median()), 1),
            "k_median": round(float(g["k"].median()), 1),
        })
    return pd.DataFrame(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=Path("data/demo.duckdb"))
    ap.add_argument("--months", type=int, default=6)
    ap.add_argument("--hours", default="11,14", help="hours of update, comma-separated")
    ap.add_argument("--interval-minutes", type=int, default=30)
    args = ap.parse_args()
    t0 = time.perf_counter()
    df = run(args.db, args.months, [int(h) for h in args.hours.split(",")],
             args.interval_minutes)
    if df.empty:
        sys.exit("no open day with calls to backtest in that range")
    print(f"rest-of-day reforecast backtest: {args.db}, {df['date'].min()} to "
          f"{df['date'].max()} ({time.perf_counter() - t0:.0f} s)")
    with pd.option_context("display.width", 250, "display.max_columns", 30):
        print(summarize(df).to_string(index=False))


if __name__ == "__main__":
    main()
