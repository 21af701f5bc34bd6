"""Weekly and quarterly review callbacks: exact values recomputed independently with pandas
from the fixture's rows, empty inputs, and the plain message when a module is missing."""

from __future__ import annotations

import base64
import datetime as dt
import json
import sys
import time

import numpy as np
import pandas as pd
import pytest
from dashboards_testkit import SECRET_CALLER_KEY, login, make_calls, post_callback

from analytics.i18n import fmt_number, fmt_rate

WEEKLY_OUT = [("weekly-cards", "children"), ("weekly-trend-rates", "figure"),
              ("weekly-trend-waits", "figure"), ("weekly-report-link", "href")]
DETAIL_OUT = [("weekly-daily", "figure"), ("weekly-intraday", "figure")]
QUARTER_OUT = [("quarterly-rates", "figure"), ("quarterly-waits", "figure"),
               ("quarterly-compliance", "children"), ("quarterly-volume", "figure"),
               ("quarterly-campaigns", "children"), ("quarterly-staffing", "children"),
               ("quarterly-report-link", "href")]


def expected_week(monday: dt.date, queues: set[str] | None = None) -> dict:
    """Glossary KPIs of one local week, from the fixture rows with pandas only."""
    calls = make_calls()
    local = calls["arrived_at"].dt.tz_convert("Europe/Paris").dt.date
    week = calls[(local >= monday) & (local <= monday + dt.timedelta(days=6))]
    if queues:
        week = week[week["queue"].isin(queues)]
    offered = week[week["outcome"] != "ivr"]
    answered = week[week["outcome"] == "answered"]
    abandoned = week[week["outcome"] == "abandoned"]
    return {
        "offered": len(offered),
        "pickup_rate": len(answered) / len(offered),
        "abandon_rate": len(abandoned) / len(offered),
        "service_level_20s": (answered["wait_s"] <= 20).sum() / (len(answered) + len(abandoned)),
        "asa_s": answered["wait_s"].mean(),
        "aht_s": (answered["talk_s"] + answered["hold_s"] + answered["wrap_s"]).mean(),
    }


def values(array) -> list:
    """Plotly 6 ships numeric arrays as base64 typed arrays; decode them (or pass lists)."""
    if isinstance(array, dict) and "bdata" in array:
        flat = np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"])
        shape = array.get("shape")
        if isinstance(shape, str):
            shape = tuple(int(x) for x in shape.split(","))
        return flat.reshape(shape).tolist() if shape else flat.tolist()
    return list(array)


def _cards(response) -> dict[str, dict]:
    body = json.loads(response.get_data(as_text=True))["response"]
    out = {}
    for card in body["weekly-cards"]["children"]:
        texts = [c["props"]["children"] for c in card["props"]["children"]]
        out[card["props"]["id"].removeprefix("weekly-card-")] = {
            "texts": texts, "class": card["props"]["className"]}
    return out


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_weekly_cards_match_an_independent_computation(app, lang):
    client = login(app, "client")
    client.get(f"/lang/{lang}")
    response = post_callback(client, WEEKLY_OUT, [("weekly-week", "value", "2026-W46"),
                                                  ("weekly-queues", "value", [])])
    assert response.status_code == 200
    assert SECRET_CALLER_KEY not in response.get_data(as_text=True)
    cards = _cards(response)
    exp = expected_week(dt.date(2026, 11, 9))
    prev = expected_week(dt.date(2026, 11, 2))
    assert cards["offered"]["texts"][1] == fmt_number(exp["offered"], lang)
    assert cards["pickup_rate"]["texts"][1] == fmt_rate(exp["pickup_rate"], lang)
    assert cards["service_level_20s"]["texts"][1] == fmt_rate(exp["service_level_20s"], lang)
    assert cards["abandon_rate"]["texts"][1] == fmt_rate(exp["abandon_rate"], lang)
    assert cards["asa_s"]["texts"][1] == fmt_number(exp["asa_s"], lang) + "\u00a0s"
    assert cards["aht_s"]["texts"][1] == fmt_number(exp["aht_s"], lang) + "\u00a0s"
    # status colours against the fixture contract's targets
    assert ("met" if exp["pickup_rate"] >= 0.9 else "missed") in cards["pickup_rate"]["class"]
    assert ("met" if exp["asa_s"] <= 40 else "missed") in cards["asa_s"]["class"]
    assert cards["aht_s"]["class"] == "card none"  # no target on AHT
    delta = (exp["pickup_rate"] - prev["pickup_rate"]) * 100
    assert cards["pickup_rate"]["texts"][3].startswith(
        ("+" if delta > 0 else "") + fmt_number(delta, lang, 1))


