"""Issue 11 points 2 and 3, replayed over HTTP: a period far from the data (``9999-Q3``
grew the server past 9 GB; ``1900-Q1``, ``2030-Q1``, ``2100-Q1`` answered 500 or an empty
report) answers 4xx with the reason within 100 ms; callbacks say why; what-if inputs are
bounded; the report cache is bounded in bytes. The small warehouse holds calls from
2026-08-03 to 2026-11-15."""

from __future__ import annotations

import logging
import statistics
import time

import pytest
from security_testkit import callback_body

from dashboards.cache import ResultCache, size_of


def rss_bytes() -> int:
    """Resident memory of this process (the server runs in it), bytes."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def timed_get(session, url: str):
    start = time.perf_counter()
    response = session.get(url)
    return response, time.perf_counter() - start


def test_far_quarter_answers_4xx_fast_and_memory_stays(serve):
    served = serve()
    client = served.session("client")
    url = served.url + "/download/quarterly-report?quarter=9999-Q3"
    timed_get(client, url)  # warm-up: first request of the session
    before = rss_bytes()
    answers = [timed_get(client, url) for _ in range(3)]
    grown = rss_bytes() - before
    assert all(r.status_code == 400 for r, _ in answers), [r.status_code for r, _ in answers]
    assert "year must be between 1990 and 2100" in answers[0][0].text
    assert statistics.median(s for _, s in answers) < 0.1
    assert grown < 50 * 2**20, f"server grew by {grown / 2**20:.0f} MiB"


@pytest.mark.parametrize("quarter, status, reason", [
    ("1900-Q1", 400, "the year must be between 1990 and 2100"),
    ("2030-Q1", 404, "quarter 2030-Q1 (2029-12-31 to 2030-03-31) is outside the data: the calls "
                     "run from 2026-08-03 to 2026-11-15"),
    ("2100-Q1", 404, "quarter 2100-Q1 (2100-01-04 to 2100-03-28) is outside the data"),
    ("2026-Q1", 404, "quarter 2026-Q1 (2025-12-29 to 2026-03-29) is outside the data"),
])
def test_quarters_outside_the_data_say_why_without_a_traceback(serve, caplog, quarter, status,
                                                              reason):
    served = serve()
    client = served.session("client")
    url = served.url + f"/download/quarterly-report?quarter={quarter}"
    timed_get(client, url)  # warm-up: the first read publishes the snapshot
    with caplog.at_level(logging.INFO):
        answers = [timed_get(client, url) for _ in range(3)]
    response = answers[0][0]
    assert response.status_code == status
    assert reason in response.text
    assert statistics.median(s for _, s in answers) < 0.1
    assert "Traceback" not in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_weeks_outside_the_data_and_bad_periods_are_refused(serve):
    served = serve()
    client = served.session("client")
    week = client.get(served.url + "/download/weekly-report?week=2030-W01")
    assert week.status_code == 404
    assert "week 2030-W01 (2029-12-31 to 2030-01-06) is outside the data" in week.text
    bad = client.get(served.url + "/download/weekly-report?week=2026-W99")
    assert bad.status_code == 400 and "does not exist" in bad.text
    inside = client.get(served.url + "/download/weekly-report?week=2026-w46")  # normalised
    assert inside.status_code == 200


def test_planning_is_bounded_to_eight_weeks_after_the_data_and_what_ifs_too(serve):
    served = serve()
    planner = served.session("planner")
    url = served.url + "/download/planning-requirements.csv"
    # Last day with calls Sunday 2026-11-15: the 8 weeks offered are 2026-W47 to 2026-W53
    # and 2027-W01 (from 2027-01-04, 50 days after); the margin is 8 x 7 = 56 days, to
    # 2027-01-10, so 2027-W02 (from 2027-01-11, 57 days after) is refused.
    far = planner.get(url, params={"week": "2027-W02"})
    assert far.status_code == 404
    assert "weeks from 2026-08-03 to 2027-01-10 may be asked for" in far.text
    huge = planner.get(url, params={"week": "2026-W48", "channel": "mailing",
                                    "date": "2026-11-23", "audience": "1e12"})
    assert huge.status_code == 400 and "at most 100,000,000" in huge.text
    early = planner.get(url, params={"week": "2026-W48", "channel": "mailing",
                                     "date": "0001-01-01"})
    assert early.status_code == 400 and "more than 8 weeks before 2026-W48" in early.text


def test_callbacks_say_why_a_period_is_refused(serve):
    served = serve()
    post = served.url + "/_dash-update-component"
    client = served.session("client")
    weekly = callback_body([("weekly-cards", "children"), ("weekly-trend-rates", "figure"),
                            ("weekly-trend-waits", "figure"), ("weekly-report-link", "href")],
                           [("weekly-week", "value", "2100-W01"), ("weekly-queues", "value", [])])
    answer = client.post(post, json=weekly)
    assert answer.status_code == 200 and "is outside the data" in answer.text
    gaps = callback_body([("weekly-gaps", "children")],
                         [("weekly-week", "value", "2100-W01"), ("weekly-queues", "value", [])])
    answer = client.post(post, json=gaps)
    assert answer.status_code == 200 and "is outside the data" in answer.text
    quarterly = callback_body([("quarterly-forecast", "children")],
                              [("quarterly-quarter", "value", "9999-Q3")])
    answer = client.post(post, json=quarterly)
    assert answer.status_code == 200 and "year must be between" in answer.text
    planner = served.session("planner")
    planning = callback_body([("planning-content", "children")],
                             [("planning-week", "value", "2030-W01"),
                              ("planning-apply", "n_clicks", None)],
                             [("planning-channel", "value", None), ("planning-date", "date", None),
                              ("planning-audience", "value", None)])
    answer = planner.post(post, json=planning)
    assert answer.status_code == 200 and "is outside the data" in answer.text


def test_report_cache_is_bounded_in_bytes(serve, monkeypatch):
    """Each report embeds plotly.js (about 5 MB): 16 distinct reports held 80 MB with the
    cache bounded by count only. With a 40 MiB budget the cache keeps at most 40 MiB."""
    monkeypatch.setenv("COPIL_CACHE_MB", "40")
    served = serve()
    wh = served.app.server.config["COPIL_WAREHOUSE"]
    client = served.session("client")
    sizes = []
    for week in range(38, 46):
        for lang in ("fr", "en"):
            r = client.get(served.url + f"/download/weekly-report?week=2026-W{week}&lang={lang}")
            assert r.status_code == 200
            sizes.append(len(r.content))
    assert sum(sizes) > 60 * 2**20  # the attack: far more than the budget was asked for
    held = 0
    for key in list(wh._cache):
        item = wh._cached(key)
        if item is not None and isinstance(item[1], str):
            held += len(item[1])
    assert held <= 40 * 2**20, f"{held / 2**20:.0f} MiB of reports held"
    assert held >= 2 * 2**20  # and recent reports are kept


def test_result_cache_evicts_the_least_recently_used_by_bytes():
    mib = 2**20
    assert size_of("x" * 2 * mib) == 2 * mib + 41  # sys.getsizeof: 41-byte compact ASCII str header
    cache = ResultCache(max_bytes=int(8.5 * mib), max_entries=100)
    for key in "abcd":  # 4 x (2 MiB + 41 B) = 8 MiB + 164 B <= 8.5 MiB: all kept
        assert cache.put(key, 1, key * 2 * mib)
    assert len(cache) == 4 and cache.nbytes == 4 * (2 * mib + 41)
    assert cache.get("a") == (1, "a" * 2 * mib)  # "a" is now the most recently used
    cache.put("e", 1, "e" * 2 * mib)             # 10 MiB > 8.5 MiB: "b", the oldest, goes
    assert cache.get("b") is None and all(cache.get(k) is not None for k in "acde")
    assert cache.nbytes == 4 * (2 * mib + 41)
    assert not cache.put("big", 1, "z" * 3 * mib)  # over a quarter of the budget: not kept
    assert cache.get("big") is None and len(cache) == 4
