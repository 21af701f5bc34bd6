"""Intraday page callbacks on the small warehouse (with staffing added): the shared
indicators for every role, the net staffing refused to a client by the server, the figures
equal to :func:`analytics.intraday.intraday_day`, and the as-of picker's rules."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from dashboards_testkit import build_warehouse, login, post_callback

from analytics.i18n import fmt_number
from analytics.intraday import intraday_day, pick_as_of
from analytics.warehouse import connect

AS_OF = "2026-11-12 12:10"   # a Thursday of the fixture, staffing from 28 September
CONTENT = [("intraday-content", "children")]
STAFFING = [("intraday-staffing-content", "children")]


def _inputs(day="2026-11-12", time="12:10"):
    return [("intraday-version", "data", 1), ("intraday-day", "date", day),
            ("intraday-time", "value", time)]


@pytest.fixture(scope="module")
def staffed_app(tmp_path_factory, users_file):
    from test_browser import _add_staffing

    from dashboards.app import create_app

    path = tmp_path_factory.mktemp("intraday") / "w.duckdb"
    build_warehouse(path)
    _add_staffing(path)
    app = create_app(path, users_path=users_file,
                     secret_key_path=tmp_path_factory.mktemp("key") / "k")
    return app, path


def test_client_gets_the_projection_but_never_the_staffing(staffed_app):
    app, path = staffed_app
    client = login(app, "client")
    response = post_callback(client, CONTENT, _inputs())
    assert response.status_code == 200
    body = json.dumps(response.get_json(), ensure_ascii=False)
    assert "intraday-cards" in body and "intraday-calls-graph" in body
    # no advisor figure nor staffing wording in what a client receives
    for word in ("intraday-staffing", "Connectés", "conseillers prévus (", "Requis",
                 "logged_in", "advisors"):
        assert word not in body
    refused = post_callback(client, STAFFING, _inputs())
    assert refused.status_code == 403


def test_planner_gets_the_staffing_equal_to_the_library(staffed_app):
    app, path = staffed_app
    planner = login(app, "planner")
    response = post_callback(planner, STAFFING, _inputs())
    assert response.status_code == 200
    body = json.dumps(response.get_json(), ensure_ascii=False)
    assert "intraday-staffing-graph" in body and "intraday-staffing-table" in body
    con = connect(path, read_only=True)
    try:
        view = intraday_day(con, AS_OF)
    finally:
        con.close()
    s = view.staffing
    assert f"Sur-planifié {fmt_number(s.over_scheduled_h, 'fr', 1)} h·conseiller" in body
    assert f"déficit {fmt_number(s.shortfall_h, 'fr', 1)} h·conseiller" in body
    assert "Aucun plan de vacations enregistré" in body
    content = json.dumps(post_callback(planner, CONTENT, _inputs()).get_json(),
                         ensure_ascii=False)
    ind = view.projection.indicators.set_index("metric")
    assert fmt_number(ind.loc["offered", "projected"], "fr") in content
    assert "objectif >= 90,0\u00a0%" in content      # the contract's pickup target (nbsp)


def test_as_of_is_bounded_to_days_with_data():
    days = pd.DataFrame({"day": [dt.date(2026, 11, 12), dt.date(2026, 11, 13)],
                         "first_call": pd.to_datetime(["2026-11-12 08:01", "2026-11-13 08:03"]),
                         "last_call": pd.to_datetime(["2026-11-12 17:58", "2026-11-13 17:40"])})
    assert pick_as_of(days) == "2026-11-13 17:40"
    assert pick_as_of(days, "2026-11-12", "latest") == "2026-11-12 17:58"
    assert pick_as_of(days, "2026-11-12T00:00:00", "12:00") == "2026-11-12 12:00"
    # after the last call of the data: the last call
    assert pick_as_of(days, "2026-11-13", "19:00") == "2026-11-13 17:40"
    with pytest.raises(ValueError, match="no calls on 2026-11-14"):
        pick_as_of(days, "2026-11-14", "12:00")


def test_a_day_without_calls_gives_a_message(staffed_app):
    app, _ = staffed_app
    client = login(app, "provider")
    body = json.dumps(post_callback(client, CONTENT, _inputs(day="2026-10-14")).get_json(),
                      ensure_ascii=False)
    assert "intraday-error" in body and "no calls on 2026-10-14" in body
