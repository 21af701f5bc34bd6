"""The app's result cache: least recently used first out, bounded in bytes and in entries.

Bounded by count alone, 512 cached reports (each embeds plotly.js, 4.8 MB) made 2.5 GB
that one client could fill. Here every entry is weighed when stored (:func:`size_of`: exact
for text, bytes and arrays, pandas' own count for frames, a walk of the fields of results
objects) and the oldest entries leave until the total is within the budget.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterator
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["ResultCache", "size_of", "CACHE_BYTES", "CACHE_ENTRIES", "cache_bytes"]

#: default budget of the cache (bytes): 256 MiB; ``$COPIL_CACHE_MB`` to change
CACHE_BYTES = 256 << 20
#: default most entries
CACHE_ENTRIES = 512
_MAX_DEPTH = 6


def cache_bytes() -> int:
    """:data:`CACHE_BYTES`, or ``$COPIL_CACHE_MB`` mebibytes."""
    value = os.environ.get("COPIL_CACHE_MB")
    return int(float(value) * (1 << 20)) if value else CACHE_BYTES


def size_of(value: Any, _depth: int = 0, _seen: set[int] | None = None) -> int:
    """Bytes ``value`` holds, estimated cheaply: ``len`` for text and bytes, ``nbytes`` for
    arrays, ``memory_usage(deep=True)`` for pandas objects, the sum over the items of
    containers and the fields of objects (each object counted once, 6 levels deep)."""
    seen = set() if _seen is None else _seen
    if id(value) in seen:
        return 0
    seen.add(id(value))
    if value is None or isinstance(value, bool | int | float | complex):
        return 32
    if isinstance(value, str | bytes | bytearray | memoryview):
        return sys.getsizeof(value)
    if isinstance(value, np.ndarray):
        return int(value.nbytes) + 112
    if isinstance(value, pd.DataFrame):
        return int(value.memory_usage(index=True, deep=True).sum()) + 512
    if isinstance(value, pd.Series | pd.Index):
        return int(value.memory_usage(deep=True)) + 256
    if _depth >= _MAX_DEPTH:
        return sys.getsizeof(value)
    if isinstance(value, dict):
        return sys.getsizeof(value) + sum(size_of(k, _depth + 1, seen) + size_of(v, _depth + 1, seen)
                                          for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return sys.getsizeof(value) + sum(size_of(v, _depth + 1, seen) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = [getattr(value, f.name, None) for f in dataclasses.fields(value)]
        return 64 + sum(size_of(v, _depth + 1, seen) for v in fields)
    attrs = getattr(value, "__dict__", None)
    if isinstance(attrs, dict):
        return 64 + size_of(attrs, _depth + 1, seen)
    return sys.getsizeof(value)


class ResultCache:
    """Results by key, each with the warehouse version it was computed on; the least
    recently used leave first once ``max_bytes`` or ``max_entries`` is passed. A single
    result over a quarter of ``max_bytes`` is not kept. Thread-safe.

    Parameters
    ----------
    max_bytes : budget (bytes) of the sizes measured by :func:`size_of`.
    max_entries : most results kept.
    """

    def __init__(self, max_bytes: int = CACHE_BYTES, max_entries: int = CACHE_ENTRIES) -> None:
        self.max_bytes = int(max_bytes)
        self.max_entries = int(max_entries)
        self._items: OrderedDict[Hashable, tuple[Any, Any, int]] = OrderedDict()
        self._lock = threading.Lock()
        self.nbytes = 0

    def get(self, key: Hashable) -> tuple[Any, Any] | None:
        """``(version, value)`` stored under ``key`` (now the most recently used), or None."""
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
            return item[0], item[1]

    def put(self, key: Hashable, version: Any, value: Any) -> bool:
        """Store ``value``; False when it is too large to keep (over a quarter of the budget)."""
        size = size_of(value)
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.nbytes -= old[2]
            if size > self.max_bytes // 4:
                return False
            self._items[key] = (version, value, size)
            self.nbytes += size
            while self.nbytes > self.max_bytes or len(self._items) > self.max_entries:
                _, (_, _, gone) = self._items.popitem(last=False)
                self.nbytes -= gone
            return True

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.nbytes = 0

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Hashable]:
        with self._lock:
            return iter(list(self._items))
