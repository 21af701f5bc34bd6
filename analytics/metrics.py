"""The metric registry: every measure copil shows, with its unit, direction and labels.

One entry per glossary name (KPI_GLOSSARY.md): the columns of ``copil kpis`` (service
levels for any threshold ``T`` through :func:`metric`), the reconciliation measures, and
the forecasting and staffing measures the pages and reports show. Pages, reports and
commands take a metric's label, format and target status from here, so they never
disagree. Numbers are formatted by :mod:`analytics.i18n`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analytics.i18n import check_lang, fmt_number, fmt_rate, fmt_seconds, is_missing

__all__ = ["Metric", "UNITS", "DIRECTIONS", "REGISTRY", "metric", "label", "format_metric",
           "format_delta", "axis_title", "kpi_metric_names", "target_status", "target_margin",
           "target_shortfall", "COMPARISONS"]

# unit -> what a value is (data and JSON keep these units; the UI adds the symbol)
UNITS = {
    "count": "a whole number of calls or callbacks",
    "rate": "a fraction in [0, 1], shown as a percentage",
    "seconds": "a duration in seconds",
    "erlangs": "traffic intensity in erlangs",
    "advisors": "a number of advisors",
    "hours": "advisor-hours",
    "ratio": "a dimensionless ratio",
}
DIRECTIONS = ("higher", "lower", "neither")
COMPARISONS = (">=", "<=")


@dataclass(frozen=True)
class Metric:
    """How copil names, formats and judges one measure.

    Parameters
    ----------
    name : the glossary name (``pickup_rate``, ``asa_s``...).
    unit : one of :data:`UNITS`.
    direction : ``higher`` or ``lower`` is better, or ``neither``.
    fr, en : labels (``Taux de décroché``, ``Pickup rate``).
    fr_short, en_short : short labels for narrow columns and legends (default: the label).
    decimals : decimals shown (of the percentage for rates).
    kpi : a column of ``copil kpis`` (and so a metric a contract target may name).
    """

    name: str
    unit: str
    direction: str
    fr: str
    en: str
    fr_short: str | None = None
    en_short: str | None = None
    decimals: int = 0
    kpi: bool = False

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"metric {self.name}: unit {self.unit!r} is not one of "
                             f"{', '.join(UNITS)}")
        if self.direction not in DIRECTIONS:
            raise ValueError(f"metric {self.name}: direction {self.direction!r} is not one of "
                             f"{', '.join(DIRECTIONS)}")

    def label(self, lang: str | None, *, short: bool = False) -> str:
        """The label in ``lang`` (the short one when asked and defined)."""
        if check_lang(lang) == "en":
            return (self.en_short if short and self.en_short else self.en)
        return (self.fr_short if short and self.fr_short else self.fr)

    def format(self, value, lang: str | None, *, signed: bool = False) -> str:
        """``value`` in this metric's unit: ``87,5 %``, ``42 s``, ``1 234``."""
        if self.unit == "rate":
            return fmt_rate(value, lang, self.decimals, signed=signed)
        if self.unit == "seconds":
            return fmt_seconds(value, lang, self.decimals, signed=signed)
        return fmt_number(value, lang, self.decimals, signed=signed)

    def format_delta(self, delta, lang: str | None) -> str:
        """A change between two values: percentage points for rates (``+1,2 pt``)."""
        if self.unit == "rate":
            if is_missing(delta):
                return fmt_number(None, lang)
            return fmt_number(100 * float(delta), lang, self.decimals, signed=True) + "\u00a0pt"
        return self.format(delta, lang, signed=True)


def _m(name, unit, direction, fr, en, fr_short=None, en_short=None, decimals=None, kpi=True):
    if decimals is None:
        decimals = {"rate": 1, "erlangs": 1, "ratio": 2}.get(unit, 0)
    return Metric(name, unit, direction, fr, en, fr_short, en_short, decimals, kpi)


