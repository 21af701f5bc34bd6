"""Opening input files as DuckDB relations of text columns, with their line numbers.

Formats: CSV (``,`` ``;`` tab or ``|``; UTF-8, Latin-1 or CP1252; gzip allowed),
Parquet and Excel ``.xlsx``. Every value is read as text: parsing and validation
happen afterwards in SQL, so a bad value becomes a quarantined row, not a failed load.
"""

from __future__ import annotations

import codecs
import gzip
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

SAMPLE_BYTES = 1 << 20  # bytes inspected to guess encoding and separator


class FileRefused(ValueError):
    """The file as a whole cannot be loaded; nothing was written."""


def normalise_header(name: str) -> str:
    """``"Durée comm. (s)"`` -> ``"duree_comm_s"``: lower case, no accents, ``_`` separators."""
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^0-9a-zA-Z]+", "_", text.lower()).strip("_")
    return text or "column"


@dataclass
class Dialect:
    delimiter: str
    encoding: str  # as DuckDB names it: utf-8 | latin-1 (cp1252 is transcoded first)
    decimal_comma: bool


def _open_bytes(path: Path):
    return gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")


def _sample(path: Path) -> bytes:
    try:
        with _open_bytes(path) as fh:
            return fh.read(SAMPLE_BYTES)
    except (OSError, EOFError) as exc:
        raise FileRefused(f"{path}: cannot be read ({exc}). Check the file is a CSV export.") from exc


def sniff(path: Path, *, delimiter: str = "auto", encoding: str = "auto",
          decimal: str = "auto") -> Dialect:
    """Guess separator, encoding and decimal mark from the first MiB of the file."""
    sample = _sample(path)
    if not sample.strip():
        raise FileRefused(f"{path}: the file is empty. Export it again with its header row.")
    if b"\x00" in sample[:4096]:
        raise FileRefused(f"{path}: this is not a text table (binary content). "
                          "Give a CSV, .csv.gz, .parquet or .xlsx file.")
    if encoding == "auto":
        try:
            sample.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError as exc:
            # a multi-byte character cut at the end of the sample is still UTF-8
            encoding = "utf-8" if exc.start >= len(sample) - 4 else (
                "cp1252" if re.search(rb"[\x80-\x9f]", sample) else "latin-1")
    text = sample.decode("utf-8" if encoding == "utf-8" else "cp1252", errors="replace")
    header = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    if delimiter == "auto":
        counts = {d: header.count(d) for d in (";", ",", "\t", "|")}
        delimiter = max(counts, key=counts.get)
        if counts[delimiter] == 0:
            delimiter = ","
    if decimal == "auto":
        decimal_comma = delimiter in (";", "\t")
    else:
        decimal_comma = decimal == ","
    return Dialect(delimiter=delimiter, encoding=encoding, decimal_comma=decimal_comma)


@contextmanager
def _utf8_copy(path: Path, encoding: str) -> Iterator[Path]:
    """Transcode a CP1252 file to a temporary UTF-8 file (DuckDB reads UTF-8 and Latin-1)."""
    fd, tmp = tempfile.mkstemp(suffix=".csv", prefix="copil-")
    os.close(fd)
    try:
        decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        with _open_bytes(path) as src, open(tmp, "w", encoding="utf-8", newline="") as dst:
            while chunk := src.read(1 << 22):
                dst.write(decoder.decode(chunk))
            dst.write(decoder.decode(b"", final=True))
        yield Path(tmp)
    finally:
        os.unlink(tmp)


@dataclass
class Source:
    """A file opened as the temporary view ``copil_src`` (text columns + ``copil_line``)."""

    path: Path
    headers: list[str]            # normalised header names, in file order
    dialect: Dialect | None
    rejected: int                 # malformed lines put aside by the CSV reader


