"""``copil health``: is the warehouse's data complete and fresh? (exit code 1 when not)."""

from __future__ import annotations

import argparse
import json

from copil.common import add_db_option, add_format_option, db_path, print_frame

EPILOG = """examples:
  copil health                              today's check of data/demo.duckdb
  copil health --db line.duckdb --format json
  copil health --db bank.duckdb --as-of 1999-11-01   an archive, checked the day after its end
  0 7 * * 1-5  copil health --db /srv/line.duckdb || mail -s "copil: data" ops@example.org

Per source (data kind and source label): rows, first and last local day, last load
(UTC), quarantined rows and their most frequent reason. A source is STALE when its
last day is before the last day the line's calendar expects open before --as-of
(default: today in the line's time zone). A day is MISSING when the calendar expects the
line open and the source has no row that day (calls: any call row; operator: any count),
between the source's first and last day. Weekends, public holidays and closures of the
calendar (the contract's, else learned from the call log) are never missing.

Exit code: 0 healthy, 1 a source is stale or an expected-open day has no data, 2 error.
JSON: one object {as_of, ok, calendar, sources, missing_days, quarantine}; missing_days
rows are {kind, source, date: YYYY-MM-DD}."""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("health", help="data health: freshness and missing days per source "
                       "(exit 1 when stale or incomplete)",
                       description="Check every source of the warehouse against the line's "
                       "calendar: first/last day, last load, freshness, missing expected-open "
                       "days, quarantined rows.",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_db_option(p)
    add_format_option(p, choices=("table", "json"))
    p.add_argument("--as-of", metavar="YYYY-MM-DD",
                   help="day of the check: data is expected up to the open day before it "
                   "(default: today in the line's time zone)")
    p.set_defaults(func=run)


def run(args) -> int:
    from analytics.health import data_health, missing_runs
    from analytics.periods import to_date
    from analytics.warehouse import connection

    try:
        as_of = to_date(args.as_of)
    except ValueError as exc:
        raise ValueError(f"--as-of: {exc}") from None
    with connection(db_path(args), read_only=True) as con:
        health = data_health(con, as_of=as_of)
    if args.format == "json":
        print(json.dumps(health.to_dict(), indent=1, ensure_ascii=False))
        return health.exit_code
    print(f"Data health as of {health.as_of} (data expected up to the open day before).")
    print(f"Calendar: {health.calendar.describe()}")
    print()
    sources = health.sources.drop(columns=["top_reason"])
    sources["last_load_at"] = [None if v is None or v != v else f"{v:%Y-%m-%d %H:%M}"
                               for v in sources["last_load_at"]]
    from analytics.i18n import MISSING

    sources = sources.astype(object).where(sources.notna(), MISSING)   # not "NaN"/"None"
    print_frame(sources.rename(columns={"last_load_at": "last_load_utc"}).astype(str), "table")
    runs = missing_runs(health.missing_days)
    if not runs.empty:
        print("\nMissing expected-open days:")
        print_frame(runs.astype(str), "table")
    if not health.quarantine.empty:
        print("\nQuarantined rows by reason:")
        print_frame(health.quarantine, "table")
    print()
    problems = health.problems()
    print("OK: every source is fresh and complete." if not problems
          else f"{len(problems)} problem(s):\n  " + "\n  ".join(problems))
    return health.exit_code