# KPI columns in the order `copil kpis` returns them; service levels go after abandon_rate.
_KPIS = (
    _m("offered", "count", "neither", "Appels présentés", "Calls offered",
       "Présentés", "Offered"),
    _m("answered", "count", "higher", "Appels décrochés", "Calls answered",
       "Décrochés", "Answered"),
    _m("abandoned", "count", "lower", "Appels abandonnés", "Calls abandoned",
       "Abandonnés", "Abandoned"),
    _m("short_abandoned", "count", "neither", "Abandons courts", "Short abandons"),
    _m("overflow", "count", "lower", "Débordements", "Overflow"),
    _m("ivr_only", "count", "neither", "Terminés au SVI", "Ended in IVR"),
    _m("pickup_rate", "rate", "higher", "Taux de décroché", "Pickup rate"),
    _m("abandon_rate", "rate", "lower", "Taux d'abandon", "Abandon rate"),
    # service_level_<T>s here (see kpi_metric_names)
    _m("asa_s", "seconds", "lower", "Attente moyenne avant décroché",
       "Average speed of answer", "ASA", "ASA"),
    _m("wait_p50_s", "seconds", "lower", "Attente médiane", "Median wait"),
    _m("wait_p80_s", "seconds", "lower", "Attente 80e centile", "80th percentile wait"),
    _m("wait_p90_s", "seconds", "lower", "Attente 90e centile", "90th percentile wait"),
    _m("wait_p95_s", "seconds", "lower", "Attente 95e centile", "95th percentile wait"),
    _m("wait_max_s", "seconds", "lower", "Attente maximale", "Longest wait"),
    _m("abandon_wait_s", "seconds", "neither", "Attente avant abandon", "Time to abandon"),
    _m("wait_all_mean_s", "seconds", "lower", "Attente moyenne subie", "Mean wait experienced"),
    _m("aht_s", "seconds", "neither", "Durée moyenne de traitement", "Average handling time",
       "DMT", "AHT"),
    _m("talk_mean_s", "seconds", "neither", "Durée moyenne de communication",
       "Average talk time", "DMC", "Talk time"),
    _m("transfer_rate", "rate", "lower", "Taux de transfert", "Transfer rate",
       "Transferts", "Transfers"),
    _m("occupancy", "rate", "neither", "Taux d'occupation", "Occupancy"),
    _m("callbacks_due", "count", "neither", "Rappels dus", "Callbacks due"),
    _m("callbacks_on_time", "count", "higher", "Rappels tenus dans les délais",
       "Callbacks on time"),
    _m("callbacks_pending", "count", "neither", "Rappels en attente", "Callbacks pending"),
    _m("callback_on_time_rate", "rate", "higher", "Taux de rappels dans les délais",
       "Callback on-time rate"),
    _m("patience_mean_s", "seconds", "neither", "Patience moyenne estimée",
       "Estimated mean patience"),
)
_SL_AFTER = "abandon_rate"

# Measures that are not columns of `copil kpis`: reconciliation, forecasting, staffing.
_OTHERS = (
    _m("operator_offered", "count", "neither", "Présentés opérateur", "Operator offered",
       kpi=False),
    _m("operator_handled", "count", "neither", "Traités opérateur", "Operator handled",
       kpi=False),
    _m("offered_gap", "count", "neither", "Écart présentés", "Offered gap", kpi=False),
    _m("offered_gap_rate", "rate", "neither", "Écart présentés (%)", "Offered gap (%)",
       decimals=2, kpi=False),
    _m("handled_gap", "count", "neither", "Écart traités", "Handled gap", kpi=False),
    _m("handled_gap_rate", "rate", "neither", "Écart traités (%)", "Handled gap (%)",
       decimals=2, kpi=False),
    _m("wape", "rate", "lower", "WAPE", "WAPE", kpi=False),
    _m("mase", "ratio", "lower", "MASE", "MASE", kpi=False),
    _m("bias", "rate", "neither", "Biais (prévu − réel) ÷ réel",
       "Bias (forecast − actual) ÷ actual", "Biais", "Bias", kpi=False),
    _m("coverage_80", "rate", "neither", "Jours ouverts dans l'intervalle à 80 %",
       "Open days inside the 80 % interval", "Bande 80 %", "80 % band", kpi=False),
    _m("coverage_95", "rate", "neither", "Jours ouverts dans l'intervalle à 95 %",
       "Open days inside the 95 % interval", "Bande 95 %", "95 % band", kpi=False),
    _m("traffic_erlangs", "erlangs", "neither", "Trafic (erlangs)", "Traffic (erlangs)",
       kpi=False),
    _m("advisors", "advisors", "neither", "Conseillers requis", "Advisors required",
       kpi=False),
    _m("shrinkage", "rate", "lower", "Taux d'indisponibilité", "Shrinkage", kpi=False),
    _m("advisor_hours", "hours", "neither", "Heures conseillers connectés",
       "Advisor-hours logged in", kpi=False),
    _m("required_advisor_hours", "hours", "neither", "Heures nécessaires (Erlang A)",
       "Advisor-hours needed (Erlang A)", kpi=False),
    _m("understaffed_intervals", "count", "lower", "Demi-heures en sous-effectif",
       "Understaffed half-hours", kpi=False),
    _m("observed_pickup_rate", "rate", "higher", "Décroché observé", "Pickup rate observed",
       kpi=False),
    _m("erlang_a_pickup_rate", "rate", "higher", "Décroché attendu (Erlang A)",
       "Pickup rate expected (Erlang A)", kpi=False),
)

