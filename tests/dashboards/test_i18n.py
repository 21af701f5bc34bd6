"""Labels exist in both languages; numbers are formatted per language."""

from __future__ import annotations

import math

import pytest

from dashboards.i18n import LABELS, LANGS, fmt_number, fmt_pct, fmt_seconds, plotly_separators, t
from dashboards.metrics import ASA, PICKUP


def test_every_label_in_every_language():
    for key, texts in LABELS.items():
        assert set(texts) == set(LANGS), key
        assert all(texts[lang].strip() for lang in LANGS), key
    assert t("nav.weekly", "en") == "Weekly review"
    assert t("nav.weekly", "fr") == "Revue hebdomadaire"
    assert t("nav.weekly", "xx") == "Revue hebdomadaire"  # unknown language: French
    with pytest.raises(KeyError):
        t("no.such.label", "fr")


@pytest.mark.parametrize("value,lang,decimals,expected", [
    (12345.6, "fr", 1, "12\u202f345,6"),
    (12345.6, "en", 1, "12,345.6"),
    (1234567, "en", 0, "1,234,567"),
    (999, "fr", 0, "999"),
    (-1500.25, "en", 2, "-1,500.25"),
    (-1500.25, "fr", 2, "−1\u202f500,25"),
    (-0.004, "en", 2, "0.00"),
    (None, "fr", 0, "–"),
    (math.nan, "en", 0, "–"),
])
def test_fmt_number(value, lang, decimals, expected):
    assert fmt_number(value, lang, decimals) == expected


def test_percentages_and_seconds():
    assert fmt_pct(0.875, "fr") == "87,5\u00a0%"
    assert fmt_pct(0.875, "en") == "87.5%"
    assert fmt_pct(1.0, "en", 0) == "100%"
    assert fmt_pct(None, "en") == "–"
    assert fmt_seconds(42.4, "fr") == "42\u00a0s"
    assert plotly_separators("fr") == ", " and plotly_separators("en") == ".,"


def test_metric_formatting_and_deltas():
    assert PICKUP.fmt(0.9123, "en") == "91.2%"
    assert PICKUP.fmt_delta(0.0123, "en") == "+1.2\u00a0pt"
    assert PICKUP.fmt_delta(-0.0123, "fr") == "−1,2\u00a0pt"
    assert ASA.fmt_delta(-3.0, "en") == "-3\u00a0s"
    assert ASA.fmt_delta(None, "en") == "–"
