"""Fixtures of the security tests: the small dashboard warehouse, one account per role, and
the app served by waitress on 127.0.0.1 (a free port, a thread, 4 worker threads, the options
``copil serve`` uses) so each
attack is replayed over real HTTP. The server runs in this process, so a test may count
what the server does (password hashes, cache entries)."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dashboards"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from dashboards_testkit import PASSWORD, ROLES, build_warehouse  # noqa: E402
from security_testkit import Served  # noqa: E402

from dashboards import auth  # noqa: E402


@pytest.fixture(scope="session")
def warehouse_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sec-wh") / "small.duckdb"
    build_warehouse(path)
    return path


@pytest.fixture()
def users_path(tmp_path) -> Path:
    """A fresh users file per test (sessions and passwords change in these tests)."""
    path = tmp_path / "users.json"
    for role in ROLES:
        auth.add_user(path, role, role, PASSWORD)
    return path


@pytest.fixture()
def serve(warehouse_path, users_path, tmp_path) -> Iterator[Callable[..., Served]]:
    """``serve(**create_app_kwargs)`` -> :class:`Served`; servers are closed after the test."""
    from waitress.server import create_server

    from dashboards.app import create_app, waitress_options

    servers = []

    def start(**kwargs) -> Served:
        kwargs.setdefault("users_path", users_path)
        kwargs.setdefault("secret_key_path", tmp_path / "secret_key")
        app = create_app(warehouse_path, **kwargs)
        server = create_server(app.server, host="127.0.0.1", port=0,
                               **waitress_options(app, threads=4))
        stop = threading.Event()

        def run() -> None:  # waitress's loop, stoppable, closing its sockets itself at the end
            while not stop.is_set():
                server.asyncore.loop(timeout=0.1, map=server._map, count=1)
            server.task_dispatcher.shutdown(timeout=5)
            for channel in list(server._map.values()):
                channel.close()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        servers.append((stop, thread, app))
        return Served(app, f"http://127.0.0.1:{server.effective_port}")

    yield start
    for stop, thread, app in servers:
        stop.set()
        thread.join(timeout=10)
        worker = app.server.config["COPIL_WAREHOUSE"]._worker  # background prefetch, if any
        if worker is not None:
            worker.join(timeout=60)
