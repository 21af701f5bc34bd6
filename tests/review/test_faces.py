"""One truth: for two quarters and two weeks of the demo, every figure of the dashboard
page, the HTML report and ``copil review --format json`` is the same.

The JSON comes from the command line (its own connection, its own review). The page's
review comes from the page's reader, the report computes its own; each face's rendered
cells are compared with the JSON's values formatted by that face's formatter.
"""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from analytics import i18n, metrics
from analytics.i18n import fmt_int, fmt_number, fmt_rate
from analytics.metrics import format_metric
from analytics.review import review_dict
from copil.cli import main

QUARTERS = ["2026-Q1", "2026-Q2"]
WEEKS = ["2026-W10", "2026-W20"]


def cli_json(capsys, db, kind: str, period: str) -> dict:
    code = main(["review", kind, f"--{kind}", period, "--db", str(db), "--format", "json"])
    out = capsys.readouterr().out
    assert code == 0
    assert "NaN" not in out                              # missing values are null
    return json.loads(out)


def cells(html: str, table_id: str) -> list[list[str]]:
    body = re.search(f'<table id="{table_id}">(.*?)</table>', html, re.S).group(1)
    return [[unescape(re.sub("<[^>]+>", "", c)) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S) if "<td" in row]


def forecast_values(acc: dict) -> dict[str, str]:
    """Every forecast measure of the JSON, labelled and formatted as every face shows it."""
    return {i18n.t("daily_wape", "en"): format_metric("wape", acc["daily_wape"], "en"),
            i18n.t("weekly_wape", "en"): format_metric("wape", acc["weekly_wape"], "en"),
            **{metrics.label(m, "en"): format_metric(m, acc[m], "en")
               for m in ("mase", "bias", "coverage_80", "coverage_95")}}


def report_forecast(acc: dict) -> list[list[str]]:
    """The report's forecast table, from the JSON's measures (English)."""
    return [[k, v] for k, v in forecast_values(acc).items()] + [
        ["Days compared", fmt_int(acc["n_days"], "en")],
        ["Calls actual / forecast",
         f"{fmt_int(acc['actual'], 'en')} / {fmt_int(acc['forecast'], 'en')}"]]


def report_campaigns(rows: list[dict]) -> list[list[str]]:
    return [[fmt_int(r["observed"], "en"), fmt_number(r["baseline"], "en", 0),
             fmt_number(r["extra_calls"], "en", 0), fmt_rate(r["uplift"], "en")] for r in rows]


def report_staffing(rows: list[dict]) -> list[list[str]]:
    return [[r["week"], format_metric("advisor_hours", r["advisor_hours"], "en"),
             format_metric("required_advisor_hours", r["required_advisor_hours"], "en"),
             f"{fmt_int(r['understaffed_intervals'], 'en')} / {fmt_int(r['intervals'], 'en')}",
             format_metric("observed_pickup_rate", r["observed_pickup_rate"], "en"),
             format_metric("erlang_a_pickup_rate", r["erlang_a_pickup_rate"], "en")]
            for r in rows]


