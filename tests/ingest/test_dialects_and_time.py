"""French exports (semicolons, Latin-1/CP1252, decimal commas, French headers) and DST."""

from __future__ import annotations

from datetime import UTC, datetime

from analytics.ingest import ingest_file

FRENCH = (
    "Date appel;Heure;File;Statut;Attente (s);Durée comm. (s);Numéro appelant;Conseiller;Motif\n"
    "16/02/2026;09:00:05;Logement;Traité;12,5;185,0;06 11 22 33 44;Aurélie;Aide\n"
    "16/02/2026;09:01:00;Logement;Abandonné;47;;01 44 55 66 77;;\n"
    "16/02/2026;09:02:00;Emploi;Débordé;600;;;;\n"
    "16/02/2026;09:03:00;Emploi;SVI;0;;;;\n"
    "16/02/2026;09:04:00;Emploi;Répondu;0:01:05;0:03:00;;Benoît;Démission\n"
)


def test_french_acd_export_in_latin1(con, tmp_path, write, rows):
    f = write(tmp_path / "appels.csv", FRENCH, "latin-1")
    s = ingest_file(con, "calls", f, profile="french-acd")
    assert (s.rows_read, s.rows_loaded, s.rows_quarantined) == (5, 5, 0), s.problems
    got = rows(con, "select queue, outcome, wait_s, talk_s, agent_id, topic, arrived_at from calls "
                    "order by arrived_at")
    assert got[0] == ("Logement", "answered", 12.5, 185.0, "Aurélie", "Aide",
                      datetime(2026, 2, 16, 8, 0, 5, tzinfo=UTC))
    assert [g[1] for g in got] == ["answered", "abandoned", "overflow", "ivr", "answered"]
    # H:MM:SS durations
    assert got[4][2:6] == (65.0, 180.0, "Benoît", "Démission")


def test_french_export_in_cp1252_with_euro_and_oe(con, tmp_path, write, rows):
    text = FRENCH.replace("Aide", "Cœur €")
    f = write(tmp_path / "appels.csv", text, "cp1252")
    ingest_file(con, "calls", f, profile="french-acd")
    assert rows(con, "select topic from calls where topic is not null order by topic") == [
        ("Cœur €",), ("Démission",)]


def test_french_export_without_call_ids_reloads_without_duplicates(con, tmp_path, write, rows):
    a = write(tmp_path / "a.csv", FRENCH, "latin-1")
    # the second export overlaps: the last two calls again, plus one new call
    lines = FRENCH.splitlines()
    b = write(tmp_path / "b.csv", "\n".join([lines[0], *lines[4:], "16/02/2026;09:05:00;Emploi;Abandonné;5;;;;"]) + "\n",
              "latin-1")
    ingest_file(con, "calls", a, profile="french-acd")
    s = ingest_file(con, "calls", b, profile="french-acd")
    assert (s.rows_read, s.rows_loaded, s.rows_duplicate) == (3, 1, 2)
    assert rows(con, "select count(*) from calls") == [(6,)]


def test_utf8_bom_and_semicolons_with_canonical_headers(con, tmp_path, write, rows):
    f = write(tmp_path / "c.csv", "\ufeffcall_id;queue;arrived_at;outcome;wait_s\n1;q;2026-02-16 09:00;abandoned;3,25\n")
    s = ingest_file(con, "calls", f)
    assert s.rows_loaded == 1
    assert rows(con, "select call_id, wait_s from calls") == [("1", 3.25)]


def test_spring_forward_day_has_23_hours(con, tmp_path, write, rows):
    # 29 March 2026: Paris clocks jump from 02:00 to 03:00
    f = write(tmp_path / "c.csv", "call_id,queue,arrived_at,outcome,wait_s\n"
              "a,q,2026-03-29 01:59:59,abandoned,1\n"
              "b,q,2026-03-29 02:30:00,abandoned,1\n"
              "c,q,2026-03-29 03:00:00,abandoned,1\n")
    s = ingest_file(con, "calls", f)
    assert (s.rows_loaded, s.rows_quarantined) == (2, 1)
    got = dict(rows(con, "select call_id, arrived_at from calls"))
    assert got["a"] == datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC)   # CET, UTC+1
    assert got["c"] == datetime(2026, 3, 29, 1, 0, 0, tzinfo=UTC)     # CEST, UTC+2
    assert rows(con, "select line, \"column\" from quarantine") == [(3, "arrived_at")]


