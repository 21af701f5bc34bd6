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
                           None, None, None, None, "", False)
    # the latest delivery (LastUpdateTimestamp 10:02:15, listed first) has the wrap-up 25
    assert got["1007"][3:8] == ("answered", 10.0, 100.0, 0.0, 25.0)
    # 90 s in Sales, moved by the flow to Overflow (QUEUE_TRANSFER), answered there after
    # 15 s: one answered Sales call, wait 90 + 15 = 105, no agent transfer (the export
    # has the transfer field: '' is "not transferred")
    assert got["1008"] == ("Sales", utc("2026-03-28T10:30:00"), utc("2026-03-28T10:31:45"),
                           "answered", 105.0, 80.0, 0.0, 5.0, "paul", "", False)
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


#: Saturday's KPIs of the Genesys, Twilio, Cisco and Axialys samples, which tell the same
#: calls: answered 2 (wait 30 s, handle talk 320 + hold 15 + wrap 30 = 365; wait 10 s,
#: handle 100 + 0 + 25 = 125), abandoned 2 (45 s, 4 s), overflow 2 (60 s: a callback
#: asked in queue; 90 s: sent to voicemail), one answered call transferred to Expert.
SATURDAY = {
    "offered": 6, "answered": 2, "abandoned": 2, "overflow": 2,
    "pickup_rate": 2 / 6, "abandon_rate": 2 / 6,
    "service_level_20s": 1 / 4,               # the 10 s answer of answered 2 + abandoned 2
    "asa_s": (30 + 10) / 2, "abandon_wait_s": (45 + 4) / 2,
    "aht_s": (365 + 125) / 2, "transfer_rate": 1 / 2}
#: Monday: answered after 5 s at 00:10 local (22:10 UTC Sunday; handle 60 + 0 + 15),
#: abandoned after 12 s.
MONDAY = {"offered": 2, "answered": 1, "abandoned": 1, "pickup_rate": 1 / 2,
          "service_level_20s": 1 / 2, "asa_s": 5, "aht_s": 75, "abandon_wait_s": 12}


def test_genesys_cloud(con, rows, caller_key):
    s = load(con, "genesys-cloud")
    # 29 session rows: 9 conversations; the agent session of …0005 delivered twice (1
    # duplicate); the 2 callback sessions of …0004 and the chat (3 filtered); the other
    # 16 sessions (customer, ivr, second acd, agents, voicemail) join their call
    assert counts(s) == (29, 9, 0, 1, 0, 3, 16)
    got = {c[-4:]: v for c, v in calls(con, rows).items()}
    # two acd sessions (Sales then Expert): one call, Sales, answered after tAcd 30 000 ms;
    # tTalkComplete 200 000 + 120 000 ms, tHeldComplete 15 000, tAcw 20 000 + 10 000
    assert got["0001"] == ("Sales", utc("2026-03-28T08:00:00"), utc("2026-03-28T08:00:30"),
                           "answered", 30.0, 320.0, 15.0, 30.0, "marie", "Expert", False)
    assert {c: v[3] for c, v in got.items()} == {
        "0001": "answered", "0002": "abandoned",   # tAbandon
        "0003": "ivr",                             # ivr session only: queue (ivr)
        "0004": "overflow",                        # tFlowOut to the callback
        "0005": "answered", "0006": "overflow",    # tFlowOut to voicemail
        "0007": "abandoned",                       # tShortAbandon: still an abandon
        "0009": "answered", "0010": "abandoned"}
    assert got["0003"][0] == "(ivr)"
    # the callback's answer by marie at 10:20 is not this call's
    assert got["0004"][2] is None and got["0004"][4] == 60.0
    k = {c[-4:]: v for c, v in keys(con, rows).items()}
    assert k["0001"] == k["0009"] == hmac_key("+33612345678", caller_key)   # tel:+33…
    assert k["0002"] == k["0010"] == hmac_key("+33698765432", caller_key)   # and 33…
    assert k["0003"] is None                  # sip:anonymous@anonymous.invalid
    d = day_kpis(con)
    assert_kpis(d[SAT], {**SATURDAY, "ivr_only": 1})
    assert_kpis(d[MON], MONDAY)


