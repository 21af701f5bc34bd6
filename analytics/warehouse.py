"""The DuckDB warehouse: connecting, creating the schema, reading settings.

``analytics`` is the only package that talks to DuckDB. Other code receives
pandas objects from functions here and in the KPI modules.
"""

from __future__ import annotations

import os
import re
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


class WarehouseLocked(RuntimeError):
    """The warehouse stayed held by another process for longer than the caller waits."""


_HOLDER = re.compile(r"Conflicting lock is held in (.*?) \(PID (\d+)\)")


def _holder(exc: Exception) -> str:
    """Who holds the file, from DuckDB's message: ``PID 123 (copil serve ...)``."""
    from analytics.snapshot import _command_line

    m = _HOLDER.search(str(exc))
    if not m:
        return "another process"
    pid = int(m.group(2))
    return f"process {pid} ({_command_line(pid) if pid else m.group(1)})"


def connect(path: str | Path, *, read_only: bool = False, retries: int = 40,
            retry_wait_s: float = 0.05, config: dict | None = None) -> duckdb.DuckDBPyConnection:
    """Open the warehouse (creating it and its schema unless ``read_only``).

    Every connection, read-only ones too, gets the staging model of the call log
    (``sql/stg_calls.sql``: TEMP macros ``stg_calls`` and its companions), which the
    analytics queries read. DuckDB allows one process to hold a file for writing, and none
    to read it meanwhile; while another process holds it, opening is retried ``retries``
    times, ``retry_wait_s`` seconds apart at first, backing off to ten times that, then
    :class:`WarehouseLocked` names the holder. Writers should go through
    :func:`connection`, which queues them. ``config``: DuckDB settings (e.g.
    ``memory_limit``).
    """
    path = Path(path)
    if read_only and not path.exists():
        raise FileNotFoundError(
            f"{path}: no warehouse here. Create it with 'copil demo' or 'copil ingest ... --db {path}'."
        )
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    last: Exception | None = None
    start = time.monotonic()
    for attempt in range(retries + 1):
        try:
            con = duckdb.connect(str(path), read_only=read_only, config=config or {})
            break
        except duckdb.IOException as exc:  # file held by another process
            last = exc
            if attempt < retries:
                time.sleep(retry_wait_s * min(1 + attempt, 10))
    else:
        raise WarehouseLocked(
            f"{path}: could not open the warehouse for {'reading' if read_only else 'writing'}"
            f": {_holder(last)} held it for the {time.monotonic() - start:.1f} s this command "
            "waited. Run it again when that process has finished.")
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
def connection(path: str | Path, *, read_only: bool = False,
               wait_s: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """``connect`` as a context manager that always closes.

    For reading while a load holds the file, it reads the last published snapshot when
    there is one (:func:`_open_for_reading`).

    For writing it first queues behind the other writers (:func:`analytics.snapshot.writer_lock`,
    at most ``wait_s`` seconds, default :data:`analytics.snapshot.WRITER_WAIT_S`) and, when
    the block ends without an error and a dashboard reads this warehouse, publishes a new
    snapshot for it (:func:`analytics.snapshot.publish_snapshot`) before letting go. While
    a dashboard reads the warehouse, the writer leaves it one processor (DuckDB threads:
    the processors less one), so that a load does not slow the pages down.
    """
    if read_only:
        con = _open_for_reading(path)
        try:
            yield con
        finally:
            con.close()
        return
    from analytics.snapshot import publish_snapshot, wants_snapshots, writer_lock

    with writer_lock(path, wait_s=wait_s):
        con = connect(path)
        try:
            served = wants_snapshots(path)
            if served and (os.cpu_count() or 1) > 1:
                con.execute(f"set threads = {(os.cpu_count() or 2) - 1}")
            yield con
            if served:
                publish_snapshot(con, path)
        finally:
            con.close()


#: read-only tries on a warehouse a writer holds before reading its published snapshot
SNAPSHOT_READ_RETRIES = 6


def _open_for_reading(path: str | Path) -> duckdb.DuckDBPyConnection:
    """The warehouse opened read-only; while a writer holds it (a load under way) and a
    snapshot was published (a dashboard serves it), the last published state instead of
    waiting for the load: what the dashboard shows meanwhile. Without a snapshot, waits
    as :func:`connect` does."""
    from analytics.snapshot import current_snapshot

    snap = current_snapshot(path)
    if snap is None or not snap.path.exists():
        return connect(path, read_only=True)
    try:
        return connect(path, read_only=True, retries=SNAPSHOT_READ_RETRIES)
    except WarehouseLocked:
        return connect(snap.path, read_only=True)


def get_setting(con: duckdb.DuckDBPyConnection, key: str, default: str | None = None) -> str | None:
    row = con.execute("select value from settings where key = ?", [key]).fetchone()
    return row[0] if row else default


def set_setting(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    con.execute(
        "insert into settings (key, value) values (?, ?) "
        "on conflict (key) do update set value = excluded.value",
        [key, value],
    )


def warehouse_version(con: duckdb.DuckDBPyConnection) -> str:
    """What the warehouse's analytics depend on, as one text that changes with it: the
    loads (last ingest run and their count), the stored contract and the time zone. Two
    connections (the warehouse and its published snapshot) with the same content give the
    same text; every load gives a new one. Fits (:mod:`analytics.fit_cache`) and stored
    plans (:mod:`analytics.plan_store`) are keyed by it."""
    import hashlib

    runs = con.execute("select max(run_id), count(*) from ingest_runs").fetchone()
    text = f"runs={runs[0]}/{runs[1]};tz={line_timezone(con)};contract="
    contract = get_setting(con, "contract") or ""
    return text + hashlib.sha256(contract.encode()).hexdigest()[:16]


def line_timezone(con: duckdb.DuckDBPyConnection) -> str:
    """The line's IANA time zone (``settings.timezone``), default Europe/Paris."""
    return get_setting(con, "timezone", DEFAULT_TIMEZONE) or DEFAULT_TIMEZONE
