"""Planning page: forecast and requirements on the small warehouse, CSV download checked
against Erlang C recomputed from the CSV's own forecast and the contract's targets."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
from dashboards_testkit import login, post_callback

from dashboards.planning_model import Targets, contract_targets, missing_modules, parse_what_if

PLAN_OUT = [("planning-content", "children")]
NO_WHAT_IF = [("planning-channel", "value", None), ("planning-date", "date", None),
              ("planning-audience", "value", None)]


def test_contract_targets_and_defaults():
    from types import SimpleNamespace as NS

    contract = NS(targets=(NS(metric="service_level_20s", comparison=">=", threshold=0.8, queue=None),
                           NS(metric="asa_s", comparison="<=", threshold=40.0, queue=None),
                           NS(metric="pickup_rate", comparison=">=", threshold=0.9, queue=None),
                           NS(metric="asa_s", comparison="<=", threshold=5.0, queue="pro")))
    assert contract_targets(contract) == Targets(0.8, 20, 40.0, 0.9)
    assert contract_targets(NS(targets=())) == Targets(0.8, 20, None, None)
    assert parse_what_if(None, "2026-12-01", 10) is None
    assert parse_what_if("mailing", "2026-12-01T00:00:00", "5000") == ("mailing", "2026-12-01", 5000.0)


def test_planning_page_and_requirements_csv(app):
    from staffing import erlang_c

    assert missing_modules() == []
    client = login(app, "planner")
    response = post_callback(client, PLAN_OUT, [("planning-weeks", "value", 2),
                                                ("planning-apply", "n_clicks", None)], NO_WHAT_IF)
    assert response.status_code == 200
    text = json.dumps(response.get_json(), ensure_ascii=False)
    assert "Dimensionné pour : 80,0\u00a0% en 20 s, ASA ≤ 40 s, décroché ≥ 90,0\u00a0%" in text
    assert "planning-requirements-link" in text
    csv = client.get("/download/planning-requirements.csv?weeks=2")
    assert csv.status_code == 200
    assert csv.headers["Content-Disposition"].endswith('copil-requirements-2w.csv"')
    df = pd.read_csv(io.StringIO(csv.get_data(as_text=True)))
    assert list(df.columns) == ["period_start", "forecast", "lo80", "hi80", "aht_s", "agents_c",
                                "agents_a"]
    assert len(df) == 2 * 7 * 48
    assert (df["lo80"] <= df["forecast"] + 1e-9).all() and (df["forecast"] <= df["hi80"] + 1e-9).all()
    expected = erlang_c.required_agents(df["forecast"].to_numpy(), df["aht_s"].iloc[0], 1800,
                                        service_level=0.8, answer_s=20, asa_s=40.0)
    # the CSV rounds the forecast to 2 decimals: compare where rounding cannot matter
    assert np.mean(expected == df["agents_c"].to_numpy()) > 0.99
    assert (df.loc[df["forecast"] == 0, "agents_c"] == 0).all()
    assert df["agents_c"].max() > 0
    # the client has no planning: refused in the server
    assert login(app, "client").get("/download/planning-requirements.csv?weeks=2").status_code == 403


def test_planning_what_if_with_an_unknown_channel_says_why(app):
    client = login(app, "provider")
    response = post_callback(client, PLAN_OUT, [("planning-weeks", "value", 2),
                                                ("planning-apply", "n_clicks", 1)],
                             [("planning-channel", "value", "sms"),
                              ("planning-date", "date", "2026-11-25"),
                              ("planning-audience", "value", 1000)])
    assert response.status_code == 200
    assert "planning-error" in response.get_data(as_text=True)


def test_planning_on_an_empty_warehouse(tmp_path, users_file):
    from analytics.warehouse import connect
    from dashboards.app import create_app

    path = tmp_path / "empty.duckdb"
    connect(path).close()
    app = create_app(path, users_path=users_file, secret_key_path=tmp_path / "k", lang="en")
    response = post_callback(login(app, "planner"), PLAN_OUT,
                             [("planning-weeks", "value", 4), ("planning-apply", "n_clicks", None)],
                             NO_WHAT_IF)
    assert response.status_code == 200
    assert "No calls in the warehouse: nothing to forecast." in response.get_data(as_text=True)


def test_quarter_staffing_hours_logged_vs_required(tmp_path):
    """One Monday: 10 calls of 300 s between 10:00 and 10:30 Paris time; 3 advisors logged in
    for two half hours = 3 advisor-hours; required = Erlang C agents for that half hour x 0.5 h."""
    import datetime as dt

    from analytics.warehouse import connect
    from dashboards.data import Warehouse
    from dashboards.planning_model import quarter_staffing
    from staffing import erlang_c

    path = tmp_path / "s.duckdb"
    con = connect(path)
    for i in range(10):
        con.execute("insert into calls (source, call_id, queue, arrived_at, answered_at, outcome, "
                    "wait_s, talk_s, hold_s, wrap_s, run_id) values ('a', ?, 'q', "
                    "timestamptz '2026-10-05 10:00:00+02' + to_seconds(?), "
                    "timestamptz '2026-10-05 10:00:00+02' + to_seconds(?), 'answered', 0, 300, 0, 0, 1)",
                    [str(i), i * 60, i * 60])
    con.execute("insert into staffing values ('p', timestamptz '2026-10-05 10:00:00+02', 30, '*', 3, 1),"
                " ('p', timestamptz '2026-10-05 10:30:00+02', 30, '*', 3, 1)")
    con.close()
    weeks = quarter_staffing(Warehouse(path), dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert len(weeks) == 1
    assert weeks["advisor_hours"].iloc[0] == 3.0
    need = erlang_c.required_agents(10, 300.0, 1800, service_level=0.8, answer_s=20)
    # By hand: A = 10 x 300 / 1800 = 1.667 Erlangs. N = 3: B = 0.1599, C = 0.2998,
    # SL = 1 - C exp(-(3 - A) 20 / 300) = 72.6 % < 80 %; N = 4: C = 0.1025, SL = 91.2 %.
    assert need == 4
    assert weeks["required_hours"].iloc[0] == need * 0.5
    assert weeks["ratio"].iloc[0] == 3.0 / (need * 0.5)