REGISTRY: dict[str, Metric] = {m.name: m for m in (*_KPIS, *_OTHERS)}
_SERVICE_LEVEL = re.compile(r"service_level_(\d+)s")


def _service_level(threshold_s: int) -> Metric:
    return _m(f"service_level_{threshold_s}s", "rate", "higher",
              f"Niveau de service {threshold_s} s", f"Service level {threshold_s} s",
              f"NS {threshold_s} s", f"SL {threshold_s} s")


def metric(name: str) -> Metric:
    """The registry entry of ``name`` (``service_level_<T>s`` for any whole ``T``).

    Raises
    ------
    KeyError naming the metric and where the known names are.
    """
    found = REGISTRY.get(name)
    if found is not None:
        return found
    m = _SERVICE_LEVEL.fullmatch(str(name))
    if m:
        return _service_level(int(m.group(1)))
    raise KeyError(f"unknown metric {name!r}: not in analytics.metrics.REGISTRY (glossary "
                   f"names such as pickup_rate, service_level_20s, asa_s); add it there")


def kpi_metric_names(thresholds: tuple[int, ...] = (20, 30, 60)) -> list[str]:
    """Metric columns of a KPI frame, in order, for the given service-level thresholds."""
    names = []
    for m in _KPIS:
        names.append(m.name)
        if m.name == _SL_AFTER:
            names.extend(f"service_level_{t}s" for t in thresholds)
    return names


def label(name: str, lang: str | None, *, short: bool = False) -> str:
    """The label of metric ``name``: ``label('pickup_rate', 'fr')`` -> ``'Taux de décroché'``."""
    return metric(name).label(lang, short=short)


def format_metric(name: str, value, lang: str | None) -> str:
    """``value`` in the unit of metric ``name``: ``format_metric('pickup_rate', 0.875, 'fr')``
    -> ``'87,5 %'``; missing values print :data:`analytics.i18n.MISSING`."""
    return metric(name).format(value, lang)


def format_delta(name: str, delta, lang: str | None) -> str:
    """A change of metric ``name``, signed: ``+1,2 pt`` for rates, ``−3 s`` for seconds."""
    return metric(name).format_delta(delta, lang)


_SYMBOL = {"rate": "%", "seconds": "s", "erlangs": "erlangs", "hours": "h"}


def axis_title(name: str, lang: str | None) -> str:
    """A chart axis title: the label and the unit, ``Attente moyenne subie (s)``."""
    m = metric(name)
    symbol = _SYMBOL.get(m.unit)
    if symbol is None or symbol in m.label(lang):
        return m.label(lang)
    return f"{m.label(lang)} ({symbol})"


# ------------------------------------------------------------------------------ targets
# KPI_GLOSSARY.md "Targets": met / missed / no_data; margin = actual - threshold;
# shortfall = how far the actual lies on the wrong side (0 when met, never negative).

def _check_comparison(comparison: str) -> None:
    if comparison not in COMPARISONS:
        raise ValueError(f"comparison {comparison!r} is not valid; use '>=' or '<='")


def target_status(actual: float | None, comparison: str, threshold: float) -> str:
    """``'met'``, ``'missed'`` or ``'no_data'`` (actual missing) for one target.

    ``>=``: met when ``actual >= threshold``; ``<=``: met when ``actual <= threshold``
    (equal to the threshold is met either way).
    """
    _check_comparison(comparison)
    if is_missing(actual):
        return "no_data"
    actual = float(actual)
    met = actual >= threshold if comparison == ">=" else actual <= threshold
    return "met" if met else "missed"


def target_margin(actual: float | None, threshold: float) -> float | None:
    """``actual - threshold`` in the metric's unit; None when the actual is missing."""
    return None if is_missing(actual) else float(actual) - float(threshold)


def target_shortfall(actual: float | None, comparison: str, threshold: float) -> float | None:
    """Distance of ``actual`` on the wrong side of ``threshold`` (0 when met); None when
    the actual is missing."""
    status = target_status(actual, comparison, threshold)
    if status == "no_data":
        return None
    return 0.0 if status == "met" else abs(float(actual) - float(threshold))
