"""The demo warehouse: generate the seeded demo files, load them, store the demo contract.

The demo warehouse is a scratch DuckDB file (``data/demo.duckdb`` by default). Its
dashboard accounts live beside it (:func:`demo_users_path`), never in the users file
``copil serve`` uses for a real warehouse.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from analytics.contract import store_contract
from analytics.health import ingest_runs, row_counts
from analytics.ingest import IngestSummary, ingest_file
from analytics.warehouse import connection
from demo.files import FILE_NAMES, output_files
from demo.generator import generate

__all__ = ["DEMO_FILES", "contract_text", "demo_users_path", "warehouse_has_calls",
           "foreign_files", "DemoBuildPlan", "plan_demo_build", "DemoBuild",
           "build_demo_warehouse"]

#: demo file -> ingestion kind, in loading order
DEMO_FILES = {
    "calls": "calls",
    "operator_counts": "operator",
    "callbacks": "callbacks",
    "campaigns": "campaigns",
    "staffing": "staffing",
}


def contract_text() -> str:
    """The demo line's service contract (``demo/contract.yaml``): the generator's calendar
    (Monday-Friday 09:00-18:00, Europe/Paris) and the example targets."""
    return resources.files("demo").joinpath("contract.yaml").read_text(encoding="utf-8")


def demo_users_path(db_path: str | Path) -> Path:
    """The demo warehouse's own users file: ``<db without suffix>.users.json`` beside it
    (``data/demo.duckdb`` -> ``data/demo.users.json``)."""
    return Path(db_path).with_suffix(".users.json")


def warehouse_has_calls(db_path: str | Path) -> bool:
    """Whether the warehouse file exists and holds at least one call."""
    path = Path(db_path)
    if not path.exists():
        return False
    with connection(path, read_only=True) as con:
        counts = row_counts(con).set_index("table_name")["row_count"]
    return bool(counts.get("calls", 0) > 0)


def foreign_files(db_path: str | Path) -> list[str]:
    """Files loaded into the warehouse that ``copil demo`` did not load, oldest first.

    A demo load is a file with a demo file's name, loaded as that file's kind with the
    canonical profile (the bank's ``calls.csv.gz``, loaded with its own profile, is not).
    Empty for a missing file, an empty warehouse or one that only ``copil demo`` loaded.
    """
    path = Path(db_path)
    if not path.exists():
        return []
    demo = {(FILE_NAMES[name], kind) for name, kind in DEMO_FILES.items()}
    with connection(path, read_only=True) as con:
        n_runs = int(row_counts(con).set_index("table_name")["row_count"].get("ingest_runs", 0))
        runs = ingest_runs(con, limit=max(n_runs, 1)).iloc[::-1]   # oldest first
    return [f for f, kind, profile in zip(runs["file"], runs["kind"], runs["profile"],
                                          strict=True)
            if (Path(f).name, kind) not in demo or profile != "canonical"]


@dataclass(frozen=True)
class DemoBuildPlan:
    """What ``copil demo`` will do to the warehouse: ``build`` it (generate and load), after
    deleting it first when ``replace``."""

    build: bool
    replace: bool


def plan_demo_build(db_path: str | Path, *, seed: int | None = None,
                    rebuild: bool = False) -> DemoBuildPlan:
    """Decide whether to build the demo warehouse, refusing what would lose or mix data.

    Builds when asked to (``rebuild`` or a ``seed``) or when the warehouse has no calls.
    Raises ``ValueError`` when the warehouse holds files ``copil demo`` did not load
    (``rebuild`` or ``seed`` would delete or mix them, and the demo's accounts with known
    passwords do not belong beside real data), or when a ``seed`` would load a second
    seed on top of the demo's calls without ``rebuild``.
    """
    db = Path(db_path)
    foreign = foreign_files(db)
    if foreign:
        raise ValueError(f"{db} holds data that copil demo did not load ({foreign[0]}); "
                         "copil demo only builds and serves its own warehouse (--rebuild and "
                         "--seed would replace or mix that data, and the demo accounts have "
                         f"known passwords): give another --db, or use 'copil serve --db {db}'")
    if seed is not None and not rebuild and warehouse_has_calls(db):
        raise ValueError(f"{db} already has the demo's calls; add --rebuild to replace them "
                         f"with seed {seed} (loading a second seed on top mixes them)")
    return DemoBuildPlan(build=rebuild or seed is not None or not warehouse_has_calls(db),
                         replace=rebuild)


@dataclass(frozen=True)
class DemoBuild:
    """A built demo warehouse: the generator's result (``files``, ``summary``; summary None
    when existing files were reused) and one ingest summary per loaded file."""

    generated: dict
    ingested: list[IngestSummary]


def build_demo_warehouse(db_path: str | Path, files_dir: str | Path, *, seed: int | None = None,
                         replace: bool = False, progress: bool = True) -> DemoBuild:
    """Generate the demo files into ``files_dir`` (unless present) and load them into ``db_path``.

    ``replace``: delete the warehouse (and its write-ahead log) first. Existing files are
    reused unless a ``seed`` is given. The demo contract (:func:`contract_text`) is stored.
    """
    db = Path(db_path)
    if replace:
        for path in (db, db.with_name(db.name + ".wal")):
            path.unlink(missing_ok=True)
    expected = output_files(files_dir)
    if seed is None and all(expected[name].exists() for name in DEMO_FILES):
        generated = {"files": expected, "summary": None}
    else:
        generated = generate(None, files_dir, seed=seed, progress=progress)
    ingested = []
    with connection(db) as con:
        store_contract(con, contract_text())
        for name, kind in DEMO_FILES.items():
            ingested.append(ingest_file(con, kind, generated["files"][name]))
    return DemoBuild(generated=generated, ingested=ingested)