@pytest.mark.parametrize("quarter", QUARTERS)
def test_quarter_page_report_and_cli_agree(capsys, app, demo_db, con, quarter):
    from analytics.periods import weeks_of_quarter
    from analytics.reports import quarterly_report
    from dashboards.pages import quarterly as page

    data = cli_json(capsys, demo_db, "quarter", quarter)
    # the weeks: the ISO Thursday rule, one row each, every 'copil kpis' column
    assert [w["week"] for w in data["weeks"]] == weeks_of_quarter(quarter, 0)
    from analytics.kpis import KPI_COLUMNS

    assert list(data["weeks"][0]) == ["week", "period_start", *KPI_COLUMNS()]
    assert data["forecast_accuracy"]["reason"] is None and data["staffing"]
    assert data["campaigns"]                       # the demo has campaigns in both quarters

    # 1. the page's review (its reader, cached by the page) is the same object as the JSON
    review = page.read_quarter(con, quarter, None)
    assert json.loads(json.dumps(review_dict(review))) == data
    # ... and what the page draws and writes is the JSON's figures
    rates = page.trend_figure(page.trim_empty_weeks(review.weeks), review.contract, "en",
                              [metrics.metric("pickup_rate")], title="")
    assert list(rates.data[0].y) == [w["pickup_rate"] for w in data["weeks"]]
    vol = page.year_over_year_figure(review, "en")
    assert list(vol.data[0].y) == [float(r["offered"]) for r in data["volume"]["rows"]]
    assert list(vol.data[0].customdata) == [r["week"] for r in data["volume"]["rows"]]
    grid = page.compliance_grid(review, "en")
    summary_row = grid.children[1].children[-1].children[1:]
    line = [s for s in data["compliance"]["summary"] if s["queue"] is None]
    assert [c.children for c in summary_row] == [f"{s['met']} / {s['evaluated']}" for s in line]
    page_camps = [[c.children for c in row.children]
                  for row in page.campaigns_table(review, "en").children[1].children]
    assert [r[5:9] for r in page_camps] == report_campaigns(data["campaigns"])
    acc = data["forecast_accuracy"]
    page_acc = dict(page.accuracy_rows(review.forecast_accuracy, "en"))
    for name, value in forecast_values(acc).items():
        assert page_acc[name] == value, name
    assert page_acc[page.lbl("acc_excluded", "en")] == fmt_number(acc["n_excluded"], "en")
    staff = page.staffing_panel(review, "en").children[1].children[1].children
    assert [row.children[0].children for row in staff] == [r["week"] for r in data["staffing"]]

    # 2. the report (its own review) writes the JSON's figures
    html = quarterly_report(con, quarter, lang="en")
    assert cells(html, "review-forecast") == report_forecast(acc)
    assert [r[4:8] for r in cells(html, "review-campaigns")] == report_campaigns(
        data["campaigns"])
    assert cells(html, "review-staffing") == report_staffing(data["staffing"])
    assert [r[2] for r in cells(html, "review-compliance")] == [
        f"{s['met']} / {s['evaluated']}" for s in data["compliance"]["summary"]]
    total = data["volume"]["total"]
    assert cells(html, "review-volume")[0][1] == fmt_int(total["offered"], "en")
    assert total["offered"] == sum(w["offered"] for w in data["weeks"])


@pytest.mark.parametrize("week", WEEKS)
def test_week_page_report_and_cli_agree(capsys, app, demo_db, con, week):
    from analytics.reports import weekly_report
    from dashboards.pages import weekly as page

    data = cli_json(capsys, demo_db, "week", week)
    assert [w["week"] for w in data["weeks"]] == [week]
    row = data["weeks"][0]
    review = page.read_week_trend(con, week, None)
    assert json.loads(json.dumps(review_dict(review))) == data
    # the page's cards: the JSON's week
    cards = {c.id.removeprefix("weekly-card-"): c.children[1].children
             for c in page.kpi_cards(review, "en")}
    assert len(cards) == 8
    for name, text in cards.items():
        if name != "callback_on_time_rate" or row["callbacks_due"]:
            assert text == format_metric(name, row[name], "en"), name
    # the report's headline (indicators without a target) and its review sections
    html = weekly_report(con, week, lang="en")
    kpis = {c[0]: c[1] for c in cells(html, "review-week-kpis")}
    assert len(kpis) >= 10
    for metric in row:
        if metric in metrics.REGISTRY and metrics.label(metric, "en") in kpis:
            assert kpis[metrics.label(metric, "en")] == format_metric(metric, row[metric], "en")
    targets = cells(html, "review-week-targets")
    line = [c for c in data["compliance"]["rows"] if c["queue"] is None]
    assert [(t[0], t[2], t[4]) for t in targets] == [
        (metrics.label(c["metric"], "en"), format_metric(c["metric"], c["actual"], "en"),
         i18n.t(f"status.{c['status']}", "en")) for c in line]
    # the page's cards and the report write the same text for the same figure
    shared = 0
    for t in targets:
        for name, text in cards.items():
            if name != "offered" and metrics.label(name, "en") == t[0] and text != i18n.MISSING:
                assert text == t[2], name
                shared += 1
    assert shared >= 3
    assert cells(html, "review-forecast") == report_forecast(data["forecast_accuracy"])
    if data["campaigns"]:
        assert [r[4:8] for r in cells(html, "review-campaigns")] == report_campaigns(
            data["campaigns"])
    assert cells(html, "review-staffing") == report_staffing(data["staffing"])


