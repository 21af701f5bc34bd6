"""``copil targets``: the contract's targets per period, and the week's gaps."""

from __future__ import annotations

import argparse
import json
import sys

from copil.commands.kpis import add_contract_option, contract_arg, frame_for_output
from copil.common import add_db_option, add_format_option, db_path, print_frame

EPILOG = """example:
  copil targets --week 2026-W08
  copil targets --from 2026-01-01 --to 2026-03-31 --format csv

status is met, missed or no_data; margin = actual - threshold; shortfall = distance on the
wrong side of the threshold (0 when met). Rates are fractions, durations seconds."""


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "targets", help="contract targets: met / missed per week, and the week's gaps",
        description="Actual vs target for each period and target of the contract. With "
        "--week, also the ranked gaps with the days and intervals that caused them.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_db_option(p)
    p.add_argument("--week", metavar="YYYY-Www", help="one ISO week, e.g. 2026-W08 (adds the gaps)")
    p.add_argument("--period", choices=["day", "week", "month", "quarter"], default="week",
                   help="evaluate the targets set for this period (default: week)")
    p.add_argument("--from", dest="start", metavar="DATE", help="first local day YYYY-MM-DD")
    p.add_argument("--to", dest="end", metavar="DATE", help="last local day YYYY-MM-DD")
    add_contract_option(p)
    add_format_option(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from analytics.kpis import resolve_contract
    from analytics.line_calendar import line_week
    from analytics.targets import evaluate_targets, week_gaps
    from analytics.warehouse import connection

    with connection(db_path(args), read_only=True) as con:
        contract = resolve_contract(con, contract_arg(args))
        if not contract.targets:
            raise ValueError("the contract has no targets; store one with "
                             "'copil contract set data/contract.example.yaml' or pass --contract")
        periods = sorted({t.period for t in contract.targets})
        if args.period not in periods:
            raise ValueError(f"the contract sets no {args.period} targets (its targets are per "
                             f"{' and '.join(periods)}); use --period {periods[0]}")
        start, end = args.start, args.end
        if args.week:
            w = line_week(con, args.week, contract)
            start, end = w.first, w.last
        df = evaluate_targets(con, contract, period=args.period, start=start, end=end)
        gaps = week_gaps(con, contract, args.week) if args.week else None
    if gaps is None:
        print_frame(frame_for_output(df, args.format), args.format)
        return 0
    if args.format == "json":
        rows = json.loads(frame_for_output(df, "json").to_json(orient="records",
                                                                double_precision=15))
        gap_rows = json.loads(gaps.to_json(orient="records", double_precision=15,
                                           default_handler=str))
        print(json.dumps({"week": args.week, "targets": rows, "gaps": gap_rows}, indent=1,
                         ensure_ascii=False, default=str))
        return 0
    print_frame(frame_for_output(df, args.format), args.format)
    if args.format == "csv":
        print("copil: the week's gaps are listed with --format table or json", file=sys.stderr)
    if args.format == "table":
        from analytics.i18n import fmt_seconds
        from analytics.metrics import format_delta, format_metric

        def fmt(name: str, value) -> str:
            return format_metric(name, value, "en")

        print(f"\ngaps in {args.week}:" if len(gaps) else f"\nno gap in {args.week}")
        for g in gaps.itertuples():
            print(f" {g.rank}. {g.metric} {g.comparison} {fmt(g.metric, g.threshold)}"
                  f"{' [' + g.queue + ']' if g.queue else ''}: actual {fmt(g.metric, g.actual)}, "
                  f"shortfall {format_delta(g.metric, g.shortfall, 'en').lstrip('+')}")
            what = "callbacks due" if g.metric.startswith("callback") else "offered"
            for d in g.days:
                print(f"    day {d['day']}: {fmt(g.metric, d['actual'])} "
                      f"({fmt('offered', d['volume'])} {what})")
            if g.metric.startswith("callback"):
                continue
            for i in g.worst_intervals_abandoned:
                print(f"    interval {i['interval']}: {fmt('abandoned', i['abandoned'])} "
                      f"abandoned of {fmt('offered', i['offered'])}")
            for i in g.worst_intervals_wait:
                print(f"    interval {i['interval']}: mean wait "
                      f"{fmt('wait_all_mean_s', i['wait_all_mean_s'])}, "
                      f"total {fmt_seconds(i['wait_total_s'], 'en')}")
    return 0
