"""The DuckDB warehouse: connecting, creating the schema, reading settings.

``analytics`` is the only package that talks to DuckDB. Other code receives
pandas objects from functions here and in the KPI modules.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import duckdb

DEFAULT_TIMEZONE = "Europe/Paris"


def sql_text(name: str) -> str:
    """The text of ``analytics/sql/<name>.sql``."""
    return resources.files("analytics").joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")


def connect(path: str | Path, *, read_only: bool = False, retries: int = 40,
            retry_wait_s: float = 0.05) -> duckdb.DuckDBPyConnection:
    """Open the warehouse (creating it and its schema unless ``read_only``).

    Every connection, read-only ones too, gets the staging model of the call log
    (``sql/stg_calls.sql``: TEMP macros ``stg_calls`` and its companions), which the
    analytics queries read. DuckDB allows one writing process at a time; while another
    process holds the file, opening is retried ``retries`` times, ``retry_wait_s`` seconds
    apart.
    """
    path = Path(path)
    if read_only and not path.exists():
        raise FileNotFoundError(
            f"{path}: no warehouse here. Create it with 'copil demo' or 'copil ingest ... --db {path}'."
        )
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    last: Exception | None = None
    for attempt in range(retries + 1):
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            break
        except duckdb.IOException as exc:  # file locked by a writer
            last = exc
            time.sleep(retry_wait_s * min(1 + attempt, 10))
    else:
        raise RuntimeError(
            f"{path}: the warehouse is busy (another copil process is writing). Try again. ({last})"
        )
    con.execute("set TimeZone = 'UTC'")
    place_spill(con, path)
    if not read_only:
        con.execute(sql_text("schema"))
    try:
        con.execute(sql_text("stg_calls"))
    except duckdb.CatalogException as exc:  # read-only file without the copil schema
        con.close()
        raise RuntimeError(f"{path}: not a copil warehouse (no calls table). Open it once "
                           f"without read-only, or create it with 'copil ingest ... --db "
                           f"{path}'. ({exc})") from None
    return con


def spill_dir(path: str | Path) -> Path:
    """The folder where DuckDB spills the warehouse's large intermediate results."""
    path = Path(path)
    return path.parent / f"{path.name}.tmp"


def place_spill(con: duckdb.DuckDBPyConnection, path: str | Path) -> None:
    """Spill files (they may hold staged rows, caller numbers included) go to
    :func:`spill_dir`, a folder only the warehouse's owner can enter (mode 0700); where that
    folder cannot be made (a read-only copy), nothing is spilled at all."""
    spill = spill_dir(path)
    try:
        spill.mkdir(mode=0o700, exist_ok=True)
        if spill.stat().st_mode & 0o077:
            spill.chmod(0o700)
        where = str(spill)
    except OSError:
        where = ""  # DuckDB: no temp directory, queries stay in memory
    con.execute("set temp_directory = ?", [where])


@contextmanager
def connection(path: str | Path, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """``connect`` as a context manager that always closes."""
    con = connect(path, read_only=read_only)
    try:
        yield con
    finally:
        con.close()


def get_setting(con: duckdb.DuckDBPyConnection, key: str, default: str | None = None) -> str | None:
    row = con.execute("select value from settings where key = ?", [key]).fetchone()
    return row[0] if row else default


def set_setting(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    con.execute(
        "insert into settings (key, value) values (?, ?) "
        "on conflict (key) do update set value = excluded.value",
        [key, value],
    )


def line_timezone(con: duckdb.DuckDBPyConnection) -> str:
    """The line's IANA time zone (``settings.timezone``), default Europe/Paris."""
    return get_setting(con, "timezone", DEFAULT_TIMEZONE) or DEFAULT_TIMEZONE
