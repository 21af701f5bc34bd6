"""``copil profiles``: the built-in file layouts, and which one fits a file."""

from __future__ import annotations

import argparse
import json
import sys

from analytics.kinds import KINDS

EPILOG = """examples:
  copil profiles list
  copil profiles detect ctr-2026-03-28.csv
  copil profiles detect export.csv --kind calls --format json"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "profiles", help="list the built-in file layouts, or recognise a file's layout",
        description="Built-in profiles (file layouts of telephony platforms) and detection "
                    "of the profile that fits a file from its header.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    actions = p.add_subparsers(dest="action", metavar="<action>", required=True)
    ls = actions.add_parser("list", help="the built-in profiles and what they read")
    ls.set_defaults(func=run_list)
    d = actions.add_parser("detect", help="which built-in profile fits FILE (from its header)")
    d.add_argument("file", metavar="FILE")
    d.add_argument("--kind", choices=list(KINDS), default="calls",
                   help="what the file holds (default: calls)")
    d.add_argument("--format", choices=("table", "json"), default="table")
    d.set_defaults(func=run_detect)


def run_list(args: argparse.Namespace) -> int:
    from analytics.profiles import builtin_profiles, load_profile

    for name in sorted(builtin_profiles()):
        prof = load_profile(name)
        first = " ".join(prof.description.split()).split(". ")[0].rstrip(".")
        print(f"{name:<18} {prof.kind:<6} {first}")
    return 0


def run_detect(args: argparse.Namespace) -> int:
    from analytics.profiles import detect_file_profile
    from analytics.readers import FileRefused

    try:
        found = detect_file_profile(args.file, args.kind)
    except FileRefused as exc:
        print(f"copil: refused: {exc}", file=sys.stderr)
        return 1
    if args.format == "json":
        json.dump({"file": args.file, "profile": found.profile, "matched": list(found.matched)},
                  sys.stdout, indent=1)
        print()
    else:
        print(f"{args.file}: {found.profile} (header has {', '.join(found.matched)})")
    return 0
