"""``copil ingest KIND FILE...``: load provider, operator and client files into the warehouse."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from analytics.i18n import fmt_int
from analytics.kinds import KINDS
from analytics.profiles import builtin_profiles
from copil.common import add_db_option, db_path

if TYPE_CHECKING:
    from analytics.ingest import IngestSummary

EPILOG = """kinds and their table:
  calls       provider's ACD log, one row per call          -> calls
  operator    telecom operator's offered/handled counts      -> operator_counts
  callbacks   promised callbacks (the 72-hour promise)       -> callbacks
  campaigns   client's communication calendar                -> campaigns
  staffing    advisors logged in per interval                -> staffing

Files: CSV (, ; tab |; UTF-8, Latin-1 or CP1252; decimal commas; .gz), Parquet, .xlsx.
Naive date-times are local time in the line's zone (Europe/Paris unless the profile says).
Bad rows go to the quarantine table with line, column and reason; the good rows load.
Each file loads in one transaction; loading the same file again adds nothing.
Caller numbers are replaced by keyed hashes ($COPIL_CALLER_KEY or ~/.config/copil/caller.key,
at least 32 bytes; make one: python3 -c 'import secrets; print(secrets.token_hex(32))').

examples:
  copil ingest calls exports/acd-2026-w08.csv --db line.duckdb
  copil ingest calls appels.csv --profile french-acd
  copil ingest calls ctr-2026-03-28.csv --profile auto     # recognised from the header
  copil ingest calls ../shared/data/anonymous_bank_1999/calls.csv.gz --profile anonymous-bank --db bank.duckdb
  copil ingest operator operateur-fevrier.csv --format json"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "ingest", help="load call logs, operator counts, callbacks, campaigns or staffing",
        description="Validate and load files into the warehouse (see data/SCHEMA.md).",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("kind", choices=list(KINDS), help="what the files hold")
    p.add_argument("files", nargs="+", metavar="FILE", help="files to load, in order")
    add_db_option(p)
    p.add_argument("--profile", metavar="NAME|FILE",
                   help=f"layout of the files: built-in ({', '.join(sorted(builtin_profiles()))}), "
                        "'auto' (recognised from each file's header) or a profile YAML file "
                        "(default: canonical)")
    p.add_argument("--source", metavar="LABEL",
                   help="who supplied the rows (default from the profile: provider, operator...); "
                        "rows are keyed by their id and this label")
    p.add_argument("--force", action="store_true",
                   help="process a file again even if the same content was loaded before")
    p.add_argument("--format", choices=("table", "json"), default="table",
                   help="summary format (default: table)")
    p.set_defaults(func=run)


def _fmt(n: int) -> str:
    return fmt_int(n, "en")


def print_summary(s: IngestSummary, out=None) -> None:
    out = out or sys.stdout   # looked up at call time: sys.stdout may be replaced after import
    if s.skipped:
        print(f"{s.file}: already loaded in run {s.previous_run} (same content); nothing to do. "
              "Use --force to process it again.", file=out)
        return
    if s.detected_by:
        print(f"{s.file}: recognised as {s.profile} (header has {', '.join(s.detected_by)})",
              file=out)
    print(f"{s.file} -> {KINDS[s.kind].table} (profile {s.profile}, source {s.source}, "
          f"run {s.run_id}, {s.seconds:.1f} s)", file=out)
    grouped = f" + grouped {_fmt(s.rows_grouped)}" if s.rows_grouped else ""
    print(f"  read {_fmt(s.rows_read)} = loaded {_fmt(s.rows_loaded)} + updated "
          f"{_fmt(s.rows_updated)} + duplicates {_fmt(s.rows_duplicate)} + quarantined "
          f"{_fmt(s.rows_quarantined)} + filtered {_fmt(s.rows_filtered)}{grouped}", file=out)
    if s.rows_grouped:
        print(f"  grouped: {_fmt(s.rows_grouped)} row(s) were further segments of a call "
              "(transfer, callback, queue change) and joined it", file=out)
    if s.rows_superseded:
        print(f"  {_fmt(s.rows_superseded)} earlier deliveries of a record replaced by a later "
              "one (counted in duplicates)", file=out)
    if s.assumptions:
        print(f"  profile assumes: {s.assumptions} (line's zone: {s.timezone})", file=out)
    if s.dst_ambiguous:
        print(f"  {s.dst_ambiguous} arrival(s) in the repeated autumn DST hour, resolved by row order",
              file=out)
    for p in s.problems[:5]:
        where = f"line {p['line']}" + (f", column {p['column']}" if p["column"] else "")
        value = f" (value {p['value']!r})" if p["value"] is not None else ""
        print(f"  quarantined: {where}: {p['reason']}{value}", file=out)
    if s.rows_quarantined > 5:
        print(f"  ... {_fmt(s.rows_quarantined)} rows quarantined in all: "
              f"see the quarantine table (run_id = {s.run_id})", file=out)


def run(args: argparse.Namespace) -> int:
    from analytics.ingest import FileRefused, ingest_file
    from analytics.privacy import CallerKeyError
    from analytics.warehouse import connection

    results = []
    failed = False
    with connection(db_path(args)) as con:
        con.execute("set enable_progress_bar = true")
        for f in args.files:
            try:
                s = ingest_file(con, args.kind, f, profile=args.profile, source=args.source,
                                force=args.force)
            except CallerKeyError as exc:  # no file can load with this key
                print(f"copil: refused: {exc}", file=sys.stderr)
                return 2
            except FileRefused as exc:
                failed = True
                print(f"copil: refused: {exc}", file=sys.stderr)
                results.append({"file": f, "refused": str(exc)})
                continue
            results.append(s.as_dict())
            if args.format == "table":
                print_summary(s)
    if args.format == "json":
        json.dump(results, sys.stdout, indent=1, default=str)
        print()
    return 1 if failed else 0
