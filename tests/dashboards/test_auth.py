"""Users file, password hashes, secret key, log-in and the server-side role guard."""

from __future__ import annotations

import json
import os
import stat

import pytest
from dashboards_testkit import PASSWORD, login, post_callback

from dashboards import auth


def test_users_file_is_private_and_hashes_are_salted(tmp_path):
    path = tmp_path / "users.json"
    auth.add_user(path, "alice", "client", "same-password")
    auth.add_user(path, "bob", "provider", "same-password")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    raw = json.loads(path.read_text())["users"]
    assert "same-password" not in path.read_text()
    assert raw["alice"]["password_hash"] != raw["bob"]["password_hash"]  # salted
    assert raw["alice"]["password_hash"].startswith("scrypt:")
    assert auth.check_user(path, "alice", "same-password") == "client"
    assert auth.check_user(path, "alice", "wrong") is None
    assert auth.check_user(path, "nobody", "same-password") is None
    assert auth.list_users(path) == [("alice", "client"), ("bob", "provider")]
    assert auth.remove_user(path, "alice") is True
    assert auth.remove_user(path, "alice") is False
    assert auth.list_users(path) == [("bob", "provider")]


@pytest.mark.parametrize("name,role", [("alice", "boss"), ("bad name", "client"), ("", "admin")])
def test_add_user_refuses_bad_names_and_roles(tmp_path, name, role):
    with pytest.raises(ValueError):
        auth.add_user(tmp_path / "u.json", name, role, "secret-pw-long")


def test_demo_users_are_printed_and_work(tmp_path):
    path = tmp_path / "u.json"
    accounts = auth.ensure_demo_users(path)
    assert [(n, r) for n, r, _ in accounts] == [("client", "client"), ("provider", "provider"),
                                                ("planner", "planner"), ("admin", "admin")]
    for name, role, password in accounts:
        assert auth.check_user(path, name, password) == role
    before = path.read_text()
    auth.ensure_demo_users(path)  # idempotent: hashes unchanged when the password still works
    assert path.read_text() == before


