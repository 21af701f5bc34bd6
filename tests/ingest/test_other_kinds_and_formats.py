"""Operator counts, callbacks, campaigns, staffing; Excel and Parquet inputs; the bank log."""

from __future__ import annotations

import csv
import gzip
import io
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest

from analytics.ingest import ingest_file

BANK = Path(__file__).resolve().parents[3] / "shared" / "data" / "anonymous_bank_1999" / "calls.csv.gz"


def test_operator_daily_counts_with_local_dates(con, tmp_path, write, rows):
    f = write(tmp_path / "op.csv", "period_start;queue;offered;handled\n16/02/2026;ligne;812;760\n"
              "17/02/2026;ligne;790;800\n18/02/2026;ligne;abc;1\n")
    s = ingest_file(con, "operator", f)
    assert (s.rows_loaded, s.rows_quarantined, s.source) == (1, 2, "operator")
    assert rows(con, "select period_start, period_minutes, queue, offered, handled from operator_counts") == [
        (datetime(2026, 2, 15, 23, 0, tzinfo=UTC), 1440, "ligne", 812, 760)]
    reasons = [r[0] for r in rows(con, "select reason from quarantine order by line")]
    assert "handled is larger than offered" in reasons[0] and "whole number" in reasons[1]


def test_callbacks_default_outcome(con, tmp_path, write, rows):
    f = write(tmp_path / "cb.csv", "callback_id,call_id,queue,requested_at,completed_at\n"
              "r1,c1,q,2026-02-16 10:00,2026-02-17 11:00\nr2,c2,q,2026-02-16 10:00,\n"
              "r3,c3,q,2026-02-16 10:00,2026-02-15 10:00\n")
    s = ingest_file(con, "callbacks", f)
    assert (s.rows_loaded, s.rows_quarantined) == (2, 1)
    assert rows(con, "select callback_id, outcome from callbacks order by 1") == [("r1", "completed"), ("r2", "pending")]


def test_campaigns_calendar(con, tmp_path, write, rows):
    f = write(tmp_path / "camp.csv", "campaign_id,name,channel,start_date,end_date,audience,queues\n"
              "m1,Relance été,Mailing,2026-06-02,2026-06-16,120000,logement\n"
              "s1,SMS,sms,03/09/2026,,15 000,\n"
              "x1,Bad,fax,2026-09-03,,,\n")
    s = ingest_file(con, "campaigns", f)
    assert (s.rows_loaded, s.rows_quarantined, s.source) == (2, 1, "client")
    assert rows(con, "select campaign_id, channel, start_date, audience from campaigns order by 1") == [
        ("m1", "mailing", date(2026, 6, 2), 120000), ("s1", "sms", date(2026, 9, 3), 15000)]


def test_staffing_intervals(con, tmp_path, write, rows):
    f = write(tmp_path / "st.csv", "interval_start;advisors\n2026-02-16 09:00;12,5\n2026-02-16 09:30;14\n")
    s = ingest_file(con, "staffing", f)
    assert s.rows_loaded == 2
    assert rows(con, "select interval_minutes, queue, advisors from staffing order by interval_start") == [
        (30, "*", 12.5), (30, "*", 14.0)]


def test_excel_export(con, tmp_path, rows):
    p = tmp_path / "export.xlsx"
    pd.DataFrame({"Call ID": ["a", "b", "c"], "Queue": ["q", "q", "q"],
                  "Arrived at": ["2026-02-16 09:00:00", "2026-02-16 09:01:00", "garbage"],
                  "Outcome": ["abandoned", "answered", "abandoned"], "Wait (s)": [3, 4, 5],
                  "Answered at": [None, "2026-02-16 09:01:04", None]}).to_excel(p, index=False)
    s = ingest_file(con, "calls", p)
    assert (s.rows_read, s.rows_loaded, s.rows_quarantined) == (3, 2, 1)
    assert rows(con, "select line from quarantine") == [(4,)]


def test_parquet_export(con, tmp_path, rows):
    p = tmp_path / "export.parquet"
    pd.DataFrame({"call_id": ["a", "b"], "queue": ["q", "q"],
                  "arrived_at": pd.to_datetime(["2026-02-16 09:00:00", "2026-02-16 09:01:00"]),
                  "outcome": ["abandoned", "ivr"], "wait_s": [3.5, 0.0]}).to_parquet(p)
    s = ingest_file(con, "calls", p)
    assert s.rows_loaded == 2
    assert rows(con, "select arrived_at, wait_s from calls order by call_id")[0] == (
        datetime(2026, 2, 16, 8, 0, tzinfo=UTC), 3.5)


@pytest.mark.skipif(not BANK.exists(), reason="shared bank data not present")
def test_bank_profile_on_a_slice_matches_an_independent_count(con, tmp_path, rows):
    """First 30,000 records (January 1999), counted here with the csv module."""
    with gzip.open(BANK, "rt", newline="") as fh:
        lines = [next(fh) for _ in range(30_001)]
    sl = tmp_path / "slice.csv"
    sl.write_text("".join(lines))
    expected = Counter()
    for r in csv.DictReader(io.StringIO("".join(lines))):
        if r["outcome"] == "PHANTOM":
            expected["filtered"] += 1
        elif r["outcome"] == "AGENT":
            expected["answered"] += 1
        elif r["q_start"] == "0:00:00":
            expected["ivr"] += 1
        else:
            expected["abandoned"] += 1
            expected["abandon_wait"] += int(r["q_time"])
    s = ingest_file(con, "calls", sl, profile="anonymous-bank")
    assert s.rows_read == 30_000 and s.rows_filtered == expected["filtered"] and s.balanced
    got = dict(rows(con, "select outcome, count(*) from calls group by 1"))
    assert got == {k: expected[k] for k in ("answered", "ivr", "abandoned")}
    assert rows(con, "select sum(wait_s) from calls where outcome = 'abandoned'") == [(expected["abandon_wait"],)]
    # customer ids are pseudonymised like phone numbers
    assert rows(con, "select count(*) from calls where caller_key similar to '[0-9a-f]{64}'")[0][0] > 0
