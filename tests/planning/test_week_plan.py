"""One week, three faces: the Planning page, ``copil plan --db --format json`` and the
:class:`analytics.week_plan.WeekPlan` give the same numbers; with short abandons out of
offered (contract ``short_abandon_s: 5``), the plan's actuals are the KPI offered calls."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.contract import store_contract
from analytics.kpis import kpis
from analytics.warehouse import connect
from analytics.week_plan import plan_week
from copil.cli import main
from demo.warehouse import contract_text

sys.path.insert(0, str(Path(__file__).parents[1] / "dashboards"))
from dashboards_testkit import PASSWORD, login, post_callback  # noqa: E402

WEEK = "2026-W47"   # the last week of the small demo (16-20 November 2026): ex ante, actuals


def _figure(body: dict, graph_id: str) -> dict:
    def find(node):
        if isinstance(node, dict):
            if node.get("props", {}).get("id") == graph_id:
                return node["props"]["figure"]
            for v in node.values():
                got = find(v)
                if got is not None:
                    return got
        elif isinstance(node, list):
            for v in node:
                got = find(v)
                if got is not None:
                    return got
        return None

    return find(body["response"])


def _values(y) -> np.ndarray:
    if isinstance(y, dict):  # plotly's typed-array encoding
        import base64

        return np.frombuffer(base64.b64decode(y["bdata"]), dtype=np.dtype(y["dtype"]))
    return np.asarray(y, dtype=float)


def _cli_plan(db, week, tmp_path, capsys) -> tuple[dict, dict]:
    out = tmp_path / "plan.json"
    code = main(["plan", "--db", str(db), "--week", week, "--time-limit-s", "1",
                 "--max-advisors", "5", "--out", str(out), "--format", "json"])
    assert code == 0
    return json.loads(capsys.readouterr().out), json.loads(out.read_text())


def test_page_cli_and_week_plan_agree(small_db, tmp_path, capsys):
    from dashboards import auth
    from dashboards.app import create_app

    con = connect(small_db, read_only=True)
    try:
        plan = plan_week(con, WEEK)
    finally:
        con.close()
    daily, req_a = plan.daily_forecast(), plan.requirements("erlang_a")
    req_c = plan.requirements("erlang_c")
    assert plan.ex_ante and daily["actual"].notna().any()
    # copil plan --db --format json: the daily forecast and actuals; --out: the intervals
    shown, written = _cli_plan(small_db, WEEK, tmp_path, capsys)
    cli_daily = pd.DataFrame(shown["daily"])
    assert cli_daily["date"].str[:10].tolist() == [str(d.date()) for d in daily["date"]]
    for col in ("forecast", "lo80", "hi80", "lo95", "hi95", "actual"):
        np.testing.assert_allclose(cli_daily[col].astype(float), daily[col], rtol=1e-12,
                                   equal_nan=True)
    cli_iv = pd.DataFrame(written["intervals"])
    np.testing.assert_allclose(cli_iv["calls"], req_a["calls"], rtol=1e-12)
    np.testing.assert_array_equal(cli_iv["agents"], req_a["agents"])
    np.testing.assert_allclose(cli_iv["actual"].astype(float), req_a["actual"], equal_nan=True)
    # the Planning page
    users = tmp_path / "users.json"
    auth.add_user(users, "planner", "planner", PASSWORD)
    app = create_app(small_db, users_path=users, secret_key_path=tmp_path / "k", lang="en")
    response = post_callback(login(app, "planner"), [("planning-content", "children")],
                             [("planning-week", "value", WEEK),
                              ("planning-apply", "n_clicks", None)],
                             [("planning-channel", "value", None),
                              ("planning-date", "date", None),
                              ("planning-audience", "value", None)])
    assert response.status_code == 200
    body = response.get_json()
    day_fig = {tr["name"]: _values(tr["y"]) for tr in _figure(body, "planning-forecast")["data"]}
    np.testing.assert_allclose(day_fig["forecast"], daily["forecast"], rtol=1e-12)
    np.testing.assert_allclose(day_fig["actual"], daily["actual"], equal_nan=True)
    req_fig = [_values(tr["y"]) for tr in _figure(body, "planning-requirements")["data"]]
    np.testing.assert_array_equal(req_fig[0], req_c["agents"])
    np.testing.assert_array_equal(req_fig[1], req_a["agents"])
    iv_fig = {tr["name"]: _values(tr["y"])
              for tr in _figure(body, "planning-forecast-intervals")["data"]}
    np.testing.assert_allclose(iv_fig["forecast"], req_a["calls"], rtol=1e-12)


def test_plan_actuals_are_kpi_offered_with_short_abandons(small_db, tmp_path, capsys):
    db = tmp_path / "short.duckdb"
    shutil.copy(small_db, db)
    text = contract_text()
    assert "short_abandon_s: 0 " in text
    con = connect(db)
    try:
        store_contract(con, text.replace("short_abandon_s: 0 ", "short_abandon_s: 5 "))
        shorts = con.execute(
            "select count(*) from calls where outcome = 'abandoned' and wait_s <= 5 and "
            "arrived_at >= timestamptz '2026-11-16 00:00:00+01' and "
            "arrived_at < timestamptz '2026-11-21 00:00:00+01'").fetchone()[0]
        k = kpis(con, period="day", start="2026-11-16", end="2026-11-22")
        history = kpis(con, period="day", start="2026-08-03", end="2026-11-15")
    finally:
        con.close()
    assert shorts > 0   # the test can fail: the week has short abandons to leave out
    shown, written = _cli_plan(db, WEEK, tmp_path, capsys)
    daily = pd.DataFrame(shown["daily"]).set_index(pd.to_datetime(
        pd.DataFrame(shown["daily"])["date"].str[:10]))
    want = k.set_index(pd.to_datetime(k["period_start"].astype(str).str[:10]))["offered"]
    got = daily["actual"].reindex(want.index)
    # the data end on Friday 20 November: the weekend after it is unknown (null), not 0
    known = got.notna().to_numpy()
    assert known.tolist() == [True] * 5 + [False] * 2
    np.testing.assert_array_equal(got[known].to_numpy(float), want[known].to_numpy(float))
    # the intervals' actuals add up to the same days
    iv = pd.DataFrame(written["intervals"])
    per_day = iv.groupby(iv["period_start"].str[:10])["actual"].sum()
    np.testing.assert_array_equal(
        per_day.reindex(want.index[known].strftime("%Y-%m-%d")).to_numpy(),
        want[known].to_numpy(float))
    # and the history the model is fitted on is the KPI offered per day
    con = connect(db, read_only=True)
    try:
        plan = plan_week(con, WEEK)
    finally:
        con.close()
    hist = history.set_index(pd.to_datetime(history["period_start"].astype(str).str[:10]))
    hist = hist.loc[hist["offered"] > 0, "offered"]   # days without calls are gaps to the model
    fitted = plan.fit.model.calls
    assert int(fitted.notna().sum()) == len(hist)
    np.testing.assert_array_equal(fitted.reindex(hist.index).to_numpy(float),
                                  hist.to_numpy(float))


def test_copil_forecast_db_uses_the_line_calendar(small_db, capsys):
    """``copil forecast --db``: the model on the line's calendar (the demo contract: open
    Monday-Friday, FR holidays, school zones A, B, C), and ``--school-zones`` overrides it."""
    from analytics import series
    from analytics.line_calendar import line_calendar
    from forecasting import DailyVolumeModel

    assert main(["forecast", "--db", str(small_db), "--horizon-days", "14",
                 "--format", "json"]) == 0
    got = pd.DataFrame(json.loads(capsys.readouterr().out))
    con = connect(small_db, read_only=True)
    try:
        cal = line_calendar(con)
        want = DailyVolumeModel(series.daily_offered_series(con), campaigns=series.campaigns(con),
                                calendar=cal).fit().forecast(14)
    finally:
        con.close()
    # the demo contract: Monday-Friday, FR holidays, school zones A, B, C
    assert cal.school_zones == ("A", "B", "C") and cal.holidays == "FR"
    assert cal.open_weekdays == (0, 1, 2, 3, 4)
    np.testing.assert_allclose(got["forecast"], want["forecast"], rtol=1e-9)
    # the weekend is closed in the calendar: exactly 0
    days = pd.to_datetime(got["date"])
    assert (got.loc[days.dt.day_of_week >= 5, "forecast"] == 0).all()
    # --school-zones overrides the calendar's zones: another model, another forecast
    assert main(["forecast", "--db", str(small_db), "--horizon-days", "14", "--school-zones",
                 "none", "--format", "json"]) == 0
    zoned = pd.DataFrame(json.loads(capsys.readouterr().out))
    assert not np.allclose(zoned["forecast"], got["forecast"])
