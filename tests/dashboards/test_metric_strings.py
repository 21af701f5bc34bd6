"""One metric, one wording, one number: the weekly page's KPI cards and the weekly report's
headline table show the same label and the same value string for the same week."""

from __future__ import annotations

import html
import json
import re

import pytest
from dashboards_testkit import login, post_callback

from analytics.metrics import label

WEEK = "2026-W46"
CARDS = ["offered", "pickup_rate", "service_level_20s", "asa_s", "wait_p90_s", "abandon_rate",
         "aht_s", "callback_on_time_rate"]
TARGETS = {"pickup_rate", "service_level_20s", "asa_s", "abandon_rate"}   # the fixture contract


def _cards(client) -> dict[str, list[str]]:
    response = post_callback(client, [("weekly-cards", "children"),
                                      ("weekly-trend-rates", "figure"),
                                      ("weekly-trend-waits", "figure"),
                                      ("weekly-report-link", "href")],
                             [("weekly-week", "value", WEEK), ("weekly-queues", "value", [])])
    body = json.loads(response.get_data(as_text=True))["response"]
    return {card["props"]["id"].removeprefix("weekly-card-"):
            [c["props"]["children"] for c in card["props"]["children"]]
            for card in body["weekly-cards"]["children"]}


def _report_rows(client, lang: str) -> dict[str, list[str]]:
    """The report's table rows keyed by their first cell (plain text)."""
    response = client.get(f"/download/weekly-report?week={WEEK}&lang={lang}")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    headline = text[text.index("<section>"):text.index("</section>")]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", headline):
        cells = [html.unescape(re.sub(r"<[^>]+>", "", c))
                 for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        if cells:
            rows[cells[0]] = cells
    return rows


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_weekly_cards_and_report_say_the_same(app, lang):
    client = login(app, "client")
    client.get(f"/lang/{lang}")
    cards = _cards(client)
    rows = _report_rows(client, lang)
    for name in CARDS:
        title, value, target_text = cards[name][0], cards[name][1], cards[name][2]
        assert title == label(name, lang), name
        row = rows[title]                       # the report has a row with the same words
        if name in TARGETS:
            # report: indicator | target | actual | previous week | status
            assert target_text.endswith(row[1]), (name, target_text, row[1])
            assert value == row[2], name
        else:
            # report: indicator | actual | previous week
            assert value == row[1], name
    # a real check, not two empty strings: the figures are numbers in the language's format
    assert re.fullmatch(r"[\d\u202f,]+" if lang == "fr" else r"[\d,]+", cards["offered"][1])
    assert cards["pickup_rate"][1].endswith("\u00a0%" if lang == "fr" else "%")
