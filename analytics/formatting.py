"""Number formats for French and English output (``87,5 %`` vs ``87.5%``).

Shared by the reports and the dashboard so both show the same figures the same way.
"""

from __future__ import annotations

import datetime as dt
import math

__all__ = ["fmt_rate", "fmt_number", "fmt_int", "fmt_seconds", "fmt_metric", "fmt_date",
           "LANGS"]

LANGS = ("fr", "en")
NBSP = "\u00a0"          # French: space before % and as thousands separator (narrow nbsp)
NNBSP = "\u202f"


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _check(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"language {lang!r} is not supported; use fr or en")


def fmt_number(value, lang: str = "fr", decimals: int = 1) -> str:
    """``1234.5`` -> ``1 234,5`` (fr) / ``1,234.5`` (en); missing -> ``–``."""
    _check(lang)
    if _missing(value):
        return "–"
    text = f"{float(value):,.{decimals}f}"
    if lang == "fr":
        text = text.replace(",", NNBSP).replace(".", ",")
    return text


def fmt_int(value, lang: str = "fr") -> str:
    """Whole numbers with thousands separators."""
    return fmt_number(value, lang, 0)


def fmt_rate(value, lang: str = "fr", decimals: int = 1) -> str:
    """A fraction as a percentage: ``0.875`` -> ``87,5 %`` (fr) / ``87.5%`` (en)."""
    if _missing(value):
        _check(lang)
        return "–"
    text = fmt_number(100 * float(value), lang, decimals)
    return f"{text}{NBSP}%" if lang == "fr" else f"{text}%"


def fmt_seconds(value, lang: str = "fr", decimals: int = 0) -> str:
    """Seconds with the unit: ``42 s``."""
    if _missing(value):
        _check(lang)
        return "–"
    return f"{fmt_number(value, lang, decimals)}{NBSP}s"


def fmt_metric(metric: str, value, lang: str = "fr") -> str:
    """Format a glossary metric by its name: rates as %, ``*_s`` as seconds, counts whole."""
    if metric.endswith("_rate") or metric.startswith("service_level") or metric == "occupancy":
        return fmt_rate(value, lang)
    if metric.endswith("_s"):
        return fmt_seconds(value, lang)
    return fmt_int(value, lang)


def fmt_date(value: dt.date, lang: str = "fr") -> str:
    """``2026-03-02`` -> ``02/03/2026`` (fr) / ``2026-03-02`` (en)."""
    _check(lang)
    return value.strftime("%d/%m/%Y") if lang == "fr" else value.isoformat()
