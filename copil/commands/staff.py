"""``copil staff`` (one interval through Erlang C / Erlang A) and ``copil plan`` (a week of
interval requirements and shifts from a forecast file or from the warehouse)."""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import TYPE_CHECKING

from copil.common import add_format_option, db_path, print_frame

if TYPE_CHECKING:
    import pandas as pd

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
    from staffing.interval import interval_table

    return interval_table(
        args.calls, args.aht_s, args.interval_minutes * 60.0,
        patience_s=args.patience_s if args.erlang_a else None, agents=args.agents,
        service_level=args.service_level, answer_s=args.answer_s,
        service_level_basis=getattr(args, "service_level_basis", "offered"),
        pickup_rate=getattr(args, "pickup_rate", None), asa_s=args.asa_s,
        max_occupancy=args.max_occupancy, shrinkage=args.shrinkage)


def _clean(value):
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def run_staff(args) -> int:
    import pandas as pd
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

PLAN_EPILOG = """examples:
  copil plan --db data/demo.duckdb --week 2026-W48 --out plan.csv      # a week after the data
  copil plan --db data/demo.duckdb --week 2026-W48 --save              # store a version
  copil plan list --db data/demo.duckdb [--week 2026-W48]              # stored versions
  copil plan show 3 --db data/demo.duckdb [--format json]              # one version
  copil plan diff 3 4 --db data/demo.duckdb                            # what changed
  copil plan --db data/demo.duckdb --week 2026-W48 --campaign mailing:2026-11-24:150000
  copil plan --forecast forecast.csv --week 2026-W10 --max-advisors 25 --patience-s 120 \\
      --pickup-rate 0.9 --service-level 0.8 --out plan.csv

--db forecasts the week from the warehouse (offered calls, campaigns, holidays), takes the
handling time and caller patience per weekday and half-hour from the last 8 complete weeks
and staffs to the contract's targets (pickup_rate, abandon_rate, service_level_<T>s, asa_s;
'copil contract show'); a week already in the data is forecast ex ante, from the days
before it, and the intervals carry the actual offered calls. --campaign adds a planned
campaign (channel, first day, people reached) and reports the extra advisors it needs.
--save stores the plan (daily and interval forecast with bands, Erlang C and A, the shift
plan) as a new version with its inputs and the warehouse version it was built from; the
latest version of a week is what net staffing, the intraday view and the attribution read.

The --forecast CSV has one row per interval: period_start (local time), calls, and optionally
aht_s, queue and hi80 (upper bound of the 80 % prediction interval)."""


