"""Data page: analytics.health (the figures of ``copil health``) and the page's callback."""

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

from analytics import health, series
from analytics.warehouse import connect
from forecasting.calendar import LineCalendar

DATA_CB = ([("data-content", "children")], [("data-refresh", "n_clicks", None)])


def test_readers_on_the_small_warehouse(warehouse):
    path, facts = warehouse
    con = connect(path, read_only=True)
    try:
        counts = dict(health.row_counts(con).itertuples(index=False))
        assert counts["calls"] == facts["calls"]
        assert counts["operator_counts"] == facts["operator_rows"]
        assert counts["callbacks"] == 30 and counts["campaigns"] == 1
        assert counts["quarantine"] == 2 and counts["staffing"] == 0
        # calls every day of 15 weeks from 2026-08-03, the contract gives no opening hours:
        # the learned week is 7 days; 2026-10-14 (a Wednesday) has no call and no count
        h = health.data_health(con, as_of="2026-11-16")
        missing = h.missing_days
        assert missing["date"].tolist() == [MISSING_DAY, MISSING_DAY]
        assert missing["kind"].tolist() == ["calls", "operator"]
        fresh = h.sources.set_index("kind")
        assert fresh.index.tolist() == ["calls", "operator", "callbacks", "campaigns"]
        assert fresh.loc["calls", "first_day"] == dt.date(2026, 8, 3)
        assert fresh.loc["calls", "last_day"] == dt.date(2026, 11, 15)
        assert fresh.loc["calls", "row_count"] == facts["calls"]
        assert fresh.loc["calls", "quarantined"] == 2          # both rows of run 1 (source acd)
        assert fresh.loc["calls", "top_reason"] in {"caller number kept out", "negative duration"}
        assert fresh.loc["calls", "status"] == "missing days"
        assert pd.isna(fresh.loc["callbacks", "last_load_at"])  # no run recorded for it
        # callbacks every 3 days from 08-03 09:00 UTC: the 30th on 2026-10-29, so stale on
        # 11-16 (the line is expected open every day: data expected through 11-15)
        assert fresh.loc["callbacks", "last_day"] == dt.date(2026, 10, 29)
        assert bool(fresh.loc["callbacks", "stale"]) and not bool(fresh.loc["calls", "stale"])
        assert fresh.loc["calls", "expected_through"] == dt.date(2026, 11, 15)
        assert fresh.loc["campaigns", "expected_through"] is None  # a plan, not a feed
        assert h.exit_code == 1
        rows = health.quarantine_rows(con)
        assert rows.loc[rows["column"] == "caller", "value"].isna().all()  # withheld
        assert rows.loc[rows["column"] == "wait_s", "value"].tolist() == ["-5"]
        assert h.quarantine["row_count"].sum() == 2
        assert set(h.quarantine["source"]) == {"acd"}
        runs = health.ingest_runs(con)
        assert runs["run_id"].tolist() == [3, 2, 1]
        assert series.queues(con) == ["general", "pro"]
    finally:
        con.close()


def test_missing_days_in_local_time(tmp_path):
    """A call at 23:30 UTC on 4 March is on 5 March in Paris: days 2-4 March are missing
    (the calendar here: open every day, no holiday)."""
    con = connect(tmp_path / "w.duckdb")
    con.execute("insert into calls (source, call_id, queue, arrived_at, outcome, run_id) values "
                "('a', '1', 'q', '2026-03-01 10:00+00', 'answered', 1), "
                "('a', '2', 'q', '2026-03-04 23:30+00', 'answered', 1)")
    every_day = LineCalendar.always_open()
    h = health.data_health(con, as_of="2026-03-06", calendar=every_day)
    assert h.missing_days["date"].tolist() == [
        dt.date(2026, 3, 2), dt.date(2026, 3, 3), dt.date(2026, 3, 4)]
    con.close()


def test_data_callback_as_admin(clients, warehouse):
    response = post_callback(clients["admin"], *DATA_CB)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "2026-10-14" in text
    assert "negative duration" in text
    assert SECRET_PHONE not in text and SECRET_CALLER_KEY not in text
    body = json.loads(text)["response"]["data-content"]["children"]
    by_id = {b["props"].get("id"): b["props"] for b in body}
    # the calendar the checks used, said on screen (the contract gives no hours: its
    # weekly pattern is learned from the calls, every day of the week)
    assert by_id["data-calendar"]["children"] == (
        "Calendrier de la ligne : mon-sun 08:00-18:00; closed on FR public holidays; "
        "week starts mon (from the contract)")
    # staffing is the only kind with no rows: the page says so plainly
    assert "effectifs" in by_id["data-absent"]["children"]
    assert "appels" not in by_id["data-absent"]["children"]


def _cells(node) -> list:
    """Text of the cells of a serialised Dash table, row by row."""
    rows = node["props"]["children"][1]["props"]["children"]
    return [[c["props"]["children"] for c in r["props"]["children"]] for r in rows]


def _find(node, id_: str):
    if isinstance(node, dict):
        if node.get("props", {}).get("id") == id_:
            return node
        node = node.get("props", {}).get("children")
    if isinstance(node, list):
        for child in node:
            hit = _find(child, id_)
            if hit is not None:
                return hit
    elif isinstance(node, dict):
        return _find(node, id_)
    return None


def test_data_page_shows_the_figures_of_data_health(clients, warehouse):
    """The page's freshness and missing-day tables are analytics.health.data_health's rows."""
    path, _facts = warehouse
    body = json.loads(post_callback(clients["admin"], *DATA_CB).get_data(as_text=True))
    body = body["response"]["data-content"]["children"]
    con = connect(path, read_only=True)
    try:
        h = health.data_health(con, as_of=health.today_local("Europe/Paris"))
    finally:
        con.close()
    fresh = _cells(_find(body, "data-freshness"))
    assert [(r[1], r[3], r[4]) for r in fresh] == [
        (s.source, s.first_day.isoformat(), s.last_day.isoformat()) for s in h.sources.itertuples()]
    assert [r[8] for r in fresh] == [str(n) for n in h.sources["missing_days"]]
    missing = _cells(_find(body, "data-missing"))
    assert [(r[2], r[4]) for r in missing] == [("2026-10-14", "1"), ("2026-10-14", "1")]


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


def test_missing_runs_group_consecutive_days():
    missing = pd.DataFrame({"kind": ["calls"] * 4 + ["operator"], "source": ["a"] * 5,
                            "date": [dt.date(2026, 1, d) for d in (2, 3, 4, 9)] + [dt.date(2026, 1, 2)]})
    out = health.missing_runs(missing)
    assert out[["first_missing", "last_missing", "days"]].values.tolist() == [
        [dt.date(2026, 1, 2), dt.date(2026, 1, 4), 3],
        [dt.date(2026, 1, 9), dt.date(2026, 1, 9), 1],
        [dt.date(2026, 1, 2), dt.date(2026, 1, 2), 1]]
    assert health.missing_runs(missing.iloc[0:0]).empty


def test_builder_is_deterministic(tmp_path):
    a = build_warehouse(tmp_path / "a.duckdb", seed=3)
    b = build_warehouse(tmp_path / "b.duckdb", seed=3)
    assert a == b
