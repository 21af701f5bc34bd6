"""Opening input files as DuckDB relations of text columns, with their line numbers.

Formats: CSV (``,`` ``;`` tab or ``|``; UTF-8, Latin-1 or CP1252; gzip allowed),
Parquet and Excel ``.xlsx``. Every value is read as text: parsing and validation
happen afterwards in SQL, so a bad value becomes a quarantined row, not a failed load.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
import secrets
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from fsspec.implementations.memory import MemoryFileSystem

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
    encoding: str  # as DuckDB names it: utf-8 | latin-1 (cp1252 is transcoded in memory first)
    decimal_comma: bool
    long_lines: bool = False  # records near MAX_LINE_BYTES or longer in the first MiB


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
    lines = sample.split(b"\n")
    # the last piece is a whole line only when the file is shorter than the sample
    long_lines = any(len(line) > MAX_LINE_BYTES // 4
                     for line in (lines if len(sample) == SAMPLE_BYTES else lines[:-1]))
    return Dialect(delimiter=delimiter, encoding=encoding, decimal_comma=decimal_comma,
                   long_lines=long_lines)


class _MemoryFiles(MemoryFileSystem):
    """An in-memory file system of its own (``copilmem://``), never written to disk."""

    protocol = ("copilmem",)
    root_marker = ""
    store: dict = {}
    pseudo_dirs = [""]


@contextmanager
def _utf8_in_memory(con: duckdb.DuckDBPyConnection, path: Path, encoding: str) -> Iterator[str]:
    """Transcode a CP1252 file to UTF-8 in memory (DuckDB reads UTF-8 and Latin-1 only) and
    yield its ``copilmem://`` address, readable by ``con`` until the block ends.

    The file's bytes (caller numbers included) never reach the disk: the UTF-8 text is held
    in RAM for the load (about the file's size) and dropped afterwards.
    """
    fs = _MemoryFiles(skip_instance_cache=True)
    address = f"copilmem://{secrets.token_hex(8)}/{path.name.removesuffix('.gz')}"
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    with _open_bytes(path) as src, fs.open(address, "wb") as dst:
        while chunk := src.read(1 << 22):
            dst.write(decoder.decode(chunk).encode("utf-8"))
        dst.write(decoder.decode(b"", final=True).encode("utf-8"))
    con.register_filesystem(fs)
    try:
        yield address
    finally:
        con.unregister_filesystem("copilmem")
        fs.rm(address)


@dataclass
class Source:
    """An input file as SQL: ``relation`` yields one text column per normalised header plus
    ``copil_line`` (the record's 1-based line in the file, header = line 1); ``sample`` is a
    cheap relation over the first records (no line numbers) to guess layouts from.
    Both use the named parameters in ``params``."""

    path: Path
    headers: list[str]            # normalised header names, in file order
    dialect: Dialect | None
    relation: str
    sample: str
    params: dict = field(default_factory=dict)
    csv: bool = False
    rejected: int = 0             # malformed lines put aside by the CSV reader

    def collect_rejects(self, con: duckdb.DuckDBPyConnection) -> None:
        """After ``relation`` was read: fill temp table ``copil_rejects`` (line, reason,
        good_before) with the malformed lines, without their content.

        Raises :class:`NeedsTranscoding` when bytes further in the file were not UTF-8.
        """
        con.execute("create or replace temp table copil_rejects (line bigint, reason varchar, "
                    "good_before bigint)")
        if not self.csv:
            return
        errors = con.execute(
            "select line, any_value(error_type)::varchar, any_value(error_message) "
            "from copil_reject_errors group by line order by line").fetchall()
        if self.dialect.encoding == "utf-8" and any(e[1] == "INVALID ENCODING" for e in errors):
            raise NeedsTranscoding(str(self.path))
        if errors:
            # good_before: good records before this malformed line (header = line 1)
            con.executemany("insert into copil_rejects values (?, ?, ?)",
                            [(int(line), _reject_reason(kind, msg), int(line) - 2 - i)
                             for i, (line, kind, msg) in enumerate(errors)])
        self.rejected = len(errors)


class NeedsTranscoding(Exception):
    """A file taken for UTF-8 has other bytes further on: read it again as CP1252."""


@contextmanager
def open_source(con: duckdb.DuckDBPyConnection, path: Path, *, delimiter: str = "auto",
                encoding: str = "auto", decimal: str = "auto") -> Iterator[Source]:
    """Open ``path`` as a :class:`Source` (CSV is read lazily by the query that uses it;
    Excel and Parquet are copied into the temp table ``copil_src_t``)."""
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
            with _utf8_in_memory(con, path, "cp1252") as address:
                yield _open_csv(con, path, address, Dialect(dialect.delimiter, "utf-8",
                                                            dialect.decimal_comma,
                                                            dialect.long_lines))
        else:
            yield _open_csv(con, path, path, dialect)


def file_headers(path: Path) -> list[str]:
    """The normalised header names of a file, from its first line (CSV) or its columns
    (Excel, Parquet), without reading the rows."""
    path = Path(path)
    if not path.is_file():
        raise FileRefused(f"{path}: no such file. Check the path.")
    name = path.name.lower()
    if name.endswith((".xlsx", ".xlsm", ".parquet")):
        con = duckdb.connect()
        try:
            with open_source(con, path) as source:
                return list(source.headers)
        finally:
            con.close()
    dialect = sniff(path)
    text = _sample(path).decode("utf-8" if dialect.encoding == "utf-8" else "cp1252",
                                errors="replace").lstrip("\ufeff")
    first = next(csv.reader(io.StringIO(text), delimiter=dialect.delimiter), [])
    return _dedupe([normalise_header(h) for h in first])


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


#: The longest record read first (bytes). The reader's buffers grow with it (10 MB made
#: opening a gzip file take seconds), so a file with longer records is opened again with
#: LONG_LINE_BYTES.
MAX_LINE_BYTES = 2 << 20
LONG_LINE_BYTES = 10_000_000


def _csv_options(max_line: int) -> str:
    """read_csv options of every CSV read (constants only; values are named parameters)."""
    return ("header = true, all_varchar = true, delim = $src_delim, quote = '\"', "
            f"escape = '\"', encoding = $src_enc, max_line_size = {int(max_line)}")


def _open_csv(con, shown: Path, real: Path | str, dialect: Dialect) -> Source:
    params = {"src_path": str(real), "src_delim": dialect.delimiter, "src_enc": dialect.encoding}
    options = _csv_options(LONG_LINE_BYTES if dialect.long_lines else MAX_LINE_BYTES)
    # a first look at the header alone: refuse files that are not a table before reading them
    try:
        described = con.execute(
            f"select column_name from (describe select * from read_csv($src_path, {options}, "
            "sample_size = 1, ignore_errors = true))", params).fetchall()
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
    norm = _dedupe([normalise_header(n) for n in raw_names])
    select = ", ".join(f"{_quote(raw)} as {_quote(n)}" for raw, n in zip(raw_names, norm, strict=True))
    relation = (
        f"(select row_number() over () + 1 as copil_line, {select} "
        f"from read_csv($src_path, {options}, store_rejects = true, "
        "rejects_table = 'copil_reject_errors', rejects_scan = 'copil_reject_scans', "
        "strict_mode = true))")
    # the first records, read once (each read of a gzip file starts by inflating a buffer)
    con.execute(f"create or replace temp table copil_sample as select 0 as copil_line, {select} "
                f"from read_csv($src_path, {options}, ignore_errors = true) limit 5000",
                params)
    return Source(path=shown, headers=norm, dialect=dialect, relation=relation,
                  sample="copil_sample", params=params, csv=True)


def _reject_reason(kind: str, message: str) -> str:
    if kind in ("MISSING COLUMNS", "TOO MANY COLUMNS"):
        return f"malformed line: {message.strip()} (fields); check separators and quotes"
    if kind == "LINE SIZE OVER MAXIMUM":
        return (f"malformed line: longer than {MAX_LINE_BYTES >> 20} MiB; check that its quotes "
                "are closed")
    if kind == "UNQUOTED VALUE":
        return "malformed line: a quote is not closed or not escaped"
    return f"malformed line: {kind.lower()}"


def _register_frame(con, shown: Path, frame, first_line: int) -> Source:
    import pandas as pd

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
    return Source(path=shown, headers=norm, dialect=None, relation="copil_src_t",
                  sample="copil_src_t")


def _open_excel(con, path: Path) -> Source:
    import pandas as pd

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
    return Source(path=path, headers=norm, dialect=None, relation="copil_src_t",
                  sample="copil_src_t")