def _register_plan(subparsers) -> None:
    p = subparsers.add_parser(
        "plan", help="advisors per interval and shifts for one week, from a forecast file or "
        "the warehouse",
        description="Interval requirements for one ISO week, turned into shifts for the "
        "available advisors (OR-Tools CP-SAT: at most 10 h a day, 48 h a week, 11 h rest), "
        "with coverage per interval and the campaign what-if (--uplift, --campaign). With "
        "--forecast FILE: Erlang A with --patience-s, else Erlang C, to the targets given. With "
        "--db PATH: forecast, AHT and patience from the warehouse, targets from its contract.",
        epilog=PLAN_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("action", nargs="?", choices=("list", "show", "diff"),
                   help="stored versions: list them, show one (PLAN_ID), diff two "
                   "(OLD_ID NEW_ID); without it, plan --week")
    p.add_argument("plan_ids", nargs="*", type=int, metavar="PLAN_ID",
                   help="stored plan id(s) for show / diff")
    p.add_argument("--save", action="store_true",
                   help="--db: store the plan as a new version in the warehouse")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--forecast", metavar="FILE",
                     help="forecast CSV: period_start, calls (or forecast), [aht_s], [queue], "
                     "[hi80], [patience_s]")
    src.add_argument("--db", metavar="PATH",
                     help="plan from this DuckDB warehouse: forecast, AHT, patience and the "
                     "contract's targets")
    p.add_argument("--week", metavar="YYYY-Www",
                   help="ISO week to plan, e.g. 2026-W10 (Monday to Sunday, local time); "
                   "with list: only that week's versions")
    p.add_argument("--shifts", metavar="FILE",
                   help="shift rules (JSON or YAML: patterns, contracts, limits); default: "
                   "full-time 7 h + 1 h lunch and part-time 4 h, starts every 30 min")
    p.add_argument("--max-advisors", type=int, default=25, metavar="N",
                   help="advisors available (count, default: 25)")
    p.add_argument("--aht-s", type=float, metavar="S",
                   help="average handling time in seconds where the forecast has no aht_s")
    p.add_argument("--patience-s", type=float, metavar="S",
                   help="mean caller patience in seconds: plan with Erlang A (pickup rate)")
    p.add_argument("--service-level", type=float, metavar="FRACTION",
                   help="share answered within --answer-s (--forecast only; default: 0.8)")
    p.add_argument("--answer-s", type=float, metavar="S",
                   help="service-level threshold in seconds (--forecast only; default: 20)")
    p.add_argument("--pickup-rate", type=float, metavar="FRACTION",
                   help="share of offered calls answered (Erlang A), e.g. 0.9")
    p.add_argument("--asa-s", type=float, metavar="S", help="maximum mean wait in seconds")
    p.add_argument("--max-occupancy", type=float, metavar="FRACTION",
                   help="maximum occupancy, e.g. 0.85")
    p.add_argument("--shrinkage", type=float, metavar="FRACTION",
                   help="share of paid time off the phones (default: 0 with --forecast, 0.3 "
                   "with --db)")
    p.add_argument("--staff-to", metavar="COLUMN",
                   help="staff to this forecast column instead of calls, e.g. hi80")
    p.add_argument("--staff-to-when", metavar="COLUMN",
                   help="only on rows where this boolean column is true, e.g. campaign")
    p.add_argument("--uplift", metavar="X|DAY=X,...",
                   help="what-if: volume multiplier (1.3) or per-day curve "
                   "(2026-03-03=1.5,2026-03-04=1.2)")
    p.add_argument("--campaign", metavar="CHANNEL:DATE[:AUDIENCE]",
                   help="--db what-if: a planned campaign, e.g. mailing:2026-11-24:150000 "
                   "(channel with past campaigns, first day YYYY-MM-DD, people reached)")
    p.add_argument("--model", choices=["erlang_a", "erlang_c"],
                   help="--db: queueing model (default: erlang_a, callers hang up)")
    p.add_argument("--interval-minutes", type=int, choices=[15, 30, 60],
                   metavar="MIN", help="--db: interval length in minutes (15, 30 or 60; "
                   "default: 30)")
    p.add_argument("--time-limit-s", type=float, default=10.0, metavar="S",
                   help="shift solver time limit in seconds (default: 10)")
    p.add_argument("--timezone", default="Europe/Paris",
                   help="--forecast: the line's time zone for naive timestamps (default: "
                   "Europe/Paris; --db uses the warehouse's)")
    p.add_argument("--out", metavar="FILE",
                   help="write the plan: .csv (intervals; shifts in FILE-shifts.csv) or .json")
    p.add_argument("--chart", metavar="FILE.html",
                   help="coverage chart (default: next to --out, with .html)")
    add_format_option(p, choices=("table", "json"))
    p.set_defaults(func=run_plan)


FORECAST_ONLY = ("service_level", "answer_s", "pickup_rate", "asa_s", "max_occupancy",
                 "patience_s", "aht_s", "staff_to_when", "uplift")


