"""Warehouse access for the app: short-lived connections, a read/write lock and a cache.

DuckDB lets one process write a file at a time, and a process cannot hold the same
file open read-only and read-write at once. So every request opens a read-only
connection, reads and closes it (``copil ingest`` in another process can then take
the file between two requests); writes from the app (the actions log) take a
short read-write connection while no read runs in this process. Results are cached
per (function, arguments; a ``week`` argument in its canonical form) and tagged with the warehouse file's modification time:
a changed file is read again, and when the warehouse is busy (an ingestion holds it)
the last result is served instead of failing.
"""

from __future__ import annotations

import functools
import inspect
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from analytics.warehouse import connect


class WarehouseBusy(RuntimeError):
    """The warehouse stayed locked by another process and nothing cached can stand in."""


class _ReadWriteLock:
    """Many readers or one writer, writers first (a waiting writer blocks new readers)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writer = False
        self._writers_waiting = 0

    def acquire_read(self) -> None:
        with self._cond:
            while self._writer or self._writers_waiting:
                self._cond.wait()
            self._readers += 1

    def release_read(self) -> None:
        with self._cond:
            self._readers -= 1
            if not self._readers:
                self._cond.notify_all()

    def acquire_write(self) -> None:
        with self._cond:
            self._writers_waiting += 1
            while self._writer or self._readers:
                self._cond.wait()
            self._writers_waiting -= 1
            self._writer = True

    def release_write(self) -> None:
        with self._cond:
            self._writer = False
            self._cond.notify_all()


_LOCKS: dict[str, _ReadWriteLock] = {}
_LOCKS_GUARD = threading.Lock()


def _lock_for(path: Path) -> _ReadWriteLock:
    """One read/write lock per warehouse file in this process (DuckDB refuses a read-only and
    a read-write connection to the same file at once, whichever object opens them)."""
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(str(path.resolve()), _ReadWriteLock())


def file_version(path: str | Path) -> tuple[int, int, int]:
    """(mtime ns, size, WAL mtime ns) of the warehouse: changes whenever it is written."""
    path = Path(path)
    st = path.stat()
    wal = Path(str(path) + ".wal")
    wal_mtime = wal.stat().st_mtime_ns if wal.exists() else 0
    return st.st_mtime_ns, st.st_size, wal_mtime


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
    cache_size : results kept (least recently used evicted first).
    retries : attempts to open a locked file before serving the cached value or failing
        (about 0.05 s apart at first, then up to 0.5 s).
    """

    def __init__(self, path: str | Path, *, cache_size: int = 512, retries: int = 12) -> None:
        self.path = Path(path)
        if not self.path.exists():
            raise FileNotFoundError(
                f"{self.path}: no warehouse here. Create it with 'copil demo' or "
                f"'copil ingest ... --db {self.path}'.")
        self.cache_size = cache_size
        self.retries = retries
        self._lock = _lock_for(self.path)
        self._cache: OrderedDict[Any, tuple[Any, Any]] = OrderedDict()
        self._cache_lock = threading.Lock()
        self.stats = {"hits": 0, "misses": 0, "stale": 0}
        self._todo: queue.Queue = queue.Queue()
        self._queued: set = set()
        self._worker: threading.Thread | None = None
        self._last_request = 0.0

    def _cached(self, key: Any) -> tuple[Any, Any] | None:
        with self._cache_lock:
            item = self._cache.get(key)
            if item is not None:
                self._cache.move_to_end(key)
            return item

    def _store(self, key: Any, version: Any, value: Any) -> None:
        with self._cache_lock:
            self._cache[key] = (version, value)
            self._cache.move_to_end(key)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)

    @staticmethod
    def _key(fn: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
        return (getattr(fn, "__module__", ""), getattr(fn, "__qualname__", repr(fn)),
                _freeze(args), _freeze(kwargs))

    def read(self, fn: Callable[..., Any], *args: Any, _background: bool = False,
             **kwargs: Any) -> Any:
        """``fn(con, *args, **kwargs)`` on a read-only connection, cached by file version.

        ``fn`` must return a value the caller will not mutate (a DataFrame is copied out).
        """
        if not _background:
            self._last_request = time.monotonic()
        args, kwargs = canonical_args(fn, args, kwargs)
        key = self._key(fn, args, kwargs)
        version = file_version(self.path)
        item = self._cached(key)
        if item is not None and item[0] == version:
            self.stats["hits"] += 1
            return _copy(item[1])
        self._lock.acquire_read()
        try:
            try:
                con = connect(self.path, read_only=True, retries=self.retries)
            except RuntimeError:
                if item is not None:  # busy: the last known answer beats an error
                    self.stats["stale"] += 1
                    return _copy(item[1])
                raise WarehouseBusy(
                    "The warehouse is being updated by another process; try again in a moment."
                ) from None
            try:
                version = file_version(self.path)
                value = fn(con, *args, **kwargs)
            finally:
                con.close()
        finally:
            self._lock.release_read()
        self.stats["misses"] += 1
        self._store(key, version, value)
        return _copy(value)

    def prefetch(self, fn: Callable[..., Any], *args: Any) -> None:
        """Queue ``read(fn, *args)`` for a background thread (e.g. the weeks next to the one
        on screen), run when no request has come for 0.3 s. Already cached: nothing to do."""
        args, _ = canonical_args(fn, args, {})
        key = self._key(fn, args, {})
        item = self._cached(key)
        if item is not None and item[0] == file_version(self.path):
            return
        with self._cache_lock:
            if key in self._queued:
                return
            self._queued.add(key)
            self._todo.put((key, fn, args))
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._drain, daemon=True,
                                                name="copil-prefetch")
                self._worker.start()

    def _drain(self) -> None:
        while True:
            try:
                key, fn, args = self._todo.get(timeout=2.0)
            except queue.Empty:
                return
            while time.monotonic() - self._last_request < 0.3:  # let live requests go first
                time.sleep(0.1)
            try:
                self.read(fn, *args, _background=True)
            except Exception:  # a failed prefetch is only a missed speed-up
                pass
            finally:
                with self._cache_lock:
                    self._queued.discard(key)

    def write(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """``fn(con, *args, **kwargs)`` on a short read-write connection (retried while busy)."""
        self._lock.acquire_write()
        try:
            con = connect(self.path, read_only=False, retries=max(self.retries, 40))
            try:
                return fn(con, *args, **kwargs)
            finally:
                con.close()
        finally:
            self._lock.release_write()

    def derive(self, fn: Callable[..., Any], *args: Any, key: Any = None) -> Any:
        """``fn(*args)`` (no connection: pure computation on values already read), cached
        until the warehouse file changes. For slow derived results such as a fitted model:
        ``args`` must follow from the warehouse's content and ``key`` (they are not in the
        cache key; ``key`` is).
        """
        key = ("derive", getattr(fn, "__module__", ""), getattr(fn, "__qualname__", repr(fn)),
               _freeze(key))
        version = file_version(self.path)
        item = self._cached(key)
        if item is not None and item[0] == version:
            self.stats["hits"] += 1
            return item[1]
        value = fn(*args)
        self.stats["misses"] += 1
        self._store(key, version, value)
        return value

    def clear_cache(self) -> None:
        with self._cache_lock:
            self._cache.clear()


def _copy(value: Any) -> Any:
    copy = getattr(value, "copy", None)
    return copy() if callable(copy) else value


def current() -> Warehouse:
    """The warehouse of the Flask app serving this request."""
    from flask import current_app

    return current_app.config["COPIL_WAREHOUSE"]
