"""Loading files into the warehouse: validate, quarantine, pseudonymise, deduplicate, atomically.

One call of :func:`ingest_file` is one transaction: either every good row of the file,
its quarantined rows and its ``ingest_runs`` record are written, or nothing is.
The whole file is processed by DuckDB (never row by row in Python):

1. the file is opened as text columns with line numbers (:mod:`analytics.readers`);
2. the profile maps headers onto canonical columns; rows it excludes are *filtered*;
3. each column is parsed by its type, defaults are derived, row checks run; rows with
   problems go to ``quarantine`` with line, column, value and reason;
4. caller numbers are normalised and replaced by HMAC-SHA256 keys, each distinct
   number hashed once;
5. rows repeated within the file keep their last occurrence; rows already in the
   warehouse unchanged are *duplicates*, changed ones *updated*, others *loaded*.

``rows_read = loaded + updated + duplicate + quarantined + filtered`` always holds.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from analytics.aggregates import refresh_call_aggregates
from analytics.kinds import KINDS, Column, Kind
from analytics.privacy import caller_secret, check_key, hmac_pads, key_fingerprint
from analytics.profiles import Profile, detect_file_profile, load_profile
from analytics.readers import (
    FileRefused,
    NeedsTranscoding,
    Source,
    _quote,
    normalise_header,
    open_source,
)
from analytics.warehouse import DEFAULT_TIMEZONE, get_setting, set_setting, sql_text

__all__ = ["AUTO", "FileRefused", "IngestSummary", "ingest_file"]

#: ``profile=AUTO``: the built-in profile is recognised from the file's header.
AUTO = "auto"

#: Columns made from the caller's text by copil_caller_key, never read as such.
_CALLER_COLUMNS = ("caller_key", "caller_withheld")

#: Date-time layouts tried, in order (the macro copil_local_ts knows the same ones).
TIMESTAMP_LAYOUTS = (
    "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M",
    "%d/%m/%y %H:%M:%S", "%d/%m/%y %H:%M", "%d-%m-%Y %H:%M:%S", "%d.%m.%Y %H:%M:%S",
    "%Y%m%d %H:%M:%S", "%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y", "%Y%m%d",
)

_EXPECTED = {
    "timestamp": "a date-time: use ISO 8601 (2026-03-30T09:15:00+02:00) or DD/MM/YYYY HH:MM:SS",
    "date": "a date: use YYYY-MM-DD or DD/MM/YYYY",
    "seconds": "a number of seconds (decimal comma allowed) or H:MM:SS",
    "int": "a whole number",
    "number": "a number (decimal comma allowed)",
}


@dataclass
class IngestSummary:
    """What one file did to the warehouse. Counts are rows of the file."""

    kind: str
    file: str
    profile: str
    source: str
    sha256: str
    run_id: int | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_updated: int = 0
    rows_duplicate: int = 0
    rows_quarantined: int = 0
    rows_filtered: int = 0
    rows_grouped: int = 0       # segments merged into a call of an earlier row of the file
    rows_superseded: int = 0    # of rows_duplicate: earlier deliveries of a record (keep_latest)
    timezone: str = ""          # zone naive date-times of the file were read in
    assumptions: str = ""       # what the profile assumes (its own words)
    detected_by: list[str] = field(default_factory=list)  # --profile auto: headers that matched
    dst_ambiguous: int = 0
    skipped: bool = False
    previous_run: int | None = None
    seconds: float = 0.0
    problems: list[dict] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step

    @property
    def balanced(self) -> bool:
        return self.rows_read == (self.rows_loaded + self.rows_updated + self.rows_duplicate
                                  + self.rows_quarantined + self.rows_filtered
                                  + self.rows_grouped)

    def as_dict(self) -> dict:
        d = asdict(self)
        d["balanced"] = self.balanced
        return d


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


def _lit(text: str) -> str:
    """A SQL string literal for constant text written in this module (never user data)."""
    return "'" + text.replace("'", "''") + "'"


class _Builder:
    """Builds the staging query of one file for one kind and profile."""

    def __init__(self, kind: Kind, profile: Profile, source: Source) -> None:
        self.kind = kind
        self.profile = profile
        self.headers = source.headers
        self.source = source
        self.params: dict[str, object] = dict(source.params)
        self.caller_column: str | None = None  # caller_number or caller_key, as the file has
        self.units: dict[str, str] = {}  # canonical column -> unit declared by the profile

    def _param(self, value: object) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f"${name}"

    def _header(self, name: str, col: str) -> str:
        norm = normalise_header(name)
        if norm not in self.headers:
            raise FileRefused(
                f"profile {self.profile.name!r} takes {col} from column {name!r}, which this file "
                f"does not have (its columns: {', '.join(self.headers)}). Fix the profile or the file.")
        return _quote(norm)

    def raw_expr(self, col: str) -> str | None:
        """SQL text expression giving the raw value of canonical ``col``, or None if absent.

        A header the file lacks is an error only for a required column and a single choice;
        in a list of alternatives the first one the file has wins.
        """
        spec = self.profile.columns.get(col)
        if spec is None:
            return _quote(col) if col in self.headers else None
        alternatives = spec if isinstance(spec, list) else [spec]
        required = col in self.kind.required and not isinstance(spec, list)
        for alt in alternatives:
            if isinstance(alt, str):
                if normalise_header(alt) in self.headers or required:
                    return self._header(alt, col)
                continue
            header = alt.get("column") or alt.get("json")
            if header is not None and not (normalise_header(header) in self.headers or required):
                continue
            if "unit" in alt:
                self.units[col] = alt["unit"]
            if "sql" in alt:
                return f"cast(({alt['sql']}) as varchar)"
            if "column" in alt:
                return self._header(header, col)
            if "json" in alt:
                # JSON in a cell (Twilio's task_attributes): one field, null if not JSON
                cell = self._header(header, col)
                return (f"case when json_valid({cell}) then json_extract_string({cell}, "
                        f"{self._param(str(alt['path']))}) end")
            return f"(trim({self._header(alt['date'], col)}) || ' ' || trim({self._header(alt['time'], col)}))"
        if col in self.kind.required:
            raise FileRefused(
                f"profile {self.profile.name!r}: none of the columns it accepts for {col} "
                f"({', '.join(str(a) for a in alternatives)}) is in this file "
                f"(its columns: {', '.join(self.headers)}).")
        return None

    def mapped(self, col: Column, raw: str) -> str:
        """Apply the profile's value map (case- and accent-insensitive) to an enum's text."""
        mapping = self.profile.values.get(col.name)
        if not mapping:
            return f"lower({raw})"
        cases = " ".join(f"when {self._param(k)} then {self._param(v)}" for k, v in mapping.items())
        return f"lower(case copil_fold({raw}) {cases} else {raw} end)"

    def detect_layout(self, con: duckdb.DuckDBPyConnection, raw: str) -> str | None:
        """The strptime layout that parses most of a sample of the column's values."""
        sample = con.execute(
            f"select v from (select trim({raw}) as v from {self.source.sample} limit 5000) "
            "where v is not null and v <> '' and not copil_has_offset(v) limit 500",
            {k: v for k, v in self.source.params.items()
             if f"${k}" in self.source.sample}).fetchall()
        if not sample:
            return None
        values = [r[0] for r in sample]
        best, best_n = None, 0
        for layout in TIMESTAMP_LAYOUTS:
            n = con.execute("select count(try_strptime(v, ?)) from unnest(?::varchar[]) t(v)",
                            [layout, values]).fetchall()[0][0]
            if n > best_n:
                best, best_n = layout, n
            if n == len(values):
                break
        return best

    def typed(self, col: Column, raw: str, layout: str | None = None) -> str:
        comma = "$comma"
        if col.type == "text":
            return raw
        if col.type == "enum":
            return self.mapped(col, raw)
        unit = self.units.get(col.name)
        if col.type == "seconds":
            return (f"copil_seconds({raw}, {comma}) / 1000" if unit == "ms"
                    else f"copil_seconds({raw}, {comma})")
        if col.type == "timestamp" and unit in ("epoch_s", "epoch_ms"):
            return f"copil_epoch({raw}, {1000 if unit == 'epoch_ms' else 1})"
        if col.type == "number":
            return f"copil_num({raw}, {comma})"
        if col.type == "int":
            return f"cast(round(copil_num({raw}, {comma})) as bigint)"
        local = (f"copil_local_ts_f({raw}, {self._param(layout)})" if layout
                 else f"copil_local_ts({raw})")
        if col.type == "date":
            return f"cast({local} as date)"
        if col.type == "timestamp":
            # only texts with a UTC offset here; naive local times are placed by _staging_sql
            return f"case when copil_has_offset({raw}) then try_cast(trim({raw}) as timestamptz) end"
        raise ValueError(col.type)


