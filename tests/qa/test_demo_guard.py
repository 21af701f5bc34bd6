"""copil demo never deletes, mixes into or adds demo accounts to a warehouse that holds
someone's own data."""

from __future__ import annotations

import gzip

from analytics.ingest import ingest_file
from analytics.warehouse import connect
from copil.cli import main
from demo.warehouse import foreign_files

CSV = ("call_id,queue,arrived_at,outcome,wait_s,talk_s\n"
       "1,Q1,2026-03-02T09:00:00+01:00,answered,5,60\n")


def test_rebuild_and_seed_refuse_a_warehouse_with_other_data(tmp_path, capsys):
    own = tmp_path / "acd-export.csv"
    own.write_text(CSV, encoding="utf-8")
    db = tmp_path / "line.duckdb"
    con = connect(db)
    ingest_file(con, "calls", own)
    con.close()
    assert foreign_files(db) == [str(own)]
    for extra in ([], ["--rebuild"], ["--seed", "7"]):
        code = main(["demo", "--no-serve", "--db", str(db), "--files", str(tmp_path / "demo"),
                     *extra])
        err = capsys.readouterr().err
        assert code == 2 and "holds data that copil demo did not load (" in err
        assert "acd-export.csv" in err and db.exists()        # nothing deleted
    assert not (tmp_path / "demo").exists()                   # nothing generated either
    assert not (tmp_path / "line.users.json").exists()        # no demo accounts beside it


def test_seed_on_a_demo_warehouse_needs_rebuild(tmp_path, capsys):
    demo_file = tmp_path / "calls.csv.gz"
    demo_file.write_bytes(gzip.compress(CSV.encode()))
    db = tmp_path / "demo.duckdb"
    con = connect(db)
    ingest_file(con, "calls", demo_file)
    con.close()
    assert foreign_files(db) == [] and foreign_files(tmp_path / "none.duckdb") == []
    code = main(["demo", "--no-serve", "--db", str(db), "--seed", "7"])
    err = capsys.readouterr().err
    assert code == 2 and "add --rebuild to replace them with seed 7" in err


def test_a_file_named_like_a_demo_file_with_another_profile_is_foreign(tmp_path):
    """The bank log is called calls.csv.gz too: its profile tells it apart."""
    bank = tmp_path / "bank" / "calls.csv.gz"
    bank.parent.mkdir()
    bank.write_bytes(gzip.compress(
        b"vru+line,call_id,customer_id,priority,type,date,vru_entry,vru_exit,vru_time,q_start,"
         b"q_exit,q_time,outcome,ser_start,ser_exit,ser_time,server\n"
         b"AA0101,33116,9664491,2,PS,990101,0:00:31,0:00:36,5,0:00:36,0:03:09,153,HANG,"
         b"0:00:00,0:00:00,0,NO_SERVER\n"))
    db = tmp_path / "bank.duckdb"
    con = connect(db)
    ingest_file(con, "calls", bank, profile="anonymous-bank")
    con.close()
    assert foreign_files(db) == [str(bank)]
