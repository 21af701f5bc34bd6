"""Loads and the dashboard side by side: writers queue on a lock file, and the dashboard
reads a published copy of the warehouse, so neither ever waits for the other.

DuckDB lets one process hold a file for writing, and no process may read it meanwhile. A
dashboard opening the warehouse for each request held it often enough that a load could
not start, and a long load left the dashboard nothing to read. So:

- **Writers queue.** Every write through :func:`analytics.warehouse.connection` (``copil
  ingest``, ``copil actions``, the app's actions, ``copil demo``) first takes an exclusive
  lock on ``<warehouse>.lock`` (:func:`writer_lock`), waiting its turn (checked every
  0.05 s to 0.5 s) up to a stated time, then opens the warehouse, which only another
  writer could hold. The kernel drops the lock of a killed process.
- **The dashboard reads a snapshot.** When a writer commits, it checkpoints the warehouse
  and copies it into ``<warehouse>.snapshots/<n>.duckdb``, then points
  ``<warehouse>.snapshots/current`` at it by an atomic rename (:func:`publish_snapshot`).
  The app opens the current snapshot read-only (no writer ever opens one), notices a new
  ``n`` at its next request and reads that; the snapshot before stays for the requests
  still reading it and older ones are deleted. A load killed midway publishes nothing:
  the dashboard keeps the last published state.

Snapshots exist only once a dashboard has asked for one (the folder exists): a warehouse
without a dashboard costs no copy. A snapshot takes the warehouse's size again on disk.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

__all__ = ["Snapshot", "WriterQueueTimeout", "writer_lock", "snapshot_dir", "current_snapshot",
           "publish_snapshot", "source_version", "WRITER_WAIT_S", "KEEP_SNAPSHOTS"]

#: how long a writer waits for the writers before it (s): a load of 10 million calls takes
#: about 2 minutes here, so 10 minutes lets a few queue up; ``$COPIL_WRITER_WAIT_S`` to change
WRITER_WAIT_S = 600.0
#: snapshots kept: the current one and the one before, still read by requests under way
KEEP_SNAPSHOTS = 2


class WriterQueueTimeout(RuntimeError):
    """Another writer held the warehouse longer than this writer agreed to wait."""


@dataclass(frozen=True)
class Snapshot:
    """A published read-only copy of a warehouse.

    Attributes
    ----------
    path : the copy's file.
    number : publication number (1, 2, ...): a new number means new content.
    source : :func:`source_version` of the warehouse when it was copied.
    """

    path: Path
    number: int
    source: tuple[int, int, int]


def source_version(path: str | Path) -> tuple[int, int, int]:
    """(mtime ns, size, WAL mtime ns) of the warehouse file: changes whenever it is written."""
    path = Path(path)
    st = path.stat()
    wal = Path(str(path) + ".wal")
    try:
        wal_mtime = wal.stat().st_mtime_ns
    except FileNotFoundError:
        wal_mtime = 0
    return st.st_mtime_ns, st.st_size, wal_mtime


def _lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def writer_wait_s() -> float:
    """:data:`WRITER_WAIT_S`, or ``$COPIL_WRITER_WAIT_S`` (seconds)."""
    value = os.environ.get("COPIL_WRITER_WAIT_S")
    return float(value) if value else WRITER_WAIT_S


@contextlib.contextmanager
def writer_lock(path: str | Path, *, wait_s: float | None = None) -> Iterator[float]:
    """Hold the warehouse's writer lock (``<warehouse>.lock``); yields the seconds waited.

    Waits for the writer before (checking every 0.05 s, backing off to 0.5 s) at most
    ``wait_s`` seconds (default :func:`writer_wait_s`; 0: do not wait), then raises
    :class:`WriterQueueTimeout` naming the holder.
    """
    path = Path(path)
    wait_s = writer_wait_s() if wait_s is None else wait_s
    lock = _lock_path(path)
    lock.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    try:
        start = time.monotonic()
        pause = 0.05
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                waited = time.monotonic() - start
                if waited >= wait_s:
                    holder = os.pread(fd, 200, 0).decode(errors="replace").strip() or "unknown"
                    raise WriterQueueTimeout(
                        f"{path}: another writer ({holder}) has held the warehouse for "
                        f"{waited:.0f} s, longer than this one waits; run it again when that "
                        "one has finished (or raise $COPIL_WRITER_WAIT_S, seconds)") from None
                time.sleep(min(pause, max(wait_s - waited, 0.0)))
                pause = min(pause * 1.5, 0.5)
        waited = time.monotonic() - start
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"PID {os.getpid()}: {_command_line(os.getpid())}\n".encode(), 0)
        try:
            yield waited
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _command_line(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "?"
    return " ".join(a.decode(errors="replace") for a in raw.split(b"\0") if a)[:160]


def snapshot_dir(path: str | Path) -> Path:
    """``<warehouse>.snapshots``: the published copies and the ``current`` pointer."""
    path = Path(path)
    return path.with_name(path.name + ".snapshots")


def current_snapshot(path: str | Path) -> Snapshot | None:
    """The snapshot last published for the warehouse, None if none."""
    folder = snapshot_dir(path)
    try:
        info = json.loads((folder / "current").read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError, ValueError):
        return None
    return Snapshot(folder / info["file"], int(info["number"]), tuple(info["source"]))


def publish_snapshot(con: duckdb.DuckDBPyConnection, path: str | Path) -> Snapshot:
    """Copy the warehouse that ``con`` holds open for writing into a new snapshot and make it
    the current one (atomic rename); older snapshots beyond :data:`KEEP_SNAPSHOTS` are
    deleted. The caller holds :func:`writer_lock`.

    The call aggregates (:mod:`analytics.aggregates`) are brought up to date first (built
    once for a warehouse made before them; nothing to do after a load, which maintains
    them), then ``con`` is checkpointed, so the file alone holds every committed row; since
    ``con`` holds the file exclusively, nothing changes it during the copy.
    """
    from analytics.aggregates import refresh_call_aggregates

    path = Path(path)
    folder = snapshot_dir(path)
    folder.mkdir(mode=0o700, exist_ok=True)
    refresh_call_aggregates(con)  # a warehouse made before them: the dashboard reads them
    con.execute("checkpoint")
    before = current_snapshot(path)
    number = (before.number if before else 0) + 1
    name = f"{number}.duckdb"
    tmp = folder / f".{name}.{os.getpid()}.tmp"
    mode = path.stat().st_mode & 0o777
    with open(path, "rb") as src, open(tmp, "wb") as dst:
        os.fchmod(dst.fileno(), mode)
        while chunk := src.read(8 << 20):
            dst.write(chunk)
        dst.flush()
        os.fsync(dst.fileno())
    os.replace(tmp, folder / name)
    snap = Snapshot(folder / name, number, source_version(path))
    pointer = folder / f".current.{os.getpid()}.tmp"
    pointer.write_text(json.dumps({"file": name, "number": number, "source": snap.source}),
                       encoding="utf-8")
    os.replace(pointer, folder / "current")
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    for old in folder.glob("*.duckdb"):
        if old.stem.isdigit() and int(old.stem) <= number - KEEP_SNAPSHOTS:
            old.unlink(missing_ok=True)
            shutil.rmtree(old.with_name(old.name + ".tmp"), ignore_errors=True)  # its spill
    for left in folder.glob(".*.tmp"):  # a copy whose writer was killed midway
        pid = left.name.rsplit(".", 2)[-2]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            left.unlink(missing_ok=True)
    return snap


def wants_snapshots(path: str | Path) -> bool:
    """Whether a dashboard reads this warehouse's snapshots (their folder exists)."""
    return snapshot_dir(path).is_dir()
