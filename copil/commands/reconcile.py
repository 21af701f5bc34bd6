"""``copil reconcile``: operator counts vs the provider's call log."""

from __future__ import annotations

import argparse
import sys

from copil.commands.kpis import add_contract_option, contract_arg, frame_for_output
from copil.common import add_db_option, add_format_option, db_path, print_frame

EPILOG = """example:
  copil reconcile --period week --from 2026-01-05 --to 2026-03-01

offered_gap = operator_offered - offered; the rates divide by the operator's count and are
flagged beyond the tolerance (fraction, default the contract's, 0.02). Periods the operator
sent nothing for are marked missing_operator, never counted as zero."""


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "reconcile", help="operator counts vs provider log, gaps flagged beyond tolerance",
        description="Per day or ISO week and operator line/queue: the operator's offered and "
        "handled counts against the provider's offered and answered calls.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_db_option(p)
    p.add_argument("--period", choices=["day", "week"], default="day",
                   help="period (default: day)")
    p.add_argument("--from", dest="start", metavar="DATE", help="first local day YYYY-MM-DD")
    p.add_argument("--to", dest="end", metavar="DATE", help="last local day YYYY-MM-DD")
    p.add_argument("--tolerance", type=float, metavar="FRACTION",
                   help="flag |gap rate| above this fraction (default: contract, 0.02)")
    add_contract_option(p)
    add_format_option(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from analytics.reconcile import reconcile
    from analytics.warehouse import connection

    with connection(db_path(args), read_only=True) as con:
        df = reconcile(con, period=args.period, start=args.start, end=args.end,
                       tolerance=args.tolerance, contract=contract_arg(args))
    if not df.empty and df["missing_operator"].all():
        note = ("no operator counts in the warehouse for these dates: load the operator's file "
                "with 'copil ingest operator FILE'")
        if args.format == "table":
            print(note)
            return 0
        print(f"copil: {note}", file=sys.stderr)
    if args.format == "table":
        # days with neither calls nor operator counts (closed days) add nothing to read
        empty = df["missing_operator"] & (df["offered"] == 0) & (df["answered"] == 0)
        if empty.any():
            df = df[~empty]
            print(f"copil: {int(empty.sum())} row(s) with neither calls nor operator counts "
                  "left out (--format csv or json lists them)", file=sys.stderr)
    if "days" in df.columns:
        df["days"] = [", ".join(f"{d['day']}: " + ("no operator data" if d["missing_operator"]
                                                   else f"{d['offered_gap']:+d}") for d in days)
                      for days in df["days"]]
    print_frame(frame_for_output(df, args.format), args.format)
    return 0