def test_twilio_taskrouter(con, rows, caller_key):
    s = load(con, "twilio-taskrouter")
    # 40 events: 8 calls; the task.wrapup of WT0006 delivered twice (1 duplicate); the
    # callback task's 3 events and a worker event (4 filtered); 27 more events of calls
    assert counts(s) == (40, 8, 0, 1, 0, 4, 27)
    got = calls(con, rows)
    # WT0001 and its transfer task WT0002 (same conversation_id): talk = (245 - 30) +
    # (140 - 20) = 335 (TaskRouter has no hold), wrap = (265 - 245) + (150 - 140) = 30
    assert got["WT0001"] == ("Sales", utc("2026-03-28T08:00:00"), utc("2026-03-28T08:00:30"),
                             "answered", 30.0, 335.0, None, 30.0, "marie", "Expert", False)
    assert {c: (v[3], v[4]) for c, v in got.items()} == {
        "WT0001": ("answered", 30.0),
        "WT0003": ("abandoned", 45.0),    # canceled: hangup, TaskAge 45
        "WT0004": ("overflow", 60.0),     # canceled: callback requested
        "WT0006": ("answered", 10.0),
        "WT0007": ("overflow", 90.0),     # canceled: Task TTL Exceeded
        "WT0008": ("abandoned", 4.0),
        "WT0009": ("answered", 5.0),
        "WT0010": ("abandoned", 12.0)}
    k = keys(con, rows)
    # "from" inside the TaskAttributes JSON: +33… and tel:+33… are one caller
    assert k["WT0001"] == k["WT0009"] == hmac_key("+33612345678", caller_key)
    assert k["WT0003"] == k["WT0010"] == hmac_key("+33698765432", caller_key)
    assert k["WT0007"] is None            # anonymous
    d = day_kpis(con)
    # handle of WT0001 = 335 + 30 = 365 as in SATURDAY; IVR-only calls never reach TaskRouter
    assert_kpis(d[SAT], {**SATURDAY, "ivr_only": 0, "talk_mean_s": (335 + 100) / 2})
    assert_kpis(d[MON], MONDAY)


def test_cisco_ucce(con, rows, caller_key):
    s = load(con, "cisco-ucce")
    # 15 legs: 9 calls; the agent leg of 100005 exported twice (1 duplicate); the
    # courtesy call back (PeripheralCallType 9) filtered; 4 more legs join their calls
    assert counts(s) == (15, 9, 0, 1, 0, 1, 4)
    got = calls(con, rows)
    # VRU leg ends 09:00:25 local after LocalQTime 25 (queue entry 09:00:00 local =
    # 08:00 UTC); marie's leg rings 5 s: wait 25 + 5 = 30; paul's leg (Expert) after the
    # transfer: talk 200 + 120, hold 15 + 0, work 20 + 10
    assert got["153466-100001"] == ("Sales", utc("2026-03-28T08:00:00"),
                                    utc("2026-03-28T08:00:30"), "answered", 30.0, 320.0, 15.0,
                                    30.0, "marie", "Expert", False)
    # RouterCallKey 100001 again on another RouterCallKeyDay: another call, whose local
    # DateTime 2026-03-30 00:10:02 is 22:10:02 UTC (CEST)
    assert got["153468-100001"][1] == utc("2026-03-29T22:10:00")
    assert {c: (v[0], v[3], v[4]) for c, v in got.items()} == {
        "153466-100001": ("Sales", "answered", 30.0),
        "153466-100002": ("Sales", "abandoned", 45.0),  # disposition 2: in local queue
        "153466-100003": ("(ivr)", "ivr", 0.0),         # disposition 1, no queue time
        "153466-100004": ("Sales", "overflow", 60.0),   # 15 redirected: courtesy callback
        "153466-100005": ("Sales", "answered", 10.0),
        "153466-100006": ("Sales", "overflow", 90.0),   # 15 redirected: voicemail
        "153466-100007": ("Sales", "abandoned", 4.0),   # 7: short abandon
        "153468-100001": ("Expert", "answered", 5.0),
        "153468-100008": ("Expert", "abandoned", 12.0)}
    k = keys(con, rows)
    assert k["153466-100001"] == k["153468-100001"] == hmac_key("+33612345678", caller_key)
    assert k["153466-100002"] == k["153468-100008"] == hmac_key("+33698765432", caller_key)
    assert k["153466-100003"] is None     # 0000000000: number blocked
    d = day_kpis(con)
    assert_kpis(d[SAT], {**SATURDAY, "ivr_only": 1})
    assert_kpis(d[MON], MONDAY)