@contextmanager
def open_source(con: duckdb.DuckDBPyConnection, path: Path, *, delimiter: str = "auto",
                encoding: str = "auto", decimal: str = "auto") -> Iterator[Source]:
    """Create the temp view ``copil_src`` over ``path`` and the temp table ``copil_rejects``.

    ``copil_src`` has one text column per normalised header plus ``copil_line``, the
    record's 1-based line in the file (the header is line 1). ``copil_rejects`` lists
    malformed lines (``line``, ``reason``) without their content.
    """
    path = Path(path)
    if not path.exists():
        raise FileRefused(f"{path}: no such file. Check the path.")
    if path.is_dir():
        raise FileRefused(f"{path}: is a folder, not a file.")
    name = path.name.lower()
    if name.endswith((".xlsx", ".xlsm")):
        yield _open_excel(con, path)
    elif name.endswith(".parquet"):
        yield _open_parquet(con, path)
    else:
        dialect = sniff(path, delimiter=delimiter, encoding=encoding, decimal=decimal)
        if dialect.encoding == "cp1252":
            with _utf8_copy(path, "cp1252") as tmp:
                yield _open_csv(con, path, tmp, Dialect(dialect.delimiter, "utf-8",
                                                        dialect.decimal_comma))
        else:
            try:
                yield _open_csv(con, path, path, dialect)
            except _InvalidEncoding:
                # bytes further in the file are not UTF-8: read it again as CP1252
                with _utf8_copy(path, "cp1252") as tmp:
                    yield _open_csv(con, path, tmp, Dialect(dialect.delimiter, "utf-8",
                                                            dialect.decimal_comma))