def test_weekly_queue_filter_and_charts(app):
    client = login(app, "provider")
    inputs = [("weekly-week", "value", "2026-W40"), ("weekly-queues", "value", ["pro"])]
    response = post_callback(client, WEEKLY_OUT, inputs)
    body = json.loads(response.get_data(as_text=True))["response"]
    body.update(json.loads(post_callback(client, DETAIL_OUT, inputs).get_data(as_text=True))[
        "response"])
    cards = _cards(response)
    exp = expected_week(dt.date(2026, 9, 28), {"pro"})
    assert cards["offered"]["texts"][1] == fmt_number(exp["offered"], "fr")
    daily = body["weekly-daily"]["figure"]
    offered_bar = daily["data"][0]
    assert sum(values(offered_bar["y"])) == exp["offered"]
    assert offered_bar["x"][0] == "lun. 28/09"
    assert daily["layout"]["xaxis"]["title"]["text"] == "Jour"
    assert daily["layout"]["yaxis"]["title"]["text"] == "Appels (nombre)"
    rates = body["weekly-trend-rates"]["figure"]
    assert rates["layout"]["yaxis"]["title"]["text"] == "Taux (%)"
    # the page's plotly separators now match the reports and fmt_number: decimal comma,
    # narrow no-break space (U+202F) between thousands (was a plain space on the page)
    assert rates["layout"]["separators"] == ",\u202f"
    heat = body["weekly-intraday"]["figure"]["data"][0]
    assert heat["type"] == "heatmap"
    assert sum(c[0] for row in values(heat["customdata"]) for c in row) == exp["offered"]
    assert body["weekly-report-link"]["href"] == "/download/weekly-report?week=2026-W40&lang=fr"


def test_weekly_agent_detail_for_the_provider(app):
    response = post_callback(login(app, "provider"), [("weekly-agent-table", "children")],
                             [("weekly-week", "value", "2026-W46"), ("weekly-queues", "value", [])])
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    for agent in ("A01", "A02", "A03", "A04", "A05"):
        assert agent in text


def test_weekly_empty_inputs(app):
    client = login(app, "client")
    response = post_callback(client, WEEKLY_OUT, [("weekly-week", "value", None),
                                                  ("weekly-queues", "value", None)])
    assert response.status_code == 200
    assert "semaine complète" in json.dumps(response.get_json(), ensure_ascii=False)
    response = post_callback(client, DETAIL_OUT, [("weekly-week", "value", None),
                                                  ("weekly-queues", "value", None)])
    assert response.status_code == 200
    for out in ("weekly-gaps", "weekly-recon"):
        inputs = [("weekly-week", "value", None)]
        if out == "weekly-gaps":
            inputs.append(("weekly-queues", "value", None))
        assert post_callback(client, [(out, "children")], inputs).status_code == 200


def test_quarterly_compliance_and_volume(app):
    client = login(app, "client")
    response = post_callback(client, QUARTER_OUT, [("quarterly-quarter", "value", "2026-Q4"),
                                                   ("quarterly-queues", "value", [])])
    assert response.status_code == 200
    body = json.loads(response.get_data(as_text=True))["response"]
    text = json.dumps(body["quarterly-compliance"])
    # Q4 2026 weeks with calls: W40 (Monday 28/09, its Thursday is in Q4) .. W46 (09/11);
    # the grid names weeks YYYY-Www since the review (it showed their Mondays)
    assert "2026-W46" in text and "2026-W47" not in text
    volume = body["quarterly-volume"]["figure"]["data"][0]
    week = volume["customdata"].index("2026-W46")
    assert week == 6  # seventh week of the quarter
    assert values(volume["y"])[week] == expected_week(dt.date(2026, 11, 9))["offered"]
    assert body["quarterly-report-link"]["href"] == "/download/quarterly-report?quarter=2026-Q4&lang=fr"


def test_quarterly_campaign_uplift(app):
    response = post_callback(login(app, "client"), QUARTER_OUT,
                             [("quarterly-quarter", "value", "2026-Q3"),
                              ("quarterly-queues", "value", [])])
    text = json.dumps(json.loads(response.get_data(as_text=True))["response"])
    assert "Mailing rentr" in text


def test_quarterly_page_and_report_measure_campaigns_the_same_way(warehouse):
    """One truth: the page's extra calls are the review's campaign_uplift, campaign by
    campaign, over the quarter's weeks (Q3 2026: Monday 29 June to Sunday 27 September)."""
    from analytics.review import campaign_uplift
    from analytics.warehouse import connect
    from dashboards.pages.quarterly import campaign_rows, read_quarter

    con = connect(warehouse[0], read_only=True)
    try:
        page = campaign_rows(read_quarter(con, "2026-Q3", None).campaigns)
        observed = campaign_uplift(con, dt.date(2026, 6, 29), dt.date(2026, 9, 27))
    finally:
        con.close()
    assert len(observed) > 0
    assert page["extra_calls"].tolist() == observed["extra_calls"].tolist()