def test_axialys(con, rows, caller_key):
    s = load(con, "axialys")
    # 12 rows: 9 calls; 7006 twice (1 duplicate); the outbound call-back 7005 filtered;
    # 7009 at 02:30 on Sunday 29 March does not exist in Paris (clocks jump 02:00 ->
    # 03:00): quarantined
    assert counts(s) == (12, 9, 0, 1, 1, 1, 0)
    assert "does not exist" in s.problems[0]["reason"] and s.problems[0]["line"] == 11
    got = calls(con, rows)
    # date 08:59:20 local + duration_svi 40 = queue entry 09:00:00 (08:00 UTC); wait =
    # duration_wait 25 + duration_ring 5; transferred from group Sales to Expert
    assert got["7001"] == ("Sales", utc("2026-03-28T08:00:00"), utc("2026-03-28T08:00:30"),
                           "answered", 30.0, 320.0, 15.0, 30.0, "marie", "Expert", False)
    assert {c: (v[3], v[4]) for c, v in got.items()} == {
        "7001": ("answered", 30.0), "7002": ("abandoned", 45.0),   # ABORT
        "7003": ("ivr", 0.0),                                      # no group
        "7004": ("overflow", 60.0),                                # NOANSWER
        "7006": ("answered", 10.0), "7007": ("overflow", 90.0),
        "7008": ("abandoned", 4.0),                                # CANCEL while ringing
        "7010": ("answered", 5.0), "7011": ("abandoned", 12.0)}
    # 00:09:40 + 20 s of IVR on Monday 30 (CEST, UTC+2) = 22:10 UTC on Sunday
    assert got["7010"][1] == utc("2026-03-29T22:10:00")
    k = keys(con, rows)
    # E.164 without '+'
    assert k["7001"] == k["7010"] == hmac_key("+33612345678", caller_key)
    assert k["7003"] is None
    d = day_kpis(con)
    assert_kpis(d[SAT], {**SATURDAY, "ivr_only": 1})
    assert_kpis(d[MON], MONDAY)


@pytest.mark.parametrize("profile", ["aircall", "amazon-connect", "avaya-cms", "axialys",
                                     "cisco-ucce", "genesys-cloud", "twilio-taskrouter"])
def test_auto_detection_recognises_every_sample(con, rows, profile):
    s = ingest_file(con, "calls", SAMPLES / f"{profile}.csv", profile="auto")
    assert s.profile == profile and s.detected_by
    assert rows(con, "select profile from ingest_runs") == [(profile,)]
    # the same result as with the profile named
    assert s.balanced and s.rows_loaded > 0


def test_auto_detection_refuses_an_unknown_header_listing_the_known_ones(con, tmp_path, write):
    from analytics.ingest import FileRefused

    f = write(tmp_path / "x.csv", "appel,debut,fin\n1,2,3\n")
    with pytest.raises(FileRefused) as refused:
        ingest_file(con, "calls", f, profile="auto")
    message = str(refused.value)
    for name in ("aircall", "amazon-connect", "avaya-cms", "axialys", "cisco-ucce",
                 "genesys-cloud", "twilio-taskrouter", "french-acd", "canonical"):
        assert name in message
    assert "appel, debut, fin" in message


def test_auto_detection_of_canonical_and_french_files(tmp_path, write):
    from analytics.profiles import detect_file_profile

    canon = write(tmp_path / "c.csv", "call_id,queue,arrived_at,outcome,wait_s\n")
    assert detect_file_profile(canon).profile == "canonical"
    french = write(tmp_path / "f.csv", "Date appel;Heure;File;Statut;Attente (s)\n", "latin-1")
    assert detect_file_profile(french).profile == "french-acd"


def test_cli_detects_and_ingests_with_auto(tmp_path, capsys):
    from copil.cli import main

    sample = str(SAMPLES / "amazon-connect.csv")
    assert main(["profiles", "detect", sample]) == 0
    out = capsys.readouterr().out
    assert "amazon-connect" in out and "initialcontactid" in out
    db = str(tmp_path / "w.duckdb")
    assert main(["ingest", "calls", sample, "--profile", "auto", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "recognised as amazon-connect" in out
    assert "read 14 = loaded 8 + updated 0 + duplicates 1 + quarantined 0 + filtered 2 + grouped 3" in out
    assert "profile assumes: times UTC (Z)" in out
    unknown = tmp_path / "u.csv"
    unknown.write_text("a,b\n1,2\n")
    assert main(["profiles", "detect", str(unknown)]) == 1
    assert "Known exports: aircall, amazon-connect" in capsys.readouterr().err
