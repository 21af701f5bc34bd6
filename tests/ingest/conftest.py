"""Fixtures for ingestion tests: a fresh warehouse and a fixed caller key."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics.warehouse import connect

BANK = Path(__file__).resolve().parents[3] / "shared" / "data" / "anonymous_bank_1999" / "calls.csv.gz"


@pytest.fixture(autouse=True)
def caller_key(monkeypatch):
    monkeypatch.setenv("COPIL_CALLER_KEY", "test-key-not-secret-padded-to-32-bytes")
    return b"test-key-not-secret-padded-to-32-bytes"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "w.duckdb"


@pytest.fixture
def con(db_path: Path):
    c = connect(db_path)
    yield c
    c.close()


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _rows(con, sql: str, params=None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


@pytest.fixture
def write():
    """write(path, text, encoding='utf-8') -> path"""
    return _write


@pytest.fixture
def rows():
    """rows(con, sql, params) -> list of tuples"""
    return _rows