def _staging_sql(con: duckdb.DuckDBPyConnection, b: _Builder) -> tuple[str, list[str], list[str]]:
    """The query creating temp table ``copil_stage`` (``copil_seg`` for a grouping profile);
    returns (sql, columns, missing).

    For a grouping profile the rows are segments: only their values are parsed and checked
    here (unparseable values, non-existent local times); defaults and row checks apply to
    the calls :func:`_grouping_sql` makes of them.
    """
    kind = b.kind
    grouped = b.profile.group is not None
    present: dict[str, str] = {}
    for col in kind.columns:
        if col.name in _CALLER_COLUMNS:
            continue
        raw = b.raw_expr(col.name)
        if raw is not None:
            present[col.name] = raw
    missing = [c for c in kind.required if c not in present]
    # a caller_number column wins over a caller_key column
    for name in ("caller_number", "caller_key") if kind.name == "calls" else ():
        caller_sql = b.raw_expr(name)
        if caller_sql is not None:
            b.caller_column = name
            break

    exclude = " or ".join(f"coalesce(({r['sql']}), false)" for r in b.profile.exclude) or "false"
    mapped_cols = ["copil_line as line", f"({exclude}) as copil_excluded"]
    extra_cols = []  # bookkeeping columns carried from mapped to final
    latest = b.profile.keep_latest
    if latest:
        # a record delivered several times: marked by _mark_superseded once staged (a
        # window over the staged narrow columns costs far less than over the file's rows)
        mapped_cols += [f"cast({latest.key} as varchar) as copil_lkey",
                        f"cast({latest.by} as varchar) as copil_lby",
                        "false as copil_superseded"]
        extra_cols += ["copil_lkey", "copil_lby", "copil_superseded"]
    if grouped and b.profile.group.order:
        mapped_cols.append(f"{b.profile.group.order} as copil_order")
        extra_cols.append("copil_order")
    for name, raw in present.items():
        # texts are trimmed once here (empty text is null from here on); the parsers of
        # the other types trim for themselves
        if kind.column(name).type in ("text", "enum"):
            raw = f"copil_text({raw})"
        else:
            raw = f"nullif({raw}, '')"
        mapped_cols.append(f"{raw} as {_quote('raw_' + name)}")
    if b.caller_column:
        # the caller's text, only until copil_caller_key (ingest_macros.sql) replaces it
        mapped_cols.append(f"copil_text({caller_sql}) as caller_raw")
    typed_cols = ["line", "copil_excluded", *extra_cols]
    problems: list[tuple[str, str]] = []
    naive_ts: list[str] = []
    for col in kind.columns:
        if col.name in _CALLER_COLUMNS:
            continue
        raw_name = _quote("raw_" + col.name)
        if col.name in present:
            epoch = b.units.get(col.name, "").startswith("epoch")
            layout = (b.detect_layout(con, present[col.name])
                      if col.type in ("timestamp", "date") and not epoch else None)
            typed = b.typed(col, raw_name, layout)
            if col.blank is not None and not grouped:
                # the file has the column: an empty cell is a value (for a grouping
                # profile, given to the call when no segment has one: _grouping_sql)
                typed = f"coalesce({typed}, {_lit(col.blank)})"
            typed_cols.append(f"{typed} as {_quote(col.name)}")
            typed_cols.append(raw_name)
            if col.type == "timestamp" and not epoch:
                naive_ts.append(col.name)
                local = (f"copil_local_ts_f({raw_name}, {b._param(layout)})" if layout
                         else f"copil_local_ts({raw_name})")
                typed_cols.append(f"case when not copil_has_offset({raw_name}) then {local} end "
                                  f"as {_quote('local_' + col.name)}")
        else:
            typed_cols.append(f"null as {_quote(col.name)}")
    if b.caller_column:
        typed_cols.append("caller_raw")

    # derived defaults, applied in column order, each seeing the ones before (for a
    # grouping profile, to the calls, after grouping)
    chain = [] if grouped else _default_chain(kind)
    # a segment's problems carry their own line (a call's lines are many)
    line = "line" if grouped else None
    for col in kind.columns:
        if col.name in _CALLER_COLUMNS:
            continue
        q = _quote(col.name)
        raw_name = _quote("raw_" + col.name)
        if col.name not in present:
            continue
        if col.required and not grouped:
            problems.append(_problem(col.name, f"{raw_name} is null", "null",
                                     f"{col.name} is empty; every row needs it"))
        if col.type == "enum":
            if not grouped:
                problems.append(_enum_problem(col, raw_name))
        elif col.type != "text":
            problems.append(_problem(
                col.name, f"{q} is null and {raw_name} is not null", raw_name,
                f"not {_EXPECTED[col.type]}", line))
        if col.type == "timestamp" and col.name in naive_ts:
            problems.append(_problem(
                col.name, _quote("nonex_" + col.name), raw_name,
                "this local time does not exist (clocks go forward at the spring DST change); "
                "check the export's time zone", line))
    for check in kind.checks if not grouped else ():
        raw_name = _quote("raw_" + check.column) if check.column in present else "null"
        condition = f"coalesce({check.bad}, false)"
        if check.column in present and kind.column(check.column).type != "text":
            # a value that failed to parse is reported once, as unparseable
            condition += f" and not ({_quote(check.column)} is null and {raw_name} is not null)"
        problems.append(_problem(check.column, condition, raw_name, check.reason))

    sql = "with mapped as (select " + ", ".join(mapped_cols) + f" from {b.source.relation}), "
    sql += "typed as (select " + ", ".join(typed_cols) + " from mapped)"
    sql += _zoned_sql(naive_ts)
    # resolve ambiguous autumn times to the first occurrence (earlier instant); row order
    # may move some to the second occurrence afterwards
    inner = "zoned"
    for name in naive_ts:
        q, amb = _quote(name), _quote("amb_" + name)
        inner = (f"(select * replace (case when {amb} "
                 f"then {q} - interval 1 hour else {q} end as {q}) from {inner})")
    for step in chain:
        inner = f"({step} {inner})"
    sql += f", defaulted as (select * from {inner})"
    # raw texts are only kept inside the problems of bad rows, not materialised
    raw_cols = ", ".join([_quote("raw_" + name) for name in present]
                         + [_quote("nonex_" + name) for name in naive_ts])
    sql += ", final as (select * exclude (" + raw_cols + "), " + _problems_sql(problems)
    sql += " from defaulted) select * from final"
    return sql, list(present), missing


