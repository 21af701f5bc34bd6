"""``copil demo``: the main job on the embedded demo data (build, summarise, serve)."""

from __future__ import annotations

import argparse
from pathlib import Path

from copil.common import add_db_option, db_path

EPILOG = """What it does:
  1. generates two years of seeded demo data for a client-provider line into
     data/generated/demo/ (unless present), and loads it into the warehouse
     (unless the warehouse already has calls), with the demo line's contract;
  2. prints the last complete week's shared indicators against the contract's targets;
  3. creates the demo accounts (one per role) in the demo warehouse's own users file,
     data/demo.users.json beside data/demo.duckdb (never in the users file copil serve
     uses by default; an existing account is never changed), and prints them;
  4. serves the dashboard on http://127.0.0.1:8050 with those accounts.

examples:
  copil demo                      build data/demo.duckdb and serve the dashboard
  copil demo --no-serve           build and print the weekly summary only
  copil demo --rebuild --seed 7   regenerate with another seed and reload"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="build the demo warehouse, print this week's KPIs, serve the dashboard",
                       description="Run copil end to end on realistic generated data.",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_db_option(p)
    p.add_argument("--files", metavar="DIR", default=str(Path("data") / "generated" / "demo"),
                   help="where the generated demo files go (default: data/generated/demo)")
    p.add_argument("--seed", type=int, metavar="N", help="regenerate with this random seed")
    p.add_argument("--rebuild", action="store_true",
                   help="delete the warehouse and load it again")
    p.add_argument("--no-serve", action="store_true",
                   help="do not start the dashboard (the demo accounts are still created)")
    p.add_argument("--host", default="127.0.0.1", help="dashboard address (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8050, help="dashboard port (default: 8050)")
    p.set_defaults(func=run)


def print_week_summary(db: Path) -> None:
    """Print the last complete week's headline KPIs vs the previous week and the targets."""
    import datetime as dt

    from analytics.metrics import format_metric, label
    from demo.summary import week_headline

    headline = week_headline(db)
    if headline is None:
        print("The warehouse has no complete week of calls yet.")
        return
    monday = headline.monday
    print(f"\nWeek {headline.week} ({monday:%d/%m/%Y} - {monday + dt.timedelta(days=6):%d/%m/%Y}), "
          f"{headline.line_name}")
    print(f"  {'indicator':<24} {'this week':>11} {'previous':>11}   target")
    for row in headline.rows:
        def fmt(value, metric=row.metric):
            return format_metric(metric, value, "en")
        status = ""
        if row.status is not None:
            verdict = "MISSED" if row.status == "missed" else row.status.replace("_", " ")
            status = f"{row.comparison} {fmt(row.threshold)}  {verdict}"
        print(f"  {label(row.metric, 'en'):<24} {fmt(row.value):>11} {fmt(row.previous):>11}"
              f"   {status}")


def run(args: argparse.Namespace) -> int:
    from demo.warehouse import build_demo_warehouse, demo_users_path, plan_demo_build

    db = db_path(args)
    plan = plan_demo_build(db, seed=args.seed, rebuild=args.rebuild)
    if plan.build:
        print(f"Building the demo warehouse {db} ...")
        build = build_demo_warehouse(db, args.files, seed=args.seed, replace=plan.replace)
        from copil.commands.ingest import print_summary

        for s in build.ingested:
            print_summary(s)
    else:
        print(f"Using the demo warehouse {db} (copil demo --rebuild builds it again).")
    print_week_summary(db)
    from dashboards.auth import ensure_demo_users

    users = demo_users_path(db)
    accounts = ensure_demo_users(users)
    print(f"\nDemo accounts (user / password / role), kept in {users}:")
    for name, role, password in accounts:
        shown = password if password is not None else "(yours, unchanged)"
        print(f"  {name:<10} {shown:<18} {role}")
    if args.no_serve:
        print(f"Serve later with: copil serve --db {db} --users {users}")
        return 0
    from dashboards.app import serve

    print(f"\nDashboard: http://{args.host}:{args.port}/  (Ctrl-C to stop)")
    serve(db, host=args.host, port=args.port, users_path=users)
    return 0
