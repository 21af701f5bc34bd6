"""The ``copil`` command line: argument parsing and wiring only.

Each module in :mod:`copil.commands` defines ``register(subparsers)`` and adds its
sub-commands; this file discovers them, so adding a command never touches it.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

import copil.commands
from analytics.snapshot import WriterQueueTimeout
from analytics.warehouse import WarehouseLocked

EPILOG = """examples:
  copil demo                         build the demo warehouse and show this week's KPIs
  copil ingest calls export.csv      load a provider's call log into the warehouse
  copil kpis --period week           the shared weekly indicators
  copil <command> --help             options of one command, with units and an example

The warehouse is the DuckDB file given by --db, else $COPIL_DB, else data/demo.duckdb
(relative to the current directory)."""


class CopilError(Exception):
    """An error the user can fix; printed as one line, exit code 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="copil",
        description="Call-volume and workforce analytics for an outsourced inbound phone line: "
        "warehouse, shared KPIs, forecasts, Erlang staffing and the weekly dashboard.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="<command>")
    for info in sorted(pkgutil.iter_modules(copil.commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"copil.commands.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        result = args.func(args)
    except BrokenPipeError:     # output piped into `head` and the like: stop quietly
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("copil: interrupted; nothing was changed by the unfinished step.", file=sys.stderr)
        return 130
    except (CopilError, ValueError, FileNotFoundError, PermissionError) as exc:
        print(f"copil: error: {exc}", file=sys.stderr)
        return 2
    except (WarehouseLocked, WriterQueueTimeout) as exc:  # try again later (cron: EX_TEMPFAIL)
        print(f"copil: busy: {exc}", file=sys.stderr)
        return 75
    return int(result or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