def _default_chain(kind: Kind) -> list[str]:
    """SELECT prefixes filling each column's derived default, in column order."""
    return [f"select * replace (coalesce({_quote(col.name)}, {col.default}) "
            f"as {_quote(col.name)}) from" for col in kind.columns if col.default]


def _enum_problem(col: Column, value_sql: str, line: str | None = None) -> tuple[str, str]:
    q = _quote(col.name)
    return _problem(
        col.name, f"{q} is not null and {q} not in ({', '.join(_lit(v) for v in col.values)})",
        value_sql, f"{col.name} must be one of {', '.join(col.values)}; map other codes in "
                   f"the profile's values: section", line)


def _problems_sql(problems: list[tuple[str, str]]) -> str:
    """``problems``: the list of a row's problems, built only for rows that have one."""
    any_bad = " or ".join(cond for cond, _ in problems) or "false"
    described = ", ".join(struct for _, struct in problems)
    return (f"case when {any_bad} then list_filter([{described}], lambda p: p is not null) "
            "end as problems")


#: SQL of the named combine rules over one call's segments (``{c}`` is the column).
_COMBINE_SQL = {
    "first": "arg_min({c}, copil_ord) filter (where {c} is not null)",
    "last": "arg_max({c}, copil_ord) filter (where {c} is not null)",
    "min": "min({c})",
    "max": "max({c})",
    "sum": "sum({c})",
    # the segments that arrived up to the first answer (all when none was answered)
    "until_answer": "sum({c}) filter (where copil_first_answer is null "
                    "or arrived_at <= copil_first_answer)",
    "answered_else_last": "case when bool_or({c} = 'answered') then 'answered' else "
                          "arg_max({c}, copil_ord) filter (where {c} is not null) end",
    # the last value among segments that arrived after the first answer: where an
    # answered call was transferred to
    "after_answer": "arg_max({c}, copil_ord) filter (where {c} is not null "
                    "and arrived_at > copil_first_answer)",
}


