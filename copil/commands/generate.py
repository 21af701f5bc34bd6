"""``copil generate``: write the seeded demo data files (calls, operator counts, ...)."""

from __future__ import annotations

import argparse
from pathlib import Path

EPILOG = """example:
  copil generate --out artifacts/demo --seed 7 --start 2026-01-05 --end 2026-03-29

Writes calls.csv.gz, operator_counts.csv, callbacks.csv, campaigns.csv, staffing.csv and
truth.json (the model the data were drawn from) into --out, then prints a summary.
Two years take a few seconds; the same seed and config give identical files.
The parameters ship with copil (demo/demo.yaml): `copil generate --print-config > my.yaml`,
edit, then `copil generate --config my.yaml` (keys you leave out keep their defaults)."""


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "generate",
        help="write seeded demo data for an inbound line (calls, operator, callbacks, ...)",
        description="Generate realistic demo data: Poisson arrivals with weekday, intraday, "
        "holiday and campaign effects, waits and abandons simulated against the advisors on "
        "shift, callbacks, an operator file and the campaign calendar.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--config", metavar="PATH", type=Path, default=None,
                   help="generator configuration YAML, merged over the defaults "
                   "(default: the shipped demo/demo.yaml, see --print-config)")
    p.add_argument("--print-config", action="store_true",
                   help="print the default configuration (YAML) and exit")
    p.add_argument("--out", metavar="DIR", type=Path, default=Path("artifacts") / "demo",
                   help="output directory (default: artifacts/demo)")
    p.add_argument("--seed", metavar="N", type=int, default=None,
                   help="random seed, an integer (default: the config's seed)")
    p.add_argument("--start", metavar="DATE", default=None,
                   help="first day, YYYY-MM-DD local date (default: 'weeks' weeks before the end)")
    p.add_argument("--end", metavar="DATE", default=None,
                   help="end date, YYYY-MM-DD; the span stops on the last Sunday on or before it "
                   "(default: the config's end)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from analytics.i18n import fmt_int
    from analytics.metrics import format_metric
    from demo import generate
    from demo.config import default_config_text

    if args.print_config:
        print(default_config_text(), end="")
        return 0
    result = generate(args.config, args.out, seed=args.seed, start=args.start, end=args.end,
                      progress=not args.quiet)
    s = result["summary"]

    def n(x: int) -> str:
        return fmt_int(x, "en")

    def m(name: str) -> str:
        return format_metric(name, s[name], "en")

    print(f"copil generate: {s['start']} .. {s['end']} ({s['open_days']} open days), "
          f"seed {s['seed']}, {s['seconds']:.1f} s")
    print(f"  offered calls      {n(s['offered']):>9}  ({n(s['offered_per_year'])} per year; "
          f"{n(s['ivr'])} more ended in the IVR)")
    for queue, count in s["offered_by_queue"].items():
        print(f"    {queue:<20} {n(count):>9}")
    print(f"  pickup rate        {m('pickup_rate'):>9}   abandon rate "
          f"{m('abandon_rate')}   overflow {n(s['overflow'])}")
    print(f"  ASA                {m('asa_s'):>9}   service level 20 s "
          f"{m('service_level_20s')}   AHT {m('aht_s')}")
    print(f"  callbacks          {n(s['callbacks']):>9}  on time (72 h) "
          f"{m('callback_on_time_rate')}")
    print(f"  campaigns          {n(s['campaigns']):>9}  ({n(s['campaign_offered'])} extra calls)")
    for name, path in result["files"].items():
        print(f"  {name:<18} {path}")
    return 0
