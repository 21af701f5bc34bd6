"""Each validation rule quarantines the bad row with line, column and a readable reason;
files unusable as a whole are refused with nothing written."""

from __future__ import annotations

import pytest

from analytics.ingest import FileRefused, ingest_file

HEAD = "call_id,queue,arrived_at,answered_at,outcome,wait_s,talk_s\n"
GOOD = "ok,q,2026-02-16 09:00:00,2026-02-16 09:00:10,answered,10,60\n"

CASES = [
    # (bad row, column, words that must be in the reason)
    ("b,q,2026-02-16 09:00:00,2026-02-16 08:59:00,answered,,60", "answered_at", "before arrived_at"),
    ("b,q,2026-02-16 09:00:00,,answered,,60", "answered_at", "answered_at is empty"),
    ("b,q,2026-02-16 09:00:00,2026-02-16 09:00:10,abandoned,10,", "answered_at", "outcome is not 'answered'"),
    ("b,q,2026-02-16 09:00:00,,abandoned,-3,", "wait_s", "negative"),
    ("b,q,2026-02-16 09:00:00,2026-02-16 09:00:10,answered,10,-1", "talk_s", "negative"),
    ("b,q,2026-02-16 09:00:00,2026-02-16 09:00:10,answered,10,100000", "talk_s", "longer than 24 hours"),
    ("b,q,2026-02-16 09:00:00,,hungup,5,", "outcome", "must be one of answered, abandoned, overflow, ivr"),
    ("b,q,16-02-2026 25:00,,abandoned,5,", "arrived_at", "not a date-time"),
    ("b,q,2026-02-16 09:00:00,,abandoned,cinq,", "wait_s", "not a number of seconds"),
    ("b,q,2026-02-16 09:00:00,,abandoned,,", "wait_s", "wait_s is empty"),
    (",q,2026-02-16 09:00:00,,abandoned,5,", "call_id", "call_id is empty"),
    ("b,,2026-02-16 09:00:00,,abandoned,5,", "queue", "queue is empty"),
    ("b,q,,,abandoned,5,", "arrived_at", "arrived_at is empty"),
    ("b,q,1899-02-16 09:00:00,,abandoned,5,", "arrived_at", "outside 1970"),
    ("b,q,2026-03-29 02:30:00,,abandoned,5,", "arrived_at", "does not exist"),
]


@pytest.mark.parametrize(("bad", "column", "words"), CASES, ids=[c[2] for c in CASES])
def test_rule_quarantines_the_row(con, tmp_path, write, rows, bad, column, words):
    f = write(tmp_path / "calls.csv", HEAD + GOOD + bad + "\n" + GOOD.replace("ok", "ok2"))
    s = ingest_file(con, "calls", f)
    assert (s.rows_read, s.rows_loaded, s.rows_quarantined) == (3, 2, 1)
    q = rows(con, "select file, line, \"column\", reason from quarantine")
    assert any(line == 3 and col == column and words in reason for _, line, col, reason in q), q
    assert all(file == str(f) for file, *_ in q)
    assert rows(con, "select count(*) from calls where call_id = 'b'") == [(0,)]


def test_malformed_lines_are_quarantined_and_later_line_numbers_stay_right(con, tmp_path, write, rows):
    f = write(tmp_path / "calls.csv", HEAD + GOOD + "x,q,2026-02-16\n" + GOOD.replace("ok", "ok2")
              + "y,q,2026-02-16 09:00:00,,abandoned,5,,extra,extra\n"
              + "z,q,2026-02-16 09:00:00,,abandoned,cinq,\n")
    s = ingest_file(con, "calls", f)
    assert s.rows_read == 5 and s.balanced
    assert (s.rows_loaded, s.rows_quarantined) == (2, 3)
    q = rows(con, "select line, \"column\", reason from quarantine order by line")
    assert [r[0] for r in q] == [3, 5, 6]
    assert "malformed line" in q[0][2] and "malformed line" in q[1][2]
    assert q[2][1] == "wait_s"


@pytest.mark.parametrize(("content", "words"), [
    ("", "empty"),
    ("just_one_column\n1\n", "single column"),
    ("call_id,queue,outcome\n1,q,answered\n", r"missing required column\(s\) arrived_at"),
])
def test_unusable_files_are_refused_and_nothing_is_written(con, tmp_path, write, rows, content, words):
    f = write(tmp_path / "bad.csv", content)
    with pytest.raises(FileRefused, match=words) as err:
        ingest_file(con, "calls", f)
    assert str(f) in str(err.value)
    assert rows(con, "select count(*) from ingest_runs") == [(0,)]
    assert rows(con, "select count(*) from calls") == [(0,)]
    assert rows(con, "select count(*) from quarantine") == [(0,)]


def test_binary_file_is_refused(con, tmp_path):
    f = tmp_path / "calls.csv"
    f.write_bytes(b"\x00\x01\x02PK\x03\x04" * 100)
    with pytest.raises(FileRefused, match="not a text table"):
        ingest_file(con, "calls", f)


def test_missing_file_is_refused(con, tmp_path):
    with pytest.raises(FileRefused, match="no such file"):
        ingest_file(con, "calls", tmp_path / "nope.csv")


def test_cli_refusal_is_one_line_and_exit_code_non_zero(tmp_path, db_path, write, capsys):
    from copil.cli import main

    f = write(tmp_path / "bad.csv", "call_id,queue\n1,q\n")
    code = main(["ingest", "calls", str(f), "--db", str(db_path)])
    err = capsys.readouterr().err
    assert code != 0
    assert str(f) in err and "arrived_at" in err and "--profile" in err
    assert len(err.strip().splitlines()) == 1
