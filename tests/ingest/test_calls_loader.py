"""Loading a canonical call log: values, derived fields, time zones, keys."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from analytics.ingest import FileRefused, ingest_file
from analytics.privacy import caller_key as hmac_key

HEADER = "call_id,queue,arrived_at,answered_at,outcome,wait_s,talk_s,hold_s,wrap_s,agent_id,caller_number,topic,region,transfer_to\n"


def test_good_file_loads_every_row_with_exact_values(con, tmp_path, write, rows, caller_key):
    f = write(tmp_path / "calls.csv", HEADER +
              "c1,logement,2026-02-16 09:00:00,2026-02-16 09:00:20,answered,20,100,10,30,a1,06 12 34 56 78,aides,IDF,\n"
              "c2,logement,2026-02-16T09:01:00+01:00,,abandoned,45,,,,,,aides,IDF,\n"
              "c3,emploi,2026-02-16 17:59:59,,answered,12.5,60,0,0,a2,,,,expert\n"
              "c4,emploi,2026-02-16 10:00:00,,ivr,,,,,,,,,\n"
              "c5,emploi,2026-02-16 10:05:00,,overflow,600,,,,,,,,\n")
    s = ingest_file(con, "calls", f)
    assert (s.rows_read, s.rows_loaded, s.rows_quarantined, s.rows_duplicate) == (5, 5, 0, 0)
    assert s.balanced
    got = {r[0]: r[1:] for r in rows(con, "select call_id, arrived_at, answered_at, ended_at, outcome, wait_s, caller_key, transfer_to from calls")}
    # Paris is UTC+1 in February: 09:00 local = 08:00 UTC
    assert got["c1"][0] == datetime(2026, 2, 16, 8, 0, tzinfo=UTC)
    assert got["c1"][1] == datetime(2026, 2, 16, 8, 0, 20, tzinfo=UTC)
    # ended = answered + talk + hold (wrap-up happens after the caller hangs up)
    assert got["c1"][2] == datetime(2026, 2, 16, 8, 2, 10, tzinfo=UTC)
    assert got["c1"][5] == hmac_key("+33612345678", caller_key)
    # an explicit offset wins over the line's zone
    assert got["c2"][0] == datetime(2026, 2, 16, 8, 1, tzinfo=UTC)
    assert got["c2"][2] == datetime(2026, 2, 16, 8, 1, 45, tzinfo=UTC)
    # answered_at derived from wait_s, to the microsecond
    assert got["c3"][1] == datetime(2026, 2, 16, 17, 0, 11, 500000, tzinfo=UTC)
    assert got["c3"][6] == "expert"
    assert got["c4"][3:5] == ("ivr", 0.0)
    assert rows(con, "select value from settings where key = 'timezone'") == [("Europe/Paris",)]
    run = rows(con, "select rows_read, rows_loaded, status, length(sha256) from ingest_runs")
    assert run == [(5, 5, "ok", 64)]


def test_wait_derived_from_answer_time(con, tmp_path, write, rows):
    f = write(tmp_path / "c.csv", "call_id;queue;arrived_at;answered_at;outcome\n"
              "x;q;16/02/2026 09:00:00;16/02/2026 09:01:05;answered\n")
    ingest_file(con, "calls", f)
    assert rows(con, "select wait_s from calls") == [(65.0,)]


def test_header_case_accents_and_spaces_are_tolerated(con, tmp_path, write, rows):
    f = write(tmp_path / "c.csv", " Call ID ;QUEUE;Arrivée?;Outcome;Wait S\n", "utf-8")
    # 'Arrivée?' is not arrived_at: the file is refused naming the missing column
    with pytest.raises(FileRefused, match="arrived_at"):
        ingest_file(con, "calls", f)
    f2 = write(tmp_path / "c2.csv", " Call ID ;QUEUE;Arrived At;Outcome;Wait (s)\nk;q;2026-02-16 09:00;abandoned;3\n")
    s = ingest_file(con, "calls", f2)
    assert s.rows_loaded == 1
    assert rows(con, "select call_id, wait_s from calls") == [("k", 3.0)]


def test_same_call_from_two_sources_is_two_rows_but_same_source_is_one(con, tmp_path, write, rows):
    f = write(tmp_path / "a.csv", "call_id,queue,arrived_at,outcome,wait_s\nk,q,2026-02-16 09:00,abandoned,3\n")
    ingest_file(con, "calls", f, source="provider-a")
    ingest_file(con, "calls", f, source="provider-b")
    assert rows(con, "select count(*) from calls") == [(2,)]


def test_gzip_tab_separated(con, tmp_path, write, rows):
    import gzip

    p = tmp_path / "c.tsv.gz"
    with gzip.open(p, "wt", encoding="utf-8") as fh:
        fh.write("call_id\tqueue\tarrived_at\toutcome\twait_s\n1\tq\t2026-02-16 09:00\tabandoned\t3,5\n")
    s = ingest_file(con, "calls", p)
    assert s.rows_loaded == 1
    assert rows(con, "select wait_s from calls") == [(3.5,)]
