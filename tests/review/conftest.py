"""A demo warehouse over two quarters (2026-Q1 and Q2, with eight weeks of history before
each), built once per test session."""

from __future__ import annotations

import pytest

from analytics.contract import store_contract
from analytics.ingest import ingest_file
from analytics.warehouse import connect
from demo import generate
from demo.warehouse import DEMO_FILES, contract_text

START, END = "2025-11-03", "2026-06-28"


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory):
    root = tmp_path_factory.mktemp("review")
    gen = generate(None, root / "files", start=START, end=END)
    db = root / "demo.duckdb"
    con = connect(db)
    try:
        store_contract(con, contract_text())
        for name, kind in DEMO_FILES.items():
            ingest_file(con, kind, gen["files"][name])
    finally:
        con.close()
    return db


@pytest.fixture
def con(demo_db):
    c = connect(demo_db, read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="session")
def app(demo_db, tmp_path_factory):
    """The Dash app on the demo warehouse (pages register only once an app exists)."""
    from dashboards import auth
    from dashboards.app import create_app

    root = tmp_path_factory.mktemp("app")
    auth.add_user(root / "users.json", "client", "client", "review faces test password")
    return create_app(demo_db, users_path=root / "users.json", secret_key_path=root / "key")
