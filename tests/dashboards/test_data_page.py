"""Data page: readers in analytics/datahealth.py and the page's callback, exact values."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
from dashboards_testkit import (
    MISSING_DAY,
    SECRET_CALLER_KEY,
    SECRET_PHONE,
    build_warehouse,
    post_callback,
)

from analytics import datahealth
from analytics.warehouse import connect

DATA_CB = ([("data-content", "children")], [("data-refresh", "n_clicks", None)])


def test_readers_on_the_small_warehouse(warehouse):
    path, facts = warehouse
    con = connect(path, read_only=True)
    try:
        counts = dict(datahealth.row_counts(con).itertuples(index=False))
        assert counts["calls"] == facts["calls"]
        assert counts["operator_counts"] == facts["operator_rows"]
        assert counts["callbacks"] == 30 and counts["campaigns"] == 1
        assert counts["quarantine"] == 2 and counts["staffing"] == 0
        missing = datahealth.missing_days(con)
        assert missing["day"].tolist() == [MISSING_DAY, MISSING_DAY]
        assert missing["kind"].tolist() == ["calls", "operator"]
        fresh = datahealth.freshness(con).set_index("kind")
        assert fresh.loc["calls", "first_day"] == dt.date(2026, 8, 3)
        assert fresh.loc["calls", "last_day"] == dt.date(2026, 11, 15)
        assert fresh.loc["calls", "row_count"] == facts["calls"]
        assert pd.isna(fresh.loc["callbacks", "last_load_at"])  # no run recorded for it
        rows = datahealth.quarantine_rows(con)
        assert rows.loc[rows["column"] == "caller", "value"].isna().all()  # withheld
        assert rows.loc[rows["column"] == "wait_s", "value"].tolist() == ["-5"]
        reasons = datahealth.quarantine_reasons(con)
        assert reasons["row_count"].sum() == 2
        runs = datahealth.ingest_runs(con)
        assert runs["run_id"].tolist() == [3, 2, 1]
        queues = datahealth.queues(con)
        assert set(queues["queue"]) == {"general", "pro"}
        assert queues["calls"].sum() == facts["calls"]
    finally:
        con.close()


def test_missing_days_in_local_time(tmp_path):
    """A call at 23:30 UTC on 4 March is on 5 March in Paris: days 2-4 March are missing."""
    con = connect(tmp_path / "w.duckdb")
    con.execute("insert into calls (source, call_id, queue, arrived_at, outcome, run_id) values "
                "('a', '1', 'q', '2026-03-01 10:00+00', 'answered', 1), "
                "('a', '2', 'q', '2026-03-04 23:30+00', 'answered', 1)")
    assert datahealth.missing_days(con)["day"].tolist() == [
        dt.date(2026, 3, 2), dt.date(2026, 3, 3), dt.date(2026, 3, 4)]
    con.close()


def test_data_callback_as_admin(clients, warehouse):
    response = post_callback(clients["admin"], *DATA_CB)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "2026-10-14" in text
    assert "negative duration" in text
    assert SECRET_PHONE not in text and SECRET_CALLER_KEY not in text
    # staffing is the only kind with no rows: the page says so plainly
    body = json.loads(text)["response"]["data-content"]["children"]
    assert body[0]["props"]["id"] == "data-absent"
    assert "effectifs" in body[0]["props"]["children"]
    assert "appels" not in body[0]["props"]["children"]


def test_data_callback_on_an_empty_warehouse(tmp_path, users_file):
    from dashboards_testkit import login

    from dashboards.app import create_app

    path = tmp_path / "empty.duckdb"
    connect(path).close()
    app = create_app(path, users_path=users_file, secret_key_path=tmp_path / "k", lang="en")
    response = post_callback(login(app, "admin"), *DATA_CB)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "No ingestion run recorded." in text
    assert "No quarantined row." in text and "No missing day." in text
    assert "Data missing from the warehouse: calls, operator, callbacks, campaigns, staffing." in text


def test_missing_summary_groups_consecutive_days():
    from dashboards.pages.data import _missing_summary

    missing = pd.DataFrame({"kind": ["calls"] * 4 + ["operator"], "source": ["a"] * 5,
                            "day": [dt.date(2026, 1, d) for d in (2, 3, 4, 9)] + [dt.date(2026, 1, 2)]})
    out = _missing_summary(missing)
    assert out[["first_missing", "last_missing", "days"]].values.tolist() == [
        [dt.date(2026, 1, 2), dt.date(2026, 1, 4), 3],
        [dt.date(2026, 1, 9), dt.date(2026, 1, 9), 1],
        [dt.date(2026, 1, 2), dt.date(2026, 1, 2), 1]]
    assert _missing_summary(missing.iloc[0:0]).empty


def test_builder_is_deterministic(tmp_path):
    a = build_warehouse(tmp_path / "a.duckdb", seed=3)
    b = build_warehouse(tmp_path / "b.duckdb", seed=3)
    assert a == b
