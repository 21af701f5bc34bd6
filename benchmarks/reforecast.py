"""Rest-of-day reforecast backtest: does the gamma-Poisson busyness factor beat the
morning's unrevised forecast and the vendors' ratios?

Usage: python benchmarks/reforecast.py [--db PATH] [--name SET] [--months 6]
       [--hours 10,11,12,14,16]

Build a warehouse first (``copil demo --no-serve --db PATH``, or ``copil ingest calls
…/anonymous_bank_1999/calls.csv.gz --profile anonymous-bank --db PATH``). For every open
day of the last ``--months`` months (30-day months, up to the day before the last call) and
each hour of update, the day's rest (the open intervals from that hour on) is forecast by

- ``morning``: the week plan's unrevised forecast (``analytics.week_plan``, ex ante),
- ``ratio``: the vendors' full-day ratio, forecast x N / Lambda over the day so far,
- ``ratio_4h``: the same ratio over the last four hours only,
- ``copil``: ``analytics.reforecast`` (gamma-Poisson, prior strength from the ex-ante
  forecasts of the weeks before: only days before the day updated).

Beside them, two floors no forecast made at the time can beat on average:

- ``oracle``: the morning forecast times the rest's true level, sum(actual) / sum(forecast)
  over the rest (the best level-only revision, knowing the day's busyness after the fact),
- ``poisson``: the mean absolute Poisson noise sum(E|X - mu|), X ~ Poisson(mu), around that
  oracle's means (2 mu P(X = floor(mu)) per interval): calls drawn at random around a
  perfectly known intensity.

Prints per hour: days, the pooled rest-of-day WAPE (sum |actual - forecast| / sum actual,
over intervals) of each, copil's WAPE reduction vs the morning forecast, the share of days
on which copil's rest-of-day absolute error (sum over the rest's intervals of
|actual - forecast|) is lower than each ratio's, the 80 % and 95 % interval coverage, the
median prior strengths, and the rest's AHT error (answered-weighted mean |interval AHT -
forecast AHT|, s) of the plan's AHT, copil's revised AHT and the plain AHT ratio. Ends
with one ``BENCH`` line per hour (copil's WAPE against the morning forecast's). One week
plan is fitted per week.
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
from scipy import stats  # noqa: E402

from analytics.line_calendar import line_calendar  # noqa: E402
from analytics.periods import week_label  # noqa: E402
from analytics.reforecast import HISTORY_WEEKS, call_span, plan_history, reforecast_day  # noqa: E402
from analytics.series import interval_handling  # noqa: E402
from analytics.warehouse import connect  # noqa: E402
from analytics.week_plan import plan_week  # noqa: E402
from forecasting.reforecast import posterior_factor  # noqa: E402

METHODS = ("morning", "copil", "ratio", "ratio_4h", "oracle")


def run(db: Path, months: int, hours: list[int], minutes: int) -> pd.DataFrame:
    con = connect(db, read_only=True)
    try:
        cal = line_calendar(con)
        _, last = call_span(con)
        end = last.date() - dt.timedelta(days=1)
        start = end - dt.timedelta(days=30 * months)
        handled = interval_handling(con, start, end, minutes).set_index("period_start")
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
                        rows.append(_one(con, plan, hist, handled, day, hour))
            history.append(plan_history(plan))
    finally:
        con.close()
    return pd.DataFrame([r for r in rows if r is not None])


def _one(con, plan, hist, handled, day: dt.date, hour: int) -> dict | None:
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
    level = actual.sum() / f.sum() if f.sum() > 0 else 1.0
    preds = {
        "morning": f,
        "ratio": f * posterior_factor(0.0, rf.calls_so_far, rf.expected_so_far),
        "ratio_4h": f * posterior_factor(0.0, last4["actual"].sum(), last4["forecast"].sum()),
        "copil": t["reforecast"].to_numpy(float),
        "oracle": f * level,
    }
    mu = f * level
    out = {"date": day, "hour": hour, "a": rf.a, "k": rf.k, "b_aht": rf.b_aht,
           "actual": actual.sum(),
           "in80": int(((actual >= t["lo80"]) & (actual <= t["hi80"])).sum()),
           "in95": int(((actual >= t["lo95"]) & (actual <= t["hi95"])).sum()),
           "intervals": len(t),
           "ae_poisson": float(np.where(mu > 0, 2 * mu * stats.poisson.pmf(np.floor(mu), mu),
                                        0.0).sum())}
    for k, p in preds.items():
        out[f"ae_{k}"] = float(np.abs(actual - p).sum())
    # handle time: the rest's intervals with answered calls, weighted by them
    n = t["period_start"].map(handled["answered"]).fillna(0.0).to_numpy(float)
    aht = t["period_start"].map(handled["handle_total_s"]).fillna(0.0).to_numpy(float)
    ok = (n > 0) & np.isfinite(t["aht_s"].to_numpy(float))
    aht = np.divide(aht, n, out=np.zeros_like(aht), where=n > 0)
    ratio = (rf.handle_so_far_s / rf.planned_handle_so_far_s
             if rf.planned_handle_so_far_s > 0 else 1.0)
    out["answered"] = float(n[ok].sum())
    for k, p in (("morning", t["aht_s"]), ("copil", t["reaht_s"]),
                 ("ratio", t["aht_s"] * ratio)):
        out[f"aht_ae_{k}"] = float((n * np.abs(aht - p.to_numpy(float)))[ok].sum())
    return out


def summarize(df: pd.DataFrame) -> pd.DataFrame:
    """One row per hour of update (see the module docstring)."""
    rows = []
    for hour, g in df.groupby("hour"):
        w = {k: g[f"ae_{k}"].sum() / g["actual"].sum() for k in (*METHODS, "poisson")}
        n = g["answered"].sum()
        rows.append({
            "hour": f"{hour:02d}:00", "days": len(g),
            **{f"wape_{k}": round(v, 4) for k, v in w.items()},
            "reduction": round(1 - w["copil"] / w["morning"], 4),
            "oracle_reduction": round(1 - w["oracle"] / w["morning"], 4),
            "beats_ratio": round(float((g["ae_copil"] < g["ae_ratio"]).mean()), 3),
            "beats_ratio_4h": round(float((g["ae_copil"] < g["ae_ratio_4h"]).mean()), 3),
            "beats_morning": round(float((g["ae_copil"] < g["ae_morning"]).mean()), 3),
            "cov80": round(g["in80"].sum() / g["intervals"].sum(), 3),
            "cov95": round(g["in95"].sum() / g["intervals"].sum(), 3),
            "a_median": round(float(g["a"].median()), 1),
            "k_median": round(float(g["k"].median()), 1),
            **{f"aht_mae_{k}": round(g[f"aht_ae_{k}"].sum() / n, 1) if n > 0 else np.nan
               for k in ("morning", "copil", "ratio")},
            "b_aht_median": round(float(g["b_aht"].median()), 1),
        })
    return pd.DataFrame(rows)


def bench_lines(summary: pd.DataFrame, name: str) -> list[str]:
    """``BENCH`` lines: copil's rest-of-day WAPE against the morning forecast's per hour."""
    return [f"BENCH name=reforecast/{name}/{r.hour[:2]} metric=wape value={r.wape_copil:.4f} "
            f"baseline={r.wape_morning:.4f} ratio={r.wape_copil / r.wape_morning:.4f} "
            "unit=fraction" for r in summary.itertuples()]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=Path("data/demo.duckdb"))
    ap.add_argument("--name", help="data set name of the BENCH lines (default: the db's stem)")
    ap.add_argument("--months", type=int, default=6)
    ap.add_argument("--hours", default="10,11,12,14,16",
                    help="hours of update, comma-separated")
    ap.add_argument("--interval-minutes", type=int, default=30)
    args = ap.parse_args()
    t0 = time.perf_counter()
    df = run(args.db, args.months, [int(h) for h in args.hours.split(",")],
             args.interval_minutes)
    if df.empty:
        sys.exit("no open day with calls to backtest in that range")
    print(f"rest-of-day reforecast backtest: {args.db}, {df['date'].min()} to "
          f"{df['date'].max()} ({time.perf_counter() - t0:.0f} s)")
    summary = summarize(df)
    with pd.option_context("display.width", 250, "display.max_columns", 40):
        print(summary.to_string(index=False))
    print("\n".join(bench_lines(summary, args.name or args.db.stem)))


if __name__ == "__main__":
    main()
