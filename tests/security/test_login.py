"""Issue 11 point 7: log-in throttled per user name and per address with a clear message,
the same work for unknown names (no enumeration by timing), and a bound on the scrypt
memory a flood of log-ins can take."""

from __future__ import annotations

import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor

from dashboards_testkit import PASSWORD


def _try(served, session, name, password="wrong-password-123"):
    return session.post(served.url + "/login", data={"username": name, "password": password})


def test_per_user_throttle_then_clear_message(serve):
    served = serve()
    s = served.session()
    for _ in range(5):  # the default: 5 failures per user name in 15 minutes
        assert _try(served, s, "client").status_code == 401
    blocked = _try(served, s, "client", PASSWORD)  # even the right password waits
    assert blocked.status_code == 429
    assert 1 <= int(blocked.headers["Retry-After"]) <= 900
    assert "failed log-ins for this account" in blocked.text or "pour ce compte" in blocked.text
    # Other accounts from the same address are not locked out by it.
    assert _try(served, s, "admin", PASSWORD).status_code == 302


def test_per_address_throttle_across_names(serve):
    served = serve()
    s = served.session()
    for i in range(20):  # the default: 20 failures per address in 15 minutes
        assert _try(served, s, f"guess{i}").status_code == 401
    blocked = _try(served, s, "provider", PASSWORD)
    assert blocked.status_code == 429
    assert "from this address" in blocked.text or "depuis cette adresse" in blocked.text


def _count_scrypt(monkeypatch) -> dict:
    """Count scrypt runs (and the most running at once) made by werkzeug's hashing."""
    real = hashlib.scrypt
    state = {"calls": 0, "running": 0, "peak": 0}
    lock = threading.Lock()

    def counting(*args, **kwargs):
        with lock:
            state["calls"] += 1
            state["running"] += 1
            state["peak"] = max(state["peak"], state["running"])
        try:
            return real(*args, **kwargs)
        finally:
            with lock:
                state["running"] -= 1

    monkeypatch.setattr(hashlib, "scrypt", counting)
    return state


def test_unknown_names_cost_the_same_work_as_known_ones(serve, monkeypatch):
    served = serve()
    s = served.session()
    _try(served, s, "nobody-warmup")  # the stand-in hash is made once, at the first unknown name
    state = _count_scrypt(monkeypatch)
    assert _try(served, s, "client").status_code == 401
    known = state["calls"]
    assert _try(served, s, "nobody-at-all").status_code == 401
    unknown = state["calls"] - known
    assert known == unknown == 1  # one scrypt each (before: two for an unknown name)


def test_a_flood_of_logins_runs_at_most_two_hashes_at_once(serve, monkeypatch):
    served = serve()
    state = _count_scrypt(monkeypatch)

    def attempt(i: int) -> int:
        return _try(served, served.session(), f"flood{i}").status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(attempt, range(8)))
    assert set(codes) <= {401, 429, 503}
    assert 1 <= state["peak"] <= 2  # 2 x 32 MiB at most, whatever the number of threads
