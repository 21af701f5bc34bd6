"""``copil report``: the weekly meeting pack and the quarterly steering report."""

from __future__ import annotations

import argparse
from pathlib import Path

from copil.commands.kpis import add_contract_option, contract_arg
from copil.common import add_db_option, db_path

EPILOG = """example:
  copil report weekly --week 2026-W08 --out pack-W08.html
  copil report weekly --week 2026-W08 --lang en --out pack-W08.pdf --png charts/
  copil report quarterly --quarter 2026-Q1 --out steering-2026-Q1.html

The HTML file is self-contained (plotly.js embedded once): it opens offline and prints
to A4. A .pdf --out, and --png, need a headless Chromium (Debian: apt-get install chromium)."""


def _common(p: argparse.ArgumentParser) -> None:
    add_db_option(p)
    p.add_argument("--out", metavar="FILE",
                   help="output file, .html or .pdf (default: copil-<kind>-<period>-<lang>.html)")
    p.add_argument("--lang", choices=["fr", "en"],
                   help="labels and number formats (default: the contract's language, fr)")
    p.add_argument("--png", metavar="DIR", help="also write each chart as a PNG file in DIR")
    add_contract_option(p)


def register(subparsers) -> None:
    p = subparsers.add_parser("report", help="weekly meeting pack / quarterly steering report (HTML, PDF)",
                              epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="kind", metavar="<kind>", required=True)
    w = sub.add_parser("weekly", help="the weekly meeting pack",
                       epilog="example:\n  copil report weekly --week 2026-W08 --out pack.html",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    w.add_argument("--week", metavar="YYYY-Www",
                   help="ISO week (default: the last complete week with calls)")
    _common(w)
    w.set_defaults(func=run)
    q = sub.add_parser("quarterly", help="the quarterly steering report",
                       epilog="example:\n  copil report quarterly --quarter 2026-Q1 --lang en",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    q.add_argument("--quarter", metavar="YYYY-Qn",
                   help="quarter, e.g. 2026-Q1 (default: the last complete quarter with calls)")
    _common(q)
    q.set_defaults(func=run)


def run(args) -> int:
    from analytics.kpis import last_complete_quarter, last_complete_week, resolve_contract
    from analytics.reports import quarterly_report, weekly_report
    from analytics.reports.export import figures_to_png, html_to_pdf
    from analytics.warehouse import connection
    from copil.cli import CopilError

    figures: list = []
    with connection(db_path(args), read_only=True) as con:
        contract = resolve_contract(con, contract_arg(args))
        lang = args.lang or contract.language
        if args.kind == "weekly":
            period = args.week or last_complete_week(con)
            if period is None:
                raise CopilError("no complete week of calls in the warehouse; give --week YYYY-Www")
            text = weekly_report(con, period, lang=lang, contract=contract, figures=figures)
        else:
            period = args.quarter.upper() if args.quarter else last_complete_quarter(con)
            if period is None:
                raise CopilError("no complete quarter of calls in the warehouse; "
                                 "give --quarter YYYY-Qn")
            text = quarterly_report(con, period, lang=lang, contract=contract, figures=figures)
    out = Path(args.out or f"copil-{args.kind}-{period}-{lang}.html")
    try:
        if out.suffix.lower() == ".pdf":
            html_to_pdf(text, out)
        else:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text, encoding="utf-8")
        print(f"{args.kind} report {period} ({lang}) -> {out}")
        if args.png:
            paths = figures_to_png(figures, args.png, prefix=f"{args.kind}-{period}-")
            print(f"{len(paths)} chart(s) as PNG -> {args.png}")
    except RuntimeError as exc:
        raise CopilError(str(exc)) from None
    return 0
