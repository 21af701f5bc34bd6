"""Browser tests of the Planning page's background shift plan (headless Chromium): the
planner starts it, sees its progress, then the stored plan's coverage; a client's request
to start it is refused by the server."""

from __future__ import annotations

import json

import pytest
from test_browser import browser, server_url, session  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def test_planner_starts_the_shift_plan_and_sees_progress_then_the_result(session):  # noqa: F811
    s = session("planner")
    s.open("/planning")
    s.page.wait_for_selector("#planning-shifts-none")
    s.page.click("#planning-shifts-start")
    # the request comes back at once; the poll shows the job running, then its result
    s.page.wait_for_selector("#planning-shifts-started-ok")
    s.page.wait_for_selector("#planning-shifts-running, #planning-shifts-summary")
    s.page.wait_for_selector("#planning-shifts-summary", timeout=120000)
    assert "Plan 1 enregistré" in s.page.inner_text("#planning-shifts-summary")
    assert s.page.locator("#planning-shifts-coverage").is_visible()
    assert s.page.locator("#planning-shifts-running").count() == 0
    s.shot("planning-planner-shift-plan")
    assert "Traceback" not in s.page.content()
    assert s.errors == []


def test_client_cannot_start_the_shift_plan(session, server_url):  # noqa: F811
    s = session("client")
    body = {"output": "planning-shifts-started.children",
            "outputs": {"id": "planning-shifts-started", "property": "children"},
            "inputs": [{"id": "planning-shifts-start", "property": "n_clicks", "value": 1}],
            "state": [{"id": "planning-week", "property": "value", "value": "2026-W47"}],
            "changedPropIds": ["planning-shifts-start.n_clicks"]}
    response = s.page.request.post(f"{server_url}/_dash-update-component",
                                   data=json.dumps(body),
                                   headers={"Content-Type": "application/json"})
    assert response.status == 403
    s.open("/planning")  # nor does the page (or its button) exist for a client
    assert s.page.locator("#planning-shifts-start").count() == 0
