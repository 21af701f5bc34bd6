"""The KPIs the review pages show: label, unit, which direction is better, formatting."""

from __future__ import annotations

import math
from dataclasses import dataclass

from dashboards.i18n import fmt_number, fmt_pct, fmt_seconds


@dataclass(frozen=True)
class Metric:
    name: str            # glossary column name
    fr: str
    en: str
    unit: str            # 'rate' (fraction shown as %) or 's' (seconds) or 'count'
    higher_is_better: bool

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.fr

    def fmt(self, value, lang: str) -> str:
        if self.unit == "rate":
            return fmt_pct(value, lang)
        if self.unit == "s":
            return fmt_seconds(value, lang)
        return fmt_number(value, lang)

    def fmt_delta(self, delta, lang: str) -> str:
        """A week-on-week change: percentage points for rates, seconds for durations."""
        if delta is None or (isinstance(delta, float) and math.isnan(delta)):
            return "–"
        sign = "+" if delta > 0 else ""
        if self.unit == "rate":
            return sign + fmt_number(delta * 100, lang, 1) + "\u00a0pt"
        if self.unit == "s":
            return sign + fmt_number(delta, lang, 0) + "\u00a0s"
        return sign + fmt_number(delta, lang)


def service_level_metric(threshold_s: int) -> Metric:
    return Metric(f"service_level_{threshold_s}s", f"Niveau de service {threshold_s} s",
                  f"Service level {threshold_s} s", "rate", True)


PICKUP = Metric("pickup_rate", "Taux de décroché", "Pickup rate", "rate", True)
ABANDON = Metric("abandon_rate", "Taux d'abandon", "Abandon rate", "rate", False)
ASA = Metric("asa_s", "Attente moyenne avant décroché", "Average speed of answer", "s", False)
WAIT_P90 = Metric("wait_p90_s", "Attente 90e centile", "Wait 90th percentile", "s", False)
AHT = Metric("aht_s", "Durée moyenne de traitement", "Average handling time", "s", False)
CALLBACKS = Metric("callback_on_time_rate", "Rappels dans les délais", "Callbacks on time",
                   "rate", True)
OFFERED = Metric("offered", "Appels présentés", "Calls offered", "count", True)


def metric_by_name(name: str) -> Metric | None:
    """The display definition of a glossary column, or None when the pages do not know it."""
    if name.startswith("service_level_") and name.endswith("s"):
        try:
            return service_level_metric(int(name.removeprefix("service_level_")[:-1]))
        except ValueError:
            return None
    for metric in (PICKUP, ABANDON, ASA, WAIT_P90, AHT, CALLBACKS, OFFERED):
        if metric.name == name:
            return metric
    return None


def card_metrics(service_level_threshold_s: int) -> list[Metric]:
    """The weekly KPI cards, in display order."""
    return [PICKUP, service_level_metric(service_level_threshold_s), ASA, WAIT_P90, ABANDON,
            AHT, CALLBACKS]


def contract_sl_threshold(contract) -> int:
    """The service-level threshold (s) the contract's targets use, else its first threshold."""
    for target in getattr(contract, "targets", ()) or ():
        if target.metric.startswith("service_level_"):
            return int(target.metric.removeprefix("service_level_").removesuffix("s"))
    thresholds = getattr(contract, "service_level_thresholds", None) or (20,)
    return int(thresholds[0])


def line_target(contract, metric: str, queues: list[str] | None = None):
    """The weekly target on ``metric`` for the whole line (or the one selected queue)."""
    chosen = None
    for target in getattr(contract, "targets", ()) or ():
        if target.metric != metric or getattr(target, "period", "week") != "week":
            continue
        if target.queue is None and chosen is None:
            chosen = target
        if queues and len(queues) == 1 and target.queue == queues[0]:
            chosen = target
    return chosen


def target_status(target, actual) -> str:
    """``met``, ``missed`` or ``no_data`` for ``actual`` against ``target`` (glossary rule)."""
    if target is None:
        return "none"
    if actual is None or (isinstance(actual, float) and math.isnan(actual)):
        return "no_data"
    ok = actual >= target.threshold if target.comparison == ">=" else actual <= target.threshold
    return "met" if ok else "missed"
