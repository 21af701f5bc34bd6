"""Why a target was missed, on the demo warehouse: the week's attribution uses the review's
own actuals, its parts add up to the gap in every row, the week is the calls-weighted
mean of its intervals, and the model is the one of the staffing section."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from analytics.kpis import kpis, resolve_contract
from analytics.review import review_dict, week_review
from analytics.review.attribution import (
    ATTRIBUTION_COLUMNS,
    attributable_targets,
    attribution_intervals,
    interval_parts,
    metric_weights,
    model_at_actual,
    week_attribution,
)
from analytics.targets import evaluate_targets
from copil.cli import main
from staffing.attribution import PARTS


@pytest.fixture(scope="module")
def missed_week(demo_db):
    """The first week of 2026 (complete in the demo) missing a target Erlang A explains."""
    from analytics.warehouse import connect

    con = connect(demo_db, read_only=True)
    try:
        contract = resolve_contract(con, None)
        names = {t.metric for t in attributable_targets(contract)}
        ev = evaluate_targets(con, contract, start="2026-01-05", end="2026-06-21")
        hit = ev[(ev.status == "missed") & ev.metric.isin(names) & ev.queue.isna()]
        assert len(hit), "the demo misses some service target in the first half of 2026"
        from analytics.periods import week_label

        week = week_label(hit.period_start.iloc[0], 0)
        return week, week_review(con, week)
    finally:
        con.close()


def test_week_rows_use_the_reviews_actuals_and_add_up(missed_week):
    week, review = missed_week
    attr = review.attribution
    assert attr.reason is None and attr.planned_staffing == "agents_a"
    assert list(attr.rows.columns) == ATTRIBUTION_COLUMNS
    missed = review.compliance[(review.compliance.status == "missed")
                               & review.compliance.queue.isna()]
    names = {t.metric for t in attributable_targets(review.contract)}
    expected = [m for m in missed.metric if m in names]
    weeks = attr.week_rows()
    assert sorted(weeks.metric) == sorted(expected) and len(weeks)
    for r in weeks.itertuples():
        # the actual is the review's figure, exactly
        assert r.actual == review.weeks.iloc[0][r.metric]
        assert r.gap == pytest.approx(r.actual - r.target, abs=1e-15)
    rows = attr.rows
    assert np.allclose(rows[list(PARTS)].sum(axis=1), rows["gap"], rtol=0, atol=1e-12)
    # missed intervals: each misses its target's threshold
    for r in attr.interval_rows().itertuples():
        assert (r.actual < r.target) if r.comparison == ">=" else (r.actual > r.target)


def test_the_week_is_the_weighted_mean_of_its_intervals(con, missed_week):
    week, review = missed_week
    contract = review.contract
    first, last = review.first, review.last
    frame = attribution_intervals(con, first, last, contract=contract)
    basis = frame.attrs["service_level_basis"]
    iv = kpis(con, period="interval", interval_minutes=30, start=first, end=last,
              contract=contract)
    iv = iv[iv.offered > 0].reset_index(drop=True)
    for row in review.attribution.week_rows().itertuples():
        target = next(t for t in attributable_targets(contract) if t.metric == row.metric)
        parts = interval_parts(frame, target, basis)
        # interval actuals are the interval KPIs
        assert np.allclose(parts["actual"], iv[row.metric], equal_nan=True)
        w = metric_weights(con, row.metric, frame, contract.service_level_variant)
        has = w > 0
        # the weighted mean of the interval actuals is the week's KPI
        assert (w[has] * parts["actual"][has]).sum() / w[has].sum() == pytest.approx(
            row.actual, abs=1e-12)
        assert row.calls == w[has].sum()
        for p in ("forecast_error", "aht_drift", "staffing_gap"):
            assert (w[has] * parts[p][has]).sum() / w[has].sum() == pytest.approx(
                getattr(row, p), abs=1e-12)


def test_the_model_is_the_staffing_sections_erlang_a(con, missed_week):
    from analytics.planning import staffing_vs_requirement

    _, review = missed_week
    frame = attribution_intervals(con, review.first, review.last, contract=review.contract)
    staffed = staffing_vs_requirement(con, review.first, review.last)
    assert (staffed["answer_s"] == 30).all()     # the demo contract's service level: 30 s
    model = model_at_actual(frame, "service_level_30s", "offered")
    by_label = dict(zip(staffed.period_start.dt.strftime("%Y-%m-%dT%H:%M"),
                        staffed.erlang_a_service_level, strict=True))
    assert np.allclose(model, [by_label[p] for p in frame.period])
    parts = interval_parts(frame, attributable_targets(review.contract)[1], "offered")
    assert np.allclose(parts["actual_model"], model)
    check = review.attribution.checks.set_index("metric")
    assert check.loc["service_level_30s", "intervals"] == int(frame.staffed.sum())
    assert 0 < check.loc["service_level_30s", "mae"] < 0.15


def test_json_rows_and_reasons(capsys, demo_db, con, missed_week):
    week, review = missed_week
    assert main(["review", "week", "--week", week, "--db", str(demo_db),
                 "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data == json.loads(json.dumps(review_dict(review)))
    rows = data["attribution"]
    assert rows and set(ATTRIBUTION_COLUMNS) == set(rows[0])
    for r in rows:
        assert sum(r[p] for p in PARTS) == pytest.approx(r["gap"], abs=1e-12)
    assert data["attribution_notes"]["reason"] is None
    # no advisor is named anywhere in the attribution
    agents = {a for (a,) in con.execute("select distinct agent_id from calls "
                                        "where agent_id is not null").fetchall()}
    text = json.dumps({"a": rows, "n": data["attribution_notes"]})
    assert agents and not any(a in text for a in agents)
    # reasons instead of rows
    contract = review.contract
    row = review.weeks.iloc[0]
    by_queue = week_attribution(con, week, row, contract=contract, queues=("aides-logement",))
    assert by_queue.rows.empty and "whole line" in by_queue.reason
    callbacks_only = dataclasses.replace(contract, targets=tuple(
        t for t in contract.targets if t.metric == "callback_on_time_rate"))
    none = week_attribution(con, week, row, contract=callbacks_only)
    assert none.rows.empty and "no line-wide weekly target" in none.reason


def test_page_and_pack_show_the_split_to_the_client(app, con, missed_week):
    """The client's Weekly page (gap table) and the weekly pack write the JSON's parts,
    formatted by the metric's formatter (points for rates, seconds for the ASA)."""
    import re
    from html import unescape

    from analytics import i18n, metrics
    from analytics.reports import weekly_report
    from dashboards.pages import weekly as page

    week, review = missed_week
    rows = review_dict(review)["attribution"]
    weeks = [r for r in rows if r["grain"] == "week"]
    parts = ("forecast_error", "aht_drift", "staffing_gap", "remainder")

    def split(r, names, lang="en"):
        return [metrics.metric(r["metric"]).format_delta(r[p], lang) for p in names]

    # the page's gap table, through the client's session and the callback
    client = app.server.test_client()
    assert client.post("/login", data={"username": "client", "password":
                                       "review faces test password"}).status_code == 302
    body = {"output": "weekly-gaps.children",
            "outputs": {"id": "weekly-gaps", "property": "children"},
            "inputs": [{"id": "weekly-week", "property": "value", "value": week},
                       {"id": "weekly-queues", "property": "value", "value": []}],
            "state": [], "changedPropIds": ["weekly-week.value"]}
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    text = json.dumps(response.get_json(), ensure_ascii=False)
    for r in weeks:
        for cell in split(r, parts, "fr"):                  # the page speaks French
            assert json.dumps(cell, ensure_ascii=False)[1:-1] in text
    for p in parts:
        assert i18n.t(f"attr.{p}", "fr") in text
    assert i18n.t("attr_note", "fr") in text
    table = page.format_gaps(page.read_gaps(con, week, None), "en", review.attribution)
    by_metric = {metrics.label(r["metric"], "en"): r for r in weeks}
    for row in table.itertuples():
        if row.metric in by_metric:
            assert [getattr(row, p) for p in parts] == split(by_metric[row.metric], parts)
    assert set(by_metric) <= set(table["metric"])

    # the pack
    html_text = weekly_report(con, week, lang="en", review=review)
    found = re.search('<table id="review-attribution">(.*?)</table>', html_text, re.S).group(1)
    cells = [[unescape(re.sub("<[^>]+>", "", c)) for c in re.findall(r"<td[^>]*>(.*?)</td>", tr)]
             for tr in re.findall(r"<tr>(.*?)</tr>", found, re.S) if "<td" in tr]
    assert [c[3:] for c in cells] == [split(r, ("gap", *parts)) for r in weeks]
    assert [c[0] for c in cells] == [metrics.label(r["metric"], "en") for r in weeks]
