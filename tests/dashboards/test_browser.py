"""Real-browser tests: headless Debian Chromium driven by Playwright, against the app served
on 127.0.0.1 (free port) from a thread, on the small warehouse of the fixtures.

Screenshots of every page go to ``artifacts/screenshots/`` (git-ignored).
"""

from __future__ import annotations

import re
import socket
import threading
from pathlib import Path

import pytest
from dashboards_testkit import PASSWORD, SECRET_CALLER_KEY, SECRET_PHONE

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server_url(tmp_path_factory, users_file):
    from dashboards_testkit import build_warehouse
    from werkzeug.serving import make_server

    from dashboards.app import create_app

    path = tmp_path_factory.mktemp("browser") / "w.duckdb"
    build_warehouse(path)
    _add_staffing(path)
    app = create_app(path, users_path=users_file,
                     secret_key_path=tmp_path_factory.mktemp("key") / "k")
    port = _free_port()
    server = make_server("127.0.0.1", port, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    thread.join(timeout=10)


def _add_staffing(path) -> None:
    """Advisors logged in 08:00-18:00 Paris time from 28 September: 2 per half hour, 1 on
    Mondays' first two hours (so some half hours are understaffed)."""
    from analytics.warehouse import connect

    con = connect(path)
    try:
        con.execute("""
            insert into staffing
            select 'planning', timezone('Europe/Paris', d + to_minutes(m)), 30, '*',
                   case when dayofweek(d) = 1 and m < 600 then 1 else 2 end, 9
            from range(timestamp '2026-09-28', timestamp '2026-11-16', interval 1 day) t(d),
                 range(480, 1080, 30) s(m)""")
    finally:
        con.close()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run 'make browser' (installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Session:
    """A browser context signed in as one role, recording console errors."""

    def __init__(self, browser, url: str, role: str):
        self.url = url
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.page = self.context.new_page()
        self.page.set_default_timeout(60000)
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(f"{url}/login")
        self.page.fill("#login-username", role)
        self.page.fill("#login-password", PASSWORD)
        self.page.click("#login-submit")
        self.page.wait_for_load_state("networkidle")

    def open(self, path: str):
        self.page.goto(self.url + path)
        self.page.wait_for_load_state("networkidle")
        self.settle()

    def settle(self):
        # Dash marks pending callbacks with data-dash-is-loading; wait until none remains.
        self.page.wait_for_function(
            "() => document.querySelectorAll('[data-dash-is-loading=\"true\"]').length === 0")
        self.page.wait_for_timeout(150)

    def shot(self, name: str):
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    def close(self):
        self.context.close()


@pytest.fixture()
def session(browser, server_url):
    opened = []

    def make(role: str) -> Session:
        s = Session(browser, server_url, role)
        opened.append(s)
        return s

    yield make
    for s in opened:
        s.close()


def pick(page, dropdown: str, option: str) -> None:
    """Choose ``option`` in a Dash 4 dropdown (opens the list, clicks the option, closes it)."""
    page.click(dropdown)
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")


# the Intraday page (issue 13) is open to every role: one more link for each
ROLE_PAGES = {"client": ["weekly", "quarterly", "intraday"],
              "provider": ["weekly", "quarterly", "intraday", "planning"],
              "planner": ["intraday", "planning"],
              "admin": ["weekly", "quarterly", "intraday", "planning", "data"]}


@pytest.mark.parametrize("role", list(ROLE_PAGES))
def test_each_role_opens_its_pages_without_console_errors(session, role):
    s = session(role)
    nav = s.page.locator(".nav a").all_inner_texts()
    assert len(nav) == len(ROLE_PAGES[role])
    for page in ROLE_PAGES[role]:
        s.open(f"/{page}")
        assert s.page.locator("h1").first.is_visible()
        html = s.page.content()
        assert SECRET_CALLER_KEY not in html and SECRET_PHONE not in html
        assert "Traceback" not in html
        s.shot(f"{page}-{role}")
    assert s.errors == []


def test_client_is_refused_forbidden_pages_and_downloads(session):
    s = session("client")
    s.open("/data")
    assert "n'est pas ouverte" in s.page.inner_text("#data-refused")
    assert s.page.locator("#data-content").count() == 0
    s.open("/planning")
    assert s.page.locator("#planning-refused").is_visible()
    assert s.page.locator(".nav a", has_text="Données").count() == 0
    response = s.page.request.get(s.url + "/download/planning-requirements.csv")
    assert response.status == 403
    response = s.page.request.post(
        s.url + "/_dash-update-component",
        data={"output": "data-content.children",
              "outputs": {"id": "data-content", "property": "children"},
              "inputs": [{"id": "data-refresh", "property": "n_clicks", "value": None}],
              "changedPropIds": [], "state": []})
    assert response.status == 403
    s.shot("data-refused-client")


def test_admin_data_page_shows_the_warehouse_health(session):
    s = session("admin")
    s.open("/data")
    assert "2026-10-14" in s.page.inner_text("#data-missing")
    assert "negative duration" in s.page.inner_text("#data-reasons")
    assert s.errors == []


def test_language_switch(session):
    s = session("admin")
    s.open("/data")
    assert s.page.inner_text("#app-nav-weekly") == "Revue hebdomadaire"
    s.page.click("#app-lang-en")
    s.page.wait_for_load_state("networkidle")
    s.settle()
    assert s.page.url.endswith("/data")
    assert s.page.inner_text("#app-nav-weekly") == "Weekly review"
    assert s.page.inner_text("#data-title") == "Data health"
    s.shot("data-admin-en")
    s.page.click("#app-lang-fr")
    s.page.wait_for_load_state("networkidle")
    assert s.page.inner_text("#data-title") == "Santé des données"
    assert s.errors == []


def test_weekly_change_week_and_queue(session):
    s = session("provider")
    s.open("/weekly")
    first = s.page.inner_text("#weekly-card-offered .card-value")
    assert re.fullmatch(r"[\d\u202f]+", first)
    pick(s.page, "#weekly-week", "2026-W40")
    s.settle()
    s.page.wait_for_function(
        "(v) => { const t = document.querySelector('#weekly-card-offered .card-value')"
        ".innerText; return t !== v && /\\d/.test(t); }", arg=first)
    week40 = s.page.inner_text("#weekly-card-offered .card-value")
    pick(s.page, "#weekly-queues", "pro")
    s.settle()
    s.page.wait_for_function(
        "(v) => { const t = document.querySelector('#weekly-card-offered .card-value')"
        ".innerText; return t !== v && /\\d/.test(t); }", arg=week40)
    pro_only = int(s.page.inner_text("#weekly-card-offered .card-value").replace("\u202f", ""))
    assert 0 < pro_only < int(week40.replace("\u202f", ""))
    assert s.page.locator("#weekly-agent-table table").count() == 1
    s.shot("weekly-provider-w40-pro")
    assert s.errors == []


def test_client_sees_no_agent_detail(session):
    s = session("client")
    s.open("/weekly")
    assert s.page.locator("#weekly-agent-table").count() == 0
    assert s.page.locator("#weekly-card-offered").is_visible()
    assert s.errors == []


def test_add_an_action_and_see_it_after_reload_from_the_other_side(session):
    provider = session("provider")
    provider.open("/weekly")
    text = "Renforcer le lundi matin (test navigateur)"
    provider.page.fill("#weekly-action-text", text)
    provider.page.click("#weekly-action-add")
    provider.settle()
    provider.page.wait_for_selector(f"#weekly-actions-table >> text={text}")
    provider.page.reload()
    provider.page.wait_for_load_state("networkidle")
    provider.settle()
    assert text in provider.page.inner_text("#weekly-actions")
    client = session("client")
    client.open("/weekly")
    assert text in client.page.inner_text("#weekly-actions")
    assert provider.errors == [] and client.errors == []


def test_quarterly_staffing_vs_requirement(session):
    s = session("provider")
    s.open("/quarterly")
    s.page.wait_for_selector("#quarterly-staffing-table")
    text = s.page.inner_text("#quarterly-staffing-table")
    assert "2026-W46" in text and "Erlang A" in text
    assert s.page.locator("#quarterly-staffing-graph").is_visible()
    s.shot("quarterly-staffing-provider")
    assert s.errors == []


def test_planning_week_and_what_if(session):
    s = session("planner")
    s.open("/planning")
    assert s.page.locator("#planning-requirements").is_visible()
    pick(s.page, "#planning-week", "2026-W48")
    s.settle()
    s.page.wait_for_function(
        "() => document.querySelector('#planning-requirements-link').href.includes('2026-W48')")
    pick(s.page, "#planning-channel", "mailing")
    s.page.fill("#planning-date", "2026-11-23")
    s.page.keyboard.press("Enter")
    s.page.fill("#planning-audience", "50000")
    s.page.click("#planning-apply")
    s.settle()
    s.page.wait_for_selector("#planning-whatif-result")
    assert "sur la semaine 2026-W48 (écart" in s.page.inner_text("#planning-whatif-result")
    assert "Traceback" not in s.page.content()
    s.shot("planning-planner-what-if")
    assert s.errors == []


def test_intraday_as_planner_shows_the_projection_and_net_staffing(session):
    s = session("planner")
    s.open("/intraday")
    s.page.wait_for_selector("#intraday-cards .card-value")
    cards = s.page.locator("#intraday-cards .card")
    assert cards.count() == 6            # at most six headline figures, each with its target
    for text in cards.all_inner_texts():
        assert "objectif" in text or "prévision du matin" in text
    assert s.page.locator("#intraday-calls-graph").is_visible()
    s.page.wait_for_selector("#intraday-staffing-graph")
    assert "h·conseiller" in s.page.inner_text("#intraday-staffing-sums")
    assert "Aucun plan de vacations" in s.page.inner_text("#intraday-staffing-note")
    before = s.page.inner_text("#intraday-as-of")
    pick(s.page, "#intraday-time", "12:00")
    s.settle()
    s.page.wait_for_function(
        "(v) => { const e = document.querySelector('#intraday-as-of');"
        " return e && e.innerText !== v && e.innerText.endsWith('12:00'); }", arg=before)
    assert s.page.locator("#intraday-staffing-table tbody tr").count() > 0
    s.shot("intraday-planner-noon")
    assert s.errors == []


def test_intraday_as_client_has_no_staffing_detail(session):
    s = session("client")
    s.open("/intraday")
    s.page.wait_for_selector("#intraday-cards .card-value")
    assert s.page.locator("#intraday-cards .card").count() == 6
    assert s.page.locator("#intraday-calls-graph").is_visible()
    assert s.page.locator("#intraday-staffing-content").count() == 0
    html = s.page.content()
    assert "intraday-staffing" not in html and "Connectés" not in html
    response = s.page.request.post(
        s.url + "/_dash-update-component",
        data={"output": "intraday-staffing-content.children",
              "outputs": {"id": "intraday-staffing-content", "property": "children"},
              "inputs": [{"id": "intraday-version", "property": "data", "value": 1},
                         {"id": "intraday-day", "property": "date", "value": None},
                         {"id": "intraday-time", "property": "value", "value": "latest"}],
              "changedPropIds": [], "state": []})
    assert response.status == 403
    s.shot("intraday-client")
    assert s.errors == []
