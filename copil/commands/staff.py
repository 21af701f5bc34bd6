"""``copil staff`` (one interval through Erlang C / Erlang A) and ``copil plan`` (a week of
interval requirements and shifts from a forecast file)."""

from __future__ import annotations

import argparse
import json
import math
import sys

import pandas as pd

from copil.common import add_format_option, print_frame

STAFF_EPILOG = """examples:
  copil staff erlang-c --calls 100 --interval-minutes 30 --aht-s 180 --service-level 0.8 --answer-s 20
  copil staff erlang-a --calls 100 --interval-minutes 30 --aht-s 180 --patience-s 120 \\
      --pickup-rate 0.95 --service-level 0.8 --shrinkage 0.3 --format json
  copil staff erlang-a --calls 100 --interval-minutes 30 --aht-s 180 --patience-s 120 --agents 12

Without a target or --agents, the target is 80 % of calls answered within 20 s."""


def _add_interval_options(p: argparse.ArgumentParser, *, erlang_a: bool) -> None:
    p.add_argument("--calls", type=float, required=True, metavar="N",
                   help="calls offered in the interval (count)")
    p.add_argument("--interval-minutes", type=float, default=30.0, metavar="MIN",
                   help="interval length in minutes (default: 30)")
    p.add_argument("--aht-s", type=float, required=True, metavar="S",
                   help="average handling time in seconds (talk + hold + wrap-up)")
    if erlang_a:
        p.add_argument("--patience-s", type=float, required=True, metavar="S",
                       help="mean caller patience in seconds (the warehouse's patience_mean_s)")
    p.add_argument("--agents", type=int, metavar="N",
                   help="also evaluate this many productive advisors (count)")
    p.add_argument("--service-level", type=float, metavar="FRACTION",
                   help="target share answered within --answer-s, e.g. 0.8")
    p.add_argument("--answer-s", type=float, metavar="S",
                   help="service-level threshold in seconds (default: 20)")
    if erlang_a:
        p.add_argument("--service-level-basis", choices=["offered", "answered"],
                       default="offered",
                       help="service level among offered calls (glossary default) or among "
                       "answered calls")
        p.add_argument("--pickup-rate", type=float, metavar="FRACTION",
                       help="target share of offered calls answered, e.g. 0.9")
    p.add_argument("--asa-s", type=float, metavar="S",
                   help="target maximum mean wait in seconds (Erlang A: of answered calls)")
    p.add_argument("--max-occupancy", type=float, metavar="FRACTION",
                   help="target maximum occupancy, e.g. 0.85")
    p.add_argument("--shrinkage", type=float, default=0.0, metavar="FRACTION",
                   help="share of paid time off the phones, for the scheduled headcount "
                   "(default: 0)")
    add_format_option(p)


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "staff", help="advisors needed for one interval (Erlang C or Erlang A) and every measure",
        description="Required productive advisors for one interval and the measures they "
        "achieve: probability of waiting, service level, ASA, occupancy, and with Erlang A "
        "(callers hang up) abandonment and pickup rate.",
        epilog=STAFF_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="model", metavar="<model>", required=True)
    c = sub.add_parser("erlang-c", help="M/M/n: callers never hang up",
                       epilog="example:\n  copil staff erlang-c --calls 100 --interval-minutes 30 "
                       "--aht-s 180 --service-level 0.8 --answer-s 20 --shrinkage 0.3",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_interval_options(c, erlang_a=False)
    c.set_defaults(func=run_staff, erlang_a=False)
    a = sub.add_parser("erlang-a", help="M/M/n+M: callers hang up after an exponential patience",
                       epilog="example:\n  copil staff erlang-a --calls 100 --interval-minutes 30 "
                       "--aht-s 180 --patience-s 120 --pickup-rate 0.95 --service-level 0.8",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_interval_options(a, erlang_a=True)
    a.set_defaults(func=run_staff, erlang_a=True)
    _register_plan(subparsers)


def staff_table(args) -> pd.DataFrame:
    """One row per staffing level (required for the targets, and/or the given --agents)."""
    from staffing import erlang_a, erlang_c, scheduled_headcount

    interval_s = args.interval_minutes * 60.0
    answer_s = 20.0 if args.answer_s is None else args.answer_s
    targets = {"service_level": args.service_level, "asa_s": args.asa_s,
               "max_occupancy": args.max_occupancy}
    if args.erlang_a:
        targets["pickup_rate"] = args.pickup_rate
    if all(v is None for v in targets.values()) and args.agents is None:
        targets["service_level"] = 0.8
    given = {k: v for k, v in targets.items() if v is not None}
    rows = []
    levels = []
    if given:
        if "service_level" in given:
            given["answer_s"] = answer_s
        elif args.answer_s is not None:
            raise ValueError("--answer-s needs --service-level")
        if args.erlang_a:
            n = erlang_a.required_agents(args.calls, args.aht_s, interval_s, args.patience_s,
                                         service_level_basis=args.service_level_basis, **given)
        else:
            n = erlang_c.required_agents(args.calls, args.aht_s, interval_s, **given)
        levels.append(("required", n))
    if args.agents is not None:
        levels.append(("given", args.agents))
    for basis, n in levels:
        if args.erlang_a:
            m = erlang_a.evaluate(args.calls, args.aht_s, interval_s, n, args.patience_s,
                                  answer_s)
        else:
            m = erlang_c.evaluate(args.calls, args.aht_s, interval_s, n, answer_s)
        row = {"model": "erlang_a" if args.erlang_a else "erlang_c", "agents_basis": basis,
               "calls": args.calls, "interval_s": interval_s, "aht_s": args.aht_s}
        if args.erlang_a:
            row["patience_s"] = args.patience_s
        row.update(answer_s=answer_s, traffic_erlangs=m.pop("traffic_erlangs"), agents=int(n),
                   shrinkage=args.shrinkage,
                   scheduled_headcount=scheduled_headcount(n, args.shrinkage))
        row.update(m)
        rows.append(row)
    return pd.DataFrame(rows)


def _clean(value):
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def run_staff(args) -> int:
    table = staff_table(args)
    if args.format == "json":
        records = [{k: _clean(v) for k, v in row.items()} for row in table.to_dict("records")]
        json.dump(records, sys.stdout, indent=1)
        sys.stdout.write("\n")
    elif args.format == "csv":
        print_frame(table, "csv")
    else:
        shown = table.set_index("agents_basis").T
        shown.columns.name = None
        with pd.option_context("display.width", 200, "display.float_format", "{:.6g}".format):
            print(shown.to_string())
    return 0


# ---------------------------------------------------------------------------------------------
# copil plan

PLAN_EPILOG = """example:
  copil plan --forecast forecast.csv --week 2026-W10 --max-advisors 25 --patience-s 120 \\
      --pickup-rate 0.9 --service-level 0.8 --out plan.csv

The forecast CSV has one row per interval: period_start (local time), calls, and optionally
aht_s, queue and hi80 (upper bound of the 80 % prediction interval)."""


def _register_plan(subparsers) -> None:  # filled in with the shift planner
    return None
