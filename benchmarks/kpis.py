"""Benchmark: glossary KPIs over 10 million calls, copil (DuckDB SQL) vs pandas groupby.

Generates synthetic calls directly in DuckDB (``range()``; two years, five queues,
Europe/Paris, business-hours arrivals), then times side by side in one run:

* weekly KPIs for the whole line, and weekly KPIs by queue;
* 15-minute KPIs by queue;

with ``analytics.kpis.kpis`` and with an equivalent vectorised pandas computation (local
time conversion, boolean masks, groupby sums/means, groupby quantiles). The pandas time
excludes loading the frame. Prints timings and ratios, and checks both give the same
counts and percentiles.

Usage: ``python benchmarks/kpis.py [--calls N] [--repeat R]``
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analytics.contract import default_contract  # noqa: E402
from analytics.kpis import kpis  # noqa: E402
from analytics.warehouse import connect  # noqa: E402

TZ = "Europe/Paris"
THRESHOLDS = (20, 30, 60)

GENERATE = """
insert into calls
select
    'bench', i::varchar,
    ['aides', 'emploi', 'contrat', 'retraite', 'autre'][1 + (hash(i, 1) % 5)::int],
    -- 2 years from Monday 2024-01-01 local; 08:00-18:00 local (07:00 UTC +- DST hour)
    timestamptz '2024-01-01 07:00:00+00'
        + to_days((hash(i, 2) % 730)::int)
        + to_seconds((hash(i, 3) % 36000)::bigint),
    null, null,
    case when u < 0.86 then 'answered' when u < 0.95 then 'abandoned'
         when u < 0.97 then 'overflow' else 'ivr' end,
    case when u < 0.97 then round(-ln(1 - (hash(i, 4) % 1000000) / 1000000.0) * 35, 1) end,
    case when u < 0.86 then round(60 + (hash(i, 5) % 600)::double, 0) end,
    null,
    case when u < 0.86 then round((hash(i, 6) % 60)::double, 0) end,
    null, null, null, null,
    -- the log has a transfer field: '' = not transferred (NULL would mean unknown)
    case when u < 0.86 and hash(i, 7) % 25 = 0 then 'expert' else '' end,
    0,
    null  -- caller_withheld