def test_secret_key_generated_once_with_0600(tmp_path):
    path = tmp_path / "sub" / "key"
    key = auth.load_secret_key(path)
    assert len(key) == 32
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert auth.load_secret_key(path) == key
    os.chmod(path, 0o644)
    auth.load_secret_key(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_role_prefix_table():
    assert auth.role_allowed_for_id("client", "weekly-cards")
    assert not auth.role_allowed_for_id("client", "weekly-agent-table")
    assert auth.role_allowed_for_id("provider", "weekly-agent-table")
    assert not auth.role_allowed_for_id("client", "planning-requirements")
    assert not auth.role_allowed_for_id("planner", "weekly-cards")
    assert auth.role_allowed_for_id("planner", "planning-forecast")
    assert not auth.role_allowed_for_id("provider", "data-content")
    assert auth.role_allowed_for_id("admin", "data-content")
    assert not auth.role_allowed_for_id("admin", "unknown-id")
    assert not auth.role_allowed_for_id(None, "weekly-cards")


def test_anonymous_is_sent_to_login_and_refused_on_endpoints(app):
    client = app.server.test_client()
    response = client.get("/weekly")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/weekly")
    assert client.get("/_dash-layout").status_code == 401
    assert client.get("/download/quarterly-report?quarter=2026-Q3").status_code == 401
    assert post_callback(client, [("data-content", "children")],
                         [("data-refresh", "n_clicks", None)]).status_code == 401
    assert client.get("/login").status_code == 200


def test_login_cookie_flags_and_wrong_password(app):
    client = app.server.test_client()
    bad = client.post("/login", data={"username": "client", "password": "nope"})
    assert bad.status_code == 401
    assert b"incorrect" in bad.data or b"Wrong" in bad.data
    ok = client.post("/login", data={"username": "client", "password": PASSWORD,
                                     "next": "//evil.example/"})
    assert ok.status_code == 302
    assert ok.headers["Location"] == "/"  # no open redirect
    cookie = ok.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize("role,landing", [("client", "/weekly"), ("provider", "/weekly"),
                                          ("planner", "/planning"), ("admin", "/weekly")])
def test_root_redirects_to_the_roles_first_page(app, role, landing):
    assert login(app, role).get("/").headers["Location"] == landing


def test_logout_ends_the_session(app):
    client = login(app, "client")
    assert client.get("/_dash-layout").status_code == 200
    # Log-out is a POST carrying the session's CSRF token (issue 11); the GET asks first.
    confirm = client.get("/logout")
    assert confirm.status_code == 200 and b'method="post"' in confirm.data
    assert client.get("/_dash-layout").status_code == 200
    token = confirm.data.split(b'name="csrf_token" value="')[1].split(b'"')[0].decode()
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/_dash-layout").status_code == 401


def test_client_is_refused_provider_and_admin_callbacks(clients):
    data_cb = ([("data-content", "children")], [("data-refresh", "n_clicks", None)])
    for role in ("client", "provider", "planner"):
        assert post_callback(clients[role], *data_cb).status_code == 403, role
    assert post_callback(clients["admin"], *data_cb).status_code == 200

    agent_cb = ([("weekly-agent-table", "children")],
                [("weekly-week", "value", "2026-W46"), ("weekly-queues", "value", [])])
    assert post_callback(clients["client"], *agent_cb).status_code == 403
    assert post_callback(clients["planner"], *agent_cb).status_code == 403
    assert post_callback(clients["provider"], *agent_cb).status_code == 200

    planning_cb = ([("planning-content", "children")], [("planning-weeks", "value", 4)])
    assert post_callback(clients["client"], *planning_cb).status_code == 403


def test_forged_or_empty_callback_requests_are_refused(clients):
    client = clients["client"]
    # A multi-output request smuggling one forbidden output among allowed ones.
    response = post_callback(client, [("weekly-cards", "children"), ("data-content", "children")],
                             [("weekly-week", "value", "2026-W46")])
    assert response.status_code == 403
    assert client.post("/_dash-update-component", json={}).status_code == 403
    assert client.post("/_dash-update-component", data="not json").status_code == 403
    # Pattern-matching ids are judged by their type.
    response = post_callback(client, [({"type": "data-x", "index": 1}, "children")],
                             [("weekly-week", "value", "2026-W46")])
    assert response.status_code == 403


def test_downloads_are_guarded_by_role(clients):
    assert clients["client"].get("/download/planning-requirements.csv").status_code == 403
    assert clients["client"].get("/download/planning-shifts.csv").status_code == 403
    assert clients["planner"].get("/download/quarterly-report?quarter=2026-Q3").status_code == 403
    assert clients["planner"].get("/download/weekly-report?week=2026-W46").status_code == 403
    bad = clients["client"].get("/download/quarterly-report?quarter=2026-Q9")
    assert bad.status_code == 400
    assert clients["client"].get("/download/planning-other.csv").status_code in (403, 404)


def test_forbidden_page_layout_says_so(clients):
    from dashboards.components import page_refusal

    app = clients["client"].application
    with app.test_request_context("/data"):
        from flask_login import login_user

        from dashboards.app import User

        login_user(User("client", "client"))
        refusal = page_refusal("data", "en")
        assert refusal is not None and "client" in refusal.children
        assert page_refusal("weekly", "en") is None


def test_client_downloads_the_reports(clients):
    response = clients["client"].get("/download/weekly-report?week=2026-W46&lang=en")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="copil-weekly-2026-W46-en.html"')
    assert b'<html lang="en">' in response.data
    quarterly = clients["client"].get("/download/quarterly-report?quarter=2026-Q4")
    assert quarterly.status_code == 200
    assert b"<html" in quarterly.data