def test_a_week_belongs_to_the_quarter_holding_its_thursday(capsys, demo_db):
    """2026 starts on a Thursday: W01 (Monday 29 December 2025) is in 2026-Q1, not in
    2025-Q4; W14 (Monday 30 March, Thursday 2 April) is in Q2. Every week of the data is
    in exactly one quarter."""
    q1 = cli_json(capsys, demo_db, "quarter", "2026-Q1")
    q2 = cli_json(capsys, demo_db, "quarter", "2026-Q2")
    assert q1["period"]["first_day"] == "2025-12-29" and q1["period"]["last_day"] == "2026-03-29"
    assert q1["weeks"][0]["week"] == "2026-W01" and q1["weeks"][-1]["week"] == "2026-W13"
    assert q2["weeks"][0]["week"] == "2026-W14" and q2["period"]["first_day"] == "2026-03-30"
    assert not {w["week"] for w in q1["weeks"]} & {w["week"] for w in q2["weeks"]}
    # a campaign straddling the edge (its window touches both quarters) is in both
    both = {c["campaign_id"] for c in q1["campaigns"]} & {c["campaign_id"] for c in q2["campaigns"]}
    for c in q1["campaigns"]:
        if c["campaign_id"] in both:
            assert c["start_date"] <= "2026-03-29" and c["end_date"] >= "2026-03-30"


def test_review_help_and_table(capsys, demo_db):
    with pytest.raises(SystemExit):
        main(["review", "quarter", "--help"])
    assert "copil review quarter --quarter 2026-Q2" in capsys.readouterr().out
    assert main(["review", "week", "--db", str(demo_db)]) == 0     # last complete week
    out = capsys.readouterr().out
    assert out.startswith("week 2026-W26: 2026-06-22 to 2026-06-28")
    assert "== forecast accuracy" in out
    # the table shows each KPI by its label, in its unit, from the same figures as the JSON
    assert main(["review", "week", "--db", str(demo_db), "--format", "json"]) == 0
    week = json.loads(capsys.readouterr().out)["weeks"][0]
    rows = [re.split(r"\s{2,}", ln.strip())
            for ln in out.split("== weeks")[1].split("== compliance")[0].splitlines()[2:]]
    lines = dict(row for row in rows if len(row) == 2)
    assert lines["Pickup rate"] == f"{100 * week['pickup_rate']:.1f}%"
    assert lines["Calls offered"] == f"{week['offered']:,}"
    assert lines["Average speed of answer"] == f"{week['asa_s']:.0f}\u00a0s"   # no-break space


def test_model_uplift_ignores_the_days_after_the_data(con):
    """A quarter still running reaches past the last day with calls: those days are unknown,
    not days with zero calls. Fitted with them as zeros, the model read the drop as a huge
    campaign effect (26,757 extra calls against 892 observed for a press campaign)."""
    import datetime as dt

    from analytics.kpis import data_range
    from analytics.review.campaigns import model_uplift

    last = data_range(con)[1]
    at_end = model_uplift(con, last)
    beyond = model_uplift(con, last + dt.timedelta(days=60))
    assert len(at_end) > 0
    assert beyond["extra_calls"].tolist() == pytest.approx(at_end["extra_calls"].tolist())