class _InvalidEncoding(Exception):
    pass


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _dedupe(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        if n in seen:
            seen[n] += 1
            out.append(f"{n}_{seen[n]}")
        else:
            seen[n] = 0
            out.append(n)
    return out


def _open_csv(con, shown: Path, real: Path, dialect: Dialect) -> Source:
    # column names come from the header line; DuckDB needs them to read with auto_detect off
    try:
        described = con.execute(
            "select column_name from (describe select * from read_csv(?, header = true, "
            "all_varchar = true, delim = ?, quote = '\"', escape = '\"', encoding = ?, "
            "sample_size = 1, ignore_errors = true))",
            [str(real), dialect.delimiter, dialect.encoding]).fetchall()
    except duckdb.Error as exc:
        raise FileRefused(f"{shown}: not readable as a table ({str(exc).splitlines()[0]}). "
                          "Check the separator and that the first line is the header.") from exc
    raw_names = [r[0] for r in described]
    if len(raw_names) < 2:
        raise FileRefused(
            f"{shown}: found a single column {raw_names[0]!r} in the header; the separator is not "
            "one of , ; tab |. Export the file as CSV with a header row, or set csv.delimiter "
            "in a profile.")
    con.execute("drop table if exists copil_reject_errors")
    con.execute("drop table if exists copil_reject_scans")
    try:
        con.execute(
            "create or replace temp table copil_raw as select row_number() over () as copil_rn, * "
            "from read_csv(?, header = true, all_varchar = true, delim = ?, quote = '\"', "
            "escape = '\"', encoding = ?, store_rejects = true, "
            "rejects_table = 'copil_reject_errors', rejects_scan = 'copil_reject_scans', "
            "strict_mode = true, null_padding = false, max_line_size = 10000000)",
            [str(real), dialect.delimiter, dialect.encoding])
    except duckdb.Error as exc:
        raise FileRefused(f"{shown}: not readable as CSV ({str(exc).splitlines()[0]}). "
                          "Check the separator, the quotes and the encoding.") from exc
    errors = con.execute(
        "select line, any_value(error_type)::varchar, any_value(error_message) "
        "from copil_reject_errors group by line order by line").fetchall()
    if any(e[1] == "INVALID ENCODING" for e in errors) and dialect.encoding == "utf-8":
        raise _InvalidEncoding()
    con.execute("create or replace temp table copil_rejects (line bigint, reason varchar, "
                "good_before bigint)")
    if errors:
        con.executemany(
            "insert into copil_rejects values (?, ?, ?)",
            [(int(line), _reject_reason(kind, msg), int(line) - 2 - i)
             for i, (line, kind, msg) in enumerate(errors)])
    raw_cols = [r[0] for r in con.execute("select column_name from (describe copil_raw)").fetchall()][1:]
    norm = _dedupe([normalise_header(n) for n in raw_cols])
    select = ", ".join(f"r.{_quote(raw)} as {_quote(n)}" for raw, n in zip(raw_cols, norm, strict=True))
    # line of a good record = its rank + header + malformed lines before it
    if errors:
        con.execute(
            f"create or replace temp view copil_src as select {select}, "
            "r.copil_rn + 1 + coalesce(j.k, 0) as copil_line "
            "from copil_raw r asof left join (select good_before, row_number() over (order by line) "
            "as k from copil_rejects) j on r.copil_rn > j.good_before")
    else:
        con.execute(f"create or replace temp view copil_src as select {select}, "
                    "r.copil_rn + 1 as copil_line from copil_raw r")
    return Source(path=shown, headers=norm, dialect=dialect, rejected=len(errors))


def _reject_reason(kind: str, message: str) -> str:
    if kind in ("MISSING COLUMNS", "TOO MANY COLUMNS"):
        return f"malformed line: {message.strip()} (fields); check separators and quotes"
    if kind == "UNQUOTED VALUE":
        return "malformed line: a quote is not closed or not escaped"
    return f"malformed line: {kind.lower()}"


def _register_frame(con, shown: Path, frame: pd.DataFrame, first_line: int) -> Source:
    if frame.shape[1] < 2:
        raise FileRefused(f"{shown}: fewer than two columns; the first row must be the header.")
    norm = _dedupe([normalise_header(c) for c in frame.columns])
    frame = frame.astype(object).where(frame.notna(), None)
    frame.columns = norm
    text = pd.DataFrame({c: frame[c].map(lambda v: None if v is None else str(v)).astype(object)
                         for c in norm})
    text["copil_line"] = range(first_line, first_line + len(text))
    con.register("copil_frame", text)
    con.execute("create or replace temp table copil_src_t as select * from copil_frame")
    con.unregister("copil_frame")
    con.execute("create or replace temp view copil_src as select * from copil_src_t")
    con.execute("create or replace temp table copil_rejects (line bigint, reason varchar, "
                "good_before bigint)")
    return Source(path=shown, headers=norm, dialect=None, rejected=0)


def _open_excel(con, path: Path) -> Source:
    try:
        frame = pd.read_excel(path, dtype=str, sheet_name=0)
    except Exception as exc:  # openpyxl raises many kinds
        raise FileRefused(f"{path}: not a readable .xlsx workbook ({exc}).") from exc
    return _register_frame(con, path, frame, first_line=2)


def _open_parquet(con, path: Path) -> Source:
    try:
        cols = con.execute("select column_name from (describe select * from read_parquet(?))",
                           [str(path)]).fetchall()
    except duckdb.Error as exc:
        raise FileRefused(f"{path}: not a readable Parquet file ({str(exc).splitlines()[0]}).") from exc
    raw = [c[0] for c in cols]
    norm = _dedupe([normalise_header(n) for n in raw])
    select = ", ".join(f"cast({_quote(r)} as varchar) as {_quote(n)}" for r, n in zip(raw, norm, strict=True))
    con.execute(f"create or replace temp table copil_src_t as select {select}, "
                "file_row_number + 2 as copil_line from read_parquet(?, file_row_number = true)",
                [str(path)])
    con.execute("create or replace temp view copil_src as select * from copil_src_t")
    con.execute("create or replace temp table copil_rejects (line bigint, reason varchar, "
                "good_before bigint)")
    return Source(path=path, headers=norm, dialect=None, rejected=0)