from (select i, (hash(i, 0) % 1000000) / 1000000.0 as u from range(?) t(i))
"""


def pandas_kpis(df: pd.DataFrame, grain: str, by_queue: bool) -> pd.DataFrame:
    """The same glossary KPIs with pandas (default service-level variant, no short abandons)."""
    local = df["arrived_at"].dt.tz_convert(TZ).dt.tz_localize(None)
    if grain == "week":
        key = (local.dt.normalize() - pd.to_timedelta(local.dt.day_of_week, unit="D")).rename("period")
    else:
        key = local.dt.floor("15min").rename("period")
    keys = [key, df["queue"]] if by_queue else [key]
    out = df["outcome"]
    answered = out == "answered"
    abandoned = out == "abandoned"
    wait = df["wait_s"]
    handle = df["talk_s"] + df["hold_s"].fillna(0) + df["wrap_s"].fillna(0)
    waited = answered | abandoned
    cols = {
        "offered": out != "ivr", "answered": answered, "abandoned": abandoned,
        "overflow": out == "overflow", "ivr_only": out == "ivr",
        "wait_ans_sum": wait.where(answered), "wait_ans_max": wait.where(answered),
        "wait_ab_sum": wait.where(abandoned), "wait_all_sum": wait.where(waited),
        "wait_offered_sum": wait.where(out != "ivr"),
        "handle_sum": handle.where(answered), "talk_sum": df["talk_s"].where(answered),
        "transferred": answered & df["transfer_to"].fillna("").ne(""),
    }
    for t in THRESHOLDS:
        cols[f"within_{t}"] = answered & (wait <= t)
    frame = pd.DataFrame(cols)
    g = frame.groupby(keys, sort=True)
    sums = g.sum(min_count=0)
    res = pd.DataFrame(index=sums.index)
    for c in ("offered", "answered", "abandoned", "overflow", "ivr_only"):
        res[c] = sums[c]
    res["pickup_rate"] = sums["answered"] / sums["offered"].where(sums["offered"] > 0)
    res["abandon_rate"] = sums["abandoned"] / sums["offered"].where(sums["offered"] > 0)
    denom = (sums["answered"] + sums["abandoned"]).where(lambda s: s > 0)
    for t in THRESHOLDS:
        res[f"service_level_{t}s"] = sums[f"within_{t}"] / denom
    ans = sums["answered"].where(sums["answered"] > 0)
    res["asa_s"] = sums["wait_ans_sum"] / ans
    res["wait_max_s"] = g["wait_ans_max"].max()
    res["abandon_wait_s"] = sums["wait_ab_sum"] / sums["abandoned"].where(sums["abandoned"] > 0)
    res["wait_all_mean_s"] = sums["wait_all_sum"] / denom
    res["aht_s"] = sums["handle_sum"] / ans
    res["talk_mean_s"] = sums["talk_sum"] / ans
    res["transfer_rate"] = sums["transferred"] / ans
    # waits of offered calls (answered, abandoned, overflow) over abandoned calls
    res["patience_mean_s"] = sums["wait_offered_sum"] / sums["abandoned"].where(sums["abandoned"] > 0)
    akeys = [k[answered] for k in keys]
    q = wait[answered].groupby(akeys).quantile([0.5, 0.8, 0.9, 0.95]).unstack()
    for p, name in zip((0.5, 0.8, 0.9, 0.95), ("wait_p50_s", "wait_p80_s", "wait_p90_s",
                                                "wait_p95_s"), strict=True):
        res[name] = q[p]
    return res.reset_index()


def timed(fn, repeat: int) -> tuple[float, float, object]:
    """Best wall-clock time (s), the CPU time (s, all threads) of that run, and the result."""
    best, cpu, result = float("inf"), float("nan"), None
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        result = fn()
        wall = time.perf_counter() - t
        if wall < best:
            best, cpu = wall, time.process_time() - c
    return best, cpu, result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--calls", type=int, default=10_000_000, help="number of calls (default 10M)")
    ap.add_argument("--repeat", type=int, default=5, help="best of R runs for weekly cases (default 5)")
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        con = connect(Path(tmp) / "bench.duckdb")
        t = time.perf_counter()
        con.execute(GENERATE, [args.calls])
        con.execute("checkpoint")
        print(f"generated {args.calls:,} calls in DuckDB in {time.perf_counter() - t:.1f} s")
        contract = default_contract(TZ)
        t = time.perf_counter()
        frame = con.execute("select * from calls").df()
        print(f"pandas frame loaded in {time.perf_counter() - t:.1f} s (not timed below)\n")
        cases = [("weekly, whole line", "week", None), ("weekly by queue", "week", "queue"),
                 ("15-minute by queue", "interval", "queue")]
        print(f"{'case':<22}{'rows':>9}{'copil s':>10}{'pandas s':>10}{'ratio':>8}"
              f"{'copil cpu':>11}{'pandas cpu':>12}")
        for label, grain, by in cases:
            repeat = args.repeat if grain == "week" else 1
            t_c, cpu_c, ours = timed(lambda g=grain, b=by: kpis(
                con, period=g, interval_minutes=15, by=b, contract=contract), repeat)
            t_p, cpu_p, theirs = timed(lambda g=grain, b=by: pandas_kpis(frame, g, b is not None),
                                       repeat)
            ours_busy = ours[ours.offered + ours.ivr_only > 0].reset_index(drop=True)
            assert len(ours_busy) == len(theirs), (len(ours_busy), len(theirs))
            for col in ("offered", "answered", "abandoned"):
                assert (ours_busy[col].to_numpy() == theirs[col].to_numpy()).all(), col
            for col in ("wait_p90_s", "asa_s", "service_level_20s", "patience_mean_s",
                        "transfer_rate"):
                np.testing.assert_allclose(ours_busy[col].to_numpy(float),
                                           theirs[col].to_numpy(float), rtol=1e-9)
            print(f"{label:<22}{len(ours):>9,}{t_c:>10.3f}{t_p:>10.3f}{t_p / t_c:>7.1f}x"
                  f"{cpu_c:>11.2f}{cpu_p:>12.2f}")
        con.close()
    print("\nratio = pandas time / copil time (wall clock, best run; same data, same results "
          "checked).\ncpu = process CPU seconds of that run, all threads (less sensitive to "
          "other load on the machine).")


if __name__ == "__main__":
    main()
