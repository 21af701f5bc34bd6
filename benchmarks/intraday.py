"""Intraday projection backtest: is the 12:00 projection of the day's pickup rate and
service level within 5 points of what the day realised?

Usage: python benchmarks/intraday.py [--db PATH] [--months 6] [--hour 12] [--calibrated]

Build a warehouse first (``copil demo --no-serve --db PATH``, or ``copil ingest calls
…/anonymous_bank_1999/calls.csv.gz --profile anonymous-bank --db PATH``). For every open
day of the last ``--months`` months (30-day months, up to the day before the last call) the
day is projected at ``--hour`` (:func:`analytics.intraday.intraday_day`: the calls so far by
the KPI function, the rest by the reforecast, Erlang A at the advisors there will be) and
compared with the day's realised KPIs (:func:`analytics.kpis.kpis`, whole day). The
advisors after the hour are taken three ways (``staffing_ahead``):

- ``plan``: the planned advisors (no stored shift plan: the plan's Erlang A requirement),
- ``persist``: planned x the morning's logged-in / planned ratio (without staffing data:
  x the ratio the morning's answered calls imply, ``analytics.intraday.implied_attendance``),
- ``logged``: the staffing table's advisors (the afternoon's staffing known: an upper
  bound of what a stored shift plan could give);

each also with ``calibrate`` when ``--calibrated`` is given (the morning's observed minus Erlang A residual
carried to the afternoon), and against the ``so_far`` baseline (the morning's rates taken as the day's). A warehouse
without staffing data (the 1999 bank log) has no logged-in advisors: ``plan`` and
``persist`` (implied attendance) only.

Prints the per-case table, then one ``BENCH`` line per case and metric: ``value`` the share
of days within 5 points, ``baseline`` the so-far baseline's share, ``ratio`` value /
baseline. One week plan is fitted per week (the reforecast's history reused).
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

from analytics.intraday import STAFFING_AHEAD, intraday_day  # noqa: E402
from analytics.kpis import kpis  # noqa: E402
from analytics.line_calendar import line_calendar  # noqa: E402
from analytics.periods import week_label  # noqa: E402
from analytics.planned import planned_intervals  # noqa: E402
from analytics.reforecast import HISTORY_WEEKS, call_span, plan_history, reforecast_day  # noqa: E402
from analytics.targets import service_level_threshold  # noqa: E402
from analytics.warehouse import connect  # noqa: E402
from analytics.week_plan import plan_week  # noqa: E402

TOLERANCE = 0.05


def run(db: Path, months: int, hour: int, minutes: int,
        calibrated: bool = False) -> pd.DataFrame:
    con = connect(db, read_only=True)
    try:
        cal = line_calendar(con)
        has_staffing = con.execute("select count(*) > 0 from staffing").fetchone()[0]
        cases = [(c, cal) for c in (STAFFING_AHEAD if has_staffing else ("plan", "persist"))
                 for cal in ((False, True) if calibrated else (False,))]
        _, last = call_span(con)
        end = last.date() - dt.timedelta(days=1)
        start = end - dt.timedelta(days=30 * months)
        realised = kpis(con, period="day", start=start, end=end).set_index("period_start")
        sl_col = f"service_level_{service_level_threshold(_contract(con))}s"
        weeks = sorted({week_label(start + dt.timedelta(days=d), cal.week_start)
                        for d in range(-7 * HISTORY_WEEKS, (end - start).days + 1)})
        history: list[pd.DataFrame] = []
        rows = []
        for week in weeks:
            try:
                plan = plan_week(con, week, interval_minutes=minutes)
            except ValueError as exc:
                print(f"skip {week}: {exc}", file=sys.stderr)
                continue
            if len(history) >= HISTORY_WEEKS:
                hist = pd.concat(history[-HISTORY_WEEKS:], ignore_index=True)
                planned = planned_intervals(con, plan.first_day, plan.last_day,
                                            interval_minutes=minutes)
                for day in cal.open_days(max(plan.first_day, start), min(plan.last_day, end)):
                    if day not in realised.index or realised.loc[day, "offered"] == 0:
                        continue
                    rows.extend(_one(con, plan, hist, planned, day, hour, cases,
                                     realised.loc[day], sl_col))
            history.append(plan_history(plan))
    finally:
        con.close()
    return pd.DataFrame(rows)


def _contract(con):
    from analytics.kpis import resolve_contract

    return resolve_contract(con, None)


def _one(con, plan, hist, planned, day: dt.date, hour: int, cases, real: pd.Series,
         sl_col: str) -> list[dict]:
    as_of = pd.Timestamp(day) + pd.Timedelta(hours=hour)
    try:
        rf = reforecast_day(con, as_of, plan=plan, history=hist)
    except ValueError as exc:
        print(f"skip {day}: {exc}", file=sys.stderr)
        return []
    out = []
    for case, cal in cases:
        view = intraday_day(con, as_of, reforecast=rf, staffing_ahead=case, planned=planned,
                            calibrate=cal)
        ind = view.projection.indicators.set_index("metric")
        base = {"date": day, "case": case + ("+calibrated" if cal else ""),
                "real_pickup": real["pickup_rate"], "real_sl": real[sl_col],
                "proj_pickup": ind.loc["pickup_rate", "projected"],
                "proj_sl": ind.loc[sl_col, "projected"],
                "lo_pickup": ind.loc["pickup_rate", "low"],
                "hi_pickup": ind.loc["pickup_rate", "high"],
                "lo_sl": ind.loc[sl_col, "low"], "hi_sl": ind.loc[sl_col, "high"],
                "so_pickup": ind.loc["pickup_rate", "so_far"],
                "so_sl": ind.loc[sl_col, "so_far"]}
        out.append(base)
    return out


def summarize(df: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for case, g in df.groupby("case", sort=False):
        for metric in ("pickup", "sl"):
            err = g[f"proj_{metric}"] - g[f"real_{metric}"]
            so = g[f"so_{metric}"] - g[f"real_{metric}"]
            inside = ((g[f"real_{metric}"] >= g[f"lo_{metric}"])
                      & (g[f"real_{metric}"] <= g[f"hi_{metric}"]))
            rows.append({
                "case": case, "metric": "pickup_rate" if metric == "pickup" else "service_level",
                "days": len(g),
                "within_5pts": round(float((err.abs() <= TOLERANCE).mean()), 3),
                "so_far_within_5pts": round(float((so.abs() <= TOLERANCE).mean()), 3),
                "mae_pts": round(float(err.abs().mean() * 100), 2),
                "bias_pts": round(float(err.mean() * 100), 2),
                "so_far_mae_pts": round(float(so.abs().mean() * 100), 2),
                "band_coverage": round(float(inside.mean()), 3),
                "band_width_pts": round(float((g[f"hi_{metric}"] - g[f"lo_{metric}"]).mean()
                                              * 100), 2),
            })
    return pd.DataFrame(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=Path("data/demo.duckdb"))
    ap.add_argument("--months", type=int, default=6)
    ap.add_argument("--hour", type=int, default=12, help="hour of the projection (local)")
    ap.add_argument("--interval-minutes", type=int, default=30)
    ap.add_argument("--calibrated", action="store_true",
                    help="also each case with calibrate=True (twice the time)")
    ap.add_argument("--name", default=None, help="name in the BENCH lines (default: the "
                    "warehouse file's stem)")
    args = ap.parse_args()
    t0 = time.perf_counter()
    df = run(args.db, args.months, args.hour, args.interval_minutes, args.calibrated)
    if df.empty:
        sys.exit("no open day with calls to backtest in that range")
    table = summarize(df)
    name = args.name or args.db.stem
    print(f"intraday projection backtest at {args.hour:02d}:00: {args.db}, {df['date'].min()} "
          f"to {df['date'].max()} ({time.perf_counter() - t0:.0f} s); within_5pts: share of "
          f"days with |projected - realised| <= {TOLERANCE * 100:.0f} points")
    with pd.option_context("display.width", 250, "display.max_columns", 30):
        print(table.to_string(index=False))
    for r in table.itertuples():
        base = r.so_far_within_5pts
        ratio = r.within_5pts / base if base > 0 else np.nan
        print(f"BENCH name=intraday/{name}-{r.case}-{args.hour:02d}h metric={r.metric}_within_5pts "
              f"value={r.within_5pts} baseline={base} ratio={ratio:.3f} unit=share_of_days")
        print(f"BENCH name=intraday/{name}-{r.case}-{args.hour:02d}h metric={r.metric}_mae "
              f"value={r.mae_pts} baseline={r.so_far_mae_pts} "
              f"ratio={r.mae_pts / r.so_far_mae_pts if r.so_far_mae_pts else np.nan:.3f} "
              f"unit=points")


if __name__ == "__main__":
    main()
