"""``copil forecast``, ``copil backtest`` and ``copil campaigns uplift``.

Wiring only: the inputs come from :mod:`analytics.forecast_inputs` (the warehouse's offered
series, campaigns and line calendar, or plain CSV files), the maths from :mod:`forecasting`.
"""

from __future__ import annotations

import argparse
import sys
import warnings

from copil.common import add_format_option, db_path, print_frame

FORECAST_EPILOG = """example:
  copil forecast --horizon-days 91
  copil forecast --queue aides-logement --horizon-days 7 --interval-minutes 30 --format csv --out next_week.csv
  copil forecast --input daily.csv --holidays none --format json

Rows: date (or period_start with --interval-minutes), forecast, lo80, hi80, lo95, hi95, in
offered calls (answered + abandoned + overflow). lo80-hi80 holds the actual volume 8 times
in 10 (checked by 'copil backtest'); closed days are exactly 0. --input takes a CSV of
date,calls (daily) or period_start,calls (local wall-clock intervals).

Holidays and open days: from the warehouse, the line's calendar (its contract's opening
hours, holidays and school zones, else learned from the calls; 'copil contract show');
with --input, French public holidays and school zones A, B, C unless --holidays and
--school-zones say otherwise."""

BACKTEST_EPILOG = """example:
  copil backtest
  copil backtest --input daily.csv --holidays none --format json

Rolling-origin backtest: 26 weekly origins over the last 26 weeks, each forecasting 13
weeks. wape = sum|actual - forecast| / sum actual; mase = mean absolute error / the
seasonal-naive in-sample error (same weekday last week); coverage_80/95 = share of actual
open days inside the 80/95 % intervals (should be near 0.80/0.95). segment 'campaign' =
target days within 14 days after a campaign start. 'selected' marks copil's model;
model_form is the form it selected from the history at the latest origin."""

UPLIFT_EPILOG = """example:
  copil campaigns uplift
  copil campaigns uplift --input daily.csv --campaigns campaigns.csv --format json

Rows: campaign_id, channel, start_date, extra_calls (calls the campaign brought, against
the fitted volume without it), extra_calls_lo/hi (95 % band), peak_day_extra (calls on
its busiest day), half_life_days (open days for its channel's effect to halve),
model_form (how campaign calls add to the day: additive, proportional or multiplicative,
selected from the history). Small campaigns are shrunk toward their channel's usual size.
The form the model selected is printed on stderr by every command."""

CAMPAIGNS_EPILOG = """example:
  copil campaigns uplift --format json"""


