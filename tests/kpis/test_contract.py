"""Contract loading: the example file, defaults, and errors that name the key and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics.contract import (
    Target,
    default_contract,
    load_contract,
    parse_contract,
    store_contract,
    warehouse_contract,
)
from analytics.i18n import fmt_int, fmt_rate, fmt_seconds
from analytics.metrics import format_metric
from analytics.warehouse import line_timezone

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "contract.example.yaml"


def test_example_contract_loads():
    c = load_contract(EXAMPLE)
    assert c.timezone == "Europe/Paris"
    assert c.service_level_variant == "default"
    assert c.service_level_thresholds == (20, 30, 60)
    assert c.callback_deadline_h == 72.0 and c.reconciliation_tolerance == 0.02
    assert c.opening_hours["mon"] == (("08:00", "18:00"),)
    assert c.opening_hours["sun"] == ()
    assert Target("pickup_rate", ">=", 0.9, "week") in c.targets
    assert Target("asa_s", "<=", 60.0, "week") in c.targets


def test_defaults():
    c = default_contract("Asia/Jerusalem")
    assert (c.timezone, c.short_abandon_s, c.callback_deadline_h) == ("Asia/Jerusalem", 0.0, 72.0)
    assert c.targets == () and c.service_level_thresholds == (20, 30, 60)


@pytest.mark.parametrize("text, words", [
    ("timezone: Paris/Nowhere", ["'timezone'", "IANA"]),
    ("service_level: {variant: strict}", ["service_level.variant", "answered_only"]),
    ("service_level: {thresholds: [20, -5]}", ["service_level.thresholds", "whole numbers"]),
    ("short_abandon_s: -1", ["'short_abandon_s'", ">= 0"]),
    ("callback_deadline_h: 0", ["'callback_deadline_h'", "> 0"]),
    ("reconciliation_tolerance: 2", ["'reconciliation_tolerance'", "<= 1"]),
    ("targets: [{metric: pickup, comparison: '>=', threshold: 0.9}]",
     ["targets[0].metric", "pickup_rate"]),
    ("targets: [{metric: pickup_rate, comparison: '>', threshold: 0.9}]",
     ["targets[0].comparison", "'>='"]),
    ("targets: [{metric: pickup_rate, comparison: '>=', threshold: 90}]",
     ["targets[0].threshold", "fractions"]),
    ("targets: [{metric: service_level_45s, comparison: '>=', threshold: 0.8}]",
     ["targets[0].metric", "service_level_30s"]),
    ("opening_hours: {mon: '18:00-08:00'}", ["opening_hours.mon", "HH:MM-HH:MM"]),
    ("slas: 3", ["'slas'", "is not a contract key"]),
    ("targets: [{metric: [", ["not valid YAML"]),
])
def test_errors_name_the_key_and_the_fix(text, words):
    with pytest.raises(ValueError) as err:
        parse_contract(text, "c.yaml")
    for w in words:
        assert w in str(err.value)


def test_store_and_read_back(tmp_path):
    from analytics.warehouse import connect

    con = connect(tmp_path / "w.duckdb")
    assert warehouse_contract(con) is None
    text = "timezone: Asia/Jerusalem\nline_name: Bank\nshort_abandon_s: 5\n"
    store_contract(con, text)
    assert warehouse_contract(con) == parse_contract(text)
    assert line_timezone(con) == "Asia/Jerusalem"
    with pytest.raises(ValueError):
        store_contract(con, "short_abandon_s: x")
    assert warehouse_contract(con).short_abandon_s == 5.0


def test_number_formats():
    assert fmt_rate(0.875, "fr") == "87,5\u00a0%"
    assert fmt_rate(0.875, "en") == "87.5%"
    assert fmt_int(231456, "en") == "231,456"
    assert fmt_int(231456, "fr") == "231\u202f456"
    assert fmt_seconds(42.4, "fr") == "42\u00a0s"
    assert format_metric("asa_s", None, "en") == "–"
    assert format_metric("service_level_20s", 0.5, "en") == "50.0%"
