"""analytics.i18n: hand-written expected strings in French and English, and the catalog."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from analytics.i18n import (
    LANGS,
    MISSING,
    TEXTS,
    day_name,
    fmt_date,
    fmt_int,
    fmt_number,
    fmt_rate,
    fmt_seconds,
    month_name,
    plotly_separators,
    t,
)

NNBSP, NBSP, MINUS = "\u202f", "\u00a0", "\u2212"


@pytest.mark.parametrize("value,lang,decimals,expected", [
    (-1234.5, "fr", 1, f"{MINUS}1{NNBSP}234,5"),
    (-1234.5, "en", 1, "-1,234.5"),
    (12345.6, "fr", 1, f"12{NNBSP}345,6"),
    (1234567, "en", 0, "1,234,567"),
    (1234567, "fr", 0, f"1{NNBSP}234{NNBSP}567"),
    (999, "fr", 0, "999"),
    (1000, "fr", 0, f"1{NNBSP}000"),
    (-1500.25, "fr", 2, f"{MINUS}1{NNBSP}500,25"),
    # a value that rounds to zero never shows a sign
    (-0.004, "fr", 1, "0,0"),
    (-0.004, "en", 1, "0.0"),
    (-0.004, "en", 2, "0.00"),
    (-0.005001, "en", 2, "-0.01"),
    (-0.4, "fr", 0, "0"),
    (0, "fr", 0, "0"),
    (None, "fr", 0, MISSING),
    (math.nan, "en", 1, MISSING),
])
def test_fmt_number(value, lang, decimals, expected):
    assert fmt_number(value, lang, decimals) == expected


def test_signed_numbers_and_pandas_missing_values():
    import pandas as pd

    assert fmt_number(12, "fr", signed=True) == "+12"
    assert fmt_number(-12, "fr", signed=True) == f"{MINUS}12"
    assert fmt_number(0.04, "en", 1, signed=True) == "0.0"   # rounds to zero: no sign
    assert fmt_number(pd.NA, "fr") == MISSING
    assert fmt_number(pd.NaT, "en") == MISSING
    assert fmt_int(231456, "fr") == f"231{NNBSP}456"
    assert fmt_int(231456.4, "en") == "231,456"


def test_rates_and_seconds():
    assert fmt_rate(0.875, "fr") == f"87,5{NBSP}%"
    assert fmt_rate(0.875, "en") == "87.5%"
    assert fmt_rate(1.0, "en", 0) == "100%"
    assert fmt_rate(-0.00004, "fr") == f"0,0{NBSP}%"
    assert fmt_rate(-0.125, "fr") == f"{MINUS}12,5{NBSP}%"
    assert fmt_rate(12.345, "fr") == f"1{NNBSP}234,5{NBSP}%"
    assert fmt_rate(None, "en") == MISSING
    assert fmt_seconds(42.4, "fr") == f"42{NBSP}s"
    assert fmt_seconds(1234.5, "en", 1) == f"1,234.5{NBSP}s"
    assert fmt_seconds(-3, "fr") == f"{MINUS}3{NBSP}s"
    assert fmt_seconds(math.nan, "fr") == MISSING


def test_dates_days_months_and_plotly_separators():
    monday = dt.date(2026, 3, 2)
    assert fmt_date(monday, "fr") == "02/03/2026"
    assert fmt_date(monday, "en") == "2026-03-02"
    assert day_name(monday, "fr") == "lun. 02/03"
    assert day_name(dt.datetime(2026, 3, 8, 10), "en") == "Sun 03-08"
    assert month_name(2, "fr") == "févr." and month_name(12, "en") == "Dec"
    assert plotly_separators("fr") == f",{NNBSP}" and plotly_separators("en") == ".,"


def test_language_is_checked():
    assert fmt_number(1.5, None, 1) == "1,5"           # no language: French
    with pytest.raises(ValueError, match="use fr or en"):
        fmt_rate(0.5, "de")
    with pytest.raises(ValueError, match="use fr or en"):
        t("nav.weekly", "xx")


def test_every_text_in_every_language():
    for key, texts in TEXTS.items():
        assert set(texts) == set(LANGS), key
        assert all(texts[lang] for lang in LANGS), key
    assert t("nav.weekly", "en") == "Weekly review"
    assert t("nav.weekly", "fr") == "Revue hebdomadaire"
    assert t("nav.signed_in_as", "en", name="Ann", role="admin") == "Signed in: Ann (admin)"
    assert t("status.missed", "fr") == "manqué"
    with pytest.raises(KeyError, match="no.such.text"):
        t("no.such.text", "fr")
