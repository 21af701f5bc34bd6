"""The profile language's multi-row steps: group (segments -> calls), keep_latest, units,
JSON in a cell; their bookkeeping (read = loaded + updated + duplicates + quarantined +
filtered + grouped) and their refusals."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from analytics.ingest import ingest_file
from analytics.profiles import parse_profile

SEGMENTS = {
    "name": "legs", "kind": "calls",
    "columns": {"call_id": "call", "queue": "q", "arrived_at": {"column": "t", "unit": "epoch_s"},
                "answered_at": {"column": "ans", "unit": "epoch_ms"}, "outcome": "o",
                "wait_s": "w", "talk_s": {"column": "talk_ms", "unit": "ms"},
                "caller_number": {"json": "attrs", "path": "$.from"},
                "transfer_to": "q"},
    "group": {"combine": {"transfer_to": "after_answer"}},
}
HEADER = "call,q,t,ans,o,w,talk_ms,attrs\n"
# 1774684800 = 2026-03-28 08:00:00 UTC
GOOD = ('A,Sales,1774684800,,abandoned,40,,"{""from"": ""+33612345678""}"\n'
        'A,Expert,1774684840,1774684850000,answered,10,95500,"{""from"": ""+33612345678""}"\n')


def load(con, tmp_path, write, body, profile=None, name="f.csv"):
    f = write(tmp_path / name, HEADER + body)
    return ingest_file(con, "calls", f, profile=parse_profile(profile or SEGMENTS))


def test_segments_become_one_call_with_units_and_json(con, tmp_path, write, rows, caller_key):
    from analytics.privacy import caller_key as hmac_key

    s = load(con, tmp_path, write, GOOD)
    assert (s.rows_read, s.rows_loaded, s.rows_grouped, s.balanced) == (2, 1, 1, True)
    got = rows(con, "select queue, arrived_at, answered_at, outcome, wait_s, talk_s, "
                    "transfer_to, caller_key from calls")
    # first queue entry (Sales at 08:00:00), first answer (epoch ms 1774684850000 =
    # 08:00:50); queued in Sales 40 s then 10 s in Expert before the answer: wait 50;
    # talk 95 500 ms = 95.5 s; Expert entered before the answer: routing, no transfer
    assert got == [("Sales", datetime(2026, 3, 28, 8, tzinfo=UTC),
                    datetime(2026, 3, 28, 8, 0, 50, tzinfo=UTC), "answered", 50.0, 95.5,
                    "", hmac_key("+33612345678", caller_key))]
    run = rows(con, "select rows_read, rows_loaded, rows_grouped from ingest_runs")
    assert run == [(2, 1, 1)]


def test_a_segment_after_the_answer_is_the_transfer_target(con, tmp_path, write, rows):
    load(con, tmp_path, write,
         "B,Sales,1774684800,1774684810000,answered,10,60000,\n"
         "B,Expert,1774684900,1774684905000,answered,5,30000,\n")
    # the second segment arrived after the first answer: its queue is transfer_to; the
    # wait counts only the segments up to the first answer
    assert rows(con, "select queue, wait_s, talk_s, transfer_to from calls") == [
        ("Sales", 10.0, 90.0, "Expert")]


def test_a_bad_segment_quarantines_its_whole_call(con, tmp_path, write, rows):
    s = load(con, tmp_path, write,
             GOOD + "C,Sales,1774684900,,abandoned,12,,\n"
                    "C,Expert,not-a-time,,abandoned,3,,\n")
    # call C: 2 rows quarantined (its second segment's arrival does not parse); call A
    # loads from 2 rows (1 grouped): 4 = 1 + 2 + 1
    assert (s.rows_read, s.rows_loaded, s.rows_quarantined, s.rows_grouped) == (4, 1, 2, 1)
    assert s.balanced
    assert rows(con, "select line, \"column\", value from quarantine") == [
        (5, "arrived_at", "not-a-time")]
    assert rows(con, "select call_id from calls") == [("A",)]


def test_a_call_level_check_names_the_calls_first_line(con, tmp_path, write, rows):
    s = load(con, tmp_path, write,
             "D,Sales,1774684800,,weird,5,,\nD,Sales,1774684810,,abandoned,5,,\n")
    # the last segment's outcome wins ('abandoned'): the call is good
    assert (s.rows_loaded, s.rows_quarantined) == (1, 0)
    s = load(con, tmp_path, write, "E,Sales,1774684800,,abandoned,5,,\n"
                                   "E,Sales,1774684810,,weird,5,,\n", name="g.csv")
    # now 'weird' is last: the call's outcome is not a canonical one; both rows quarantined
    assert (s.rows_read, s.rows_quarantined, s.rows_grouped, s.balanced) == (2, 2, 0, True)
    assert rows(con, "select line, \"column\", value from quarantine") == [(2, "outcome", "weird")]


def test_segments_without_call_key_are_never_merged(con, tmp_path, write):
    s = load(con, tmp_path, write, GOOD + ",Sales,1774684800,,abandoned,5,,\n"
                                          ",Sales,1774684900,,abandoned,5,,\n")
    # two key-less rows: two quarantined rows (call_id empty), not one call of two
    assert (s.rows_read, s.rows_loaded, s.rows_quarantined, s.rows_grouped) == (4, 1, 2, 1)


def test_an_unusable_caller_quarantines_the_grouped_call(con, tmp_path, write, rows):
    s = load(con, tmp_path, write,
             'F,Sales,1774684800,,abandoned,5,,"{""from"": ""client-42x""}"\n'
             'F,Sales,1774684810,,abandoned,5,,\n')
    assert (s.rows_quarantined, s.rows_loaded, s.balanced) == (2, 0, True)
    assert rows(con, "select line, \"column\", value from quarantine") == [
        (2, "caller_number", None)]


def test_reloading_a_grouped_file_adds_nothing(con, tmp_path, write, rows):
    f = write(tmp_path / "f.csv", HEADER + GOOD)
    ingest_file(con, "calls", f, profile=parse_profile(SEGMENTS))
    s = ingest_file(con, "calls", f, profile=parse_profile(SEGMENTS), force=True)
    # the call is a duplicate, its second row grouped into it: 2 = 1 + 1
    assert (s.rows_read, s.rows_duplicate, s.rows_grouped, s.rows_loaded) == (2, 1, 1, 0)
    assert rows(con, "select count(*) from calls") == [(1,)]


def test_keep_latest_without_grouping(con, tmp_path, write, rows):
    profile = {"name": "latest", "kind": "calls",
               "keep_latest": {"key": "call_id", "by": "updated"}}
    f = write(tmp_path / "k.csv", "call_id,queue,arrived_at,outcome,wait_s,updated\n"
              "k1,q,2026-03-02 09:00:00,abandoned,30,2026-03-02T09:01:00Z\n"
              "k1,q,2026-03-02 09:00:00,abandoned,35,2026-03-02T09:00:50Z\n"
              "k2,q,2026-03-02 09:00:00,abandoned,,2026-03-02T09:00:50Z\n"
              "k2,q,2026-03-02 09:00:00,abandoned,oops,2026-03-02T09:00:40Z\n")
    s = ingest_file(con, "calls", f, profile=parse_profile(profile))
    # k1: the greatest `updated` wins although listed first; k2's earlier delivery is bad
    # but superseded (a duplicate), the latest has no wait: quarantined
    assert (s.rows_read, s.rows_loaded, s.rows_duplicate, s.rows_quarantined) == (4, 1, 2, 1)
    assert s.rows_superseded == 2 and s.balanced
    assert rows(con, "select call_id, wait_s from calls") == [("k1", 30.0)]


def test_epoch_values_that_do_not_parse_are_quarantined_with_their_text(con, tmp_path, write,
                                                                        rows):
    profile = {"name": "epoch", "kind": "calls",
               "columns": {"arrived_at": {"column": "t", "unit": "epoch_s"}}}
    f = write(tmp_path / "e.csv", "call_id,queue,t,outcome,wait_s\n"
              "e1,q,1774684800,abandoned,3\ne2,q,2026-03-28,abandoned,3\n")
    s = ingest_file(con, "calls", f, profile=parse_profile(profile))
    assert (s.rows_loaded, s.rows_quarantined) == (1, 1)
    assert rows(con, "select value from quarantine") == [("2026-03-28",)]


@pytest.mark.parametrize(("change", "message"), [
    ({"group": {"combine": {"wait_s": "median"}}}, "group.combine.wait_s must be one of"),
    ({"group": {"combine": {"call_id": "first"}}}, "call_id is the group key"),
    ({"group": {"by": "x"}}, "group accepts order: and combine:"),
    ({"columns": {"queue": "q", "arrived_at": {"column": "t", "unit": "ms"}}},
     "unit 'ms' is for seconds columns"),
    ({"columns": {"call_id": "c", "talk_s": {"json": "a"}}}, "must be a header name"),
    ({"keep_latest": {"key": "x"}}, "keep_latest needs key:"),
    ({"signature": "x"}, "signature is a list"),
])
def test_profile_mistakes_are_refused_with_the_fix(change, message):
    base = {"name": "x", "kind": "calls", "columns": {"call_id": "c"}}
    with pytest.raises(ValueError, match=message):
        parse_profile({**base, **change})


def test_group_needs_the_call_key():
    with pytest.raises(ValueError, match="map columns.call_id"):
        parse_profile({"name": "x", "kind": "calls", "group": {}})
