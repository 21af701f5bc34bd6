"""Issue 11 point 10: ``copil serve`` runs a production WSGI server (waitress) without
version banners; security headers on every response; ``--behind-proxy`` sets Secure
cookies and honours the proxy's headers; Dash still works under the CSP (Chromium)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from dashboards_testkit import PASSWORD
from security_testkit import callback_body, free_port

from dashboards import auth

HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def _check_headers(response) -> None:
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, (response.url, name)
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "Server" not in response.headers, response.headers.get("Server")


def test_copil_serve_uses_waitress_without_banner(tmp_path, warehouse_path, users_path):
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    env.pop("COPIL_SECRET_KEY", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "copil", "serve", "--db", str(warehouse_path), "--port", str(port),
         "--users", str(users_path), "--secret-key-file", str(tmp_path / "key")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            try:
                response = requests.get(url + "/login", timeout=5)
                break
            except requests.ConnectionError:
                assert proc.poll() is None, proc.stdout.read().decode()
                assert time.monotonic() < deadline, "copil serve did not start in 90 s"
                time.sleep(0.3)
        assert response.status_code == 200
        _check_headers(response)
        # The dev server would say "Server: Werkzeug/x Python/y"; waitress is told to say nothing.
        missing = requests.get(url + "/no-such-thing/../_dash-layout", timeout=5)
        assert "Server" not in missing.headers
    finally:
        proc.terminate()
        try:
            out, _ = proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
    assert b"WARNING: This is a development server" not in out


def test_security_headers_on_every_kind_of_response(serve):
    served = serve()
    anonymous = served.session()
    client = served.session("client")
    for response in (anonymous.get(served.url + "/login"),
                     anonymous.get(served.url + "/weekly"),            # redirect
                     anonymous.get(served.url + "/_dash-layout"),      # 401
                     anonymous.get(served.url + "/assets/style.css"),  # static file
                     client.get(served.url + "/weekly"),
                     client.post(served.url + "/_dash-update-component", json=callback_body(
                         [("data-content", "children")], [("data-refresh", "n_clicks", None)])),
                     client.get(served.url + "/download/weekly-report?week=bad")):
        _check_headers(response)


def test_behind_proxy_secure_cookie_and_forwarded_headers(serve):
    served = serve(behind_proxy=True, throttle=auth.LoginThrottle(per_address=2))
    login = served.session(headers={"X-Forwarded-Proto": "https"}).post(
        served.url + "/login", data={"username": "client", "password": PASSWORD})
    assert login.status_code == 302
    cookie = login.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie
    assert login.headers["Strict-Transport-Security"].startswith("max-age=")
    # The client address is the proxy's X-Forwarded-For: one user's failures do not lock
    # out another user behind the same proxy.
    a = served.session(headers={"X-Forwarded-For": "203.0.113.5"})
    b = served.session(headers={"X-Forwarded-For": "203.0.113.6"})
    for i in range(2):
        assert a.post(served.url + "/login", data={"username": f"x{i}", "password": "nope-nope-nope"}
                      ).status_code == 401
    assert a.post(served.url + "/login", data={"username": "admin", "password": PASSWORD}
                  ).status_code == 429
    assert b.post(served.url + "/login", data={"username": "admin", "password": PASSWORD}
                  ).status_code == 302


def test_not_behind_proxy_forwarded_headers_are_ignored(serve):
    served = serve(throttle=auth.LoginThrottle(per_address=2))
    for i in range(2):
        served.session(headers={"X-Forwarded-For": f"198.51.100.{i}"}).post(
            served.url + "/login", data={"username": f"y{i}", "password": "nope-nope-nope"})
    # Rotating a forged X-Forwarded-For does not escape the per-address limit.
    blocked = served.session(headers={"X-Forwarded-For": "198.51.100.99"}).post(
        served.url + "/login", data={"username": "admin", "password": PASSWORD})
    assert blocked.status_code == 429
    login = served.session().post(served.url + "/login", data={"username": "client",
                                                               "password": "wrong-wrong-wrong"})
    assert "Secure" not in login.headers.get("Set-Cookie", "")


@pytest.mark.browser
def test_dash_works_under_the_content_security_policy(serve):
    pytest.importorskip("playwright")
    from playwright.sync_api import sync_playwright

    served = serve()
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(served.url + "/login")
            page.fill("#login-username", "provider")
            page.fill("#login-password", PASSWORD)
            page.click("#login-submit")
            page.wait_for_load_state("networkidle")
            response = page.goto(served.url + "/weekly")
            assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
            page.wait_for_selector("#weekly-cards .card, #weekly-cards div", timeout=60000)
            page.wait_for_function(
                "() => document.querySelectorAll('[data-dash-is-loading=\"true\"]').length === 0",
                timeout=60000)
            page.click("#app-logout")  # the link shows the confirmation form
            page.click("#logout-submit")
            page.wait_for_url("**/login")
        finally:
            browser.close()
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
    assert errors == []
