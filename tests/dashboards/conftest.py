"""Fixtures for the dashboard tests: the small warehouse, users for every role, the app
and signed-in Flask test clients."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from dashboards_testkit import PASSWORD, ROLES, build_warehouse, login  # noqa: E402

from dashboards import auth  # noqa: E402


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory) -> tuple[Path, dict]:
    path = tmp_path_factory.mktemp("wh") / "small.duckdb"
    facts = build_warehouse(path)
    return path, facts


@pytest.fixture(scope="session")
def users_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("users") / "users.json"
    for role in ROLES:
        auth.add_user(path, role, role, PASSWORD)
    return path


@pytest.fixture()
def app(warehouse, users_file, tmp_path):
    from dashboards.app import create_app

    return create_app(warehouse[0], users_path=users_file, secret_key_path=tmp_path / "key")


@pytest.fixture()
def clients(app):
    """Signed-in test clients by role, logged in on first use (hashing costs time)."""

    class Clients(dict):
        def __missing__(self, role):
            if role not in ROLES:
                raise KeyError(role)
            self[role] = login(app, role)
            return self[role]

    return Clients()