def _requirements(args) -> dict:
    """``model``, ``requirements`` and the what-if, from the warehouse or the forecast file."""
    from analytics.plan_inputs import (
        forecast_week,
        parse_campaign,
        parse_uplift,
        read_forecast_file,
        read_shift_rules,
    )

    if not args.db:
        if args.campaign:
            raise ValueError("--campaign needs --db (the campaign's effect is learned from the "
                             "warehouse); with --forecast, use --uplift")
        for opt in ("model", "interval_minutes"):
            if getattr(args, opt) is not None:
                raise ValueError(f"--{opt.replace('_', '-')} works with --db; with --forecast "
                                 "the file's intervals and --patience-s decide")
        from staffing.requirements import targets_requirements

        fc = forecast_week(read_forecast_file(args.forecast, args.timezone), args.week)
        return targets_requirements(
            fc, patience_s=args.patience_s, service_level=args.service_level,
            answer_s=args.answer_s, pickup_rate=args.pickup_rate, asa_s=args.asa_s,
            max_occupancy=args.max_occupancy, aht_s=args.aht_s, shrinkage=args.shrinkage,
            staff_to=args.staff_to, staff_to_when=args.staff_to_when,
            uplift=parse_uplift(args.uplift))
    given = [f"--{k.replace('_', '-')}" for k in FORECAST_ONLY if getattr(args, k) is not None]
    if given:
        raise ValueError(f"{', '.join(given)} only work with --forecast: with --db the targets "
                         "come from the warehouse contract ('copil contract set FILE'), AHT "
                         "and patience from the calls; use --campaign for a what-if")
    from analytics.plan_store import PlanInputs, build_plan, rules_dict, save_plan
    from analytics.warehouse import connection

    campaign = parse_campaign(args.campaign)
    model = args.model or "erlang_a"
    shrinkage = 0.3 if args.shrinkage is None else args.shrinkage
    path = db_path(args)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no warehouse here; build one with 'copil demo "
                                "--no-serve' or 'copil ingest'")
    rules = read_shift_rules(args.shifts, args.max_advisors) if args.shifts else None
    inputs = PlanInputs(model=model, shrinkage=shrinkage,
                        interval_minutes=args.interval_minutes or 30, staff_to=args.staff_to,
                        max_advisors=args.max_advisors,
                        rules=rules_dict(rules) if rules is not None else None,
                        time_limit_s=args.time_limit_s)
    with connection(path, read_only=True) as con:
        version = build_plan(con, args.week, inputs, author=_author())
    if args.save:  # the writer path: queued on the warehouse's lock, then published
        with connection(path) as con:
            version = save_plan(con, version)
    plan, req = version.details["week_plan"], version.details["requirements"]
    for msg in req.attrs.get("warnings", []):
        print(f"copil: warning: {msg}", file=sys.stderr)
    out = {"model": model, "requirements": req, "daily": plan.daily_forecast(),
           "plan_id": version.plan_id, **version.details["solver"]}
    if campaign is not None:
        what_if = plan.what_if(*campaign, model=model, shrinkage=shrinkage)
        out["what_if"], out["what_if_summary"] = what_if.table, what_if.summary
    return out


def _author() -> str:
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def plan_week(args) -> dict:
    """Requirements, shifts and the what-if (--uplift / --campaign) for one week."""
    from analytics.plan_inputs import read_shift_rules
    from staffing.shifts import cover_requirements

    out = _requirements(args)
    if "shifts" in out:  # --db: planned with its shifts by analytics.plan_store
        return {"week": args.week, **out}
    rules = read_shift_rules(args.shifts, args.max_advisors)
    result = cover_requirements(out["requirements"], rules, time_limit_s=args.time_limit_s)
    return {"week": args.week, **out, **result}


def _records(df: pd.DataFrame) -> list:
    return json.loads(df.to_json(orient="records", date_format="iso", double_precision=15))


def run_plan(args) -> int:
    from pathlib import Path

    from staffing.shifts import coverage_per_day

    if args.action is not None:
        return run_plan_versions(args)
    if args.plan_ids:
        _usage_error(f"plan ids {args.plan_ids} go with 'copil plan show' or 'copil plan "
                     "diff'")
    if not args.week or not (args.db or args.forecast):
        _usage_error("give --week YYYY-Www and --db PATH (or --forecast FILE), e.g. "
                     "'copil plan --db data/demo.duckdb --week 2026-W48'")
    if args.save and not args.db:
        raise ValueError("--save stores the plan in a warehouse: plan with --db PATH")

    for target in (args.out, args.chart):
        if target:  # create output folders before the (slow) planning, not after
            Path(target).parent.mkdir(parents=True, exist_ok=True)
    plan = plan_week(args)
    summary = dict(plan["summary"], week=plan["week"], model=plan["model"])
    per_day = coverage_per_day(plan["coverage"], plan["shifts"],
                               plan["summary"]["interval_minutes"])
    if args.out:
        out = Path(args.out)
        if out.suffix.lower() == ".json":
            doc = {"summary": summary, "intervals": _records(plan["intervals"]),
                   "shifts": _records(plan["shifts"])}
            if "daily" in plan:
                doc["daily"] = _records(plan["daily"])
            if "what_if" in plan:
                doc["what_if_summary"] = plan["what_if_summary"]
                doc["what_if"] = _records(plan["what_if"])
            out.write_text(json.dumps(doc, indent=1, ensure_ascii=False), encoding="utf-8")
        else:
            plan["intervals"].to_csv(out, index=False)
            plan["shifts"].to_csv(out.with_name(out.stem + "-shifts.csv"), index=False)
            if "what_if" in plan:
                plan["what_if"].to_csv(out.with_name(out.stem + "-what-if.csv"), index=False)
    chart = args.chart or (str(Path(args.out).with_suffix(".html")) if args.out else None)
    if chart:
        from dashboards.charts import coverage_figure

        coverage_figure(plan["coverage"], f"Coverage {plan['week']} - {summary['plan']} "
                        f"(solver {plan['status']})").write_html(chart, include_plotlyjs=True)
    if plan.get("plan_id") is not None:
        summary["plan_id"] = plan["plan_id"]
    if args.format == "json":
        doc = {"summary": summary, "per_day": _records(per_day)}
        if "daily" in plan:
            doc["daily"] = _records(plan["daily"])
        if "what_if_summary" in plan:
            doc["what_if_summary"] = plan["what_if_summary"]
        json.dump(doc, sys.stdout, indent=1)
        sys.stdout.write("\n")
        return 0
    print(f"week {plan['week']} ({plan['model']}): solver {plan['status']}, plan "
          f"{summary['plan']}")
    print(f"  required {summary['required_advisor_hours']:g} advisor-hours, paid "
          f"{summary['paid_hours']:g} h, under {summary['under_advisor_hours']} h, over "
          f"{summary['over_advisor_hours']} h, {summary['advisors_used']} of "
          f"{summary['advisors_available']} advisors, {summary['solve_seconds']} s")
    print_frame(per_day, "table")
    if "what_if_summary" in plan:
        print("what-if (campaign):")
        for key, val in plan["what_if_summary"].items():
            print(f"  {key}: {val if not isinstance(val, float) else round(val, 4)}")
    if args.out:
        print(f"written: {args.out}" + (f", chart {chart}" if chart else ""))
    if plan.get("plan_id") is not None:
        print(f"saved: plan {plan['plan_id']} ('copil plan show {plan['plan_id']} --db ...')")
    return 0