def test_quarterly_compliance_leaves_out_the_week_in_progress(tmp_path, users_file):
    """Calls up to Wednesday 11 November: W46 (Monday 9 November) is incomplete, so the grid
    ends with W45 (its Monday 2 November), as analytics.kpis.last_complete_week says."""
    from dashboards_testkit import CONTRACT

    from analytics.kpis import last_complete_week
    from analytics.warehouse import connect, set_setting
    from dashboards.app import create_app

    path = tmp_path / "partial.duckdb"
    calls = make_calls()
    calls = calls[calls["arrived_at"] < pd.Timestamp("2026-11-11 23:00", tz="UTC")]
    con = connect(path)
    con.register("c", calls)
    con.execute("insert into calls by name select * from c")
    set_setting(con, "contract", CONTRACT)
    assert last_complete_week(con) == "2026-W45"
    con.close()
    app = create_app(path, users_path=users_file, secret_key_path=tmp_path / "k")
    response = post_callback(login(app, "client"), QUARTER_OUT,
                             [("quarterly-quarter", "value", "2026-Q4"),
                              ("quarterly-queues", "value", [])])
    body = json.loads(response.get_data(as_text=True))["response"]
    grid = json.dumps(body["quarterly-compliance"])
    assert "2026-W45" in grid and "2026-W46" not in grid
    # the trends still show the week in progress
    assert "2026-W46" in json.dumps(body["quarterly-volume"])


def test_quarterly_forecast_accuracy_on_the_eve_of_the_quarter(app):
    """Q4 2026 of the fixture: its weeks start Monday 28 September (its Thursday is
    1 October), so the model is trained on 3 Aug - 27 Sep (8 weeks, the minimum) and
    compared on 28 Sep - 15 Nov: 49 days less the missing 14 October, a day without a
    single call (a missing export, left out and counted). Before the review the page
    compared 1 Oct - 15 Nov (45 days)."""
    response = post_callback(login(app, "client"), [("quarterly-forecast", "children")],
                             [("quarterly-quarter", "value", "2026-Q4")])
    assert response.status_code == 200
    text = json.dumps(response.get_json(), ensure_ascii=False)
    assert "quarterly-forecast-table" in text
    assert '"jours comparés"' in text and '"48"' in text
    calls = make_calls()
    local = calls["arrived_at"].dt.tz_convert("Europe/Paris").dt.date
    q4 = calls[(local >= dt.date(2026, 9, 28)) & (calls["outcome"] != "ivr")]
    assert fmt_number(len(q4), "fr") in text  # calls actual


def test_quarterly_accuracy_needs_history(app):
    response = post_callback(login(app, "client"), [("quarterly-forecast", "children")],
                             [("quarterly-quarter", "value", "2026-Q3")])
    assert "quarterly-forecast-none" in response.get_data(as_text=True)


def test_quarterly_staffing_absent_is_said_plainly(app):
    response = post_callback(login(app, "client"), QUARTER_OUT,
                             [("quarterly-quarter", "value", "2026-Q4"),
                              ("quarterly-queues", "value", [])])
    assert "quarterly-staffing-none" in response.get_data(as_text=True)


def test_prefetch_fills_the_cache_for_the_meeting(app, monkeypatch):
    from dashboards.app import prefetch

    wh = app.server.config["COPIL_WAREHOUSE"]
    wh.clear_cache()
    monkeypatch.setattr(wh, "prefetch", lambda *a: None)  # no neighbour warm-up in between
    client = login(app, "client")
    # 5 readers x 2 weeks, quarter, the intraday view of the latest call (issue 13: one
    # more prefetched result), model
    assert prefetch(app, weeks=2) == 2 * 5 + 1 + 1 + 1
    misses = wh.stats["misses"]
    response = post_callback(client, WEEKLY_OUT, [("weekly-week", "value", "2026-W45"),
                                                  ("weekly-queues", "value", [])])
    assert response.status_code == 200
    assert wh.stats["misses"] == misses  # served from the prefetched cache


def test_calls_only_warehouse_says_what_is_missing(tmp_path, users_file):
    """A warehouse with calls only (like the 1999 bank log): every weekly callback answers,
    with plain messages for the missing contract, operator counts and callbacks."""
    from dashboards_testkit import build_warehouse

    from dashboards.app import create_app

    path = tmp_path / "bank.duckdb"
    build_warehouse(path, calls_only=True)
    app = create_app(path, users_path=users_file, secret_key_path=tmp_path / "k", lang="en")
    client = login(app, "provider")
    inputs = [("weekly-week", "value", "2026-W46"), ("weekly-queues", "value", [])]
    cards = post_callback(client, WEEKLY_OUT, inputs)
    assert cards.status_code == 200
    text = cards.get_data(as_text=True)
    assert "no contract target" in text and "no callback due" in text
    assert post_callback(client, DETAIL_OUT, inputs).status_code == 200
    gaps = post_callback(client, [("weekly-gaps", "children")], inputs)
    assert "The contract sets no target." in gaps.get_data(as_text=True)
    recon = post_callback(client, [("weekly-recon", "children")], inputs[:1])
    assert "No operator counts for this week" in recon.get_data(as_text=True)
    quarter = post_callback(client, QUARTER_OUT, [("quarterly-quarter", "value", "2026-Q4"),
                                                  ("quarterly-queues", "value", [])])
    assert "The contract sets no weekly target." in quarter.get_data(as_text=True)
    assert "Traceback" not in text


