"""The service contract between client and provider: parameters and targets.

A contract is a small YAML file (see ``data/contract.example.yaml``). It fixes the
parameters that the KPI glossary leaves to the contract (service-level variant and
thresholds, short abandons, callback deadline, reconciliation tolerance) and lists the
targets the weekly meeting checks. It never changes a formula.

The warehouse keeps the contract's YAML text in ``settings.contract`` and its time
zone in ``settings.timezone`` (see :func:`store_contract`).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from analytics import metrics as registry
from analytics.metrics import COMPARISONS, kpi_metric_names
from analytics.warehouse import get_setting, set_setting

__all__ = [
    "Target", "Contract", "load_contract", "parse_contract", "default_contract",
    "store_contract", "warehouse_contract", "target_metrics", "SERVICE_LEVEL_VARIANTS",
    "PERIODS",
]

# KPI_GLOSSARY "service_level"; each variant's denominator: service_level_denominator in
# analytics/sql/stg_calls.sql
SERVICE_LEVEL_VARIANTS = ("default", "exclude_short", "answered_only", "offered")
PERIODS = ("day", "week", "month", "quarter")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_THRESHOLDS = 6

@dataclass(frozen=True)
class Target:
    """One contractual target: ``metric comparison threshold`` per ``period``.

    Parameters
    ----------
    metric : str
        A KPI name from the glossary (e.g. ``pickup_rate``, ``service_level_30s``).
    comparison : str
        ``'>='`` (actual must reach the threshold) or ``'<='`` (must not exceed it).
    threshold : float
        In the metric's unit (fraction for rates, seconds for ``*_s``).
    period : str
        ``day``, ``week`` (default), ``month`` or ``quarter``.
    queue : str or None
        Restrict the target to one queue; None for the whole line.
    """

    metric: str
    comparison: str
    threshold: float
    period: str = "week"
    queue: str | None = None

    def label(self) -> str:
        scope = f" [{self.queue}]" if self.queue else ""
        return f"{self.metric} {self.comparison} {self.threshold:g} ({self.period}){scope}"


@dataclass(frozen=True)
class Contract:
    """Contract parameters (see the KPI glossary for their meaning).

    ``opening_hours`` maps ``mon`` … ``sun`` to a tuple of ``(open, close)`` local
    ``HH:MM`` pairs (empty tuple: closed). Durations in seconds, deadline in hours.
    ``timezone`` is '' when the contract leaves it to the warehouse (the profile's zone).
    """

    line_name: str
    timezone: str
    opening_hours: dict
    service_level_variant: str = "default"
    service_level_thresholds: tuple[int, ...] = (20, 30, 60)
    short_abandon_s: float = 0.0
    callback_deadline_h: float = 72.0
    reconciliation_tolerance: float = 0.02
    targets: tuple[Target, ...] = field(default_factory=tuple)
    language: str = "fr"
    #: the line's calendar (see analytics.line_calendar): public holidays (country code of
    #: the ``holidays`` package, '' = from the time zone, 'none' = no holiday calendar)
    holidays: str = ""
    holiday_subdivision: str | None = None
    closed_on_holidays: bool = True
    school_zones: tuple[str, ...] = ()
    closures: tuple[dt.date, ...] = ()
    openings: tuple[dt.date, ...] = ()
    week_start: str | None = None         # mon..sun; None = the day after the weekend
    opening_hours_given: bool = True      # False: hours absent, learned from the call log

    def metrics(self) -> tuple[str, ...]:
        """Every metric name a KPI row carries under this contract."""
        return target_metrics(self.service_level_thresholds)


def target_metrics(thresholds: tuple[int, ...] = (20, 30, 60)) -> tuple[str, ...]:
    """Metrics a target may name: the KPI columns of the registry (analytics.metrics)."""
    return tuple(kpi_metric_names(thresholds))


class ContractError(ValueError):
    """A contract file that does not validate; the message names the key and the fix."""


def _fail(source: str, key: str, problem: str, fix: str) -> ContractError:
    return ContractError(f"{source}: '{key}' {problem}; {fix}")


def _number(source: str, key: str, value, *, low: float, high: float | None = None,
            low_open: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(source, key, f"must be a number, got {value!r}", f"write e.g. '{key}: {low}'")
    value = float(value)
    bad_low = value <= low if low_open else value < low
    if bad_low or (high is not None and value > high):
        rng = f"{'>' if low_open else '>='} {low:g}" + (f" and <= {high:g}" if high is not None else "")
        raise _fail(source, key, f"is {value:g}", f"use a value {rng}")
    return value


_HHMM = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")


def _hours(source: str, day: str, value) -> tuple[tuple[str, str], ...]:
    key = f"opening_hours.{day}"
    if value is None or value == "closed" or value == []:
        return ()
    spans = value if isinstance(value, list) else [value]
    out = []
    for span in spans:
        parts = str(span).replace(" ", "").split("-")
        if len(parts) != 2 or not all(_HHMM.match(p) for p in parts) or parts[0] >= parts[1]:
            raise _fail(source, key, f"has {span!r}",
                        "write local opening spans as 'HH:MM-HH:MM' (e.g. '08:00-18:00'), "
                        "a list of them, or 'closed'")
        out.append((parts[0], parts[1]))
    return tuple(out)


def _opening_hours(source: str, raw) -> dict:
    if raw is None:
        return {d: (("00:00", "24:00"),) for d in DAYS}
    if not isinstance(raw, dict):
        raise _fail(source, "opening_hours", "must be a mapping of days",
                    "write e.g. 'opening_hours: {mon-fri: 08:00-18:00, sat: closed, sun: closed}'")
    hours: dict = {}
    for key, value in raw.items():
        key_s = str(key).lower().strip()
        if "-" in key_s:
            first, _, last = key_s.partition("-")
            if first not in DAYS or last not in DAYS:
                raise _fail(source, f"opening_hours.{key}", "is not a day range",
                            "use mon, tue, wed, thu, fri, sat, sun or a range like mon-fri")
            a, b = DAYS.index(first), DAYS.index(last)
            # a range may wrap past Sunday: sun-thu is sun, mon, tue, wed, thu
            days = tuple(DAYS[(a + k) % 7] for k in range((b - a) % 7 + 1))
        elif key_s in DAYS:
            days = (key_s,)
        else:
            raise _fail(source, f"opening_hours.{key}", "is not a day",
                        "use mon, tue, wed, thu, fri, sat, sun or a range like mon-fri")
        for day in days:
            hours[day] = _hours(source, key_s, value)
    return {d: hours.get(d, ()) for d in DAYS}


def _target(source: str, i: int, raw, thresholds: tuple[int, ...]) -> Target:
    where = f"targets[{i}]"
    if not isinstance(raw, dict):
        raise _fail(source, where, "must be a mapping",
                    "write '- {metric: pickup_rate, comparison: \">=\", threshold: 0.9}'")
    unknown = set(raw) - {"metric", "comparison", "threshold", "period", "queue"}
    if unknown:
        raise _fail(source, f"{where}.{sorted(unknown)[0]}", "is not a target key",
                    "use metric, comparison, threshold, period, queue")
    metrics = target_metrics(thresholds)
    metric = raw.get("metric")
    if metric not in metrics:
        m = re.fullmatch(r"service_level_(\d+)s", str(metric))
        if m:   # a glossary name whose threshold the contract does not measure
            raise _fail(source, f"{where}.metric", f"is {metric!r}",
                        f"add {m.group(1)} to service_level.thresholds (now "
                        f"{list(thresholds)}) or use one of "
                        + ", ".join(x for x in metrics if x.startswith("service_level_")))
        raise _fail(source, f"{where}.metric", f"is {metric!r}",
                    f"use one of the glossary names: {', '.join(metrics)}")
    comparison = str(raw.get("comparison", ""))
    if comparison not in COMPARISONS:
        raise _fail(source, f"{where}.comparison", f"is {raw.get('comparison')!r}",
                    "use '>=' or '<=' (quoted in YAML)")
    if "threshold" not in raw:
        raise _fail(source, f"{where}.threshold", "is missing",
                    "give the value in the metric's unit (fraction for rates, seconds for *_s)")
    threshold = _number(source, f"{where}.threshold", raw["threshold"], low=0)
    if registry.metric(metric).unit == "rate":
        if threshold > 1:
            raise _fail(source, f"{where}.threshold", f"is {threshold:g} for a rate",
                        "write rates as fractions (0.9, not 90)")
    period = raw.get("period", "week")
    if period not in PERIODS:
        raise _fail(source, f"{where}.period", f"is {period!r}", f"use one of {', '.join(PERIODS)}")
    queue = raw.get("queue")
    return Target(metric, comparison, threshold, period, None if queue is None else str(queue))


_KEYS = {
    "line_name", "timezone", "opening_hours", "service_level", "service_level_variant",
    "service_level_thresholds", "short_abandon_s", "callback_deadline_h",
    "reconciliation_tolerance", "targets", "language", "holidays", "holiday_subdivision",
    "closed_on_holidays", "school_zones", "closures", "openings", "week_start",
}


def _dates(source: str, key: str, raw) -> tuple[dt.date, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raw = [raw]
    out = []
    for v in raw:
        try:
            out.append(v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v)))
        except ValueError:
            raise _fail(source, key, f"has {v!r}", "list dates as YYYY-MM-DD") from None
    return tuple(sorted(set(out)))


def _calendar_keys(source: str, raw: dict) -> dict:
    """The contract's calendar keys, validated (see analytics.line_calendar)."""
    hol = raw.get("holidays", "")
    hol = "" if hol is None else str(hol).strip()
    if hol and hol.lower() != "none":
        import holidays as _holidays
        if hol.upper() not in _holidays.list_supported_countries():
            raise _fail(source, "holidays", f"is {hol!r}",
                        "give a country code of the 'holidays' package (e.g. FR, IL, BE) or none")
        hol = hol.upper()
    zones = raw.get("school_zones") or []
    zones = zones if isinstance(zones, list) else [zones]
    zones = tuple(str(z).upper().replace("ZONE", "").strip() for z in zones)
    if any(z not in ("A", "B", "C") for z in zones):
        raise _fail(source, "school_zones", f"is {raw.get('school_zones')!r}",
                    "list French school zones among A, B, C (e.g. [A, B, C])")
    ws = raw.get("week_start")
    if ws is not None and str(ws).lower()[:3] not in DAYS:
        raise _fail(source, "week_start", f"is {ws!r}", "use mon, tue, wed, thu, fri, sat or sun")
    coh = raw.get("closed_on_holidays", True)
    if not isinstance(coh, bool):
        raise _fail(source, "closed_on_holidays", f"is {coh!r}", "write true or false")
    sub = raw.get("holiday_subdivision")
    return dict(holidays=hol, holiday_subdivision=None if sub is None else str(sub),
                closed_on_holidays=coh, school_zones=zones,
                closures=_dates(source, "closures", raw.get("closures")),
                openings=_dates(source, "openings", raw.get("openings")),
                week_start=None if ws is None else str(ws).lower()[:3],
                opening_hours_given=raw.get("opening_hours") is not None)


def contract_from_mapping(raw: dict, source: str = "<contract>") -> Contract:
    """Validate a parsed YAML mapping into a :class:`Contract`."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise _fail(source, "(top level)", "is not a mapping", "write 'key: value' lines")
    unknown = set(raw) - _KEYS
    if unknown:
        raise _fail(source, sorted(unknown)[0], "is not a contract key",
                    f"use only: {', '.join(sorted(_KEYS))}")
    tz = raw.get("timezone") or ""
    try:
        if tz:
            ZoneInfo(str(tz))
    except (ZoneInfoNotFoundError, ValueError):
        raise _fail(source, "timezone", f"is {tz!r}",
                    "give an IANA zone such as Europe/Paris or Asia/Jerusalem") from None
    sl = raw.get("service_level") or {}
    if not isinstance(sl, dict):
        raise _fail(source, "service_level", "must be a mapping",
                    "write 'service_level: {variant: default, thresholds: [20, 30, 60]}'")
    for k in sl:
        if k not in ("variant", "thresholds"):
            raise _fail(source, f"service_level.{k}", "is not a service-level key",
                        "use variant and thresholds")
    variant = sl.get("variant", raw.get("service_level_variant", "default"))
    if variant not in SERVICE_LEVEL_VARIANTS:
        raise _fail(source, "service_level.variant", f"is {variant!r}",
                    f"use one of {', '.join(SERVICE_LEVEL_VARIANTS)}")
    thr_raw = sl.get("thresholds", raw.get("service_level_thresholds", [20, 30, 60]))
    if not isinstance(thr_raw, list | tuple) or not thr_raw or len(thr_raw) > MAX_THRESHOLDS or any(
        isinstance(t, bool) or not isinstance(t, int) or t <= 0 for t in thr_raw
    ) or len(set(thr_raw)) != len(thr_raw):
        raise _fail(source, "service_level.thresholds", f"is {thr_raw!r}",
                    f"give 1 to {MAX_THRESHOLDS} distinct whole numbers of seconds, e.g. [20, 30, 60]")
    thresholds = tuple(sorted(int(t) for t in thr_raw))
    language = raw.get("language", "fr")
    if language not in ("fr", "en"):
        raise _fail(source, "language", f"is {language!r}", "use fr or en")
    targets_raw = raw.get("targets") or []
    if not isinstance(targets_raw, list):
        raise _fail(source, "targets", "must be a list", "write one '- metric: ...' item per target")
    name = raw.get("line_name", "")
    return Contract(
        line_name=str(name) if name is not None else "",
        timezone=str(tz),
        opening_hours=_opening_hours(source, raw.get("opening_hours")),
        service_level_variant=variant,
        service_level_thresholds=thresholds,
        short_abandon_s=_number(source, "short_abandon_s", raw.get("short_abandon_s", 0), low=0),
        callback_deadline_h=_number(source, "callback_deadline_h",
                                    raw.get("callback_deadline_h", 72), low=0, low_open=True),
        reconciliation_tolerance=_number(source, "reconciliation_tolerance",
                                         raw.get("reconciliation_tolerance", 0.02), low=0, high=1),
        targets=tuple(_target(source, i, t, thresholds) for i, t in enumerate(targets_raw)),
        language=language,
        **_calendar_keys(source, raw),
    )


def parse_contract(text: str, source: str = "<contract>") -> Contract:
    """Parse and validate contract YAML text. Raises ``ValueError`` naming key and fix."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        detail = " ".join(str(exc).split())     # one line: the YAML error spans several
        raise ContractError(f"{source}: not valid YAML ({detail}); check indentation and quotes "
                            "('>=' must be quoted)") from None
    return contract_from_mapping(raw, source)


def load_contract(path: str | Path) -> Contract:
    """Read and validate a contract file."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no contract file here; start from data/contract.example.yaml")
    return parse_contract(path.read_text(encoding="utf-8"), str(path))


def default_contract(timezone: str = "Europe/Paris") -> Contract:
    """The glossary defaults (thresholds 20/30/60 s, 72 h, 2 %), open 24x7, no targets."""
    return contract_from_mapping({"timezone": timezone}, "<default>")


def store_contract(con, contract_text: str) -> None:
    """Validate ``contract_text`` and keep it in the warehouse settings.

    Sets ``settings.contract`` (the YAML text), and ``settings.timezone`` and
    ``settings.line_name`` when the contract gives them; rebuilds the call aggregates
    (:mod:`analytics.aggregates`) when its zone or short-abandon threshold differs from
    theirs.
    """
    contract = parse_contract(contract_text)
    set_setting(con, "contract", contract_text)
    if contract.timezone:
        set_setting(con, "timezone", contract.timezone)
    if contract.line_name:
        set_setting(con, "line_name", contract.line_name)
    from analytics.aggregates import refresh_call_aggregates

    refresh_call_aggregates(con, contract=contract)  # cut again if the zone or threshold moved


def warehouse_contract(con) -> Contract | None:
    """The contract stored in the warehouse, or None when there is none."""
    text = get_setting(con, "contract")
    if not text:
        return None
    return _stored_contract(text)


@functools.lru_cache(maxsize=16)
def _stored_contract(text: str) -> Contract:
    """The parsed stored contract, once per text (a page reads it a dozen times; the
    Contract is frozen)."""
    return parse_contract(text, "warehouse settings 'contract'")
