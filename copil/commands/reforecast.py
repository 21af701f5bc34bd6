"""``copil reforecast``: the rest of the day re-estimated from the calls arrived so far."""

from __future__ import annotations

import argparse

from copil.common import add_db_option, add_format_option, db_path, print_frame

EPILOG = """examples:
  copil reforecast                                   the rest of today, from the latest call
  copil reforecast --db line.duckdb --as-of '2026-11-19 11:00'
  copil reforecast --as-of '2026-11-19 14:00' --format json

One row per remaining interval of the day of --as-of (local wall-clock time, default: the
warehouse's latest call): period_start, forecast (the week plan's unrevised forecast,
'copil plan'), reforecast, lo80, hi80, lo95, hi95 (offered calls). Only calls arrived in the
day's complete intervals before --as-of are used. The day's level is a busyness factor
(a + N) / (a + L) after N calls where the forecast expected L: a, learned from the past
weeks' actual / forecast day totals, shrinks the plain ratio N / L towards the forecast.
Bands are negative-binomial, with the day factor's uncertainty and the intraday shape's
error (k, learned from the same days' intervals): lo80-hi80 should hold 8 intervals in 10.
aht_s is the plan's AHT (s) and reaht_s the revised AHT: aht_s times the day's AHT factor,
the morning's handle time over the plan's handle time for the same answered calls, shrunk
towards 1 with a prior strength b (answered calls) learned from the past days' AHT / planned
AHT dispersion (b infinite: the day's AHT has not moved beyond sampling noise, no update)."""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("reforecast", help="rest-of-day reforecast from the calls so far",
                       description="Re-estimate the remaining intervals of a day from the "
                       "calls arrived by --as-of (gamma-Poisson busyness factor, "
                       "negative-binomial bands).",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_db_option(p)
    add_format_option(p, choices=("table", "json"))
    p.add_argument("--as-of", metavar="'YYYY-MM-DD HH:MM'",
                   help="local time of the update (default: the warehouse's latest call)")
    p.add_argument("--interval-minutes", type=int, default=30,
                   help="interval length in minutes (default: 30)")
    p.set_defaults(func=run)


def run(args) -> int:
    from analytics.reforecast import reforecast_day
    from analytics.warehouse import connection

    with connection(db_path(args), read_only=True) as con:
        rf = reforecast_day(con, args.as_of, interval_minutes=args.interval_minutes)
    if args.format == "table":
        print(f"Reforecast of {rf.as_of:%Y-%m-%d} as of {rf.as_of:%H:%M} (plan {rf.week}): "
              f"{rf.calls_so_far:.0f} calls so far where {rf.expected_so_far:.1f} were "
              f"expected; busyness factor {rf.factor:.3f} (prior strength a = {rf.a:.1f}, "
              f"from {rf.history_days} past days; shape dispersion k = {rf.k:.1f}). "
              f"AHT factor {rf.aht_factor:.3f} after {rf.answered_so_far:.0f} answered calls "
              f"(prior strength b = {rf.b_aht:.0f} calls).")
    table = rf.table.copy()
    num = table.columns.drop("period_start")
    table[num] = table[num].round(2)
    print_frame(table, args.format)
    return 0
