"""A small demo warehouse (16 weeks, 2026-08-03 to 2026-11-22, with the autumn DST change on
Sunday 2026-10-25), built once per test session."""

from __future__ import annotations

import pytest

from analytics.contract import store_contract
from analytics.ingest import ingest_file
from analytics.warehouse import connect
from demo import generate
from demo.warehouse import DEMO_FILES, contract_text

START, END = "2026-08-03", "2026-11-22"


@pytest.fixture(scope="session")
def small_db(tmp_path_factory):
    root = tmp_path_factory.mktemp("planning")
    gen = generate(None, root / "files", start=START, end=END)
    db = root / "small.duckdb"
    con = connect(db)
    try:
        store_contract(con, contract_text())
        for name, kind in DEMO_FILES.items():
            ingest_file(con, kind, gen["files"][name])
    finally:
        con.close()
    return db


@pytest.fixture
def con(small_db):
    c = connect(small_db, read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="session")
def w43_plan(small_db):
    """The plan of 2026-W43 (Monday 19 October; DST ends Sunday 25 October), ex ante."""
    from analytics.week_plan import plan_week

    c = connect(small_db, read_only=True)
    try:
        return plan_week(c, "2026-W43")
    finally:
        c.close()


@pytest.fixture(scope="session")
def w43(w43_plan):
    """Ex-ante interval forecast of 2026-W43."""
    return w43_plan.forecast()


@pytest.fixture(scope="session")
def w48_plan(small_db):
    """Requirements for 2026-W48 (after the data) with a planned press campaign: one fit."""
    from analytics.week_plan import plan_week

    c = connect(small_db, read_only=True)
    try:
        plan = plan_week(c, "2026-W48")
    finally:
        c.close()
    what_if = plan.what_if("press", "2026-11-24")
    return {"plan": plan, "forecast": plan.forecast(), "requirements": plan.requirements(),
            "what_if": what_if.table, "what_if_summary": what_if.summary}
