"""Warehouse access for the app: short-lived connections, a read/write lock and a cache.

DuckDB lets one process write a file at a time, and a process cannot hold the same
file open read-only and read-write at once. So every request opens a read-only
connection, reads and closes it (``copil ingest`` in another process can then take
the file between two requests); writes from the app (the actions log) take a
short read-write connection while no read runs in this process. Results are cached
per (function, arguments) and tagged with the warehouse file's modification time:
a changed file is read again, and when the warehouse is busy (an ingestion holds it)
the last result is served instead of failing.
"""

from __future__ import annotations

import threading
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


def file_version(path: str | Path) -> tuple[int, int, int]:
    """(mtime ns, size, WAL mtime ns) of the warehouse: changes whenever it is written."""
    path = Path(path)
    st = path.stat()
    wal = Path(str(path) + ".wal")
    wal_mtime = wal.stat().st_mtime_ns if wal.exists() else 0
    return st.st_mtime_ns, st.st_size, wal_mtime


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
        self._lock = _ReadWriteLock()
        self._cache: OrderedDict[Any, tuple[Any, Any]] = OrderedDict()
        self._cache_lock = threading.Lock()
        self.stats = {"hits": 0, "misses": 0, "stale": 0}

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

    def read(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """``fn(con, *args, **kwargs)`` on a read-only connection, cached by file version.

        ``fn`` must return a value the caller will not mutate (a DataFrame is copied out).
        """
        key = (getattr(fn, "__module__", ""), getattr(fn, "__qualname__", repr(fn)),
               _freeze(args), _freeze(kwargs))
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
