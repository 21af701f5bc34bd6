"""Issue 11 point 6: roles enforced on every callback request whatever the base path, no
endpoint running callbacks past the guard, and provider-only callbacks checking the role
themselves (defence in depth)."""

from __future__ import annotations

import pytest
from security_testkit import callback_body

DATA_CB = callback_body([("data-content", "children")], [("data-refresh", "n_clicks", None)])
PLANNING_CB = callback_body([("planning-content", "children")],
                            [("planning-week", "value", None), ("planning-apply", "n_clicks", None)],
                            [("planning-channel", "value", None), ("planning-date", "date", None),
                             ("planning-audience", "value", None)])


@pytest.mark.parametrize("env", ["DASH_URL_BASE_PATHNAME", "DASH_ROUTES_PATHNAME_PREFIX"])
def test_guard_holds_under_a_base_path(serve, monkeypatch, env):
    # As behind a reverse proxy serving the app under /copil/.
    monkeypatch.setenv(env, "/copil/")
    if env == "DASH_ROUTES_PATHNAME_PREFIX":
        monkeypatch.setenv("DASH_REQUESTS_PATHNAME_PREFIX", "/copil/")
    served = serve()
    url = served.url + "/copil/_dash-update-component"
    client = served.session("client")
    assert client.post(url, json=DATA_CB).status_code == 403
    assert client.post(url, json=PLANNING_CB).status_code == 403
    assert served.session("admin").post(url, json=DATA_CB).status_code == 200
    assert served.session().post(url, json=DATA_CB).status_code == 401  # anonymous


def test_output_string_naming_a_forbidden_callback_is_refused(serve):
    # Dash picks the function by the "output" string; "outputs" alone is what the old
    # guard checked. A client naming the data page's callback there gets 403 (not a 500).
    served = serve()
    body = dict(DATA_CB, outputs={"id": "weekly-cards", "property": "children"})
    response = served.session("client").post(served.url + "/_dash-update-component", json=body)
    assert response.status_code == 403


def test_mcp_endpoint_stays_off_even_when_the_environment_enables_it(serve, monkeypatch):
    monkeypatch.setenv("DASH_MCP_ENABLED", "true")
    served = serve()
    client = served.session("client")
    listing = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    for path in ("/_mcp", "/_mcp/"):
        response = client.post(served.url + path, json=listing,
                               headers={"Accept": "application/json, text/event-stream"})
        assert response.status_code in (403, 404, 405), (path, response.text[:200])
        assert "jsonrpc" not in response.text
    assert not any("mcp" in rule.rule for rule in served.app.server.url_map.iter_rules())


def test_routes_added_after_start_up_are_refused(serve):
    # A plugin or Dash's setup_apis() adding a route later cannot open a way around the guard.
    served = serve()
    served.app.server.add_url_rule("/late-callback-api", "late", lambda: "ran",
                                   methods=["GET", "POST"])
    client = served.session("admin")
    assert client.post(served.url + "/late-callback-api").status_code == 404
    assert client.get(served.url + "/late-callback-api").status_code == 404


@pytest.mark.parametrize("module,function,args", [
    ("dashboards.pages.data", "update_data", (None,)),
    ("dashboards.pages.planning", "update_planning", (None, None, None, None, None)),
    ("dashboards.pages.weekly", "update_agents", ("2026-W46", [])),
])
def test_provider_only_callbacks_check_the_role_themselves(serve, module, function, args):
    import importlib

    from flask_login import login_user
    from werkzeug.exceptions import Forbidden

    from dashboards.app import User

    served = serve()
    callback = getattr(importlib.import_module(module), function)
    with served.app.server.test_request_context("/_dash-update-component", method="POST"):
        login_user(User("client", "client"))
        with pytest.raises(Forbidden):
            callback(*args)
