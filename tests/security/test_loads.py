"""Issue 11 point 11: loads succeed while the dashboard reads, queue behind each other,
and say who holds the warehouse when they cannot wait (before: the app's short read-only
connections kept the file locked, ``copil ingest`` stopped with a traceback and blamed
"another copil process is writing" when the holder was the dashboard, reading)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from analytics.warehouse import WarehouseLocked, connect
from dashboards.data import Warehouse, WarehouseBusy

ROOT = Path(__file__).resolve().parents[2]
COPIL = [sys.executable, "-c", "import sys; from copil.cli import main; sys.exit(main())"]
KEY = "load-test-caller-key-0123456789abcdef"  # 32+ characters


def generated(n: int, out: Path, first_id: int = 0) -> Path:
    """A canonical call log of ``n`` rows, ids from ``C<first_id>`` (benchmarks/ingest.py's
    generator: no randomness, the same rows every time)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import ingest as bench
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return bench.make_file(n, out, first_id=first_id)


def ingest(db: Path, file: Path, **env: str) -> subprocess.Popen:
    return subprocess.Popen([*COPIL, "ingest", "calls", str(file), "--db", str(db)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "COPIL_CALLER_KEY": KEY, **env})


def generated_calls(con) -> int:
    return con.execute("select count(*) from calls where call_id like 'C%'").fetchall()[0][0]


def eventually(read, expected, within_s: float = 30.0):
    """``read()`` until it gives ``expected``: a view cached before a load shows the state
    before it while the new answer is computed behind (dashboards.data.REFRESH_S)."""
    deadline = time.monotonic() + within_s
    while (value := read()) != expected and time.monotonic() < deadline:
        time.sleep(0.1)
    return value


@pytest.fixture()
def own_warehouse(tmp_path, monkeypatch) -> Path:
    """A warehouse holding 5,000 calls loaded by ``copil ingest``'s library."""
    from analytics.ingest import ingest_file
    from analytics.warehouse import connection

    monkeypatch.setenv("COPIL_CALLER_KEY", KEY)
    path = tmp_path / "w.duckdb"
    with connection(path) as con:
        ingest_file(con, "calls", generated(5_000, tmp_path / "base", first_id=10_000_000))
    return path


def test_a_load_completes_while_the_app_reads_without_pause(own_warehouse, tmp_path):
    wh = Warehouse(own_warehouse)
    before = wh.read(generated_calls)
    file = generated(20_000, tmp_path)
    stop, errors, reads = threading.Event(), [], [0]

    def query(con, _key) -> int:  # a callback's read: about 50 ms on its connection
        time.sleep(0.05)
        return generated_calls(con)

    def reader(k: int) -> None:  # uncached reads, one connection each, back to back
        i = 0
        while not stop.is_set():
            i += 1
            try:
                wh.read(query, (k, i))
                reads[0] += 1
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)

    threads = [threading.Thread(target=reader, args=(k,)) for k in range(8)]  # waitress: 8
    for th in threads:
        th.start()
    try:
        load = ingest(own_warehouse, file)
        out, err = load.communicate(timeout=240)
    finally:
        stop.set()
        for th in threads:
            th.join(timeout=30)
    assert load.returncode == 0, err
    assert errors == [] and reads[0] > 20
    # Published: a new view reads it at once, a view cached before within a bounded delay.
    assert wh.read(lambda con, _new: generated_calls(con), "new") == before + 20_000
    assert eventually(lambda: wh.read(generated_calls), before + 20_000) == before + 20_000


def test_a_killed_load_leaves_the_last_state_and_the_next_load_completes(own_warehouse, tmp_path):
    wh = Warehouse(own_warehouse)
    before = wh.read(generated_calls)
    file = generated(300_000, tmp_path)
    killed = ingest(own_warehouse, file)
    lock = own_warehouse.with_name(own_warehouse.name + ".lock")
    deadline = time.time() + 60
    while f"PID {killed.pid}:" not in (lock.read_text() if lock.exists() else ""):
        assert time.time() < deadline and killed.poll() is None
        time.sleep(0.05)
    time.sleep(1.0)  # loading
    os.kill(killed.pid, signal.SIGKILL)
    killed.wait(timeout=30)
    assert wh.read(generated_calls) == before  # nothing half-loaded is ever read
    done = ingest(own_warehouse, file)
    _, err = done.communicate(timeout=300)
    assert done.returncode == 0, err
    assert eventually(lambda: wh.read(generated_calls), before + 300_000) == before + 300_000


