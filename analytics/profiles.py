"""Ingestion profiles: how a foreign file layout maps onto the canonical columns.

A profile is a small YAML file (built-in ones live in ``analytics/profiles/``; a user
passes their own with ``--profile path/to/profile.yaml``)::

    name: my-acd                 # label shown in ingest_runs
    kind: calls                  # calls | operator | callbacks | campaigns | staffing | any
    source: provider             # rows are keyed by (key columns, source)
    timezone: Europe/Paris       # zone of naive date-times in the file
    country_code: "33"           # national numbers 0XXXXXXXXX become +33XXXXXXXXX
    csv: {delimiter: ";", encoding: latin-1, decimal: ","}   # each "auto" by default
    columns:                     # canonical column: how to get it from the file
      call_id: n_appel           #   a header (compared after normalise_header)
      arrived_at: {date: date_appel, time: heure}   # date and time in two columns
      wait_s: attente_s
      queue: {sql: "upper(file)"}                    # a DuckDB expression over headers
      agent_id: conseiller       # optional columns may be absent from a file
      call_id: [n_appel, id_appel]   # alternatives: the first one the file has
    values:                      # value maps, compared case- and accent-insensitively
      outcome: {traite: answered, abandonne: abandoned}
    exclude:                     # rows dropped on purpose, counted as "filtered"
      - {sql: "statut = 'TEST'", reason: test calls}
    caller_key_id: "1a2b3c4d5e6f"  # the file's 64-hex caller_key values were made by copil
                                   # with the key of this fingerprint (settings.caller_key_id):
                                   # kept as they are; without it they are keyed again
    signature: [ContactId, InitialContactId, Agent.ConnectedToAgentTimestamp]
                                 # headers that identify this export (--profile auto)
    assumptions: times are UTC   # one line the ingest summary repeats (zone, overflow rule)

Value forms of ``columns`` (each dict form may add ``unit:``)::

      arrived_at: {column: started_at, unit: epoch_s}    # UNIX seconds (epoch_ms: milliseconds)
      talk_s: {column: ttalkcomplete, unit: ms}          # a duration in milliseconds
      caller_number: {json: task_attributes, path: $.from}  # a value inside JSON in a cell
      answered_at: {sql: "case when ... end", unit: epoch_ms}

Multi-segment exports (one row per contact, leg, session or event) declare how rows
become calls; both steps run in SQL in the load's transaction::

    keep_latest:                 # records delivered more than once: per key, keep the row
      key: contactid             # with the greatest `by` (a date-time, number or text);
      by: lastupdatetimestamp    # the others count as duplicates
    group:                       # rows sharing call_id become one call
      order: {sql: "try_cast(eventdatems as bigint)"}   # segment order (default arrived_at)
      combine:                   # per canonical column: first | last (non-empty, in order),
        transfer_to: after_answer  # min | max | sum | until_answer | after_answer |
        outcome: {sql: "case when bool_or(...) then ... end"}   # answered_else_last | SQL

Without ``combine`` entries the rules are: queue, agent, caller, topic, region ``first``;
``arrived_at`` and ``answered_at`` ``min`` (first queue entry, first answer); ``ended_at``
``max``; ``talk_s``, ``hold_s``, ``wrap_s`` ``sum``; ``wait_s`` ``until_answer`` (the waits of
the segments that arrived up to the first answer); ``outcome`` ``answered_else_last``
(answered if any segment was, else the last segment's outcome); ``transfer_to`` ``last``.
``after_answer`` is the last value among segments that arrived after the first answer (the
target of a transfer). An SQL aggregate sees the segments' canonical columns, ``line``,
``copil_ord`` (the segment order) and ``copil_first_answer`` (the call's first answer).
Every other step (parsing, checks, quarantine, caller keys, dedupe) is the same; the
balance becomes ``read = loaded + updated + duplicates + quarantined + filtered + grouped``.

Headers are referred to by their normalised names (``"Durée comm. (s)"`` is
``duree_comm_s``). Without a mapping, a canonical column is taken from the header of
the same name. ``sql`` expressions are trusted configuration, like code: they are
written by whoever runs the warehouse, never taken from a web form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from analytics.kinds import KINDS
from analytics.readers import FileRefused, file_headers, normalise_header

_CSV_KEYS = {"delimiter", "encoding", "decimal"}
_TOP_KEYS = {"name", "kind", "description", "source", "timezone", "country_code", "csv",
             "columns", "values", "exclude", "fold_partition", "caller_key_id", "signature",
             "assumptions", "group", "keep_latest"}
#: Units a column spec may declare: epoch times for timestamps, milliseconds for durations.
UNITS = {"epoch_s": "timestamp", "epoch_ms": "timestamp", "ms": "seconds"}
#: Named ways of combining a column over the segments of one call (``group.combine``).
COMBINE_RULES = ("first", "last", "min", "max", "sum", "until_answer", "after_answer",
                 "answered_else_last")
#: The rule each canonical calls column gets when ``group.combine`` does not name it.
DEFAULT_COMBINE = {
    "queue": "first", "arrived_at": "min", "answered_at": "min", "ended_at": "max",
    "outcome": "answered_else_last", "wait_s": "until_answer", "talk_s": "sum",
    "hold_s": "sum", "wrap_s": "sum", "agent_id": "first", "topic": "first",
    "region": "first", "transfer_to": "last",
}


@dataclass(frozen=True)
class Group:
    """How the rows (segments) of one call are combined: ``order`` is SQL over the file's
    headers (None: the segment's ``arrived_at``); ``combine`` maps a canonical column to
    a rule of :data:`COMBINE_RULES` or ``{"sql": aggregate}``."""

    order: str | None = None
    combine: dict[str, Any] = field(default_factory=dict)

    def rule(self, column: str) -> Any:
        return self.combine.get(column, DEFAULT_COMBINE.get(column, "first"))


@dataclass(frozen=True)
class KeepLatest:
    """Rows sharing ``key`` (SQL over headers) are one record delivered several times: the
    row with the greatest ``by`` wins (the latest line on ties)."""

    key: str
    by: str


@dataclass(frozen=True)
class Profile:
    name: str
    kind: str = "any"
    description: str = ""
    source: str | None = None
    timezone: str | None = None
    country_code: str = "33"
    csv: dict[str, str] = field(default_factory=dict)
    columns: dict[str, Any] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    exclude: tuple[dict[str, str], ...] = ()
    fold_partition: str | None = None  # SQL over headers grouping rows for DST fold order
    caller_key_id: str | None = None   # fingerprint of the key that made the file's caller_keys
    signature: tuple[str, ...] = ()    # normalised headers that identify the export
    #                                    (("required",): the kind's required columns)
    assumptions: str = ""              # what the profile assumes (zone, overflow), one line
    group: Group | None = None         # rows sharing call_id become one call
    keep_latest: KeepLatest | None = None  # per key, only the latest delivery counts

    def applies_to(self, kind: str) -> bool:
        return self.kind in ("any", kind)

    def headers_for(self, kind: str) -> tuple[str, ...]:
        """The headers that identify this profile's exports of ``kind`` (may be empty)."""
        if self.signature == ("required",):
            return tuple(KINDS[kind].required)
        return self.signature


def builtin_profiles() -> dict[str, Path]:
    """Built-in profile names and their files."""
    folder = resources.files("analytics").joinpath("profiles")
    return {Path(str(p)).stem: Path(str(p)) for p in folder.iterdir() if str(p).endswith(".yaml")}


def load_profile(name_or_path: str | Path | None) -> Profile:
    """A built-in profile by name (default ``canonical``) or a YAML profile file."""
    if name_or_path is None:
        name_or_path = "canonical"
    builtins = builtin_profiles()
    text_name = str(name_or_path)
    if text_name in builtins:
        path = builtins[text_name]
    else:
        path = Path(text_name)
        if not path.exists():
            raise ValueError(
                f"unknown profile {text_name!r}: give a built-in profile "
                f"({', '.join(sorted(builtins))}) or the path of a profile YAML file")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML ({exc}).") from exc
    return parse_profile(data, str(path))


def parse_profile(data: dict, origin: str = "<profile>") -> Profile:
    """Validate a profile mapping; errors name the key and the fix."""
    if not isinstance(data, dict):
        raise ValueError(f"{origin}: a profile is a YAML mapping (name:, kind:, columns: ...).")
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise ValueError(f"{origin}: unknown key(s) {sorted(unknown)}; allowed: {sorted(_TOP_KEYS)}")
    kind = data.get("kind", "any")
    if kind != "any" and kind not in KINDS:
        raise ValueError(f"{origin}: kind {kind!r} is not one of any, {', '.join(KINDS)}")
    csv = data.get("csv") or {}
    if set(csv) - _CSV_KEYS:
        raise ValueError(f"{origin}: csv accepts only {sorted(_CSV_KEYS)}")
    columns = data.get("columns") or {}
    canonical = {c.name for k in KINDS.values() for c in k.columns if c.type != "derived"}
    canonical |= {"caller_number"}
    for col, spec in columns.items():
        if col not in canonical:
            raise ValueError(f"{origin}: columns.{col} is not a canonical column; "
                             f"see data/SCHEMA.md for the names")
        for alternative in spec if isinstance(spec, list) else [spec]:
            if isinstance(alternative, dict):
                _check_column_spec(origin, col, alternative)
            elif not isinstance(alternative, str):
                raise ValueError(f"{origin}: columns.{col} must be a header name (text)")
    values = {
        col: {_fold(str(k)): str(v) for k, v in (mapping or {}).items()}
        for col, mapping in (data.get("values") or {}).items()
    }
    key_id = data.get("caller_key_id")
    if key_id is not None and not (isinstance(key_id, str) and len(key_id) == 12):
        raise ValueError(f"{origin}: caller_key_id is the 12-character fingerprint of the key "
                         "(settings.caller_key_id), written in quotes: caller_key_id: \"1a2b3c4d5e6f\"")
    exclude = tuple(data.get("exclude") or ())
    for rule in exclude:
        if not isinstance(rule, dict) or "sql" not in rule or "reason" not in rule:
            raise ValueError(f"{origin}: each exclude rule needs sql: and reason:")
    signature = data.get("signature") or []
    if signature == "required":
        signature = ["required"]
    elif not isinstance(signature, list) or not all(isinstance(h, str) for h in signature):
        raise ValueError(f"{origin}: signature is a list of header names, "
                         "e.g. signature: [ContactId, InitialContactId], or 'required'")
    return Profile(
        name=str(data.get("name") or Path(origin).stem),
        kind=kind,
        description=str(data.get("description") or ""),
        source=data.get("source"),
        timezone=data.get("timezone"),
        country_code=str(data.get("country_code", "33")),
        csv={k: str(v) for k, v in csv.items()},
        columns=columns,
        values=values,
        exclude=exclude,
        fold_partition=data.get("fold_partition"),
        caller_key_id=key_id,
        signature=tuple(normalise_header(h) for h in signature),
        assumptions=" ".join(str(data.get("assumptions") or "").split()),
        group=_parse_group(data.get("group"), origin, columns),
        keep_latest=_parse_keep_latest(data.get("keep_latest"), origin),
    )


_SPEC_FORMS = ("a header name, {sql: EXPR}, {column: HEADER}, {date: HEADER, time: HEADER}, "
               "{json: HEADER, path: $.field} (each dict may add unit: epoch_s | epoch_ms | ms), "
               "or a list of them")


def _check_column_spec(origin: str, col: str, spec: dict) -> None:
    forms = [{"sql"}, {"column"}, {"date", "time"}, {"json", "path"}]
    keys = set(spec) - {"unit"}
    if keys not in forms:
        raise ValueError(f"{origin}: columns.{col} must be {_SPEC_FORMS}")
    unit = spec.get("unit")
    if unit is not None:
        column_type = next((c.type for k in KINDS.values() for c in k.columns if c.name == col),
                           None)
        if unit not in UNITS:
            raise ValueError(f"{origin}: columns.{col}.unit {unit!r} is not one of "
                             f"{', '.join(UNITS)}")
        if UNITS[unit] != column_type:
            raise ValueError(f"{origin}: columns.{col}.unit {unit!r} is for {UNITS[unit]} "
                             f"columns; {col} is a {column_type} column")
    if "path" in spec and not str(spec["path"]).startswith("$"):
        raise ValueError(f"{origin}: columns.{col}.path is a JSON path such as $.from")


def _sql_or_header(value: Any, origin: str, where: str) -> str:
    """SQL text for a header name or ``{sql: EXPR}``."""
    if isinstance(value, str):
        return '"' + normalise_header(value).replace('"', '""') + '"'
    if isinstance(value, dict) and set(value) == {"sql"}:
        return f"({value['sql']})"
    raise ValueError(f"{origin}: {where} is a header name or {{sql: EXPR}}")


def _parse_group(data: Any, origin: str, columns: dict) -> Group | None:
    if data is None:
        return None
    if not isinstance(data, dict) or set(data) - {"order", "combine"}:
        raise ValueError(f"{origin}: group accepts order: and combine: (see data/SCHEMA.md)")
    if "call_id" not in columns:
        raise ValueError(f"{origin}: group: rows are grouped by call_id; map columns.call_id "
                         "to the export's call key (e.g. InitialContactId)")
    combine = data.get("combine") or {}
    calls = {c.name for c in KINDS["calls"].columns} | {"caller_number"}
    for col, rule in combine.items():
        if col not in calls or col in ("call_id", "caller_key", "caller_withheld"):
            raise ValueError(f"{origin}: group.combine.{col}: not a calls column that can be "
                             "combined (call_id is the group key; the caller is the first one)")
        if not (rule in COMBINE_RULES or (isinstance(rule, dict) and set(rule) == {"sql"})):
            raise ValueError(f"{origin}: group.combine.{col} must be one of "
                             f"{', '.join(COMBINE_RULES)} or {{sql: AGGREGATE}}")
    order = data.get("order")
    return Group(order=None if order is None else _sql_or_header(order, origin, "group.order"),
                 combine=dict(combine))


def _parse_keep_latest(data: Any, origin: str) -> KeepLatest | None:
    if data is None:
        return None
    if not isinstance(data, dict) or set(data) != {"key", "by"}:
        raise ValueError(f"{origin}: keep_latest needs key: (the record's id) and by: "
                         "(e.g. LastUpdateTimestamp)")
    return KeepLatest(key=_sql_or_header(data["key"], origin, "keep_latest.key"),
                      by=_sql_or_header(data["by"], origin, "keep_latest.by"))


@dataclass(frozen=True)
class Detection:
    """Which built-in profile fits a file's header: ``profile`` (None when none fits),
    the signature headers that matched, and the profiles that can be recognised."""

    profile: str | None
    matched: tuple[str, ...]
    known: tuple[str, ...]


def detect_profile(headers: list[str], kind: str = "calls") -> Detection:
    """The built-in profile for ``kind`` whose signature headers are all in ``headers``
    (normalised names). The longest signature wins, so a vendor export that also has the
    canonical names is taken for the vendor's.

    Raises ValueError when two profiles with equally long signatures fit.
    """
    have = set(headers)
    fits, known = [], []
    for name in sorted(builtin_profiles()):
        prof = load_profile(name)
        signature = prof.headers_for(kind) if prof.applies_to(kind) else ()
        if not signature:
            continue
        known.append(name)
        if set(signature) <= have:
            fits.append((len(signature), name, signature))
    if not fits:
        return Detection(None, (), tuple(known))
    fits.sort(key=lambda f: -f[0])
    if len(fits) > 1 and fits[0][0] == fits[1][0]:
        raise ValueError(f"the header fits profiles {fits[0][1]} and {fits[1][1]} equally; "
                         "choose one with --profile")
    return Detection(fits[0][1], fits[0][2], tuple(known))


def detect_file_profile(path: str | Path, kind: str = "calls") -> Detection:
    """:func:`detect_profile` on the header of the file at ``path``.

    Raises :class:`~analytics.readers.FileRefused` naming the known profiles when no
    built-in profile recognises the header.
    """
    headers = file_headers(Path(path))
    found = detect_profile(headers, kind)
    if found.profile is None:
        shown = ", ".join(headers[:15]) + (", ..." if len(headers) > 15 else "")
        raise FileRefused(
            f"{path}: no built-in profile recognises this header ({shown}). Known exports: "
            f"{', '.join(found.known)} (see README, 'Supported sources'). Pass --profile NAME, "
            "or write a profile YAML for this layout and pass its path.")
    return found


def _fold(text: str) -> str:
    """Case- and accent-insensitive form of a value, as value maps compare them."""
    return normalise_header(text)
