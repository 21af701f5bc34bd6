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
    import pandas as pd

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
  copil plan --db data/demo.duckdb --week 2026-W48 --out plan.csv
  copil plan --db data/demo.duckdb --week 2026-W48 --campaign mailing:2026-11-24:150000
  copil plan --forecast forecast.csv --week 2026-W10 --max-advisors 25 --patience-s 120 \\
      --pickup-rate 0.9 --service-level 0.8 --out plan.csv

--db forecasts the week from the warehouse (offered calls, campaigns, holidays), takes the
handling time and caller patience per weekday and half-hour from the last 8 complete weeks
and staffs to the contract's targets (pickup_rate, abandon_rate, service_level_<T>s, asa_s;
'copil contract show'); a week already in the data is forecast ex ante, from the days
before it, and the intervals carry the actual offered calls. --campaign adds a planned
campaign (channel, first day, people reached) and reports the extra advisors it needs.

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
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--forecast", metavar="FILE",
                     help="forecast CSV: period_start, calls (or forecast), [aht_s], [queue], "
                     "[hi80], [patience_s]")
    src.add_argument("--db", metavar="PATH",
                     help="plan from this DuckDB warehouse: forecast, AHT, patience and the "
                     "contract's targets")
    p.add_argument("--week", required=True, metavar="YYYY-Www",
                   help="ISO week to plan, e.g. 2026-W10 (Monday to Sunday, local time)")
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


def _read_forecast(path: str, tz: str) -> pd.DataFrame:
    from pathlib import Path

    import pandas as pd

    if not Path(path).exists():
        raise FileNotFoundError(f"forecast file not found: {path}")
    df = pd.read_csv(path)
    if "period_start" not in df.columns:
        raise ValueError(f"{path}: no 'period_start' column (start of each interval)")
    text = df["period_start"].astype(str).str.strip()
    if text.str.contains(r"(?:[+-]\d\d:?\d\d|Z)$").all():
        ts = pd.to_datetime(text, utc=True, format="ISO8601").dt.tz_convert(tz)
    else:
        ts = pd.to_datetime(text, format="ISO8601").dt.tz_localize(
            tz, nonexistent="shift_forward", ambiguous="NaT")
    df["period_start"] = ts
    return df


def _week_bounds(week: str, tz: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    import datetime as dt
    import re

    import pandas as pd

    m = re.fullmatch(r"(\d{4})-?W(\d{1,2})", week.strip())
    if not m:
        raise ValueError(f"--week must look like 2026-W10, got {week!r}")
    monday = dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
    start = pd.Timestamp(monday).tz_localize(tz)
    return start, (pd.Timestamp(monday) + pd.Timedelta(days=7)).tz_localize(tz)


def _uplift(text: str | None):
    import pandas as pd
    if text is None:
        return None
    if "=" not in text:
        return float(text)
    out = {}
    for part in text.split(","):
        day, val = part.split("=")
        out[pd.Timestamp(day.strip()).strftime("%Y-%m-%d")] = float(val)
    return out


def _read_rules(path: str | None, max_advisors: int):
    from staffing.shifts import default_rules, rules_from_dict

    if path is None:
        return default_rules(max_advisors)
    import yaml

    with open(path, encoding="utf-8") as fh:
        cfg = yaml.safe_load(fh)  # JSON is YAML
    return rules_from_dict(cfg, max_advisors=max_advisors)


def _forecast_requirements(args) -> dict:
    """Requirements (and the --uplift what-if) from a forecast file and explicit targets."""
    from staffing.requirements import campaign_what_if, requirements

    if args.campaign:
        raise ValueError("--campaign needs --db (the campaign's effect is learned from the "
                         "warehouse); with --forecast, use --uplift")
    for opt in ("model", "interval_minutes"):
        if getattr(args, opt) is not None:
            raise ValueError(f"--{opt.replace('_', '-')} works with --db; with --forecast the "
                             "file's intervals and --patience-s decide")
    fc = _read_forecast(args.forecast, args.timezone)
    start, end = _week_bounds(args.week, args.timezone)
    fc = fc[(fc["period_start"] >= start) & (fc["period_start"] < end)].reset_index(drop=True)
    if fc.empty:
        raise ValueError(f"the forecast has no interval in {args.week}; check --week and the "
                         "file's period_start")
    erlang_a = args.patience_s is not None or "patience_s" in fc.columns
    if args.pickup_rate is not None and not erlang_a:
        raise ValueError("--pickup-rate needs --patience-s (Erlang A)")
    kw = {"model": "erlang_a" if erlang_a else "erlang_c", "aht_s": args.aht_s,
          "service_level": 0.8 if args.service_level is None else args.service_level,
          "answer_s": 20.0 if args.answer_s is None else args.answer_s,
          "asa_s": args.asa_s, "max_occupancy": args.max_occupancy,
          "shrinkage": 0.0 if args.shrinkage is None else args.shrinkage,
          "staff_to": args.staff_to, "staff_to_when": args.staff_to_when}
    if erlang_a:
        kw.update(patience_s=args.patience_s, pickup_rate=args.pickup_rate)
    out = {"model": kw["model"], "requirements": requirements(fc, **kw)}
    uplift = _uplift(args.uplift)
    if uplift is not None:
        out["what_if"], out["what_if_summary"] = campaign_what_if(fc, uplift, **kw)
    return out


def _campaign(text: str | None) -> tuple[str, str, float | None] | None:
    import pandas as pd
    if text is None:
        return None
    parts = text.split(":")
    try:
        if len(parts) not in (2, 3):
            raise ValueError
        day = pd.Timestamp(parts[1]).strftime("%Y-%m-%d")
        audience = float(parts[2]) if len(parts) == 3 else None
    except ValueError:
        raise ValueError(f"--campaign {text!r}: write CHANNEL:YYYY-MM-DD[:AUDIENCE], e.g. "
                         "mailing:2026-11-24:150000") from None
    return parts[0], day, audience


def _db_requirements(args) -> dict:
    """Requirements (and the --campaign what-if) from the warehouse and its contract."""
    from analytics.planning import week_plan
    from analytics.warehouse import connection

    given = [f"--{k.replace('_', '-')}" for k in ("service_level", "answer_s", "pickup_rate",
                                                   "asa_s", "max_occupancy", "patience_s",
                                                   "aht_s", "staff_to_when", "uplift")
             if getattr(args, k) is not None]
    if given:
        raise ValueError(f"{', '.join(given)} only work with --forecast: with --db the targets "
                         "come from the warehouse contract ('copil contract set FILE'), AHT "
                         "and patience from the calls; use --campaign for a what-if")
    path = db_path(args)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no warehouse here; build one with 'copil demo "
                                "--no-serve' or 'copil ingest'")
    with connection(path, read_only=True) as con:
        plan = week_plan(con, args.week, campaign=_campaign(args.campaign),
                         interval_minutes=args.interval_minutes or 30,
                         model=args.model or "erlang_a",
                         staff_to=args.staff_to,
                         shrinkage=0.3 if args.shrinkage is None else args.shrinkage)
    for msg in plan["forecast"].attrs.get("warnings", []):
        print(f"copil: warning: {msg}", file=sys.stderr)
    out = {"model": args.model or "erlang_a", "requirements": plan["requirements"]}
    if "what_if" in plan:
        out["what_if"], out["what_if_summary"] = plan["what_if"], plan["what_if_summary"]
    return out


