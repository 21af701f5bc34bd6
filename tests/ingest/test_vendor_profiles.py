"""Built-in vendor profiles on samples written from the vendors' documentation.

Every sample (tests/ingest/vendor_samples/) tells the same morning in its own format:
Saturday 2026-03-28 (Paris UTC+1), then the night after the spring DST change
(Sunday 29th, 02:00 -> 03:00) and Monday 2026-03-30 (UTC+2). A call at 22:10 UTC on the
29th is 00:10 local on the 30th: it must land on Monday.

For each profile the test checks that every row is accounted for
(read = loaded + updated + duplicates + quarantined + filtered + grouped), the calls as
loaded (multi-segment calls counted once, outcomes as the vendor defines them), the
caller keys (``tel:+33...``, E.164 without ``+``, national, spaced and withheld forms),
and the daily KPIs of :func:`analytics.kpis.kpis` against hand computation.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from analytics.ingest import ingest_file
from analytics.kpis import kpis
from analytics.privacy import caller_key as hmac_key

SAMPLES = Path(__file__).parent / "vendor_samples"
SAT, MON = date(2026, 3, 28), date(2026, 3, 30)
KPI = ["offered", "answered", "abandoned", "overflow", "ivr_only", "pickup_rate",
       "abandon_rate", "service_level_20s", "asa_s", "abandon_wait_s", "aht_s",
       "talk_mean_s", "transfer_rate"]
CALL = ("call_id, queue, arrived_at, answered_at, outcome, wait_s, talk_s, hold_s, wrap_s, "
        "agent_id, transfer_to, caller_withheld")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def load(con, profile: str, sample: str | None = None):
    s = ingest_file(con, "calls", SAMPLES / f"{sample or profile}.csv", profile=profile)
    assert s.balanced, s.as_dict()
    return s


def counts(s) -> tuple[int, ...]:
    return (s.rows_read, s.rows_loaded, s.rows_updated, s.rows_duplicate, s.rows_quarantined,
            s.rows_filtered, s.rows_grouped)


def calls(con, rows) -> dict[str, tuple]:
    return {r[0]: r[1:] for r in rows(con, f"select {CALL} from calls order by arrived_at")}


def day_kpis(con) -> dict[date, dict]:
    frame = kpis(con, period="day")
    return {r["period_start"]: {k: r[k] for k in KPI} for _, r in frame.iterrows()}


def assert_kpis(got: dict, want: dict) -> None:
    for name, value in want.items():
        assert got[name] == pytest.approx(value, abs=1e-9), name


def keys(con, rows) -> dict[str, str | None]:
    return dict(rows(con, "select call_id, caller_key from calls"))


def test_amazon_connect(con, rows, caller_key):
    s = load(con, "amazon-connect")
    # 14 rows: 8 calls loaded; the later-delivered copy of contact ...1007 replaces the
    # earlier one (1 duplicate); the CHAT and OUTBOUND contacts are filtered (2); the
    # TRANSFER leg of ...1001, the CALLBACK leg of ...1005 and the QUEUE_TRANSFER leg of
    # ...1008 join their calls (3 grouped). 8 + 1 + 2 + 3 = 14.
    assert counts(s) == (14, 8, 0, 1, 0, 2, 3)
    assert s.rows_superseded == 1
    got = {k[-4:]: v for k, v in calls(con, rows).items()}
    # ...1001: answered by marie in Sales after 30 s, transferred to Expert (paul, 20 s
    # more, not part of the wait); talk 200 + 120 = 320, hold 15 + 0, wrap 20 + 10 = 30
    assert got["1001"] == ("Sales", utc("2026-03-28T08:00:00"), utc("2026-03-28T08:00:30"),
                           "answered", 30.0, 320.0, 15.0, 30.0, "marie", "Expert", False)
    assert got["1003"][3:5] == ("abandoned", 45.0)
    # no queue: ivr, queue "(ivr)", wait 0; 'anonymous' is withheld, not a key
    assert got["1004"][0] == "(ivr)" and got["1004"][3:5] == ("ivr", 0.0)
    assert got["1004"][-1] is True
    # waited 60 s then asked for a queued callback: overflow, not abandoned; the callback
    # leg (marie's call back at 10:20) adds no answer, talk or agent to the call
    assert got["1005"] == ("Sales", utc("2026-03-28T09:45:00"), None, "overflow", 60.0,
                           None, None, None, None, None, False)
    # the latest delivery (LastUpdateTimestamp 10:02:15, listed first) has the wrap-up 25
    assert got["1007"][3:8] == ("answered", 10.0, 100.0, 0.0, 25.0)
    # 90 s in Sales, moved by the flow to Overflow (QUEUE_TRANSFER), answered there after
    # 15 s: one answered Sales call, wait 90 + 15 = 105, no agent transfer
    assert got["1008"] == ("Sales", utc("2026-03-28T10:30:00"), utc("2026-03-28T10:31:45"),
                           "answered", 105.0, 80.0, 0.0, 5.0, "paul", None, False)
    # 22:10 UTC on Sunday 29 is 00:10 on Monday 30 in Paris (UTC+2 since 01:00 UTC)
    assert got["2001"][1] == utc("2026-03-29T22:10:00")
    k = {c[-4:]: v for c, v in keys(con, rows).items()}
    assert k["1001"] == k["2001"] == hmac_key("+33612345678", caller_key)
    # E.164 without '+' and with it: the same caller
    assert k["1003"] == k["2002"] == hmac_key("+33698765432", caller_key)
    assert k["1005"] == hmac_key("+33611112222", caller_key)  # tel:+33611112222
    assert k["1004"] is None
    d = day_kpis(con)
    # Saturday: offered 5 = answered 3 (1001, 1007, 1008) + abandoned 1 (1003) +
    # overflow 1 (1005); ivr 1 (1004)
    assert_kpis(d[SAT], {
        "offered": 5, "answered": 3, "abandoned": 1, "overflow": 1, "ivr_only": 1,
        "pickup_rate": 3 / 5, "abandon_rate": 1 / 5,
        # within 20 s: 1007 (10 s) of answered 3 + abandoned 1
        "service_level_20s": 1 / 4,
        "asa_s": (30 + 10 + 105) / 3, "abandon_wait_s": 45,
        # handle = talk + hold + wrap: 1001 320+15+30 = 365, 1007 100+0+25 = 125,
        # 1008 80+0+5 = 85
        "aht_s": (365 + 125 + 85) / 3, "talk_mean_s": (320 + 100 + 80) / 3,
        "transfer_rate": 1 / 3})
    assert d[date(2026, 3, 29)]["offered"] == 0
    # Monday: 2001 answered in 5 s (handle 60 + 0 + 15), 2002 abandoned after 12 s
    assert_kpis(d[MON], {
        "offered": 2, "answered": 1, "abandoned": 1, "overflow": 0, "ivr_only": 0,
        "pickup_rate": 1 / 2, "service_level_20s": 1 / 2, "asa_s": 5, "aht_s": 75,
        "abandon_wait_s": 12, "transfer_rate": 0})


def test_aircall(con, rows, caller_key):
    s = load(con, "aircall")
    # 12 rows: 10 calls; call 812340005 appears twice (overlapping pages): 1 duplicate;
    # the outbound call-back 812340006 is filtered. 10 + 1 + 1 = 12.
    assert counts(s) == (12, 10, 0, 1, 0, 1, 0)
    got = calls(con, rows)
    # arrived 07:59:20 (started_at), answered 08:00:30: the wait includes the IVR (70 s);
    # talk = ended_at - answered_at = 08:06:25 - 08:00:30 = 355 s; the last user (paul)
    # holds the call, transferred to paul by marie
    assert got["812340001"] == ("Support FR", utc("2026-03-28T07:59:20"),
                                utc("2026-03-28T08:00:30"), "answered", 70.0, 355.0, None,
                                None, "paul", "paul", False)
    outcomes = {c: (v[3], v[4]) for c, v in got.items()}
    assert outcomes == {
        "812340001": ("answered", 70.0),
        "812340002": ("abandoned", 75.0),     # abandoned_in_classic: 09:00:45 - 08:59:30
        "812340003": ("ivr", 0.0),            # abandoned_in_ivr
        "812340004": ("overflow", 95.0),      # no_available_agent (voicemail)
        "812340005": ("answered", 20.0),
        "812340007": ("overflow", 110.0),     # agents_did_not_answer
        "812340008": ("abandoned", 4.0),      # short_abandoned
        "812340009": ("ivr", 0.0),            # out_of_opening_hours
        "812340010": ("answered", 25.0),
        "812340011": ("abandoned", 22.0),
    }
    k = keys(con, rows)
    # '+33 6 12 34 56 78' (Aircall's spaced international form) on both days
    assert k["812340001"] == k["812340010"] == hmac_key("+33612345678", caller_key)
    assert k["812340002"] == k["812340011"] == hmac_key("+33698765432", caller_key)
    assert k["812340003"] is None  # 'anonymous'
    d = day_kpis(con)
    # Saturday: answered 2 (…01, …05), abandoned 2 (…02, …08), overflow 2 (…04, …07),
    # ivr 2 (…03, …09): offered 6
    assert_kpis(d[SAT], {
        "offered": 6, "answered": 2, "abandoned": 2, "overflow": 2, "ivr_only": 2,
        "pickup_rate": 2 / 6, "abandon_rate": 2 / 6,
        "service_level_20s": 1 / 4,           # …05 (20 s) of answered 2 + abandoned 2
        "asa_s": (70 + 20) / 2, "abandon_wait_s": (75 + 4) / 2,
        "aht_s": (355 + 100) / 2,             # no hold or wrap in Aircall
        "talk_mean_s": (355 + 100) / 2, "transfer_rate": 1 / 2})
    # Monday: …10 answered after 25 s (talk 60) — 22:09:40 UTC Sunday is Monday 00:09:40
    assert_kpis(d[MON], {
        "offered": 2, "answered": 1, "abandoned": 1, "pickup_rate": 1 / 2,
        "service_level_20s": 0, "asa_s": 25, "aht_s": 60, "abandon_wait_s": 22})


def test_avaya_cms(con, rows, caller_key):
    s = load(con, "avaya-cms")
    # 11 rows: 8 calls; segment 2 of callid 4021 joins its call (1 grouped); the ECH
    # re-send of 4025 (1 duplicate); the agent's non-ACD call-back 4027 (1 filtered)
    assert counts(s) == (11, 8, 0, 1, 0, 1, 1)
    got = calls(con, rows)
    # segment 1: queue 25 + ring 5 = 30 s, answered at segstart + disptime 70 s; segment
    # 2 (transfer to split 102): talk 200 + 120, hold 15 + 0, acw 20 + 10
    assert got["2026-03-28-4021"] == ("101", utc("2026-03-28T07:59:20"),
                                      utc("2026-03-28T08:00:30"), "answered", 30.0, 320.0,
                                      15.0, 30.0, "5001", "102", False)
    # callid 4021 again on Monday: another call (callid is unique only within a day)
    assert got["2026-03-30-4021"][1] == utc("2026-03-29T22:09:40")
    outcomes = {c: (v[0], v[3], v[4]) for c, v in got.items()}
    assert outcomes == {
        "2026-03-28-4021": ("101", "answered", 30.0),
        "2026-03-28-4022": ("101", "abandoned", 45.0),    # disposition 3 after queueing
        "2026-03-28-4023": ("vdn 5000", "ivr", 0.0),      # disposition 3, no queue/ring
        "2026-03-28-4024": ("101", "overflow", 95.0),     # disposition 4: interflowed
        "2026-03-28-4025": ("101", "answered", 10.0),     # queue 8 + ring 2
        "2026-03-28-4026": ("101", "abandoned", 4.0),     # hung up while ringing
        "2026-03-30-4021": ("102", "answered", 25.0),
        "2026-03-30-4030": ("102", "abandoned", 22.0),
    }
    k = keys(con, rows)
    # national 0612345678 and E.164 +33612345678: one caller
    assert k["2026-03-28-4021"] == k["2026-03-30-4021"] == hmac_key("+33612345678", caller_key)
    assert k["2026-03-28-4022"] == k["2026-03-30-4030"] == hmac_key("+33698765432", caller_key)
    assert k["2026-03-28-4023"] is None   # empty calling_pty: withheld
    d = day_kpis(con)
    assert_kpis(d[SAT], {
        "offered": 5, "answered": 2, "abandoned": 2, "overflow": 1, "ivr_only": 1,
        "pickup_rate": 2 / 5, "abandon_rate": 2 / 5,
        "service_level_20s": 1 / 4,           # 4025 (10 s) of answered 2 + abandoned 2
        "asa_s": (30 + 10) / 2, "abandon_wait_s": (45 + 4) / 2,
        "aht_s": ((320 + 15 + 30) + (100 + 0 + 25)) / 2,   # (365 + 125) / 2 = 245
        "talk_mean_s": (320 + 100) / 2, "transfer_rate": 1 / 2})
    assert_kpis(d[MON], {
        "offered": 2, "answered": 1, "abandoned": 1, "pickup_rate": 1 / 2,
        "service_level_20s": 0, "asa_s": 25, "aht_s": 60 + 0 + 15, "abandon_wait_s": 22})
