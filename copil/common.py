"""Options shared by several commands (warehouse path, output format)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_DB = Path("data") / "demo.duckdb"


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="PATH",
        help=f"DuckDB warehouse file (default: $COPIL_DB, else {DEFAULT_DB})",
    )


def db_path(args: argparse.Namespace) -> Path:
    """The warehouse path: ``--db``, else ``$COPIL_DB``, else ``data/demo.duckdb``."""
    value = getattr(args, "db", None) or os.environ.get("COPIL_DB") or str(DEFAULT_DB)
    return Path(value)


def add_format_option(parser: argparse.ArgumentParser, choices=("table", "json", "csv")) -> None:
    parser.add_argument(
        "--format", choices=choices, default="table", help="output format (default: table)"
    )


def print_frame(df: pd.DataFrame, fmt: str, out=None) -> None:
    """Print a result frame as an aligned table, JSON rows (nulls as null) or CSV."""
    import pandas as pd

    out = out or sys.stdout
    if fmt == "json":
        rows = json.loads(df.to_json(orient="records", date_format="iso", double_precision=15))
        json.dump(rows, out, indent=1, ensure_ascii=False)
        out.write("\n")
    elif fmt == "csv":
        df.to_csv(out, index=False)
    elif df.empty:
        out.write("no rows for these options (columns: " + ", ".join(map(str, df.columns)) + ")\n")
    else:
        with pd.option_context("display.max_rows", 500, "display.width", 200,
                               "display.max_columns", 50):
            out.write(df.to_string(index=False) + "\n")
