"""Issue 11 point 9: sessions end at log-out, on a password change and when the user is
removed (copied cookies included), after an idle timeout; log-out is a POST with a token."""

from __future__ import annotations

import re
import time

from dashboards_testkit import PASSWORD

from dashboards import auth


def _copy(session):
    """A second client holding the same cookies (a copied cookie)."""
    import requests

    other = requests.Session()
    other.cookies.update(session.cookies)
    return other


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_copied_cookie_dies_at_logout(serve):
    served = serve()
    s = served.session("client")
    stolen = _copy(s)
    assert stolen.get(served.url + "/_dash-layout").status_code == 200
    confirm = s.get(served.url + "/logout")
    assert confirm.status_code == 200 and 'method="post"' in confirm.text
    done = s.post(served.url + "/logout", data={"csrf_token": _token(confirm.text)})
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    assert s.get(served.url + "/_dash-layout").status_code == 401
    assert stolen.get(served.url + "/_dash-layout", allow_redirects=False).status_code == 401


def test_logout_needs_a_post_with_the_sessions_token(serve):
    served = serve()
    s = served.session("client")
    # A link or image on another site (GET) or a forged form (no token) logs nobody out.
    assert s.get(served.url + "/logout").status_code == 200
    assert s.post(served.url + "/logout").status_code == 403
    assert s.post(served.url + "/logout", data={"csrf_token": "guess"}).status_code == 403
    assert s.get(served.url + "/_dash-layout").status_code == 200


def test_sessions_die_on_password_change_and_removal(serve, users_path):
    served = serve()
    s = served.session("provider")
    stolen = _copy(s)
    assert s.get(served.url + "/_dash-layout").status_code == 200
    auth.add_user(users_path, "provider", "provider", "a-new-long-password")
    assert s.get(served.url + "/_dash-layout").status_code == 401
    assert stolen.get(served.url + "/_dash-layout", allow_redirects=False).status_code == 401
    fresh = served.session()
    r = fresh.post(served.url + "/login", data={"username": "provider",
                                                "password": "a-new-long-password"})
    assert r.status_code == 302  # the new password opens a new session
    assert fresh.get(served.url + "/_dash-layout").status_code == 200
    auth.remove_user(users_path, "provider")  # (this one held before too)
    assert fresh.get(served.url + "/_dash-layout").status_code == 401


def test_idle_sessions_expire(serve):
    # margins wide enough for a loaded CI machine (log-in costs a scrypt check)
    served = serve(idle_timeout_s=6)
    s = served.session("client")
    assert s.get(served.url + "/_dash-layout").status_code == 200
    time.sleep(2)
    assert s.get(served.url + "/_dash-layout").status_code == 200  # activity renews it
    time.sleep(8)
    assert s.get(served.url + "/_dash-layout").status_code == 401


def test_idle_timeout_is_configurable_by_environment(serve, monkeypatch):
    monkeypatch.setenv("COPIL_IDLE_TIMEOUT_MIN", "45")
    served = serve()
    assert served.app.server.permanent_session_lifetime.total_seconds() == 45 * 60
    login = served.session().post(served.url + "/login", data={
        "username": "client", "password": PASSWORD})
    assert "Expires=" in login.headers["Set-Cookie"]
