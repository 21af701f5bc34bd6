"""Time arithmetic of the demo generator: local ISO timestamps and opening-hours time.

All instants are integer epoch seconds (UTC); local offsets are seconds east of UTC.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["iso_strings", "WorkClock"]


def _offset_text(offset_s: int) -> str:
    sign = "-" if offset_s < 0 else "+"
    a = abs(int(offset_s))
    return f"{sign}{a // 3600:02d}:{a % 3600 // 60:02d}"


def iso_strings(epoch_s: np.ndarray, offset_s: np.ndarray) -> pa.Array:
    """ISO 8601 local times with offset, e.g. ``2026-03-30T09:15:02+02:00``.

    ``epoch_s``: integer epoch seconds (UTC); ``offset_s``: the local UTC offset of each
    instant (seconds). Returns an Arrow string array.
    """
    offset_s = np.broadcast_to(np.asarray(offset_s, dtype=np.int64), np.shape(epoch_s))
    local = (np.asarray(epoch_s, dtype=np.int64) + offset_s).astype("datetime64[s]")
    text = pa.array(np.datetime_as_string(local, unit="s"), type=pa.string())
    values, inverse = np.unique(offset_s, return_inverse=True)
    offsets = pa.array([_offset_text(v) for v in values], type=pa.string()).take(
        pa.array(inverse.ravel()))
    return pc.binary_join_element_wise(text, offsets, "")


class WorkClock:
    """Opening-hours time: converts instants to cumulated open seconds and back.

    Parameters
    ----------
    days : DataFrame
        ``day_table`` rows; open periods are ``[midnight + open_s, midnight + close_s)``.
    """

    def __init__(self, days: pd.DataFrame):
        open_days = days[days["is_open"]]
        self.start = (open_days["midnight_utc_s"] + open_days["open_s"]).to_numpy(np.int64)
        self.length = (open_days["close_s"] - open_days["open_s"]).to_numpy(np.int64)
        self.before = np.concatenate([[0], np.cumsum(self.length)[:-1]])

    def worked(self, t: np.ndarray) -> np.ndarray:
        """Open seconds from the first open period up to instant ``t`` (epoch seconds)."""
        p = np.searchsorted(self.start, t, side="right") - 1
        inside = np.clip(t - self.start[np.maximum(p, 0)], 0, self.length[np.maximum(p, 0)])
        return np.where(p < 0, 0, self.before[np.maximum(p, 0)] + inside)

    def instant(self, w: np.ndarray) -> np.ndarray:
        """The instant (epoch seconds) at which ``w`` open seconds have elapsed; -1 if beyond."""
        end = self.before + self.length
        p = np.searchsorted(end, w, side="left")
        ok = p < end.size
        pc = np.minimum(p, end.size - 1)
        return np.where(ok, self.start[pc] + (w - self.before[pc]), -1)
