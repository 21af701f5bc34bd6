"""The daily model's forecast, fitted once per warehouse version: :func:`daily_fit`.

Fitting :class:`forecasting.DailyVolumeModel` takes seconds; a week plan
(:func:`analytics.week_plan.plan_week`), the quarterly review's forecast accuracy
(:func:`analytics.review.accuracy.forecast_accuracy`) and the dashboard ask for the same
fits again and again. :func:`daily_fit` returns a :class:`DailyFit`: the daily forecast
(calls with 80 %/95 % bands) and the model's warnings, taken from the cache when the same
fit was made before, else fitted and stored; the fitted model itself
(:meth:`DailyFit.results`, for a what-if) is fitted only when asked for.

The cache key is a SHA-256 of everything the fit depends on: the warehouse version
(:func:`analytics.warehouse.warehouse_version`: loads, contract, time zone), the history
(every day and value, so its end too), the campaign calendar, the line calendar, the model
options, the horizon and the source of the ``forecasting`` package (a new model version
refits). Entries live in memory (per process) and on disk in ``<warehouse>.cache/``
(mode 0700, files 0600; a snapshot's fits go beside the warehouse it was published from),
as Parquet files holding only the forecast frame and JSON metadata: nothing executable is
ever loaded. An entry of another warehouse version is deleted when a new one is written,
so a load invalidates the fits before it.

Units: calls per local day; dates are local days.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import threading
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd

from analytics.warehouse import warehouse_version

__all__ = ["DailyFit", "daily_fit", "fit_cache_dir", "FIT_COLUMNS", "MAX_DISK_ENTRIES"]

#: columns of :attr:`DailyFit.forecast` (calls)
FIT_COLUMNS = ["forecast", "lo80", "hi80", "lo95", "hi95"]
#: fits kept on disk per warehouse (the oldest deleted first) and in memory per process
MAX_DISK_ENTRIES = 64
MAX_MEMORY_ENTRIES = 32

_MEMORY: dict[str, tuple[pd.DataFrame, tuple[str, ...]]] = {}
_LOCK = threading.Lock()


@dataclass(eq=False)
class DailyFit:
    """One fit of the daily model and its forecast.

    Attributes
    ----------
    history : Series
        Calls per local day the model is fitted on (DatetimeIndex).
    horizon : int
        Days forecast after the last day of ``history``.
    forecast : DataFrame
        Indexed by ``date``: :data:`FIT_COLUMNS` (calls), ``horizon`` days.
    warnings : tuple of str
        The model's warnings (fit and forecast).
    key : str
        The cache key (hex SHA-256).
    source : str
        ``'fitted'`` (fitted in this call), ``'memory'`` or ``'disk'`` (from the cache).
    """

    history: pd.Series
    horizon: int
    forecast: pd.DataFrame
    warnings: tuple[str, ...]
    key: str
    source: str
    _campaigns: pd.DataFrame | None = field(default=None, repr=False)
    _calendar: object = field(default=None, repr=False)
    _results: object = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def history_end(self) -> dt.date:
        """Last day of the history (local)."""
        return self.history.index.max().date()

    def results(self):
        """The fitted :class:`forecasting.DailyVolumeResults` (fitted now when the forecast
        came from the cache; memoised): what-ifs need the model itself."""
        with self._lock:
            if self._results is None:
                self._results, _ = _fit(self.history, self._campaigns, self._calendar,
                                        self.horizon)
            return self._results


def fit_cache_dir(con: duckdb.DuckDBPyConnection) -> Path | None:
    """``<warehouse>.cache`` beside the warehouse file of ``con`` (for a published snapshot
    ``<warehouse>.snapshots/<n>.duckdb``: the warehouse's); None for an in-memory one."""
    row = con.execute("select path from duckdb_databases() "
                      "where database_name = current_database()").fetchone()
    if not row or not row[0] or row[0] == ":memory:":
        return None
    path = Path(row[0])
    if path.parent.name.endswith(".snapshots"):
        path = path.parent.with_name(path.parent.name[:-len(".snapshots")])
    return path.with_name(path.name + ".cache")


@lru_cache(maxsize=1)
def _model_code() -> str:
    """SHA-256 of the ``forecasting`` package's source: a new model version refits."""
    h = hashlib.sha256()
    root = resources.files("forecasting")
    for item in sorted(root.iterdir(), key=lambda p: p.name):
        if item.name.endswith(".py"):
            h.update(item.name.encode())
            h.update(item.read_bytes())
    return h.hexdigest()


def _canon(value):
    """A JSON-able, order-stable form of model inputs (sets sorted, dates as text)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _canon(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (set, frozenset)):
        return sorted(_canon(v) for v in value)
    if isinstance(value, (list, tuple)):
        return [_canon(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _canon(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (dt.date, dt.time, pd.Timestamp)):
        return value.isoformat()
    return value if isinstance(value, (str, int, float, bool, type(None))) else repr(value)


def _frame_bytes(frame: pd.DataFrame | pd.Series | None) -> bytes:
    if frame is None:
        return b"none"
    names = list(frame.columns) if isinstance(frame, pd.DataFrame) else [frame.name]
    return pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes() + repr(
        names).encode()


def _key(version: str, history: pd.Series, campaigns, calendar, horizon: int,
         options: dict) -> str:
    h = hashlib.sha256()
    for part in (version.encode(), _frame_bytes(history), _frame_bytes(campaigns),
                 json.dumps(_canon(calendar), sort_keys=True).encode(),
                 json.dumps(_canon(options), sort_keys=True).encode(),
                 str(int(horizon)).encode(), _model_code().encode()):
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()


def _fit(history: pd.Series, campaigns, calendar, horizon: int):
    """Fit the daily model and forecast ``horizon`` days: ``(results, forecast frame)``;
    the results' ``warnings`` hold those raised while fitting too."""
    from forecasting import DailyVolumeModel

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = DailyVolumeModel(history, campaigns=campaigns, calendar=calendar).fit()
        frame = res.forecast(horizon)
    raised = [str(w.message) for w in caught]
    res.warnings[:0] = [m for m in dict.fromkeys(raised) if m not in res.warnings]
    frame = frame[FIT_COLUMNS].copy()
    frame.index = pd.DatetimeIndex(frame.index, name="date", freq=None)  # as read from disk
    return res, frame


# ------------------------------------------------------------------------------ disk
def _private_dir(folder: Path) -> Path | None:
    """``folder`` created with mode 0700, or None when it cannot be used safely (not a
    directory of ours, or not writable)."""
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        st = os.lstat(folder)
        import stat

        if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid():
            return None
        if st.st_mode & 0o077:
            folder.chmod(0o700)
        return folder
    except OSError:
        return None


def _file(folder: Path, version: str, key: str) -> Path:
    vhash = hashlib.sha256(version.encode()).hexdigest()[:16]
    return folder / f"fit-{vhash}-{key[:40]}.parquet"


def _read_disk(path: Path, key: str) -> tuple[pd.DataFrame, tuple[str, ...]] | None:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except (OSError, ValueError):
        return None
    meta = json.loads((table.schema.metadata or {}).get(b"copil", b"{}"))
    if meta.get("key") != key:
        return None
    frame = table.to_pandas()
    frame.index = pd.DatetimeIndex(frame.index, name="date")
    return frame[FIT_COLUMNS], tuple(meta.get("warnings", []))


def _write_disk(folder: Path, version: str, key: str, frame: pd.DataFrame,
                warns: tuple[str, ...]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    target = _file(folder, version, key)
    vhash = target.name.split("-")[1]
    table = pa.Table.from_pandas(frame, preserve_index=True)
    meta = dict(table.schema.metadata or {})
    meta[b"copil"] = json.dumps({"key": key, "warnings": list(warns),
                                 "warehouse_version": version}).encode()
    table = table.replace_schema_metadata(meta)
    tmp = folder / f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as fh:
            pq.write_table(table, fh)
        os.replace(tmp, target)
    except OSError:
        tmp.unlink(missing_ok=True)
        return
    entries = []
    for old in folder.glob("fit-*.parquet"):  # a load made the other versions' fits stale
        if old.name.split("-")[1] != vhash:
            old.unlink(missing_ok=True)
        else:
            entries.append(old)
    if len(entries) > MAX_DISK_ENTRIES:
        for old in sorted(entries, key=lambda p: p.stat().st_mtime)[:-MAX_DISK_ENTRIES]:
            old.unlink(missing_ok=True)


# ------------------------------------------------------------------------------ entry
def daily_fit(con: duckdb.DuckDBPyConnection, history: pd.Series, *, horizon: int,
              campaigns: pd.DataFrame | None = None, calendar=None,
              options: dict | None = None) -> DailyFit:
    """The daily model fitted on ``history`` and its forecast ``horizon`` days on, from the
    cache when the same fit was made on this warehouse version.

    Parameters
    ----------
    con : DuckDB connection to the warehouse (its version and the cache's folder).
    history : Series
        Calls per local day (DatetimeIndex) the model is fitted on.
    horizon : int
        Days to forecast after the last day of ``history`` (>= 1).
    campaigns : DataFrame, optional
        The campaign calendar given to the model.
    calendar : LineCalendar, optional
        The line's calendar given to the model.
    options : dict, optional
        Anything else that makes two fits differ (e.g. the queues planned); part of the key.

    Returns
    -------
    DailyFit
    """
    version = warehouse_version(con)
    key = _key(version, history, campaigns, calendar, horizon, options or {})
    common = {"history": history, "horizon": int(horizon), "key": key,
              "_campaigns": campaigns, "_calendar": calendar}
    with _LOCK:
        hit = _MEMORY.get(key)
    if hit is not None:
        return DailyFit(forecast=hit[0].copy(), warnings=hit[1], source="memory", **common)
    folder = fit_cache_dir(con)
    folder = _private_dir(folder) if folder is not None else None
    if folder is not None:
        found = _read_disk(_file(folder, version, key), key)
        if found is not None:
            _remember(key, *found)
            return DailyFit(forecast=found[0].copy(), warnings=found[1], source="disk",
                            **common)
    res, frame = _fit(history, campaigns, calendar, horizon)
    warns = tuple(res.warnings)
    _remember(key, frame, warns)
    if folder is not None:
        _write_disk(folder, version, key, frame, warns)
    return DailyFit(forecast=frame.copy(), warnings=warns, source="fitted",
                    _results=res, **{k: v for k, v in common.items()})


def _remember(key: str, frame: pd.DataFrame, warns: tuple[str, ...]) -> None:
    with _LOCK:
        if len(_MEMORY) >= MAX_MEMORY_ENTRIES:
            _MEMORY.pop(next(iter(_MEMORY)))
        _MEMORY[key] = (frame.copy(), warns)


def clear_memory() -> None:
    """Forget the fits cached in this process (tests; the disk cache stays)."""
    with _LOCK:
        _MEMORY.clear()
