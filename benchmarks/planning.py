"""Planning from the warehouse: does Erlang A at the staffing on shift match what happened,
and how long does planning a week take.

Usage: python benchmarks/planning.py [--db PATH] [--weeks 26] [--week 2026-W48] [--runs 3]

Build the warehouse first: ``copil demo --no-serve --db PATH``. Prints, over the last
``--weeks`` complete weeks with staffing data, the observed abandon rate, unanswered rate
(abandoned + overflow) and service level against Erlang A's predictions at the advisors on
shift (pooled over the period and as the mean of the weekly values; ratio and absolute
difference), with Erlang C's service level as the baseline; the intervals understaffed for
the contract's targets; the run time of each planning step; and ``BENCH`` lines (median of
``--runs`` runs of ``copil plan --db --week``, cold and with the fit cached).
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import time
from pathlib import Path

# benchmarks/staffing.py is named like the package: keep this folder off the import path
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

import numpy as np  # noqa: E402

from analytics import planning  # noqa: E402
from analytics.kpis import last_complete_week, week_start  # noqa: E402
from analytics.warehouse import connect  # noqa: E402
from analytics.week_plan import plan_week  # noqa: E402
from staffing import erlang_c  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default="data/demo.duckdb")
    ap.add_argument("--weeks", type=int, default=26)
    ap.add_argument("--end", default=None,
                    help="last day (default: the Sunday of the last complete week)")
    ap.add_argument("--week", default=None, help="week to plan (default: the one after --end)")
    ap.add_argument("--runs", type=int, default=3,
                    help="runs of 'copil plan --db' per case (the median is printed)")
    args = ap.parse_args()
    con = connect(args.db, read_only=True)
    end = (dt.date.fromisoformat(args.end) if args.end
           else week_start(last_complete_week(con)) + dt.timedelta(days=6))
    start = end - dt.timedelta(days=7 * args.weeks - 1)
    t0 = time.perf_counter()
    iv = planning.staffing_vs_requirement(con, start, end)
    t_svr = time.perf_counter() - t0
    wk = planning.staffing_vs_requirement_weekly(iv)
    off = iv["offered"].sum()
    pooled = {
        "abandon_rate": (iv["abandoned"].sum() / off,
                         (iv["offered"] * iv["erlang_a_abandon_rate"]).sum() / off),
        "unanswered_rate": (1 - iv["answered"].sum() / off,
                            (iv["offered"] * iv["erlang_a_abandon_rate"]).sum() / off),
        "service_level": (iv["answered_within"].sum() / (iv["answered"] + iv["abandoned"]).sum(),
                          (iv["offered"] * iv["erlang_a_service_level"]).sum() / off),
        "asa_s": ((iv["answered"] * iv["observed_asa_s"]).sum() / iv["answered"].sum(),
                  (iv["offered"] * iv["erlang_a_pickup_rate"] * iv["erlang_a_asa_s"]).sum()
                  / (iv["offered"] * iv["erlang_a_pickup_rate"]).sum()),
    }
    c = erlang_c.evaluate(iv["offered"].to_numpy(float), iv["aht_s"].to_numpy(), 1800.0,
                          iv["advisors"].to_numpy(), iv["answer_s"].to_numpy())
    sl_c = np.nan_to_num(c["service_level"], nan=0.0)  # unstable (n <= load): 0
    pooled["service_level (Erlang C baseline)"] = (pooled["service_level"][0],
                                                   float((iv["offered"] * sl_c).sum() / off))
    print(f"warehouse {args.db}: {start} to {end} ({args.weeks} weeks), {len(iv)} staffed "
          f"intervals, {off} offered calls; staffing_vs_requirement {t_svr:.2f} s")
    print(f"{'measure':38s} {'observed':>9s} {'predicted':>9s} {'ratio':>7s} {'abs diff':>9s}")
    for name, (o, p) in pooled.items():
        print(f"pooled {name:31s} {o:9.4f} {p:9.4f} {p / o:7.3f} {p - o:+9.4f}")
    weekly = {"abandon_rate": ("observed_abandon_rate", "erlang_a_abandon_rate"),
              "service_level": ("observed_service_level", "erlang_a_service_level"),
              "pickup_rate": ("observed_pickup_rate", "erlang_a_pickup_rate"),
              "asa_s": ("observed_asa_s", "erlang_a_asa_s")}
    for name, (o_col, p_col) in weekly.items():
        o, p = wk[o_col].mean(), wk[p_col].mean()
        print(f"mean of weekly {name:23s} {o:9.4f} {p:9.4f} {p / o:7.3f} {p - o:+9.4f}")
    busy = iv["offered"] > 0
    under = iv["understaffed"] & busy
    print(f"understaffed for the contract's targets {planning.staffing_targets.__name__}"
          f"{tuple(iv.attrs['targets'].items())}: {int(under.sum())} of {int(busy.sum())} "
          f"intervals with calls ({under.sum() / busy.sum():.1%}); advisor-hours on shift "
          f"{wk['advisor_hours'].sum():.0f}, required {wk['required_advisor_hours'].sum():.0f}; "
          f"shortfall {((iv['agents_required'] - iv['advisors']).clip(lower=0).sum() / 2):.0f} "
          f"advisor-hours in the understaffed intervals")
    week = args.week or (dt.date.fromisoformat(str(end)) + dt.timedelta(days=1)).strftime(
        "%G-W%V")
    con.close()
    t0 = time.perf_counter()
    with connect(args.db, read_only=True) as c2:
        plan_week(c2, week).requirements()
    t_req = time.perf_counter() - t0
    t0 = time.perf_counter()
    with connect(args.db, read_only=True) as c2:
        plan_week(c2, week).requirements()
    t_req2 = time.perf_counter() - t0
    print(f"plan_week({week}).requirements(): {t_req:.2f} s first call (imports included), "
          f"{t_req2:.2f} s second call")
    _bench_cli(args.db, week, args.runs)


#: medians measured before issue 12 part 3 (this machine, 2 cores, same demo warehouse):
#: 'copil plan --db' refitted the daily model on every run and imported statsmodels and
#: scipy.stats whatever it did
BASELINE_S = {"cli_cold": 8.5, "cli_warm": 8.5}


def _bench_cli(db: str, week: str, runs: int) -> None:
    """Median wall clock of ``copil plan --db --week`` over ``runs`` runs: ``cli_cold``
    (the fit cache beside the warehouse emptied before each run: the first plan after a
    load) and ``cli_warm`` (the fit cached by the run before)."""
    import shutil
    import statistics

    copil = Path(sys.executable).with_name("copil")
    cmd = [str(copil), "plan", "--db", db, "--week", week, "--format", "json"]
    times: dict[str, list[float]] = {"cli_cold": [], "cli_warm": []}
    for _ in range(runs):
        for case in ("cli_cold", "cli_warm"):
            if case == "cli_cold":
                shutil.rmtree(db + ".cache", ignore_errors=True)
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True)
            times[case].append(time.perf_counter() - t0)
    for case, values in times.items():
        value = statistics.median(values)
        base = BASELINE_S[case]
        print(f"BENCH name=planning/{case} metric=wall_median value={value:.2f} "
              f"baseline={base:.2f} ratio={value / base:.3f} unit=s")


if __name__ == "__main__":
    main()