def _grouping_sql(b: _Builder, present: list[str]) -> str:
    """The query making calls (temp table ``copil_stage``) of the segments in ``copil_seg``.

    Segments superseded (``keep_latest``) or excluded by the profile are left out; the
    others are grouped by ``call_id`` (a segment without one stays alone and is
    quarantined), each column combined by its rule (:data:`analytics.profiles.DEFAULT_COMBINE`).
    A call whose segments had problems gets them all; otherwise the defaults and row
    checks of the kind apply to the call. ``line`` is the call's first line and
    ``copil_rows`` its number of segments.
    """
    kind, group = b.kind, b.profile.group
    live = "not copil_excluded" + (" and not copil_superseded" if b.profile.keep_latest else "")
    order = "copil_order" if group.order else "arrived_at"
    needs_first_answer = any(
        group.rule(c) in ("until_answer", "after_answer")
        or (isinstance(group.rule(c), dict) and "copil_first_answer" in group.rule(c)["sql"])
        for c in present)
    first_answer = (", min(answered_at) over (partition by copil_gkey) as copil_first_answer"
                    if needs_first_answer else "")
    cols = []
    for col in kind.columns:
        if col.name in _CALLER_COLUMNS:
            continue
        q = _quote(col.name)
        if col.name == "call_id":
            cols.append(f"any_value(call_id) as {q}")
        elif col.name not in present:
            cols.append(f"null as {q}")
        else:
            rule = group.rule(col.name)
            agg = rule["sql"] if isinstance(rule, dict) else _COMBINE_SQL[rule].format(c=q)
            if col.blank is not None:  # the file has the column: no value is a value
                agg = f"coalesce(({agg}), {_lit(col.blank)})"
            cols.append(f"({agg}) as {q}")
    if b.caller_column:
        cols.append(_COMBINE_SQL["first"].format(c="caller_raw") + " as caller_raw")
    problems = []
    for col in kind.columns:
        q = _quote(col.name)
        if col.name not in present or col.name in _CALLER_COLUMNS:
            continue
        if col.required:
            problems.append(_problem(col.name, f"{q} is null", "null",
                                     f"{col.name} is empty; every call needs it", "line"))
        if col.type == "enum":
            problems.append(_enum_problem(col, q, "line"))
    for check in kind.checks:
        problems.append(_problem(check.column, f"coalesce({check.bad}, false)",
                                 _quote(check.column) if check.column in present else "null",
                                 check.reason, "line"))
    inner = "grouped"
    for step in _default_chain(kind):
        inner = f"({step} {inner})"
    # only the columns the combining reads (the staged table holds more)
    needed = ["line", "problems", *(_quote(c) for c in present if c != "call_id"),
              *(["caller_raw"] if b.caller_column else [])]
    return (
        f"with seg as (select call_id, {', '.join(needed)}, "
        f"coalesce(call_id, '#line ' || line) as copil_gkey, "
        f"({order}, line) as copil_ord{first_answer} from copil_seg where {live}), "
        f"grouped as (select min(line) as line, count(*) as copil_rows, false as copil_excluded, "
        + ", ".join(cols)
        + ", flatten(list(problems) filter (where problems is not null)) as copil_seg_problems "
        f"from seg group by copil_gkey), "
        f"defaulted as (select * from {inner}), "
        f"checked as (select * exclude (copil_seg_problems), "
        f"coalesce(nullif(copil_seg_problems, []), call_problems) as problems from "
        f"(select *, {_problems_sql(problems).removesuffix(' as problems')} as call_problems "
        f"from defaulted)) "
        f"select * exclude (call_problems) from checked")


