"""Warehouse access for the app: reads from a published snapshot, writes queued, results
cached within a byte budget.

The app never opens the warehouse file to read it: it reads the snapshot the last writer
published (:mod:`analytics.snapshot`), on a short read-only connection per read, so a
``copil ingest`` in another process never waits for the app and the app never waits for
the load: it serves the last published state until the load publishes the next one. When
the warehouse file changed without a publication (a writer outside copil, a load killed
midway) and no writer holds it, the app publishes a snapshot itself. Writes from the app
(the actions log) queue with the other writers, then publish.

Results are cached per (function, arguments; a ``week`` argument in its canonical form)
and tagged with the snapshot's number: a new snapshot is read again. After a load
(another process) publishes, a view already cached is served as it was while a background
thread computes it on the new snapshot, for at most :data:`REFRESH_S`: users never wait
for every view to be recomputed at once. After the app's own writes, reads are fresh. The cache
(:class:`dashboards.cache.ResultCache`) holds at most :data:`dashboards.cache.CACHE_BYTES`
(256 MiB) and 512 results; each DuckDB read runs within :data:`DUCKDB_MEMORY_LIMIT`.
"""

from __future__ import annotations

import functools
import inspect
import os
import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from analytics.snapshot import (
    Snapshot,
    WriterQueueTimeout,
    current_snapshot,
    publish_snapshot,
    snapshot_dir,
    source_version,
    writer_lock,
)
from analytics.warehouse import WarehouseLocked, connect
from dashboards.cache import CACHE_ENTRIES, ResultCache
from dashboards.cache import cache_bytes as cache_bytes_default

#: DuckDB memory of the app's reads (all threads together; DuckDB spills beyond it)
DUCKDB_MEMORY_LIMIT = "512MB"
#: how long the app's own writes (actions) wait for a load under way (s)
APP_WRITE_WAIT_S = 20.0
#: background warming starts an item only after this long without a request (s)
WARM_IDLE_S = 0.3
#: ... or after waiting this long (s) for such a gap, as soon as no request is in flight
WARM_MAX_WAIT_S = 1.0
#: after a load publishes, how long a view may still show the state before it while its
#: new answer is computed in the background (s); beyond, the request computes it
REFRESH_S = 60.0


class WarehouseBusy(RuntimeError):
    """The warehouse cannot be read or written now and nothing cached can stand in."""


@functools.lru_cache(maxsize=256)
def _week_position(fn: Callable[..., Any]) -> int | None:
    """Index in ``args`` (after the connection) of ``fn``'s parameter named ``week``."""
    try:
        names = list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return None
    return names.index("week") - 1 if "week" in names[1:] else None


def canonical_args(fn: Callable[..., Any], args: tuple, kwargs: dict) -> tuple[tuple, dict]:
    """``args``/``kwargs`` with a ``week`` argument written canonically (``2026-w08`` and
    ``02026-W08`` become ``2026-W08``), so one week is one cache entry and one computation.
    A value that is not a week is left for ``fn`` to refuse."""
    from analytics.periods import parse_week as week_label

    pos = _week_position(fn)
    if pos is None:
        return args, kwargs
    try:
        if "week" in kwargs and isinstance(kwargs["week"], str):
            kwargs = {**kwargs, "week": week_label(kwargs["week"])}
        elif pos < len(args) and isinstance(args[pos], str):
            args = (*args[:pos], week_label(args[pos]), *args[pos + 1:])
    except ValueError:
        pass
    return args, kwargs


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_freeze(v) for v in value]
        return tuple(sorted(items, key=repr)) if isinstance(value, (set, frozenset)) else tuple(items)
    return value


