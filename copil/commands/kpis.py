"""``copil kpis``: the shared indicators of KPI_GLOSSARY.md per period."""

from __future__ import annotations

import argparse
import sys

from copil.common import add_db_option, add_format_option, db_path, print_frame

EPILOG = """example:
  copil kpis --period week --from 2026-01-05 --to 2026-03-01
  copil kpis --period interval --interval-minutes 15 --from 2026-02-23 --to 2026-02-23 --format json
  copil kpis --period month --by queue --format csv

Rates are fractions (0.875 = 87.5 %), durations in seconds. Periods are cut in the
line's time zone (settings.timezone); empty periods show 0 counts and null rates."""


def add_contract_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--contract", metavar="FILE",
                        help="contract YAML to use instead of the one stored in the warehouse")


def contract_arg(args):
    from analytics.contract import load_contract

    return load_contract(args.contract) if getattr(args, "contract", None) else None


def frame_for_output(df, fmt: str):
    """Dates as ISO strings; the table view rounds fractions to 4 and seconds to 1 decimal."""
    df = df.copy()
    for col in df.columns:
        if col == "period_start" or col.endswith("_date") or col == "day":
            df[col] = [None if v is None else str(v) for v in df[col]]
    if fmt == "table":
        for col in df.columns:
            if df[col].dtype.kind == "f":
                digits = 1 if col.endswith("_s") else 4
                df[col] = df[col].round(digits)
    return df


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "kpis", help="the shared weekly indicators (pickup rate, service level, waits...)",
        description="Glossary KPIs per interval, day, week, month or quarter, in the "
        "line's time zone, for the whole line or by queue, topic, region or agent.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_db_option(p)
    p.add_argument("--period", choices=["interval", "day", "week", "month", "quarter"],
                   default="week", help="period length (default: week; a week starts on the line's "
                   "calendar's week start: Monday unless the contract says otherwise)")
    p.add_argument("--interval-minutes", type=int, choices=[15, 30, 60], default=30,
                   help="interval length in minutes for --period interval (default: 30)")
    p.add_argument("--from", dest="start", metavar="DATE",
                   help="first local day YYYY-MM-DD (default: first day with calls)")
    p.add_argument("--to", dest="end", metavar="DATE",
                   help="last local day YYYY-MM-DD, inclusive (default: last day with calls)")
    p.add_argument("--by", choices=["queue", "topic", "region", "agent"],
                   help="one row per period and value (agent: provider-internal)")
    p.add_argument("--queue", action="append", metavar="NAME",
                   help="keep only this queue (repeat for several)")
    add_contract_option(p)
    add_format_option(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from analytics.kpis import kpis
    from analytics.warehouse import connection

    with connection(db_path(args), read_only=True) as con:
        if args.queue:
            from analytics.series import queues

            known = queues(con)
            unknown = [q for q in args.queue if q not in known]
            if unknown and known:   # a typo would silently give a line of zeros
                raise ValueError(f"--queue {unknown[0]!r}: no such queue; the warehouse has "
                                 f"{', '.join(known)}")
        df = kpis(con, period=args.period, interval_minutes=args.interval_minutes,
                  start=args.start, end=args.end, by=args.by, queues=args.queue,
                  contract=contract_arg(args))
    if args.by == "agent":
        print("copil: PROVIDER-INTERNAL - agent-level figures; do not share with the client.",
              file=sys.stderr)
    print_frame(frame_for_output(df, args.format), args.format)
    return 0