def _zoned_sql(columns: list[str]) -> str:
    """CTEs ``tzd`` and ``zoned``: naive local times become instants, in the one pass
    over the file (no intermediate table).

    The zone's UTC offset is looked up once per local day (``copil_tz_days``: a hash join
    on the date costs almost nothing; an ICU conversion about 0.35 µs per value). Days
    next to an offset change are *mixed*: their rows are converted one by one. For each
    column ``c`` the CTE adds ``nonex_c`` (the local time does not exist) and ``amb_c``
    (it occurs twice; ``c`` is then the later instant, as ICU resolves it).
    """
    if not columns:
        return ", zoned as (select * from typed)"
    sql = ", tzd as (select * from copil_tz_days($tz))"
    replace, extra, joins = [], [], []
    for i, c in enumerate(columns):
        q, local, t = _quote(c), _quote("local_" + c), f"tz{i}"
        # a day outside the table (before 1900, after 2149) is placed one value at a time
        mixed = f"coalesce({t}.mixed, true)"
        replace.append(
            f"coalesce(typed.{q}, case when not {mixed} "
            f"then make_timestamp(epoch_us(typed.{local}) - {t}.off)::timestamptz "
            f"else copil_localize(typed.{local}, $tz) end) as {q}")
        # CASE, not AND: DuckDB evaluates both sides of AND in a projection
        extra.append(f"case when {mixed} then copil_nonexistent(typed.{local}, $tz) else false end "
                     f"as {_quote('nonex_' + c)}")
        extra.append(f"case when {mixed} then copil_ambiguous(typed.{local}, $tz) else false end "
                     f"as {_quote('amb_' + c)}")
        joins.append(f"left join tzd {t} on {t}.d = cast(typed.{local} as date)")
    return (sql + ", zoned as (select typed.* replace (" + ", ".join(replace) + "), "
            + ", ".join(extra) + " from typed " + " ".join(joins) + ")")


def _problem(column: str, condition: str, value_sql: str, reason: str,
             line: str | None = None) -> tuple[str, str]:
    """(condition, SQL struct describing the problem) for one row rule; with ``line`` (SQL
    of the line number) the struct names its line too (segments of grouped calls)."""
    at = f"'line': {line}, " if line else ""
    return (f"coalesce({condition}, false)",
            f"case when {condition} then {{{at}'column': {_lit(column)}, "
            f"'value': left(cast({value_sql} as varchar), 200), 'reason': {_lit(reason)}}} end")


def _resolve_fold(con: duckdb.DuckDBPyConnection, kind: Kind,
                  partition_sql: str | None, table: str = "copil_stage") -> int:
    """Second occurrences of an ambiguous autumn hour, told apart by row order.

    Within a partition (default: the whole file) and a local date, ambiguous rows are
    taken in line order; once a local time goes backwards, the clock has been set back,
    so that row and the ambiguous rows after it get the later instant (+1 hour). ``table``: the
    staged rows (``copil_seg`` holds the segments of a grouping profile).
    Returns how many rows were ambiguous.
    """
    stage_cols = _columns(con, table)
    if "local_arrived_at" not in stage_cols or kind.name != "calls":
        return 0
    part = partition_sql or "1"
    con.execute(
        f"""
        create or replace temp table copil_fold as
        with amb as (
            select line, {part} as part, local_arrived_at as loc
            from {table} where amb_arrived_at
        ), steps as (
            select line, part, loc,
                   loc < max(loc) over (partition by part, loc::date order by line
                                        rows between unbounded preceding and 1 preceding) as back
            from amb
        )
        select line,
               bool_or(coalesce(back, false)) over (partition by part, loc::date order by line
                        rows between unbounded preceding and current row) as second
        from steps
        """)
    n = con.execute("select count(*) from copil_fold").fetchall()[0][0]
    if n:
        con.execute(f"update {table} set arrived_at = arrived_at + interval 1 hour "
                    "where line in (select line from copil_fold where second)")
        # answered/ended times of those calls: the later instant when the earlier one
        # would fall before arrival
        for col in ("answered_at", "ended_at"):
            if f"amb_{col}" in stage_cols:
                con.execute(f"update {table} set {col} = {col} + interval 1 hour "
                            f"where {col} < arrived_at and amb_{col}")
    return int(n)


def _columns(con, table: str) -> list[str]:
    return [r[0] for r in con.execute(f"select column_name from (describe {table})").fetchall()]


