"""Run small dense linear algebra on one BLAS thread.

The fits here solve many tiny problems (L-BFGS-B steps, 2x2 Kalman filters, 40-column
least squares). With OpenBLAS threading on, each call pays thread start-up and
spin-wait costs that dominated run time (a 26-origin backtest went from 10 s to
60 s on a busy 2-core machine). This does what ``threadpoolctl`` does for the
OpenBLAS builds NumPy and SciPy ship, with no extra dependency; elsewhere it does
nothing.
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from contextlib import contextmanager

_SYMBOLS = (("scipy_openblas_set_num_threads64_", "scipy_openblas_get_num_threads64_"),
            ("scipy_openblas_set_num_threads", "scipy_openblas_get_num_threads"),
            ("openblas_set_num_threads", "openblas_get_num_threads"))


def _openblas_handles() -> list[tuple]:
    try:
        with open("/proc/self/maps", encoding="utf-8") as fh:
            paths = {line.split()[-1] for line in fh
                     if "openblas" in line.lower() and line.rstrip().endswith(".so")}
    except OSError:
        return []
    handles = []
    for path in sorted(paths):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for set_name, get_name in _SYMBOLS:
            if hasattr(lib, set_name) and hasattr(lib, get_name):
                handles.append((getattr(lib, set_name), getattr(lib, get_name)))
                break
    return handles


@contextmanager
def single_blas_thread() -> Iterator[None]:
    """Limit OpenBLAS to one thread inside the block, then restore the previous count."""
    handles = _openblas_handles()
    previous = []
    for set_fn, get_fn in handles:
        previous.append(int(get_fn()))
        set_fn(1)
    try:
        yield
    finally:
        for (set_fn, _), n in zip(handles, previous, strict=True):
            set_fn(n)
