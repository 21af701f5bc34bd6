"""Nothing lost, nothing twice; interrupted loads change nothing (raw numbers: test_caller_privacy)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

import analytics.ingest as ingest_mod
from analytics.ingest import ingest_file
from analytics.warehouse import connect

HEAD = "call_id,queue,arrived_at,outcome,wait_s,caller_number\n"


def _calls(n: int, start: int = 0, wait: int = 5) -> str:
    return "".join(f"c{i},q,2026-02-16 09:{i % 60:02d}:00,abandoned,{wait},06 00 00 {i % 100:02d} 01\n"
                   for i in range(start, start + n))


def test_same_file_twice_adds_nothing(con, tmp_path, write, rows):
    f = write(tmp_path / "a.csv", HEAD + _calls(10))
    first = ingest_file(con, "calls", f)
    second = ingest_file(con, "calls", f)
    assert first.rows_loaded == 10
    assert second.skipped and second.previous_run == first.run_id
    forced = ingest_file(con, "calls", f, force=True)
    assert (forced.rows_read, forced.rows_loaded, forced.rows_duplicate) == (10, 0, 10)
    assert rows(con, "select count(*) from calls") == [(10,)]
    assert rows(con, "select count(*) from ingest_runs") == [(2,)]


def test_overlapping_exports_and_changed_rows(con, tmp_path, write, rows):
    a = write(tmp_path / "a.csv", HEAD + _calls(10))
    # b repeats c5..c9 (c7 changed), adds c10..c14, and repeats c12 inside the file
    b_rows = _calls(5, 5).replace("c7,q,2026-02-16 09:07:00,abandoned,5", "c7,q,2026-02-16 09:07:00,abandoned,9")
    b = write(tmp_path / "b.csv", HEAD + b_rows + _calls(5, 10) + _calls(1, 12))
    ingest_file(con, "calls", a)
    s = ingest_file(con, "calls", b)
    assert (s.rows_read, s.rows_loaded, s.rows_updated, s.rows_duplicate) == (11, 5, 1, 5)
    assert s.balanced
    assert rows(con, "select count(*), count(distinct call_id) from calls") == [(15, 15)]
    assert rows(con, "select wait_s, run_id from calls where call_id = 'c7'") == [(9.0, s.run_id)]


def test_interrupted_load_leaves_the_warehouse_as_before(con, tmp_path, write, rows, monkeypatch):
    ingest_file(con, "calls", write(tmp_path / "a.csv", HEAD + _calls(5)))
    before = rows(con, "select * from calls order by call_id"), rows(con, "select count(*) from ingest_runs")

    def boom(*args, **kwargs):  # runs after the rows and quarantine were written
        raise KeyboardInterrupt

    monkeypatch.setattr(ingest_mod, "key_fingerprint", boom)
    bad = write(tmp_path / "b.csv", HEAD + _calls(20, 5) + "x,q,nonsense,abandoned,1,\n")
    with pytest.raises(KeyboardInterrupt):
        ingest_file(con, "calls", bad)
    after = rows(con, "select * from calls order by call_id"), rows(con, "select count(*) from ingest_runs")
    assert after == before
    assert rows(con, "select count(*) from quarantine") == [(0,)]
    monkeypatch.undo()
    monkeypatch.setenv("COPIL_CALLER_KEY", "test-key-not-secret-padded-to-32-bytes")
    # the same file loads normally afterwards
    assert ingest_file(con, "calls", bad).rows_loaded == 20


def test_killed_process_loads_all_or_nothing(tmp_path, write):
    """SIGKILL a real `copil ingest` at some point: the warehouse has 0 or all rows."""
    big = tmp_path / "big.csv"
    with open(big, "w") as fh:
        fh.write(HEAD)
        for i in range(300_000):
            fh.write(f"k{i},q{i % 3},2026-02-16 09:{i % 60:02d}:{i % 60:02d},abandoned,{i % 90},0600{i % 997:06d}\n")
    db = tmp_path / "kill.duckdb"
    connect(db).close()
    env = {**os.environ, "COPIL_CALLER_KEY": "k" * 32}
    proc = subprocess.Popen([sys.executable, "-m", "copil", "ingest", "calls", str(big), "--db", str(db)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(2.0)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    con = connect(db, read_only=True)
    n = con.execute("select count(*) from calls").fetchall()[0][0]
    runs = con.execute("select count(*) from ingest_runs").fetchall()[0][0]
    con.close()
    assert (n, runs) in [(0, 0), (300_000, 1)]


def test_caller_key_file_is_created_private(tmp_path, monkeypatch):
    from analytics.privacy import caller_secret

    monkeypatch.delenv("COPIL_CALLER_KEY", raising=False)
    monkeypatch.setenv("COPIL_CALLER_KEY_FILE", str(tmp_path / "k" / "caller.key"))
    key = caller_secret()
    assert len(key) == 64
    assert oct((tmp_path / "k" / "caller.key").stat().st_mode & 0o777) == "0o600"
    assert caller_secret() == key