def ingest_file(con: duckdb.DuckDBPyConnection, kind: str, path: str | Path, *,
                profile: str | Path | Profile | None = None, source: str | None = None,
                force: bool = False) -> IngestSummary:
    """Load one file of ``kind`` into the warehouse in one transaction.

    ``profile``: a built-in name, a YAML path, a :class:`Profile`, None (``canonical``) or
    ``"auto"`` (recognised from the header; ``summary.profile`` names the one chosen and
    ``summary.detected_by`` the headers that told it).
    Raises :class:`FileRefused` (nothing written) when the file is unusable as a whole.
    A file whose content hash was already loaded for the same kind and source is skipped
    (``skipped=True``) unless ``force``.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}: use one of {', '.join(KINDS)}")
    spec = KINDS[kind]
    path = Path(path)
    if not path.is_file():
        raise FileRefused(f"{path}: no such file. Check the path.")
    detected = None
    if profile == AUTO:
        detected = detect_file_profile(path, kind)
        profile = detected.profile
    prof = profile if isinstance(profile, Profile) else load_profile(profile)
    if not prof.applies_to(kind):
        raise ValueError(f"profile {prof.name!r} is for {prof.kind} files, not {kind}")
    src_label = source or prof.source or spec.default_source
    started = time.perf_counter()
    summary = IngestSummary(kind=kind, file=str(path), profile=prof.name, source=src_label,
                            sha256=file_sha256(path), assumptions=prof.assumptions,
                            detected_by=list(detected.matched) if detected else [])
    previous = con.execute(
        "select run_id from ingest_runs where sha256 = ? and kind = ? and source = ? "
        "and status = 'ok' order by run_id desc limit 1",
        [summary.sha256, kind, src_label]).fetchall()
    if previous and not force:
        summary.skipped, summary.previous_run = True, previous[0][0]
        summary.seconds = time.perf_counter() - started
        return summary

    wh_tz = get_setting(con, "timezone")
    tz = prof.timezone or wh_tz or DEFAULT_TIMEZONE
    if prof.timezone and wh_tz and wh_tz != prof.timezone:
        raise FileRefused(
            f"{path}: profile {prof.name!r} is for a line in {prof.timezone}, but this warehouse's "
            f"line is in {wh_tz}. Use a separate warehouse (--db) for each line.")
    summary.timezone = tz

    key = caller_secret()
    check_key(get_setting(con, "caller_key_id"), key)
    ours = prof.caller_key_id is not None
    if ours and prof.caller_key_id != key_fingerprint(key):
        raise FileRefused(
            f"{path}: profile {prof.name!r} declares caller keys made with the key of fingerprint "
            f"{prof.caller_key_id}, but this warehouse's key has fingerprint "
            f"{key_fingerprint(key)}. Fix caller_key_id in the profile, or remove it to have "
            f"the file's keys keyed again with this warehouse's key.")
    con.execute(sql_text("ingest_macros"))
    ipad, opad = hmac_pads(key)
    keys = CallerKeys(ipad, opad, prof.country_code, ours)
    con.execute("begin transaction")
    try:
        opened = time.perf_counter()
        try:
            with open_source(con, path, **prof.csv) as source_file:
                _load(con, spec, prof, source_file, summary, tz, keys, opened)
        except NeedsTranscoding:
            # bytes past the sniffed start are not UTF-8 (nothing was written yet): CP1252
            _drop_temps(con)
            with open_source(con, path, **{**prof.csv, "encoding": "cp1252"}) as source_file:
                _load(con, spec, prof, source_file, summary, tz, keys, opened)
        if wh_tz is None:
            set_setting(con, "timezone", tz)
        fingerprint = key_fingerprint(key)
        known = get_setting(con, "caller_key_id")
        if known is None:
            set_setting(con, "caller_key_id", fingerprint)
        summary.seconds = time.perf_counter() - started
        con.execute(
            "insert into ingest_runs (run_id, kind, file, sha256, profile, source, started_at, "
            "finished_at, rows_read, rows_loaded, rows_updated, rows_duplicate, rows_quarantined, "
            "rows_filtered, rows_grouped, status) values (?, ?, ?, ?, ?, ?, "
            "now() - to_microseconds(?), now(), ?, ?, ?, ?, ?, ?, ?, 'ok')",
            [summary.run_id, kind, str(path), summary.sha256, prof.name, src_label,
             int(summary.seconds * 1e6), summary.rows_read, summary.rows_loaded,
             summary.rows_updated, summary.rows_duplicate, summary.rows_quarantined,
             summary.rows_filtered, summary.rows_grouped])
        if not summary.balanced:  # a bug, never the user's data: refuse to commit
            raise RuntimeError(f"row counts do not balance: {summary.as_dict()}")
        refresh_call_aggregates(con, summary.run_id)  # the load's days, in its transaction
        committing = time.perf_counter()
        con.execute("commit")
        # the rows reach the warehouse file here (DuckDB checkpoints a large load at commit)
        summary.timings["commit"] = round(time.perf_counter() - committing, 3)
    except BaseException:
        try:
            con.execute("rollback")
        except duckdb.Error:
            pass
        raise
    finally:
        _drop_temps(con)
    return summary


def _drop_temps(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the temp tables of one load (the staged rows hold normalised caller numbers)."""
    for name in ("copil_stage", "copil_seg", "copil_good", "copil_cmp", "copil_keys", "copil_fold",
                 "copil_rejects", "copil_src_t", "copil_sample", "copil_reject_errors", "copil_reject_scans"):
        try:
            con.execute(f"drop table if exists temp.{name}")
        except duckdb.Error:
            pass


@dataclass(frozen=True)
class CallerKeys:
    """What copil_caller_key needs besides the value: the key's HMAC pads, the country
    code of national numbers, and whether 64-hex values are this warehouse's keys."""

    ipad: bytes
    opad: bytes
    country_code: str
    ours: bool


_CALLER_TYPES = {"caller_key": "varchar", "caller_withheld": "boolean"}
_CALLER_UNUSABLE = (
    "{column} is neither a phone number, a withheld marker (anonymous, private, unknown...) "
    "nor a 64-hex caller key; the value is not kept. Map the column with an sql: expression "
    "in the profile that gives the number")


