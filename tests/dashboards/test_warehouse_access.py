"""Short-lived read connections, the cache keyed on the file's version, writes from the app,
and the app reading while another process writes the warehouse."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time

from dashboards_testkit import post_callback

from analytics.warehouse import connect
from dashboards.data import Warehouse


def count_calls(con):
    return con.execute("select count(*) from calls").fetchall()[0][0]


def _insert_call(con, call_id):
    con.execute("insert into calls (source, call_id, queue, arrived_at, outcome, run_id) "
                "values ('w', ?, 'q', now(), 'answered', 9)", [call_id])


def test_cache_hits_until_the_file_changes(tmp_path):
    path = tmp_path / "w.duckdb"
    connect(path).close()
    wh = Warehouse(path)
    assert wh.read(count_calls) == 0
    assert wh.read(count_calls) == 0
    assert wh.stats == {"hits": 1, "misses": 1, "stale": 0}
    wh.write(_insert_call, "c1")
    assert wh.read(count_calls) == 1  # the write changed the file: read again
    assert wh.stats["misses"] == 2


def test_held_warehouse_is_read_from_its_snapshot(tmp_path):
    """Issue 11: while another process holds the warehouse the app reads the snapshot last
    published, for cached and new reads alike (before, a read not in the cache failed with
    WarehouseBusy); once the writer lets go, the app publishes its change and reads it."""
    path = tmp_path / "w.duckdb"
    connect(path).close()
    wh = Warehouse(path, retries=1)
    assert wh.read(count_calls) == 0
    code = textwrap.dedent(f"""
        import sys, time, duckdb
        con = duckdb.connect({str(path)!r})
        con.execute("insert into calls (source, call_id, queue, arrived_at, outcome, run_id) "
                    "values ('w', 'x', 'q', now(), 'answered', 9)")
        con.execute("checkpoint")
        print("locked", flush=True)
        sys.stdin.readline()
        con.close()
    """)
    writer = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "locked"
        assert wh.read(count_calls) == 0  # the published state: the page keeps working
        assert wh.read(lambda con: count_calls(con) + 1) == 1  # not cached: read all the same
        assert wh.stats["stale"] == 0
    finally:
        writer.stdin.write("\n")
        writer.stdin.flush()
        writer.wait(timeout=30)
    assert wh.read(count_calls) == 1


def test_callbacks_keep_answering_while_another_process_ingests(clients, warehouse, tmp_path):
    """A writer process inserts in short transactions (like ``copil ingest`` batches) while
    the app answers Data-page callbacks; every callback succeeds and the counts only grow."""
    from dashboards_testkit import build_warehouse, login

    from dashboards.app import create_app

    path = tmp_path / "busy.duckdb"
    build_warehouse(path)
    users = clients["admin"].application.config["COPIL_USERS"]
    app = create_app(path, users_path=users, secret_key_path=tmp_path / "k")
    admin = login(app, "admin")
    code = textwrap.dedent(f"""
        import time
        from analytics.warehouse import connect
        for i in range(15):
            con = connect({str(path)!r})
            con.execute("insert into calls (source, call_id, queue, arrived_at, outcome, run_id) "
                        "values ('w', ?, 'q', now(), 'answered', 9)", [f"w{{i}}"])
            time.sleep(0.05)   # hold the lock a little, like a batch being loaded
            con.close()
            time.sleep(0.05)
        print("done", flush=True)
    """)
    writer = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    statuses = []
    deadline = time.time() + 60
    while writer.poll() is None and time.time() < deadline:
        response = post_callback(admin, [("data-content", "children")],
                                 [("data-refresh", "n_clicks", len(statuses))])
        statuses.append(response.status_code)
    writer.wait(timeout=60)
    assert writer.returncode == 0
    assert statuses and all(s == 200 for s in statuses)
    final = post_callback(admin, [("data-content", "children")],
                          [("data-refresh", "n_clicks", 99)])
    assert final.status_code == 200
    wh = app.server.config["COPIL_WAREHOUSE"]
    assert wh.read(lambda con: con.execute(
        "select count(*) from calls where source = 'w'").fetchall()[0][0]) == 15


def test_threads_reading_and_writing_in_one_process(tmp_path):
    path = tmp_path / "w.duckdb"
    connect(path).close()
    wh = Warehouse(path)
    errors = []

    def reader():
        try:
            for _ in range(30):
                wh.read(count_calls)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def writer():
        try:
            for i in range(10):
                wh.write(_insert_call, f"t{i}")
        except Exception as exc:  # pragma: no cover
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(3)] + [threading.Thread(target=writer)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    assert errors == []
    assert wh.read(count_calls) == 10


def test_prefetch_runs_in_the_background_once(tmp_path):
    path = tmp_path / "w.duckdb"
    connect(path).close()
    wh = Warehouse(path)
    wh.prefetch(count_calls)
    wh.prefetch(count_calls)  # queued once
    deadline = time.time() + 10
    while wh.stats["misses"] == 0 and time.time() < deadline:
        time.sleep(0.05)
    assert wh.stats["misses"] == 1
    assert wh.read(count_calls) == 0
    assert wh.stats == {"hits": 1, "misses": 1, "stale": 0}
    wh.prefetch(count_calls)  # already cached: nothing queued
    time.sleep(0.5)
    assert wh.stats["misses"] == 1