def test_showing_a_week_warms_its_neighbours(app):
    wh = app.server.config["COPIL_WAREHOUSE"]
    wh.clear_cache()
    client = login(app, "client")
    post_callback(client, WEEKLY_OUT, [("weekly-week", "value", "2026-W44"),
                                       ("weekly-queues", "value", [])])
    weekly = sys.modules["dashboards.pages.weekly"]
    deadline = time.time() + 60
    key = wh._key(weekly.read_week_trend, ("2026-W45", None), {})
    while wh._cached(key) is None and time.time() < deadline:
        time.sleep(0.1)
    assert wh._cached(key) is not None


ACTIONS_OUT = [("weekly-actions", "children"), ("weekly-action-message", "children"),
               ("weekly-action-text", "value")]


def _actions_request(client, *, add: bool, text=None, owner="client", due=None):
    return post_callback(
        client, ACTIONS_OUT,
        [("weekly-action-add", "n_clicks", 1 if add else None),
         ("weekly-actions-version", "data", 0)],
        [("weekly-action-text", "value", text), ("weekly-action-owner", "value", owner),
         ("weekly-action-due", "date", due), ("weekly-week", "value", "2026-W46")],
        triggered=["weekly-action-add.n_clicks"] if add else [])


def test_actions_add_edit_status_and_both_sides_see_them(app, tmp_path):
    from analytics.actions import list_actions
    from analytics.warehouse import connect

    client, provider = login(app, "client"), login(app, "provider")
    empty = _actions_request(client, add=True, text="   ")
    assert "Écrivez le texte de l'action." in json.dumps(empty.get_json(), ensure_ascii=False)
    added = _actions_request(client, add=True, text="Relancer l'opérateur sur le 14/10",
                             due="2026-11-30")
    assert added.status_code == 200
    assert added.get_json()["response"]["weekly-action-text"]["value"] == ""
    seen = _actions_request(provider, add=False)
    assert "Relancer l'opérateur sur le 14/10" in json.dumps(seen.get_json(), ensure_ascii=False)
    path = app.server.config["COPIL_WAREHOUSE"].path
    con = connect(path, read_only=True)
    row = list_actions(con).iloc[-1]
    con.close()
    assert (row["owner"], row["status"], row["week"], str(row["due_date"]), row["author"]) == (
        "client", "open", "2026-W46", "2026-11-30", "client")
    action_id = int(row["action_id"])
    status_id = {"type": "weekly-action-status", "index": action_id}
    body = {
        "output": "weekly-actions-version.data",
        "outputs": {"id": "weekly-actions-version", "property": "data"},
        "inputs": [[{"id": status_id, "property": "value", "value": "done"}]],
        "state": [{"id": "weekly-actions-version", "property": "data", "value": 0}],
        "changedPropIds": [json.dumps(status_id, separators=(",", ":"), sort_keys=True)
                           + ".value"],
    }
    changed = provider.post("/_dash-update-component", json=body)
    assert changed.status_code == 200
    assert changed.get_json()["response"]["weekly-actions-version"]["data"] == 1
    con = connect(path, read_only=True)
    row = list_actions(con).set_index("action_id").loc[action_id]
    con.close()
    assert row["status"] == "done" and row["closed_at"] is not None
    # the list re-renders with the stored status: posting it again writes nothing
    again = provider.post("/_dash-update-component", json=body)
    assert again.status_code == 204  # PreventUpdate


def test_default_language_comes_from_the_contract(tmp_path, users_file):
    from dashboards_testkit import CONTRACT

    from analytics.warehouse import connect, set_setting
    from dashboards.app import create_app

    path = tmp_path / "en.duckdb"
    con = connect(path)
    set_setting(con, "contract", CONTRACT.replace("language: fr", "language: en"))
    con.close()
    app = create_app(path, users_path=users_file, secret_key_path=tmp_path / "k")
    client = login(app, "admin")
    assert "Weekly review" in client.get("/_dash-layout").get_data(as_text=True)
    client.get("/lang/fr")
    assert "Revue hebdomadaire" in client.get("/_dash-layout").get_data(as_text=True)