def _mark_superseded(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """``keep_latest``: among staged rows sharing ``copil_lkey``, all but the one with the
    greatest ``copil_lby`` (an instant if it reads as one, else a number, else text; then
    the last line) get ``copil_superseded``. Only keys seen more than once are ranked."""
    by = "trim(copil_lby)"
    con.execute(
        f"update {table} set copil_superseded = true where line in ("
        f"select line from (select line, row_number() over (partition by copil_lkey order by "
        f"try_cast({by} as timestamptz) desc nulls last, try_cast({by} as double) desc nulls "
        f"last, copil_lby desc nulls last, line desc) as rank from {table} "
        f"where copil_lkey in (select copil_lkey from {table} where copil_lkey is not null "
        f"group by copil_lkey having count(*) > 1)) where rank > 1)")


def _group_segments(con: duckdb.DuckDBPyConnection, b: _Builder, present: list[str],
                    summary: IngestSummary) -> None:
    """Calls of the staged segments (``copil_seg`` -> ``copil_stage``, :func:`_grouping_sql`)
    and the segments' counts: read, superseded deliveries (duplicates), excluded (filtered).
    The rows of calls with a problem (quarantined) and those merged into a call (grouped)
    are counted by :func:`_count_grouped`, once caller problems are known too."""
    superseded = "copil_superseded" if b.profile.keep_latest else "false"
    read, n_superseded, n_filtered = con.execute(
        f"select count(*), count(*) filter (where {superseded}), "
        f"count(*) filter (where copil_excluded and not {superseded}) from copil_seg"
    ).fetchall()[0]
    con.execute(f"create or replace temp table copil_stage as {_grouping_sql(b, present)}")
    summary.rows_read = int(read) + b.source.rejected
    summary.rows_superseded = int(n_superseded)
    summary.rows_filtered = int(n_filtered)


def _count_grouped(con: duckdb.DuckDBPyConnection, summary: IngestSummary,
                   rejected: int) -> None:
    """Rows of calls with a problem (quarantined, every segment) and rows merged into an
    earlier row's call (grouped)."""
    quarantined, grouped = con.execute(
        "select coalesce(sum(copil_rows) filter (where problems is not null), 0), "
        "coalesce(sum(copil_rows - 1) filter (where problems is null), 0) from copil_stage"
    ).fetchall()[0]
    summary.rows_quarantined = int(quarantined) + rejected
    summary.rows_grouped = int(grouped)


def _pseudonymise(con: duckdb.DuckDBPyConnection, column: str, keys: CallerKeys,
                  with_line: bool = False) -> None:
    """Temp table ``copil_keys`` (caller_raw -> caller_key, caller_withheld), once per
    distinct caller text, by the one rule ``copil_caller_key`` (ingest_macros.sql); rows
    whose caller text is unusable get a problem that names the column, not the value."""
    con.execute(
        "create or replace temp table copil_keys as select caller_raw, "
        "copil_caller_key(caller_raw, $cc, $ours, $ipad, $opad) as caller_key, "
        "copil_caller_withheld(caller_raw) as caller_withheld from "
        "(select distinct caller_raw from copil_stage where caller_raw is not null)",
        {"ipad": keys.ipad, "opad": keys.opad, "cc": keys.country_code, "ours": keys.ours})
    unusable = "select caller_raw from copil_keys where caller_key is null and not caller_withheld"
    if con.execute(f"select count(*) > 0 from ({unusable})").fetchall()[0][0]:
        problem = ("{" + ("'line': line, " if with_line else "")
                   + "'column': $col, 'value': null::varchar, 'reason': $reason}")
        con.execute(
            f"update copil_stage set problems = case when problems is null then [{problem}] "
            f"else list_append(problems, {problem}) end where caller_raw in ({unusable})",
            {"col": column, "reason": _CALLER_UNUSABLE.format(column=column)})


def _load(con, spec: Kind, prof: Profile, source_file: Source, summary: IngestSummary,
          tz: str, keys: CallerKeys, opened: float) -> None:
    clock = [opened]

    def mark(step: str) -> None:
        """Record the seconds since the previous mark as ``step``."""
        now = time.perf_counter()
        summary.timings[step] = round(now - clock[0], 3)
        clock[0] = now

    mark("read")
    builder = _Builder(spec, prof, source_file)
    sql, present, missing = _staging_sql(con, builder)
    if missing:
        raise FileRefused(
            f"{source_file.path}: missing required column(s) {', '.join(missing)} for {spec.name} "
            f"(the file has: {', '.join(source_file.headers)}). Rename the header(s) or pass "
            f"--profile with a mapping (see 'copil ingest --help').")
    params = {"tz": tz,
              "comma": bool(source_file.dialect.decimal_comma) if source_file.dialect else False,
              **builder.params}
    # only the parameters the query uses (DuckDB refuses unused named parameters)
    params = {k: v for k, v in params.items() if f"${k}" in sql}
    grouped = prof.group is not None
    # a grouping profile stages segments (copil_seg), then calls (copil_stage)
    rows_table = "copil_seg" if grouped else "copil_stage"
    try:
        con.execute(f"create or replace temp table {rows_table} as {sql}", params)
    except duckdb.Error as exc:
        raise FileRefused(f"{source_file.path}: the profile {prof.name!r} does not fit this file "
                          f"({str(exc).splitlines()[0]}).") from exc
    source_file.collect_rejects(con)
    if source_file.rejected:
        # records after a malformed line sit one line further down per such line
        con.execute(f"update {rows_table} set line = line + (select count(*) from copil_rejects r "
                    f"where r.good_before < {rows_table}.line - 1) "
                    "where line - 1 > (select min(good_before) from copil_rejects)")
    if prof.keep_latest:
        _mark_superseded(con, rows_table)
    mark("stage")
    summary.run_id = con.execute("select nextval('ingest_run_seq')").fetchall()[0][0]
    if grouped:
        summary.dst_ambiguous = _resolve_fold(con, spec, prof.fold_partition, rows_table)
        mark("dst")
        _group_segments(con, builder, present, summary)
        mark("group")
    if builder.caller_column:
        _pseudonymise(con, builder.caller_column, keys, grouped)
        mark("pseudonymise")
    if grouped:
        _count_grouped(con, summary, source_file.rejected)
        live = "not copil_excluded"  # the calls made of segments are never excluded
    else:
        summary.dst_ambiguous = _resolve_fold(con, spec, prof.fold_partition)
        mark("dst")
        # superseded deliveries count as duplicates, before any other reason
        superseded, filtered, live = "0", "copil_excluded", "not copil_excluded"
        if prof.keep_latest:
            superseded = "count(*) filter (where copil_superseded)"
            filtered, live = (f"{filtered} and not copil_superseded",
                              f"{live} and not copil_superseded")
        counts = con.execute(
            f"select count(*), {superseded}, count(*) filter (where {filtered}), "
            f"count(*) filter (where {live} and problems is not null) from copil_stage"
        ).fetchall()[0]
        summary.rows_read = int(counts[0]) + source_file.rejected
        summary.rows_superseded = int(counts[1])
        summary.rows_filtered = int(counts[2])
        summary.rows_quarantined = int(counts[3]) + source_file.rejected
    run_args = [summary.run_id, spec.name, str(source_file.path)]
    # a grouped call's problems name their own lines (each segment's, or the call's first)
    line = "p.line" if grouped else "line"
    con.execute(
        "insert into quarantine (run_id, kind, file, line, \"column\", value, reason) "
        f"select ?, ?, ?, {line}, p.column, p.value, p.reason from "
        "(select line, unnest(problems) as p from copil_stage "
        f" where {live} and problems is not null) order by 4", run_args)
    con.execute(
        "insert into quarantine (run_id, kind, file, line, \"column\", value, reason) "
        "select ?, ?, ?, line, null, null, reason from copil_rejects order by line", run_args)
    summary.problems = [
        {"line": r[0], "column": r[1], "value": r[2], "reason": r[3]}
        for r in con.execute(
            "select line, \"column\", value, reason from quarantine where run_id = ? "
            "order by line limit 10", [summary.run_id]).fetchall()]
    mark("quarantine")

    cols = spec.names
    has_caller = builder.caller_column is not None
    select_cols = []
    for c in cols:
        if c in _CALLER_COLUMNS:
            select_cols.append(f"cast(null as {_CALLER_TYPES[c]}) as {c}" if not has_caller
                               # an empty caller cell is not in copil_keys: withheld
                               else "coalesce(k.caller_withheld, true) as caller_withheld"
                               if c == "caller_withheld" else f"k.{c}")
        else:
            select_cols.append(f"s.{_quote(c)}")
    join = "left join copil_keys k using (caller_raw)" if has_caller else ""
    key_cols = ", ".join("s." + _quote(k) for k in spec.key)
    where = "where " + live.replace("not ", "not s.") + " and s.problems is null"
    if grouped:  # rows of the file are segments; here, good calls are counted
        n_good_rows, n_unique = con.execute(
            f"select count(*), count(distinct ({key_cols})) from copil_stage s {where}"
        ).fetchall()[0]
    else:
        n_good_rows = (summary.rows_read - summary.rows_filtered - summary.rows_quarantined
                       - summary.rows_superseded)
        n_unique = con.execute(
            f"select count(distinct ({key_cols})) from copil_stage s {where}").fetchall()[0][0]
    in_file_dups = n_good_rows - int(n_unique)
    # a key repeated within the file keeps its last occurrence
    last_only = (f"qualify row_number() over (partition by {key_cols} order by s.line desc) = 1"
                 if in_file_dups else "")
    good = (f"select {', '.join(select_cols)} from copil_stage s {join} "
            f"{where} {last_only}")
    col_list = ", ".join(_quote(c) for c in cols)
    summary.rows_duplicate = summary.rows_superseded + in_file_dups
    fresh = not con.execute(f"select count(*) > 0 from {spec.table} where source = ?",
                            [summary.source]).fetchall()[0][0]
    if fresh:
        # nothing of this source yet: every unique good row is new, straight in
        mark("dedupe")
        con.execute(f"insert into {spec.table} (source, {col_list}, run_id) "
                    f"select ?, {col_list}, ? from ({good})", [summary.source, summary.run_id])
        summary.rows_loaded = int(n_unique)
        mark("write")
        return
    con.execute(f"create or replace temp table copil_good as {good}")
    mark("dedupe")

    on_key = " and ".join(f"t.{_quote(k)} = g.{_quote(k)}" for k in spec.key)
    same = " and ".join(f"t.{_quote(c)} is not distinct from g.{_quote(c)}" for c in cols)
    con.execute(
        f"create or replace temp table copil_cmp as select g.*, "
        f"t.{_quote(spec.key[0])} is not null as existing, "
        f"coalesce({same}, false) as same "
        f"from copil_good g left join {spec.table} t on t.source = ? and {on_key}", [summary.source])
    existing, identical = con.execute(
        "select count(*) filter (where existing), count(*) filter (where same) from copil_cmp"
    ).fetchall()[0]
    summary.rows_duplicate += int(identical)
    summary.rows_updated = int(existing) - int(identical)
    summary.rows_loaded = int(n_unique) - int(existing)
    mark("compare")
    if summary.rows_updated:
        on_del = " and ".join(f"{spec.table}.{_quote(k)} = c.{_quote(k)}" for k in spec.key)
        con.execute(f"delete from {spec.table} using copil_cmp c where {spec.table}.source = ? "
                    f"and c.existing and not c.same and {on_del}", [summary.source])
    con.execute(
        f"insert into {spec.table} (source, {col_list}, run_id) "
        f"select ?, {col_list}, ? from copil_cmp where not same", [summary.source, summary.run_id])
    mark("write")