def plan_week(args) -> dict:
    """Requirements, shifts and the what-if (--uplift / --campaign) for one week."""
    from staffing.shifts import plan_shifts

    out = _db_requirements(args) if args.db else _forecast_requirements(args)
    req = out["requirements"]
    if "queue" in req.columns:
        total = req.groupby("period_start", as_index=False)["scheduled"].sum()
    else:
        total = req[["period_start", "scheduled"]]
    rules = _read_rules(args.shifts, args.max_advisors)
    result = plan_shifts(total, rules, column="scheduled", time_limit_s=args.time_limit_s)
    cov = result["coverage"].rename(columns={"required": "scheduled_required"})
    intervals = req.merge(cov, on="period_start", how="left") if "queue" not in req else req
    return {"week": args.week, "intervals": intervals, **out, **result}


def _coverage_chart(plan: dict, path: str) -> None:
    import plotly.graph_objects as go

    cov = plan["coverage"]
    fig = go.Figure()
    fig.add_scatter(x=cov["period_start"], y=cov["required"], name="required advisors",
                    line={"shape": "hv", "color": "#d62728"})
    fig.add_scatter(x=cov["period_start"], y=cov["planned"], name="planned advisors",
                    line={"shape": "hv", "color": "#1f77b4"})
    fig.add_bar(x=cov["period_start"], y=-cov["under"], name="under-coverage",
                marker_color="#ff7f0e")
    fig.update_layout(title=f"Coverage {plan['week']} - {plan['summary']['plan']} "
                      f"(solver {plan['status']})", yaxis_title="advisors",
                      xaxis_title="interval start (local time)", barmode="overlay")
    fig.write_html(path, include_plotlyjs=True)


def _per_day(plan: dict) -> pd.DataFrame:
    cov = plan["coverage"].copy()
    hours = plan["summary"]["interval_minutes"] / 60.0
    cov["date"] = cov["period_start"].dt.date
    day = cov.groupby("date").agg(required_h=("required", "sum"), planned_h=("planned", "sum"),
                                  under_h=("under", "sum"), over_h=("over", "sum")) * hours
    sh = plan["shifts"].groupby("date").agg(shifts=("advisor", "size"),
                                            paid_hours=("paid_hours", "sum"))
    return day.join(sh, how="left").fillna(0).reset_index()


def _records(df: pd.DataFrame) -> list:
    return json.loads(df.to_json(orient="records", date_format="iso", double_precision=15))


def run_plan(args) -> int:
    from pathlib import Path

    for target in (args.out, args.chart):
        if target:  # create output folders before the (slow) planning, not after
            Path(target).parent.mkdir(parents=True, exist_ok=True)
    plan = plan_week(args)
    summary = dict(plan["summary"], week=plan["week"], model=plan["model"])
    if args.out:
        out = Path(args.out)
        if out.suffix.lower() == ".json":
            doc = {"summary": summary, "intervals": _records(plan["intervals"]),
                   "shifts": _records(plan["shifts"])}
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
        _coverage_chart(plan, chart)
    if args.format == "json":
        doc = {"summary": summary, "per_day": _records(_per_day(plan))}
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
    print_frame(_per_day(plan), "table")
    if "what_if_summary" in plan:
        print("what-if (campaign):")
        for key, val in plan["what_if_summary"].items():
            print(f"  {key}: {val if not isinstance(val, float) else round(val, 4)}")
    if args.out:
        print(f"written: {args.out}" + (f", chart {chart}" if chart else ""))
    return 0
