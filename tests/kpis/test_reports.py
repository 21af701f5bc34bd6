"""Weekly and quarterly reports: content, formats, offline HTML, and a real browser."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import pytest
from plotly.offline import get_plotlyjs

from analytics.actions import add_action
from analytics.contract import parse_contract
from analytics.reports import quarterly_report, weekly_report
from analytics.review import campaign_uplift

CONTRACT = parse_contract("""
line_name: Test line
timezone: Europe/Paris
targets:
  - {metric: pickup_rate, comparison: ">=", threshold: 0.8}
  - {metric: asa_s, comparison: "<=", threshold: 30}
""")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def wh(con, load):
    """Jan-Mar 2026: each weekday 3 answered (wait 10 s) + 1 abandoned; in week 10, Tuesday
    has 2 answered and 4 abandoned. A campaign starts Monday 2 March on queue Q1."""
    calls = []
    day = dt.date(2026, 1, 5)
    while day <= dt.date(2026, 3, 29):
        if day.weekday() < 5:
            bad = day == dt.date(2026, 3, 3)
            for i in range(2 if bad else 3):
                calls.append(dict(arrived=f"{day} 09:{10 * i:02d}:00", outcome="answered",
                                  wait=10, talk=120))
            for i in range(4 if bad else 1):
                calls.append(dict(arrived=f"{day} 10:{10 * i:02d}:00", outcome="abandoned",
                                  wait=50))
        day += dt.timedelta(days=1)
    load.calls(con, calls)
    con.execute("insert into campaigns values ('test', 'C1', 'Mailing mars', 'mailing', "
                "'2026-03-02', '2026-03-06', 1000, 'Q1', 0)")
    add_action(con, "Renfort le mardi <matin>", "provider", due_date="2026-03-10", week="2026-W10",
               now=dt.datetime(2026, 3, 4, tzinfo=dt.UTC))
    return con


def test_weekly_report_content_fr_and_en(wh):
    html = weekly_report(wh, "2026-W10", contract=CONTRACT)
    # week 10: 14 answered of 22 offered -> 63,6 % (target 80 %: missed); ASA 10 s
    assert "Comité de suivi hebdomadaire — 2026-W10" in html
    assert "63,6\u00a0%" in html and "manqué" in html
    assert "&gt;= 80,0\u00a0%" in html
    assert "Renfort le mardi &lt;matin&gt;" in html          # escaped user text
    assert "mar. 03/03" in html                                # the day behind the gap
    en = weekly_report(wh, "2026-W10", lang="en", contract=CONTRACT)
    assert "Weekly service review — 2026-W10" in en and "63.6%" in en and "missed" in en
    for doc in (html, en):
        assert doc.count(get_plotlyjs()[:300]) == 1            # plotly.js embedded once
        assert not re.search(r"<script[^>]+src=", doc)         # nothing fetched: opens offline
        # 2 trends + daily + intraday, and (since the review) the week's forecast accuracy:
        # 8 weeks of history before W10 (5 January - 1 March)
        assert doc.count('class="plotly-graph-div"') == 5


def test_quarterly_report_content(wh):
    html = quarterly_report(wh, "2026-Q1", lang="en", contract=CONTRACT)
    assert "Quarterly steering report — 2026-Q1" in html
    # Q1 2026's weeks are W01..W13 (a week belongs to the quarter holding its Thursday;
    # the report took W02..W14, the weeks whose Monday is in it, before the review), 12
    # with calls (from 5 January); pickup 15/20 = 75 % every
    # week but W10 (14/22), so 0 weeks met; ASA 10 s met in all 12
    assert "0 / 12" in html and "12 / 12" in html
    assert "Mailing mars" in html
    assert "Renfort le mardi &lt;matin&gt;" in html           # open action
    assert "Not enough history before the quarter" in html    # no data before January


def test_campaign_uplift_by_hand(wh, load):
    # add 10 extra answered calls on Q1 on Monday 2 March (the campaign's first day)
    load.calls(wh, [dict(arrived="2026-03-02 11:00:00", outcome="answered", wait=5, talk=60)
                    for _ in range(10)])
    upl = campaign_uplift(wh, dt.date(2026, 1, 1), dt.date(2026, 3, 31), contract=CONTRACT)
    r = upl.iloc[0]
    # window Mon 2 - Fri 6 March: 4 offered a day + 10 extra + Tuesday's 2 more abandons
    assert r.observed == 5 * 4 + 10 + 2
    assert r.baseline == 20.0            # 4 a weekday in the 4 weeks before
    assert r.extra_calls == 12.0


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="no chromium for the browser test")
def test_reports_render_in_headless_chromium_without_errors(wh, tmp_path):
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    files = []
    for name, doc, plots in (
            # 5 charts since the review added the week's forecast accuracy
            ("weekly", weekly_report(wh, "2026-W10", contract=CONTRACT), 5),
            ("quarterly", quarterly_report(wh, "2026-Q1", contract=CONTRACT), 3)):
        path = tmp_path / f"{name}.html"
        path.write_text(doc, encoding="utf-8")
        files.append((path, plots))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        try:
            for path, plots in files:
                page = browser.new_page()
                errors: list[str] = []
                page.on("console", lambda m, errors=errors: errors.append(m.text)
                        if m.type == "error" else None)
                page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
                requests: list[str] = []
                page.on("request", lambda r, requests=requests: requests.append(r.url))
                page.goto(path.as_uri())
                page.wait_for_selector(".js-plotly-plot .main-svg", timeout=20000)
                assert errors == [], (path.name, errors)
                assert all(u.startswith(("file:", "data:")) for u in requests), requests
                n = page.locator(".js-plotly-plot").count()
                assert n == plots, (path.name, n)
                page.close()
        finally:
            browser.close()


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="no chromium for PDF export")
def test_pdf_and_png_export(wh, tmp_path):
    from analytics.reports.export import figures_to_png, html_to_pdf

    figures: list = []
    doc = weekly_report(wh, "2026-W10", contract=CONTRACT, figures=figures)
    pdf = html_to_pdf(doc, tmp_path / "w.pdf")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", data)) >= 2
    pngs = figures_to_png(figures[:2], tmp_path / "png")
    assert [p.read_bytes()[:8] for p in pngs] == [b"\x89PNG\r\n\x1a\n"] * 2


def test_export_without_browser_says_what_to_install(monkeypatch):
    from analytics.reports import export

    monkeypatch.setattr(export, "find_browser", lambda: None)
    with pytest.raises(export.NoBrowserError, match="apt-get install chromium"):
        export.html_to_pdf("<html></html>", "/tmp/never.pdf")


def test_forecast_accuracy_on_a_regular_line(con, load):
    # 6 answered calls every weekday (public holidays included), January to June 2026
    calls = []
    day = dt.date(2026, 1, 5)
    while day <= dt.date(2026, 6, 30):
        if day.weekday() < 5:
            calls += [dict(arrived=f"{day} 1{i}:00:00", outcome="answered", wait=5, talk=60)
                      for i in range(6)]
        day += dt.timedelta(days=1)
    load.calls(con, calls)
    from analytics.review import forecast_accuracy

    acc = forecast_accuracy(con, dt.date(2026, 4, 1), dt.date(2026, 6, 30), contract=CONTRACT)
    # weekdays from 1 April to 30 June 2026: 22 in April, 21 in May, 22 in June
    assert acc.actual == 6 * 65 and acc.n_days == 65 and acc.n_excluded == 0
    # a perfectly regular line: at worst the model closes the quarter's 5 French public
    # holidays on weekdays (6 Apr, 1, 8, 14 and 25 May), 5 x 6 calls of 390
    assert acc.daily_wape <= 30 / 390 + 1e-9


def test_quarterly_report_compares_staffing_with_need(wh, load):
    # Tuesday 3 March 2026 (week 10): 2 advisors logged in for four half-hours, 09:00-11:00
    load.staffing(wh, [dict(start=f"2026-03-03 {h}", advisors=2) for h in
                       ("09:00:00", "09:30:00", "10:00:00", "10:30:00")])
    html = quarterly_report(wh, "2026-Q1", lang="en", contract=CONTRACT)
    assert "Advisor-hours needed (Erlang A)" in html
    row = re.search(r"<td class=\"text\">2026-W10</td>(.*?)</tr>", html).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    assert cells[0] == "4"            # 2 advisors x 4 half-hours = 4 advisor-hours
    assert cells[2].endswith("/ 4")   # four staffed half-hours compared
    assert cells[3] == "33.3%"        # observed pickup in those half-hours: 2 of 6 calls


def test_quarterly_report_without_staffing_says_so(wh):
    html = quarterly_report(wh, "2026-Q1", lang="en", contract=CONTRACT)
    assert "No staffing data in the warehouse" in html
