"""``copil intraday``: the day so far, its projected end and the net staffing per interval."""

from __future__ import annotations

import argparse
import json

from copil.common import add_db_option, add_format_option, db_path, print_frame

EPILOG = """examples:
  copil intraday                                     today so far, from the latest call
  copil intraday --db line.duckdb --as-of '2026-11-19 12:00'
  copil intraday --as-of '2026-11-19 12:00' --staffing-ahead plan --format json

The day of --as-of (local wall-clock time, default: the warehouse's latest call) so far and
projected to its end:
- indicators: so_far (the shared KPIs of the day's calls before the current interval),
  projected (end of day: the calls so far plus Erlang A over the rest of the day at the
  reforecast volume, 'copil reforecast'), low/high (the same with every remaining
  interval at the reforecast's 80 % lower/upper bound), the contract's target and whether
  the projection meets it; rates are fractions, asa_s seconds, offered/abandoned calls
  (offered's "target" is the morning forecast of the day);
- callbacks whose 72-hour deadline falls that day: due, on time, late, at risk (still open);
- net staffing per interval (advisors): required (Erlang A for the contract's targets on
  the actual calls before the as-of, on the reforecast after), planned (the stored shift
  plan; without one, the week plan's own Erlang A requirement: planned_source
  'requirement'), logged_in (staffing table, intervals begun before the as-of), staffed
  (logged in, else planned), their differences and shrinkage = 1 - logged_in / planned;
  over/under-scheduled = NICE's sums of max(planned - required, 0) and max(required -
  planned, 0) per interval, in advisor-hours; shortfall = the same under-sum on staffed.
--staffing-ahead: advisors after the as-of = planned ('plan'), planned x the logged-in /
planned ratio so far ('persist', the default), or the staffing table's where it already
holds them ('logged': replaying a past day)."""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("intraday", help="the day so far, its projected end, net staffing",
                       description="The day of --as-of so far against its forecast, the "
                       "projected end-of-day pickup rate, service level, ASA and abandons "
                       "(Erlang A on the reforecast), callbacks due that day, and the net "
                       "staffing per interval.",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_db_option(p)
    add_format_option(p, choices=("table", "json"))
    p.add_argument("--as-of", metavar="'YYYY-MM-DD HH:MM'",
                   help="local time of the view (default: the warehouse's latest call)")
    p.add_argument("--staffing-ahead", choices=("plan", "persist", "logged"),
                   default="persist", help="advisors after the as-of (default: persist)")
    p.add_argument("--interval-minutes", type=int, default=30,
                   help="interval length in minutes (default: 30)")
    p.set_defaults(func=run)


def run(args) -> int:
    from analytics.intraday import intraday_day
    from analytics.warehouse import connection

    with connection(db_path(args), read_only=True) as con:
        view = intraday_day(con, args.as_of, interval_minutes=args.interval_minutes,
                            staffing_ahead=args.staffing_ahead)
    if args.format == "json":
        print(json.dumps(view.to_dict(), indent=1, ensure_ascii=False))
        return 0
    p, s = view.projection, view.staffing
    print(f"{p.day} as of {p.as_of:%H:%M} (calls so far: before {p.cutoff:%H:%M}); "
          f"forecast {p.forecast_total:.0f} calls, so far + reforecast "
          f"{p.reforecast_total:.0f} (busyness factor {view.reforecast.factor:.3f}); "
          f"advisors ahead: {p.staffing_ahead}.")
    ind = p.indicators.copy()
    num = ["so_far", "projected", "low", "high", "threshold"]
    ind[num] = ind[num].astype(float).round(4)
    print_frame(ind, "table")
    cb = p.callbacks
    print(f"callbacks due that day: {cb['due']} past their deadline ({cb['on_time']} on time, "
          f"{cb['late']} late), {cb['at_risk']} still open with the deadline later that day "
          "(at risk).")
    planned = ("stored shift plan" if s.planned_source == "stored"
               else "no stored shift plan: planned = the week plan's Erlang A requirement")
    print(f"net staffing ({planned}; advisor-hours): over-scheduled {s.over_scheduled_h:.1f}, "
          f"under-scheduled {s.under_scheduled_h:.1f}, shortfall {s.shortfall_h:.1f}, "
          f"over-staffed {s.over_staffed_h:.1f}; realised shrinkage "
          + (f"{s.realised_shrinkage:.1%}" if s.realised_shrinkage == s.realised_shrinkage
             else "n/a (no staffing data)") + ".")
    table = s.table.copy()
    cols = table.select_dtypes("number").columns
    table[cols] = table[cols].round(2)
    print_frame(table, "table")
    return 0