def test_autumn_repeated_hour_is_resolved_by_row_order(con, tmp_path, write, rows):
    # 25 October 2026: Paris clocks go back from 03:00 CEST to 02:00 CET
    f = write(tmp_path / "c.csv", "call_id,queue,arrived_at,outcome,wait_s\n"
              "a,q,2026-10-25 02:10:00,abandoned,1\n"    # first pass (CEST)
              "b,q,2026-10-25 02:50:00,abandoned,1\n"    # first pass (CEST)
              "c,q,2026-10-25 02:05:00,abandoned,1\n"    # time went back: second pass (CET)
              "d,q,2026-10-25 02:55:00,abandoned,1\n"    # still second pass
              "e,q,2026-10-25 03:10:00,abandoned,1\n")
    s = ingest_file(con, "calls", f)
    assert s.rows_loaded == 5 and s.dst_ambiguous == 4
    got = dict(rows(con, "select call_id, arrived_at from calls"))
    assert got["a"] == datetime(2026, 10, 25, 0, 10, tzinfo=UTC)
    assert got["b"] == datetime(2026, 10, 25, 0, 50, tzinfo=UTC)
    assert got["c"] == datetime(2026, 10, 25, 1, 5, tzinfo=UTC)
    assert got["d"] == datetime(2026, 10, 25, 1, 55, tzinfo=UTC)
    assert got["e"] == datetime(2026, 10, 25, 2, 10, tzinfo=UTC)


def test_bank_profile_sets_the_line_time_zone(con, tmp_path, write, rows):
    f = write(tmp_path / "b.csv",
              "vru+line,call_id,customer_id,priority,type,date,vru_entry,vru_exit,vru_time,q_start,q_exit,q_time,outcome,ser_start,ser_exit,ser_time,server\n"
              "AA0101,1,123,2,PS,990701,9:00:00,9:00:05,5,9:00:05,9:00:35,30,AGENT,9:00:35,9:02:35,120,MICHAL\n")
    ingest_file(con, "calls", f, profile="anonymous-bank")
    assert rows(con, "select value from settings where key = 'timezone'") == [("Asia/Jerusalem",)]
    # Israel summer time 1999 was UTC+3
    assert rows(con, "select arrived_at, answered_at, wait_s, talk_s, agent_id from calls") == [
        (datetime(1999, 7, 1, 6, 0, 5, tzinfo=UTC), datetime(1999, 7, 1, 6, 0, 35, tzinfo=UTC),
         30.0, 120.0, "MICHAL")]


def test_latin1_bytes_beyond_the_sniffed_start_are_read_as_cp1252(con, tmp_path, rows):
    """The first MiB is plain ASCII; a Latin-1 'é' comes later: the load is retried, not failed."""
    head = "call_id,queue,arrived_at,outcome,wait_s,topic\n"
    body = "".join(f"c{i},q,2026-02-16 09:00:00,abandoned,5,plain\n" for i in range(30_000))
    f = tmp_path / "late.csv"
    f.write_bytes((head + body + "z,q,2026-02-16 09:00:00,abandoned,5,Séjour\n").encode("latin-1"))
    assert f.stat().st_size > (1 << 20)
    s = ingest_file(con, "calls", f)
    assert (s.rows_read, s.rows_loaded) == (30_001, 30_001)
    assert rows(con, "select topic from calls where call_id = 'z'") == [("Séjour",)]


LONG_HEAD = "call_id,queue,arrived_at,outcome,wait_s,topic\n"
LONG_ROW = "B,q,2024-03-04 10:00:00,abandoned,5," + "y" * 3_000_000 + "\n"


def test_records_longer_than_2_mib_at_the_start_are_read(con, tmp_path, write, rows):
    # a 3 MB record in the first MiB: the file is read with the long-line buffers
    f = write(tmp_path / "long.csv", LONG_HEAD + "A,q,2024-03-04 10:00:00,abandoned,5,x\n"
              + LONG_ROW + "C,q,2024-03-04 11:00:00,abandoned,5,z\n")
    s = ingest_file(con, "calls", f)
    assert (s.rows_read, s.rows_loaded, s.rows_quarantined) == (3, 3, 0)
    assert rows(con, "select length(topic) from calls where call_id = 'B'") == [(3_000_000,)]


def test_a_record_longer_than_2_mib_further_on_is_quarantined_by_line(con, tmp_path, write):
    # 100,000 short records (> 1 MiB) then a 3 MB one at line 100,002 (header = line 1)
    short = "".join(f"P{i},q,2024-03-04 10:00:00,abandoned,5,x\n" for i in range(100_000))
    f = write(tmp_path / "long.csv", LONG_HEAD + short + LONG_ROW
              + "C,q,2024-03-04 11:00:00,abandoned,5,z\n")
    s = ingest_file(con, "calls", f)
    assert (s.rows_read, s.rows_loaded, s.rows_quarantined) == (100_002, 100_001, 1)
    assert s.problems == [{"line": 100_002, "column": None, "value": None,
                           "reason": "malformed line: longer than 2 MiB; check that its "
                                     "quotes are closed"}]
