"""The files the demo generator writes: names, byte-reproducible CSV writing, digests."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

__all__ = ["FILE_NAMES", "output_files", "write_csv", "masked", "file_digest"]

#: generated file -> file name, in the order they are loaded into a warehouse (truth last)
FILE_NAMES = {
    "calls": "calls.csv.gz",
    "operator_counts": "operator_counts.csv",
    "callbacks": "callbacks.csv",
    "campaigns": "campaigns.csv",
    "staffing": "staffing.csv",
    "truth": "truth.json",
}


def output_files(out_dir: str | Path) -> dict[str, Path]:
    """Where each generated file goes in ``out_dir``."""
    return {name: Path(out_dir) / file for name, file in FILE_NAMES.items()}


def write_csv(path: Path, columns: dict[str, np.ndarray | pa.Array]) -> None:
    """Write ``columns`` as CSV (gzip when the name ends in .gz), identical from run to run."""
    table = pa.table(columns)
    opts = pacsv.WriteOptions(quoting_style="needed")
    if path.suffix == ".gz":
        # mtime 0 in the gzip header keeps the file byte-identical from run to run
        with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0,
                                                     filename="", compresslevel=3) as gz:
            sink = pa.BufferOutputStream()
            pacsv.write_csv(table, sink, opts)
            gz.write(sink.getvalue().to_pybytes())
    else:
        pacsv.write_csv(table, str(path), opts)


def masked(values: np.ndarray | pa.Array, mask: np.ndarray) -> pa.Array:
    """Arrow array with nulls where ``mask`` (a boolean array) is False."""
    mask = np.asarray(mask, dtype=bool)
    if isinstance(values, pa.Array):
        return pc.if_else(pa.array(mask), values, pa.scalar(None, values.type))
    return pa.array(values, mask=np.logical_not(mask))


def file_digest(path: str | Path) -> str:
    """SHA-256 of a file's content (decompressed for .gz), for reproducibility checks."""
    path = Path(path)
    data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return hashlib.sha256(data).hexdigest()