def _add_source_options(p: argparse.ArgumentParser, *, campaigns_help: str) -> None:
    src = p.add_mutually_exclusive_group()
    src.add_argument("--db", metavar="PATH",
                     help="DuckDB warehouse file (default: $COPIL_DB, else data/demo.duckdb)")
    src.add_argument("--input", metavar="FILE",
                     help="CSV of date,calls (daily) or period_start,calls (intervals) instead "
                     "of the warehouse")
    p.add_argument("--queue", metavar="Q",
                   help="forecast one queue (warehouse only; default: the whole line)")
    p.add_argument("--campaigns", metavar="FILE", help=campaigns_help)
    p.add_argument("--holidays", metavar="CAL",
                   help="public holidays: a country code, 'none', or (with --input) a file with "
                   "one date (YYYY-MM-DD) per line (default: the warehouse line's calendar; "
                   "FR with --input)")
    p.add_argument("--school-zones", metavar="ZONES",
                   help="French school-holiday zones used as a regressor, comma-separated, "
                   "'none' to leave out (default: the line's calendar; A,B,C with --input)")


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "forecast", help="daily or intraday call-volume forecast with prediction intervals",
        description="Forecast offered calls per day (or per interval) with 80 % and 95 % "
        "prediction intervals, from weekly and yearly seasonality, holidays and campaigns.",
        epilog=FORECAST_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_source_options(p, campaigns_help="campaign calendar CSV (campaign_id, channel, "
                        "start_date, audience...); default: the warehouse's campaigns")
    p.add_argument("--horizon-days", type=int, default=91, metavar="DAYS",
                   help="days ahead to forecast (default: 91, one quarter)")
    p.add_argument("--interval-minutes", type=int, choices=[15, 30, 60], metavar="MIN",
                   help="split each day into 15, 30 or 60-minute intervals (default: daily rows)")
    add_format_option(p, ("table", "csv", "json"))
    p.add_argument("--out", metavar="FILE", help="write the rows to FILE instead of stdout")
    p.set_defaults(func=run_forecast)

    b = subparsers.add_parser(
        "backtest", help="forecast accuracy: rolling-origin backtest against baselines",
        description="Rolling-origin backtest of copil's daily model and the seasonal-naive "
        "and ETS baselines: WAPE, MASE and interval coverage per horizon.",
        epilog=BACKTEST_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_source_options(b, campaigns_help="campaign calendar CSV; default: the warehouse's")
    b.add_argument("--origins", type=int, default=26, metavar="N",
                   help="number of weekly forecast origins (default: 26)")
    add_format_option(b, ("table", "json"))
    b.set_defaults(func=run_backtest)

    c = subparsers.add_parser(
        "campaigns", help="communication campaigns: calls each one brought",
        description="Communication campaigns and their effect on call volume.",
        epilog=CAMPAIGNS_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    csub = c.add_subparsers(dest="campaigns_command", metavar="<subcommand>")
    u = csub.add_parser(
        "uplift", help="extra calls attributable to each past campaign",
        description="Extra calls each past campaign brought (against the fitted volume "
        "without it), with a 95 % band, from the daily model.",
        epilog=UPLIFT_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_source_options(u, campaigns_help="campaign calendar CSV (required with --input; "
                        "default with the warehouse: its campaigns table)")
    add_format_option(u, ("table", "json"))
    u.set_defaults(func=run_uplift)
    c.set_defaults(func=lambda args: c.print_help() or 0)


# ---------------------------------------------------------------------- loading
def load(args):
    """:class:`analytics.forecast_inputs.ForecastInputs` from the arguments."""
    from analytics import forecast_inputs

    if args.input:
        if args.queue:
            raise ValueError("--queue works with the warehouse; with --input, give one "
                             "queue's series in the file")
        return forecast_inputs.from_files(args.input, campaigns=args.campaigns,
                                          holidays=args.holidays,
                                          school_zones=args.school_zones)
    from analytics.warehouse import connection

    with connection(db_path(args), read_only=True) as con:
        return forecast_inputs.from_warehouse(
            con, queue=args.queue, interval_minutes=getattr(args, "interval_minutes", None),
            campaigns=args.campaigns, holidays=args.holidays, school_zones=args.school_zones)


def _fit(data):
    res, notes = data.fit()
    for msg in notes:
        print(f"copil: warning: {msg}", file=sys.stderr)
    print(f"copil: model form selected from the history: {res.model_form}", file=sys.stderr)
    return res


def _table(df, fmt: str):
    """Dates as ISO strings (period_start with its UTC offset); the table view rounds."""
    df = df.copy()
    for col in df.columns:
        if col == "period_start":
            df[col] = [v.isoformat() for v in df[col]]
        elif col in ("date", "start_date"):
            df[col] = [str(v)[:10] for v in df[col]]
        elif df[col].dtype.kind == "f" and fmt == "table":
            ratio = col in ("wape", "mase", "coverage_80", "coverage_95")
            df[col] = df[col].round(4 if ratio else 1)
    return df


# ---------------------------------------------------------------------- commands
def run_forecast(args) -> int:
    if args.horizon_days < 1:
        raise ValueError("--horizon-days must be at least 1 day")
    data = load(args)
    res = _fit(data)
    fc = res.forecast(args.horizon_days)
    for msg in res.warnings:
        print(f"copil: warning: {msg}", file=sys.stderr)
    if args.interval_minutes:
        if data.intervals is None:
            raise ValueError("--interval-minutes needs interval data: use the warehouse or an "
                             "--input file with period_start,calls")
        out = data.interval_forecast(fc, args.interval_minutes)
    else:
        out = fc.reset_index()
    out = _table(out, args.format)
    if args.out:
        with open(args.out, "w", encoding="utf-8", newline="") as fh:
            print_frame(out, args.format, fh)
        print(f"copil: wrote {len(out)} rows to {args.out}", file=sys.stderr)
    else:
        print_frame(out, args.format)
    return 0


def run_backtest(args) -> int:
    from forecasting import backtest

    if args.origins < 1:
        raise ValueError("--origins must be at least 1")
    data = load(args)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = backtest(data.daily, campaigns=data.campaigns, n_origins=args.origins,
                         **data.model_options())
    print_frame(_table(table, args.format), args.format)
    return 0


def run_uplift(args) -> int:
    if args.input and not args.campaigns:
        raise ValueError("campaigns uplift with --input needs --campaigns FILE (campaign_id, "
                         "channel, start_date, audience)")
    data = load(args)
    if data.campaigns is None or len(data.campaigns) == 0:
        raise ValueError("no campaigns to measure: load a calendar with 'copil ingest "
                         "campaigns FILE' or give --campaigns FILE")
    res = _fit(data)
    up = res.uplift()
    if up.empty:
        print("copil: warning: no campaign has enough observed days (3 open days) to be "
              "measured", file=sys.stderr)
    print_frame(_table(up, args.format), args.format)
    return 0