class Warehouse:
    """Read and write access to one warehouse file for the app's requests.

    Parameters
    ----------
    path : warehouse file.
    cache_bytes : budget of the result cache (bytes); default ``$COPIL_CACHE_MB`` or 256 MiB.
    cache_size : most results kept (least recently used evicted first).
    retries : attempts to open the warehouse for the first snapshot while another process
        holds it (about 0.05 s apart at first, then up to 0.5 s).
    """

    def __init__(self, path: str | Path, *, cache_bytes: int | None = None,
                 cache_size: int = CACHE_ENTRIES, retries: int = 12) -> None:
        self.path = Path(path)
        if not self.path.exists():
            raise FileNotFoundError(
                f"{self.path}: no warehouse here. Create it with 'copil demo' or "
                f"'copil ingest ... --db {self.path}'.")
        snapshot_dir(self.path).mkdir(mode=0o700, exist_ok=True)  # writers publish from now on
        self.retries = retries
        self._cache = ResultCache(cache_bytes_default() if cache_bytes is None else cache_bytes,
                                  cache_size)
        self._publishing = threading.Lock()
        self.stats = {"hits": 0, "misses": 0, "stale": 0}
        self.published = 0
        self._fresh_from = 0  # snapshots up to this one were made by this app: read fresh
        self._seen: dict[int, float] = {}  # snapshot number -> when this app first saw it
        self._todo: queue.Queue = queue.Queue()
        self._queued: set = set()
        self._queue_lock = threading.Lock()
        self._worker: threading.Thread | None = None
        self._last_request = 0.0
        self._in_flight = 0  # requests being answered (request_started/request_finished)

    # ------------------------------------------------------------------ snapshots
    def snapshot(self) -> Snapshot:
        """The snapshot to read: the one published last, after publishing a new one when the
        warehouse changed without a publication and no writer holds it. WarehouseBusy when
        there is none and none can be made."""
        snap = current_snapshot(self.path)
        if snap is None or snap.source != source_version(self.path):
            snap = self._publish(snap)
        if snap is None:
            raise WarehouseBusy(
                "The warehouse is being updated by another process; try again in a moment.")
        return snap

    def _publish(self, snap: Snapshot | None) -> Snapshot | None:
        """Publish a snapshot if no writer is at work (the change was then not published: a
        writer outside copil, or a load killed midway); else return the one there is.
        Without any snapshot, wait for the writer up to ``retries`` attempts."""
        if not self._publishing.acquire(blocking=snap is None):
            return snap  # another thread of the app is publishing: read the current one
        try:
            latest = current_snapshot(self.path)
            if latest is not None and latest.source == source_version(self.path):
                return latest
            wait_s = 0.0 if latest else 0.5 * self.retries
            try:
                with writer_lock(self.path, wait_s=wait_s):
                    con = connect(self.path, retries=0 if latest else self.retries)
                    try:
                        published = publish_snapshot(con, self.path)
                    finally:
                        con.close()
            except (WriterQueueTimeout, WarehouseLocked):
                return latest  # a writer is at work: it publishes when it commits
            self.published += 1
            self._fresh_from = max(self._fresh_from, published.number)
            return published
        finally:
            self._publishing.release()

    def version(self) -> int:
        """Number of the snapshot reads are served from (changes when the data change)."""
        return self.snapshot().number

    # ------------------------------------------------------------------ cache
    def _cached(self, key: Any) -> tuple[Any, Any] | None:
        return self._cache.get(key)

    def _store(self, key: Any, version: Any, value: Any) -> None:
        self._cache.put(key, version, value)

    @staticmethod
    def _key(fn: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
        return (getattr(fn, "__module__", ""), getattr(fn, "__qualname__", repr(fn)),
                _freeze(args), _freeze(kwargs))

    def read(self, fn: Callable[..., Any], *args: Any, _background: bool = False,
             **kwargs: Any) -> Any:
        """``fn(con, *args, **kwargs)`` on a read-only connection to the current snapshot,
        cached by snapshot number.

        ``fn`` must return a value the caller will not mutate (a DataFrame is copied out).
        """
        if not _background:
            self._last_request = time.monotonic()
        args, kwargs = canonical_args(fn, args, kwargs)
        key = self._key(fn, args, kwargs)
        item = self._cached(key)
        try:
            snap = self.snapshot()
        except WarehouseBusy:
            if item is not None:  # the last known answer beats an error
                self.stats["stale"] += 1
                return _copy(item[1])
            raise
        if item is not None and item[0] == snap.number:
            self.stats["hits"] += 1
            return _copy(item[1])
        if item is not None and not _background and self._may_refresh_later(snap):
            self.stats["stale"] += 1  # the state before the load, recomputed behind
            self._queue(key, fn, args, kwargs)
            return _copy(item[1])
        for _attempt in range(3):
            try:
                con = connect(snap.path, read_only=True, retries=0,
                              config={"memory_limit": DUCKDB_MEMORY_LIMIT})
                break
            except (FileNotFoundError, WarehouseLocked):  # replaced since: take the new one
                snap = self.snapshot()
        else:
            raise WarehouseBusy("The warehouse's snapshots change too fast to be read; "
                                "try again in a moment.")
        try:
            value = fn(con, *args, **kwargs)
        finally:
            con.close()
        self.stats["misses"] += 1
        self._store(key, snap.number, value)
        return _copy(value)

    def request_started(self) -> None:
        """A request is being answered: background warming waits until it is done."""
        with self._queue_lock:
            self._in_flight += 1
            self._last_request = time.monotonic()

    def request_finished(self) -> None:
        with self._queue_lock:
            self._in_flight = max(0, self._in_flight - 1)
            self._last_request = time.monotonic()

    def _busy(self) -> bool:
        """A request is in flight or ended less than :data:`WARM_IDLE_S` ago."""
        return (self._in_flight > 0
                or time.monotonic() - self._last_request < WARM_IDLE_S)

    def _may_refresh_later(self, snap: Snapshot) -> bool:
        """Whether a view cached on an older snapshot may still be shown: ``snap`` came from
        another process and this app first saw it less than :data:`REFRESH_S` ago."""
        if snap.number <= self._fresh_from:
            return False
        seen = self._seen.setdefault(snap.number, time.monotonic())
        if len(self._seen) > 8:
            for number in sorted(self._seen)[:-8]:
                del self._seen[number]
        return time.monotonic() - seen < REFRESH_S

    def prefetch(self, fn: Callable[..., Any], *args: Any) -> None:
        """Queue ``read(fn, *args)`` for the background thread (e.g. the weeks next to the
        one on screen). That one thread runs at the lowest CPU priority (its DuckDB reads
        share the process's database instance, whose settings cannot differ per
        connection) and starts each item only when no request is in flight, after
        :data:`WARM_IDLE_S` without any (at most :data:`WARM_MAX_WAIT_S` of waiting for such
        a gap, so views cached before a load are refreshed even while reads keep coming).
        Already cached: nothing to do."""
        args, _ = canonical_args(fn, args, {})
        key = self._key(fn, args, {})
        item = self._cached(key)
        if item is not None and item[0] == self.version():
            return
        self._queue(key, fn, args, {})

    def _queue(self, key: Any, fn: Callable[..., Any], args: tuple, kwargs: dict) -> None:
        with self._queue_lock:
            if key in self._queued:
                return
            self._queued.add(key)
            self._todo.put((key, fn, args, kwargs))
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._drain, daemon=True,
                                                name="copil-prefetch")
                self._worker.start()

    def stop_warming(self, timeout_s: float = 60.0) -> None:
        """Drop the warming still queued and wait for the item under way (before the
        process exits: a DuckDB read cut off by the interpreter's exit aborts it)."""
        with self._queue_lock:
            while True:
                try:
                    self._todo.get_nowait()
                except queue.Empty:
                    break
            self._queued.clear()
            worker = self._worker
        if worker is not None:
            worker.join(timeout_s)

    def _drain(self) -> None:
        try:  # Linux: the priority of this thread alone; live requests go first
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
        except (AttributeError, OSError):
            pass
        while True:
            try:
                key, fn, args, kwargs = self._todo.get(timeout=2.0)
            except queue.Empty:
                return
            waited = 0.0
            while self._in_flight > 0 or (self._busy() and waited < WARM_MAX_WAIT_S):
                time.sleep(0.05)  # live requests first; a quiet gap after at most 1 s
                waited += 0.05
            try:
                self.read(fn, *args, _background=True, **kwargs)
            except Exception:  # a failed prefetch is only a missed speed-up
                pass
            finally:
                with self._queue_lock:
                    self._queued.discard(key)

    def write(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """``fn(con, *args, **kwargs)`` on a read-write connection, queued behind the other
        writers (at most :data:`APP_WRITE_WAIT_S`), then published so that reads see it.
        WarehouseBusy when a load holds the warehouse longer."""
        try:
            with writer_lock(self.path, wait_s=APP_WRITE_WAIT_S):
                con = connect(self.path, read_only=False, retries=max(self.retries, 40))
                try:
                    value = fn(con, *args, **kwargs)
                    published = publish_snapshot(con, self.path)
                    self._fresh_from = max(self._fresh_from, published.number)
                finally:
                    con.close()
        except (WriterQueueTimeout, WarehouseLocked):
            raise WarehouseBusy(
                "A data load is writing the warehouse; nothing was saved. Try again in a "
                "minute.") from None
        return value

    def derive(self, fn: Callable[..., Any], *args: Any, key: Any = None) -> Any:
        """``fn(*args)`` (no connection: pure computation on values already read), cached
        until the snapshot changes. For slow derived results such as a fitted model:
        ``args`` must follow from the warehouse's content and ``key`` (they are not in the
        cache key; ``key`` is).
        """
        key = ("derive", getattr(fn, "__module__", ""), getattr(fn, "__qualname__", repr(fn)),
               _freeze(key))
        version = self.version()
        item = self._cached(key)
        if item is not None and item[0] == version:
            self.stats["hits"] += 1
            return item[1]
        value = fn(*args)
        self.stats["misses"] += 1
        self._store(key, version, value)
        return value

    def clear_cache(self) -> None:
        self._cache.clear()


def _copy(value: Any) -> Any:
    copy = getattr(value, "copy", None)
    return copy() if callable(copy) else value


def current() -> Warehouse:
    """The warehouse of the Flask app serving this request."""
    from flask import current_app

    return current_app.config["COPIL_WAREHOUSE"]
