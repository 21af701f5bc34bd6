"""``copil review``: the figures of a week or a quarter (the reports' and pages' review)."""

from __future__ import annotations

import argparse
import json
import sys

from copil.commands.kpis import add_contract_option, contract_arg
from copil.common import add_db_option, add_format_option, db_path, print_frame

EPILOG = """examples:
  copil review week                              the last complete week, as tables
  copil review week --week 2026-W10 --format json
  copil review quarter --quarter 2026-Q2 --db data/demo.duckdb --format json

The figures are those of the weekly/quarterly report and of the Weekly/Quarterly pages.
A quarter's weeks are those whose Thursday falls in it (the ISO rule). JSON: one object
with period, calendar, weeks (one row per week: week + the 'copil kpis' columns),
compliance, volume, campaigns, forecast_accuracy and staffing; for a week also
attribution: each missed weekly target and each interval that missed a target's
threshold, its gap (actual - target) split into forecast_error, aht_drift, staffing_gap
and remainder (Erlang A counterfactuals; the parts add up to the gap), and
attribution_notes. Rates are fractions, durations seconds, a missing value is null."""


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "review", help="figures of a week or a quarter (KPIs, targets, campaigns, accuracy)",
        description="The review of a week or a quarter: weekly KPIs, target compliance, "
        "volume against the same weeks a year before, campaigns' extra calls (observed and "
        "modelled), forecast accuracy and staffing against need.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="kind", metavar="week|quarter", required=True)
    w = sub.add_parser("week", help="one week", epilog="example:\n  copil review week "
                       "--week 2026-W10 --format json",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    w.add_argument("--week", metavar="YYYY-Www",
                   help="week, e.g. 2026-W10 (default: the last complete week with calls)")
    q = sub.add_parser("quarter", help="one quarter", epilog="example:\n  copil review "
                       "quarter --quarter 2026-Q2 --format json",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    q.add_argument("--quarter", metavar="YYYY-Qn",
                   help="quarter, e.g. 2026-Q2 (default: the last complete quarter with calls)")
    for parser in (w, q):
        add_db_option(parser)
        add_contract_option(parser)
        add_format_option(parser, choices=("table", "json"))
        parser.set_defaults(func=run)


def run(args) -> int:
    from analytics.kpis import last_complete_quarter, last_complete_week
    from analytics.review import quarter_review, review_dict, week_review
    from analytics.warehouse import connection
    from copil.cli import CopilError

    with connection(db_path(args), read_only=True) as con:
        if args.kind == "week":
            period = args.week or last_complete_week(con)
            if period is None:
                raise CopilError("no complete week of calls in the warehouse; give --week YYYY-Www")
            review = week_review(con, period, contract=contract_arg(args))
        else:
            period = args.quarter or last_complete_quarter(con)
            if period is None:
                raise CopilError("no complete quarter of calls in the warehouse; "
                                 "give --quarter YYYY-Qn")
            review = quarter_review(con, period, contract=contract_arg(args))
    obj = review_dict(review)
    if args.format == "json":
        json.dump(obj, sys.stdout, indent=1, ensure_ascii=False, allow_nan=False)
        sys.stdout.write("\n")
        return 0
    _print_tables(obj)
    return 0


def _print_tables(obj: dict) -> None:
    import pandas as pd

    out = sys.stdout
    p = obj["period"]
    out.write(f"{p['kind']} {p['label']}: {p['first_day']} to {p['last_day']} "
              f"({len(p['weeks'])} week(s))\ncalendar: {obj['calendar']}\n")
    acc = obj["forecast_accuracy"]
    measures = {k: v for k, v in acc.items() if k not in ("weeks",)}
    sections = [
        ("weeks", pd.DataFrame(obj["weeks"])),
        ("compliance (weeks met per target, complete weeks)",
         pd.DataFrame(obj["compliance"]["summary"])),
        ("volume vs the same weeks a year before", pd.DataFrame(obj["volume"]["rows"])),
        ("campaigns (extra calls observed and modelled)", pd.DataFrame(obj["campaigns"])),
        ("forecast accuracy (forecast made on the eve of the period)",
         pd.DataFrame([{"measure": k, "value": v} for k, v in measures.items()])),
        ("staffing vs need", pd.DataFrame(obj["staffing"])),
    ]
    if "attribution" in obj:
        rows = pd.DataFrame(obj["attribution"])
        reason = obj["attribution_notes"]["reason"]
        title = "why targets were missed (gap = actual - target, split by Erlang A)"
        sections.append((title + (f": {reason}" if reason else ""),
                         rows[rows["grain"] == "week"] if len(rows) else rows))
    for title, df in sections:
        out.write(f"\n== {title}\n")
        if title == "weeks" and not df.empty:
            df = _readable_weeks(df)
        elif title.startswith("compliance") and not df.empty:
            df = _readable_compliance(df)
        elif title.startswith("why targets") and not df.empty:
            df = _readable_attribution(df)
        print_frame(df, "table", out)
    total = obj["volume"]["total"]
    out.write(f"\nvolume total: {total}\n")


def _readable_weeks(weeks):
    """One row per KPI: its English label, then each week's value in the KPI's unit
    (``94.6 %``, ``6.8 s``), formatted by the metric registry; the JSON keeps raw values."""
    import pandas as pd

    from analytics.metrics import format_metric, label

    rows = []
    for name in weeks.columns:
        if name in ("week", "period_start"):
            continue
        try:
            text = label(name, "en")
            values = [format_metric(name, v, "en") for v in weeks[name]]
        except KeyError:           # a column that is not a metric: shown as it is
            text, values = name, [str(v) for v in weeks[name]]
        rows.append([text, *values])
    return pd.DataFrame(rows, columns=["kpi", *weeks["week"]])


def _readable_attribution(rows):
    """The week's split of each missed target, in the metric's unit (``-6.5 pt``)."""
    import pandas as pd

    from analytics.metrics import format_metric, metric

    parts = ["gap", "forecast_error", "aht_drift", "staffing_gap", "remainder"]
    out = []
    for r in rows.itertuples():
        m = metric(r.metric)
        out.append([m.label("en"), f"{r.comparison} {format_metric(r.metric, r.target, 'en')}",
                    format_metric(r.metric, r.actual, "en"),
                    *[m.format_delta(getattr(r, p), "en") for p in parts]])
    return pd.DataFrame(out, columns=["metric", "target", "actual", *parts])


def _readable_compliance(summary):
    """The compliance table with each threshold in its metric's unit and the share met
    as a percentage."""
    from analytics.i18n import fmt_rate
    from analytics.metrics import format_metric, label

    out = summary.copy()
    out["threshold"] = [format_metric(m, v, "en") for m, v in
                        zip(out["metric"], out["threshold"], strict=True)]
    out["share_met"] = [fmt_rate(v, "en") for v in out["share_met"]]
    out["metric"] = [label(m, "en") for m in out["metric"]]
    return out
