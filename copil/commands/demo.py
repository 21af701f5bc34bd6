"""``copil demo``: the main job on the embedded demo data (build, summarise, serve)."""

from __future__ import annotations

import argparse
from pathlib import Path

from copil.common import add_db_option, db_path

EPILOG = """What it does:
  1. generates two years of seeded demo data for a client-provider line into
     data/generated/demo/ (unless present), and loads it into the warehouse
     (unless the warehouse already has calls), with the example contract;
  2. prints the last complete week's shared indicators against the contract's targets;
  3. serves the dashboard on http://127.0.0.1:8050 and prints the demo accounts.

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
    p.add_argument("--no-serve", action="store_true", help="do not start the dashboard")
    p.add_argument("--host", default="127.0.0.1", help="dashboard address (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8050, help="dashboard port (default: 8050)")
    p.set_defaults(func=run)


HEADLINE = ["offered", "answered", "pickup_rate", "abandon_rate", "service_level_20s",
            "service_level_30s", "asa_s", "wait_p90_s", "aht_s", "callback_on_time_rate"]


def print_week_summary(db: Path) -> None:
    """The last complete week's headline KPIs vs the previous week and the contract targets."""
    import datetime as dt

    from analytics.contract import warehouse_contract
    from analytics.kpis import kpis, last_complete_week, week_start
    from analytics.metrics import format_metric, label, target_status
    from analytics.warehouse import connection

    with connection(db, read_only=True) as con:
        week = last_complete_week(con)
        if week is None:
            print("The warehouse has no complete week of calls yet.")
            return
        monday = week_start(week)
        rows = kpis(con, period="week", start=monday - dt.timedelta(days=7),
                    end=monday + dt.timedelta(days=6))
        contract = warehouse_contract(con)
    this, prev = rows.iloc[-1], rows.iloc[0]
    targets = {t.metric: t for t in (contract.targets if contract else ()) if t.queue is None
               and t.period == "week"}
    name = contract.line_name if contract and contract.line_name else "line"
    print(f"\nWeek {week} ({monday:%d/%m/%Y} - {monday + dt.timedelta(days=6):%d/%m/%Y}), {name}")
    print(f"  {'indicator':<24} {'this week':>11} {'previous':>11}   target")
    for col in HEADLINE:
        if col not in rows.columns:
            continue
        value, before = this[col], prev[col]
        target = targets.get(col)
        status = ""
        if target is not None:
            verdict = target_status(value, target.comparison, target.threshold)
            status = (f"{target.comparison} {format_metric(col, target.threshold, 'en')}  "
                      f"{'MISSED' if verdict == 'missed' else verdict.replace('_', ' ')}")
        print(f"  {label(col, 'en'):<24} {format_metric(col, value, 'en'):>11} "
              f"{format_metric(col, before, 'en'):>11}   {status}")


def run(args: argparse.Namespace) -> int:
    from analytics.demo_warehouse import build_demo_warehouse, foreign_files, warehouse_has_calls
    from copil.cli import CopilError

    db = db_path(args)
    if args.rebuild or args.seed is not None:
        foreign = foreign_files(db)
        if foreign:   # never delete or mix into a warehouse holding someone's own data
            raise CopilError(f"{db} holds data that copil demo did not load ({foreign[0]}); "
                             "--rebuild and --seed would replace or mix it: give another --db")
        if args.seed is not None and not args.rebuild and warehouse_has_calls(db):
            raise CopilError(f"{db} already has the demo's calls; add --rebuild to replace them "
                             f"with seed {args.seed} (loading a second seed on top mixes them)")
    if args.rebuild and db.exists():
        db.unlink()
        wal = db.with_name(db.name + ".wal")
        if wal.exists():
            wal.unlink()
    if args.seed is not None or not warehouse_has_calls(db):
        print(f"Building the demo warehouse {db} ...")
        generated, summaries = build_demo_warehouse(db, args.files, seed=args.seed)
        from copil.commands.ingest import print_summary

        for s in summaries:
            print_summary(s)
    else:
        print(f"Using the demo warehouse {db} (copil demo --rebuild builds it again).")
    print_week_summary(db)
    if args.no_serve:
        return 0
    try:
        from dashboards.app import serve
        from dashboards.auth import ensure_demo_users
    except ImportError:  # pragma: no cover - the dashboard is part of the distribution
        print("The dashboard is not installed; the warehouse is ready.")
        return 0
    from dashboards.app import DEFAULT_USERS_PATH

    accounts = ensure_demo_users(DEFAULT_USERS_PATH)
    print(f"\nDashboard: http://{args.host}:{args.port}/  (Ctrl-C to stop)")
    print("Demo accounts (user / password / role):")
    for name, role, password in accounts:
        print(f"  {name:<10} {password:<16} {role}")
    serve(db, host=args.host, port=args.port, users_path=DEFAULT_USERS_PATH)
    return 0
