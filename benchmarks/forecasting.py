"""Forecasting benchmark: fit + 13-week forecast + 26-origin backtest per queue.

Generates three years of demo data (``demo.generate``, seeded), counts offered
calls per local day and queue, then for each queue and for the whole line times:

* the daily model's fit and a 91-day forecast (copil's model),
* the 26-origin rolling backtest of all models (copil's, seasonal naive, ETS and their
  combination), side by side with the baselines alone (the reference cost),

and prints the accuracy table (WAPE, MASE, 80/95 % coverage at 1-7 days), the Poisson
floor sqrt(2 / (pi lambda)), and each campaign's measured extra calls against the truth.

Goal: a full backtest of one queue in under 30 s on the 2-core reference machine.

Run: ``.venv/bin/python benchmarks/forecasting.py [--years 3] [--out DIR]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
import warnings
from pathlib import Path

# this file is named like the package: import the package, not this script
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import pandas as pd  # noqa: E402

from demo import generate  # noqa: E402
from forecasting import DailyVolumeModel, backtest, poisson_wape_floor  # noqa: E402

OPTIONS = {"holidays": "FR", "school_zones": ("A", "B", "C")}


def daily_offered(calls_csv: Path, tz: str) -> pd.DataFrame:
    """Offered calls per local day and queue from the generated call log."""
    df = pd.read_csv(calls_csv, usecols=["queue", "arrived_at", "outcome"])
    df = df[df["outcome"].isin(["answered", "abandoned", "overflow"])]
    local = pd.to_datetime(df["arrived_at"], utc=True).dt.tz_convert(tz)
    df["date"] = local.dt.tz_localize(None).dt.normalize()
    return df.groupby(["date", "queue"]).size().unstack(fill_value=0).astype(float)


def campaigns_for(campaigns: pd.DataFrame, queue: str | None) -> pd.DataFrame:
    if queue is None:
        return campaigns
    keep = [queue in str(q).split(",") for q in campaigns["queues"]]
    return campaigns[keep]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--years", type=int, default=3, help="years of generated data (default 3)")
    ap.add_argument("--out", help="directory for the generated files (default: a temp dir)")
    args = ap.parse_args()
    out = Path(args.out or tempfile.mkdtemp(prefix="copil-bench-fc-"))
    end = dt.date(2026, 11, 22)
    start = end - dt.timedelta(weeks=52 * args.years) + dt.timedelta(days=1)
    t0 = time.perf_counter()
    gen = generate(None, out, start=start, end=end)
    print(f"generated {args.years} years ({start} to {end}) in {time.perf_counter() - t0:.1f} s")
    truth = json.loads(Path(gen["files"]["truth"]).read_text(encoding="utf-8"))
    tz = truth["generator"]["timezone"]
    per_queue = daily_offered(gen["files"]["calls"], tz)
    campaigns = pd.read_csv(gen["files"]["campaigns"])
    series = {q: per_queue[q] for q in per_queue.columns}
    series["(line)"] = per_queue.sum(axis=1)
    timing, tables = [], []
    warnings.simplefilter("ignore")
    for name, y in series.items():
        q = None if name == "(line)" else name
        camps = campaigns_for(campaigns, q)
        t = time.perf_counter()
        res = DailyVolumeModel(y, campaigns=camps, **OPTIONS).fit()
        res.forecast(91)
        t_fit = time.perf_counter() - t
        t, c = time.perf_counter(), time.process_time()
        table = backtest(y, campaigns=camps, **OPTIONS)
        t_bt, c_bt = time.perf_counter() - t, time.process_time() - c
        t = time.perf_counter()
        backtest(y, campaigns=camps, models=("seasonal_naive", "ets"), **OPTIONS)
        t_base = time.perf_counter() - t
        timing.append({"queue": name, "days": len(y), "mean_calls": float(y[y > 0].mean()),
                       "fit_forecast_s": t_fit, "backtest_s": t_bt, "backtest_cpu_s": c_bt,
                       "baselines_only_s": t_base, "ratio_vs_baselines": t_bt / t_base})
        table.insert(0, "queue", name)
        tables.append(table)
    timing = pd.DataFrame(timing)
    timing["poisson_floor"] = [poisson_wape_floor(m) for m in timing["mean_calls"]]
    acc = pd.concat(tables, ignore_index=True)
    with pd.option_context("display.width", 200, "display.max_rows", 500):
        print("\nseconds (26 origins x 13 weeks; wall clock, and CPU time of this process, which "
              "a busy machine inflates less; 'ratio' = full backtest / baselines alone)")
        print(timing.round(3).to_string(index=False))
        print("\naccuracy, 1-7 days ahead")
        print(acc[acc["horizon"] == "d1-7"].round(4).to_string(index=False))
        print("\naccuracy, all horizons, whole line")
        print(acc[acc["queue"] == "(line)"].round(4).to_string(index=False))
        line = acc[(acc["queue"] == "(line)") & (acc["horizon"] == "d1-7")].set_index(
            ["model", "segment"])
        ours, naive = line.loc[("loglinear_arma", "all")], line.loc[("seasonal_naive", "all")]
        floor = float(timing.loc[timing["queue"] == "(line)", "poisson_floor"].iloc[0])
        print(f"\nline, d1-7: WAPE {ours['wape']:.4f} = {ours['wape'] / naive['wape']:.2f} x "
              f"seasonal naive ({naive['wape']:.4f}); Poisson floor {floor:.4f}, "
              f"ratio {ours['wape'] / floor:.2f}; coverage_80 {ours['coverage_80']:.3f}")
        # campaign uplift against the generator's truth (whole line)
        res = DailyVolumeModel(series["(line)"], campaigns=campaigns, **OPTIONS).fit()
        up = res.uplift().set_index("campaign_id")
        tc = pd.DataFrame(truth["campaigns"]).set_index("campaign_id")
        up["truth"] = tc["expected_extra"]
        up["rel_error"] = up["extra_calls"] / up["truth"] - 1
        up["band_holds_truth"] = (up["extra_calls_lo"] <= up["truth"]) & (
            up["truth"] <= up["extra_calls_hi"])
        up["band_width_rel"] = (up["extra_calls_hi"] - up["extra_calls_lo"]) / up["truth"]
        print("\ncampaign uplift vs truth (expected extra calls = audience x response)")
        print(up.round(3).to_string())
        print(f"max |error| {up['rel_error'].abs().max():.3f}, median |error| "
              f"{up['rel_error'].abs().median():.3f}, band holds truth "
              f"{int(up['band_holds_truth'].sum())}/{len(up)}, median band width "
              f"{up['band_width_rel'].median():.3f} of the truth")
    print(f"\nall done in {time.perf_counter() - t0:.1f} s; worst queue backtest "
          f"{timing['backtest_s'].max():.1f} s wall, {timing['backtest_cpu_s'].max():.1f} s CPU "
          "(goal < 30 s)")


if __name__ == "__main__":
    main()
