"""Building the demo warehouse: generate the seeded demo files, ingest them, store the contract."""

from __future__ import annotations

from pathlib import Path

from analytics.contract import store_contract
from analytics.demo import generate
from analytics.ingest import IngestSummary, ingest_file
from analytics.warehouse import connection

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
EXAMPLE_CONTRACT = DATA_DIR / "contract.example.yaml"

#: demo file -> ingestion kind, in loading order
DEMO_FILES = {
    "calls": "calls",
    "operator_counts": "operator",
    "callbacks": "callbacks",
    "campaigns": "campaigns",
    "staffing": "staffing",
}


def warehouse_has_calls(db_path: str | Path) -> bool:
    path = Path(db_path)
    if not path.exists():
        return False
    with connection(path, read_only=True) as con:
        tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
        return "calls" in tables and con.execute("select count(*) > 0 from calls").fetchall()[0][0]


def foreign_files(db_path: str | Path) -> list[str]:
    """Files loaded into the warehouse that ``copil demo`` did not load, oldest first.

    A demo load is a file with a demo file's name, loaded as that file's kind with the
    canonical profile (the bank's ``calls.csv.gz``, loaded with its own profile, is not).
    Empty for a missing file, an empty warehouse or one that only ``copil demo`` loaded.
    """
    path = Path(db_path)
    if not path.exists():
        return []
    demo = {(f"{name}.csv.gz" if name == "calls" else f"{name}.csv", kind)
            for name, kind in DEMO_FILES.items()}
    with connection(path, read_only=True) as con:
        runs = con.execute("select file, kind, profile from ingest_runs order by run_id").fetchall()
    return [f for f, kind, profile in runs
            if (Path(f).name, kind) not in demo or profile != "canonical"]


def build_demo_warehouse(db_path: str | Path, files_dir: str | Path, *, seed: int | None = None,
                         progress: bool = True) -> tuple[dict, list[IngestSummary]]:
    """Generate the demo files into ``files_dir`` (unless present) and load them into ``db_path``.

    Returns the generator's result (``files``, ``summary``) and one ingest summary per file.
    """
    files_dir = Path(files_dir)
    expected = {name: files_dir / (f"{name}.csv.gz" if name == "calls" else f"{name}.csv")
                for name in DEMO_FILES}
    if seed is None and all(p.exists() for p in expected.values()):
        generated = {"files": expected, "summary": None}
    else:
        generated = generate(None, files_dir, seed=seed, progress=progress)
    summaries = []
    with connection(db_path) as con:
        store_contract(con, EXAMPLE_CONTRACT.read_text(encoding="utf-8"))
        for name, kind in DEMO_FILES.items():
            summaries.append(ingest_file(con, kind, generated["files"][name]))
    return generated, summaries
