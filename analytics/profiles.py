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
from analytics.readers import normalise_header

_CSV_KEYS = {"delimiter", "encoding", "decimal"}
_TOP_KEYS = {"name", "kind", "description", "source", "timezone", "country_code", "csv",
             "columns", "values", "exclude", "fold_partition", "caller_key_id"}


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

    def applies_to(self, kind: str) -> bool:
        return self.kind in ("any", kind)


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
                if not ({"sql"} <= set(alternative) or {"date", "time"} <= set(alternative)):
                    raise ValueError(f"{origin}: columns.{col} must be a header name, "
                                     "{sql: EXPR}, {date: HEADER, time: HEADER} or a list of them")
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
    )


def _fold(text: str) -> str:
    """Case- and accent-insensitive form of a value, as value maps compare them."""
    return normalise_header(text)