def _holder(code: str) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def _release(proc: subprocess.Popen) -> None:
    proc.stdin.write("\n")
    proc.stdin.flush()
    proc.wait(timeout=30)


def test_a_writer_waits_its_turn_then_says_who_holds_the_warehouse(own_warehouse, tmp_path):
    file = generated(1_000, tmp_path)
    holder = _holder(f"""
        import sys
        from analytics.snapshot import writer_lock
        with writer_lock({str(own_warehouse)!r}):
            print("held", flush=True)
            sys.stdin.readline()
    """)
    try:
        start = time.monotonic()
        load = ingest(own_warehouse, file, COPIL_WRITER_WAIT_S="1")
        _, err = load.communicate(timeout=60)
        assert load.returncode == 75  # EX_TEMPFAIL: cron may try again
        assert time.monotonic() - start >= 1.0
        assert f"another writer (PID {holder.pid}:" in err and "Traceback" not in err
        assert err.startswith("copil: busy:")
        queued = ingest(own_warehouse, file)  # waits for the holder instead of failing
        time.sleep(1.0)
        assert queued.poll() is None
    finally:
        _release(holder)
    _, err = queued.communicate(timeout=120)
    assert queued.returncode == 0, err


def test_the_lock_message_names_the_reader_holding_the_file(own_warehouse, monkeypatch, capsys):
    from copil.cli import main

    reader = _holder(f"""
        import sys, duckdb
        con = duckdb.connect({str(own_warehouse)!r}, read_only=True)
        print("held", flush=True)
        sys.stdin.readline()
    """)
    try:
        with pytest.raises(WarehouseLocked) as caught:
            connect(own_warehouse, retries=1)
        text = str(caught.value)
        assert "could not open the warehouse for writing" in text
        assert f"process {reader.pid} (" in text and "import sys, duckdb" in text
        assert "another copil process is writing" not in text
        # The command line: one line on stderr, exit 75, no traceback (a shorter wait).
        monkeypatch.setitem(connect.__kwdefaults__, "retries", 1)
        assert main(["contract", "set", str(ROOT / "demo" / "contract.yaml"),
                     "--db", str(own_warehouse)]) == 75
        err = capsys.readouterr().err
        assert err.startswith("copil: busy:") and f"process {reader.pid}" in err
    finally:
        _release(reader)


def test_a_warehouse_never_published_and_held_from_the_start_says_busy(tmp_path):
    path = tmp_path / "w.duckdb"
    connect(path).close()
    writer = _holder(f"""
        import sys, duckdb
        con = duckdb.connect({str(path)!r})
        print("held", flush=True)
        sys.stdin.readline()
    """)
    try:
        wh = Warehouse(path, retries=1)
        with pytest.raises(WarehouseBusy, match="being updated"):
            wh.read(generated_calls)
    finally:
        _release(writer)
    assert Warehouse(path).read(generated_calls) == 0


def test_a_read_during_a_load_gets_the_published_state_at_once(own_warehouse, monkeypatch):
    """`copil kpis` & co. (read-only `connection`) while a load holds the file: with a
    dashboard's snapshot published, the command reads it (the state the pages show) instead
    of waiting up to 20 s and failing; without one, it still says busy."""
    from analytics.snapshot import publish_snapshot
    from analytics.warehouse import connection

    with connection(own_warehouse) as con:   # no snapshot folder yet: nothing published
        pass
    writer = _holder(f"""
        import sys, duckdb
        con = duckdb.connect({str(own_warehouse)!r})
        print("held", flush=True)
        sys.stdin.readline()
    """)
    monkeypatch.setitem(connect.__kwdefaults__, "retries", 1)
    try:
        with pytest.raises(WarehouseLocked), connection(own_warehouse, read_only=True):
            pass
    finally:
        _release(writer)
    monkeypatch.undo()
    with connect(own_warehouse) as con:
        publish_snapshot(con, own_warehouse)
    writer = _holder(f"""
        import sys, duckdb
        con = duckdb.connect({str(own_warehouse)!r})
        con.execute("delete from calls")        # uncommitted load: never visible
        print("held", flush=True)
        sys.stdin.readline()
    """)
    try:
        start = time.monotonic()
        with connection(own_warehouse, read_only=True) as con:
            assert generated_calls(con) == 5_000
        assert time.monotonic() - start < 10.0
    finally:
        _release(writer)
