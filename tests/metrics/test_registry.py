"""analytics.metrics: every KPI column has an entry; labels, formats and target status."""

from __future__ import annotations

import math

import pytest

from analytics.contract import parse_contract, target_metrics
from analytics.i18n import MISSING
from analytics.kpis import KPI_COLUMNS
from analytics.metrics import (
    REGISTRY,
    UNITS,
    axis_title,
    format_delta,
    format_metric,
    label,
    metric,
    target_margin,
    target_shortfall,
    target_status,
)

NNBSP, NBSP, MINUS = "\u202f", "\u00a0", "\u2212"


@pytest.mark.parametrize("thresholds", [(20, 30, 60), (15,), (10, 20, 45, 90, 120, 180)])
def test_every_kpi_column_has_an_entry(thresholds):
    columns = KPI_COLUMNS(thresholds)
    assert len(columns) == 25 + len(thresholds)
    for name in columns:
        m = metric(name)
        assert m.name == name and m.unit in UNITS
        assert m.fr and m.en and m.fr != name and m.en != name, name
        assert m.kpi, name
    # the contract accepts exactly these names as targets
    assert target_metrics(thresholds) == tuple(columns)


def test_forecast_staffing_and_reconciliation_measures_are_registered():
    for name in ("wape", "mase", "coverage_80", "coverage_95", "traffic_erlangs", "advisors",
                 "shrinkage", "patience_mean_s", "advisor_hours", "required_advisor_hours",
                 "understaffed_intervals", "observed_pickup_rate", "erlang_a_pickup_rate",
                 "operator_offered", "offered_gap", "offered_gap_rate", "handled_gap_rate"):
        assert metric(name).name == name
    assert not metric("wape").kpi and metric("wape").unit == "rate"
    assert metric("traffic_erlangs").unit == "erlangs"
    assert metric("advisors").unit == "advisors"
    # labels are distinct: two measures never read the same in one language
    for lang in ("fr", "en"):
        labels = [m.label(lang) for m in REGISTRY.values()]
        assert len(labels) == len(set(labels)), lang


def test_unknown_metric_names_the_registry():
    with pytest.raises(KeyError, match="'pickup'.*analytics.metrics.REGISTRY"):
        metric("pickup")
    with pytest.raises(KeyError):
        label("service_level_s", "fr")


def test_labels_and_directions():
    assert label("pickup_rate", "fr") == "Taux de décroché"
    assert label("pickup_rate", "en") == "Pickup rate"
    assert label("service_level_20s", "fr") == "Niveau de service 20 s"
    assert label("service_level_45s", "en") == "Service level 45 s"
    assert label("aht_s", "fr", short=True) == "DMT"
    assert label("wait_p90_s", "fr", short=True) == "Attente 90e centile"   # no short label
    assert axis_title("asa_s", "fr") == "Attente moyenne avant décroché (s)"
    assert axis_title("offered", "en") == "Calls offered"
    assert metric("pickup_rate").direction == "higher"
    assert metric("abandon_rate").direction == "lower"
    assert metric("service_level_30s").direction == "higher"
    assert metric("offered").direction == "neither"


@pytest.mark.parametrize("name,value,lang,expected", [
    ("pickup_rate", 0.875, "fr", f"87,5{NBSP}%"),
    ("pickup_rate", 0.875, "en", "87.5%"),
    ("service_level_20s", 0.5, "en", "50.0%"),
    ("offered_gap_rate", -0.01234, "fr", f"{MINUS}1,23{NBSP}%"),
    ("offered_gap_rate", -0.000004, "en", "0.00%"),
    ("asa_s", 42.4, "fr", f"42{NBSP}s"),
    ("patience_mean_s", 1234.4, "en", f"1,234{NBSP}s"),
    ("offered", 12345, "fr", f"12{NNBSP}345"),
    ("offered", 12345, "en", "12,345"),
    ("mase", 0.8765, "fr", "0,88"),
    ("traffic_erlangs", 12.34, "en", "12.3"),
    ("asa_s", None, "fr", MISSING),
    ("pickup_rate", math.nan, "en", MISSING),
])
def test_format_metric(name, value, lang, expected):
    assert format_metric(name, value, lang) == expected


def test_format_delta():
    assert format_delta("pickup_rate", 0.0123, "en") == f"+1.2{NBSP}pt"
    assert format_delta("pickup_rate", -0.0123, "fr") == f"{MINUS}1,2{NBSP}pt"
    assert format_delta("pickup_rate", -0.0004, "fr") == f"0,0{NBSP}pt"    # no "−0,0"
    assert format_delta("asa_s", -3.0, "en") == f"-3{NBSP}s"
    assert format_delta("offered", 1500, "fr") == f"+1{NNBSP}500"
    assert format_delta("asa_s", None, "en") == MISSING
    assert format_delta("pickup_rate", None, "en") == MISSING


@pytest.mark.parametrize("actual,comparison,threshold,status,margin,shortfall", [
    (0.92, ">=", 0.9, "met", 0.02, 0.0),
    (0.9, ">=", 0.9, "met", 0.0, 0.0),            # equal to the threshold: met
    (0.85, ">=", 0.9, "missed", -0.05, 0.05),
    (35, "<=", 40, "met", -5.0, 0.0),
    (40, "<=", 40, "met", 0.0, 0.0),              # equal to the threshold: met
    (52, "<=", 40, "missed", 12.0, 12.0),
    (None, ">=", 0.9, "no_data", None, None),
    (math.nan, "<=", 40, "no_data", None, None),
])
def test_target_status(actual, comparison, threshold, status, margin, shortfall):
    assert target_status(actual, comparison, threshold) == status
    assert target_margin(actual, threshold) == pytest.approx(margin)
    assert target_shortfall(actual, comparison, threshold) == pytest.approx(shortfall)


def test_target_status_refuses_an_unknown_comparison():
    with pytest.raises(ValueError, match="use '>=' or '<='"):
        target_status(0.5, ">", 0.4)


def test_contract_rate_check_uses_the_registry_unit():
    # occupancy and service levels are rates: a threshold above 1 is refused
    for name in ("occupancy", "service_level_20s", "callback_on_time_rate"):
        with pytest.raises(ValueError, match="for a rate"):
            parse_contract(f"targets:\n  - {{metric: {name}, comparison: '>=', threshold: 80}}\n")
    c = parse_contract("targets:\n  - {metric: asa_s, comparison: '<=', threshold: 80}\n")
    assert c.targets[0].threshold == 80