def _usage_error(text: str) -> None:
    """Stop like argparse does on a bad command line (exit status 2)."""
    print(f"copil plan: error: {text}", file=sys.stderr)
    raise SystemExit(2)


def run_plan_versions(args) -> int:
    """``copil plan list|show|diff``: the stored versions of the warehouse."""
    from analytics.plan_store import diff_plans, list_plans, load_plan
    from analytics.warehouse import connection

    want = {"list": 0, "show": 1, "diff": 2}[args.action]
    if len(args.plan_ids) != want:
        raise ValueError(f"'copil plan {args.action}' takes {want} plan id(s) (got "
                         f"{len(args.plan_ids)}); see 'copil plan list --db PATH'")
    if not args.db:
        raise ValueError(f"'copil plan {args.action}' reads a warehouse: give --db PATH")
    path = db_path(args)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no warehouse here; build one with 'copil demo "
                                "--no-serve' or 'copil ingest'")
    with connection(path, read_only=True) as con:
        if args.action == "list":
            print_frame(list_plans(con, args.week), args.format)
            return 0
        versions = [load_plan(con, pid) for pid in args.plan_ids]
    if args.action == "show":
        v = versions[0]
        if args.format == "json":
            doc = {**v.header(), "totals": v.totals(), "daily": _records(v.daily),
                   "intervals": _records(v.intervals), "shifts": _records(v.shifts)}
            json.dump(doc, sys.stdout, indent=1, ensure_ascii=False)
            sys.stdout.write("\n")
            return 0
        head = v.header()
        for key in ("plan_id", "week", "created_at", "author", "model", "interval_minutes",
                    "warehouse_version", "history_end"):
            print(f"{key}: {head[key]}")
        print(f"inputs: {json.dumps({k: x for k, x in head['inputs'].items() if k != 'rules'})}")
        print(f"shifts: {v.summary.get('status')}, {v.summary.get('plan')}")
        for key, val in v.totals().items():
            print(f"  {key}: {round(val, 2)}")
        daily = v.daily.copy()
        daily["date"] = daily["date"].dt.date
        print_frame(daily.round(1), "table")
        return 0
    d = diff_plans(*versions)
    if args.format == "json":
        doc = {"old": d.old.plan_id, "new": d.new.plan_id, "inputs": d.inputs,
               "totals": _records(d.totals), "intervals": _records(d.intervals)}
        json.dump(doc, sys.stdout, indent=1, ensure_ascii=False, default=str)
        sys.stdout.write("\n")
        return 0
    print(f"plan {d.old.plan_id} ({d.old.week}) -> plan {d.new.plan_id} ({d.new.week})")
    for key, (a, b) in d.inputs.items():
        print(f"  {key}: {a} -> {b}")
    print_frame(d.totals.round(2), "table")
    changed = d.intervals[(d.intervals.filter(like="_diff").abs() > 1e-9).any(axis=1)]
    print(f"{len(changed)} of {len(d.intervals)} intervals differ")
    return 0
