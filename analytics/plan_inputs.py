"""Inputs of a week's plan given as files and short texts (``copil plan``).

A forecast file (one row per interval), the week to keep from it, a volume what-if
(``1.3`` or ``2026-03-03=1.5,2026-03-04=1.2``), a planned campaign
(``CHANNEL:YYYY-MM-DD[:AUDIENCE]``) and shift rules (JSON or YAML). Each reader refuses a
bad input with a message naming the thing and the fix.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analytics.periods import parse_week, to_date, week_days

__all__ = ["read_forecast_file", "forecast_week", "parse_uplift", "parse_campaign",
           "read_shift_rules"]


def read_forecast_file(path: str | Path, tz: str) -> pd.DataFrame:
    """A forecast CSV: ``period_start`` (local time, or with a UTC offset) and ``calls``
    (optionally ``aht_s``, ``queue``, ``hi80``, ``patience_s``...), with ``period_start``
    as tz-aware timestamps in ``tz`` (an IANA zone; naive times are taken in it)."""
    if not Path(path).exists():
        raise FileNotFoundError(f"forecast file not found: {path}")
    df = pd.read_csv(path)
    if "period_start" not in df.columns:
        raise ValueError(f"{path}: no 'period_start' column (start of each interval)")
    text = df["period_start"].astype(str).str.strip()
    if text.str.contains(r"(?:[+-]\d\d:?\d\d|Z)$").all():
        ts = pd.to_datetime(text, utc=True, format="ISO8601").dt.tz_convert(tz)
    else:
        ts = pd.to_datetime(text, format="ISO8601").dt.tz_localize(
            tz, nonexistent="shift_forward", ambiguous="NaT")
    df["period_start"] = ts
    return df


def forecast_week(forecast: pd.DataFrame, week: str, *, week_start: int = 0) -> pd.DataFrame:
    """The rows of ``forecast`` (tz-aware ``period_start``) in the week labelled ``week``
    (:func:`analytics.periods.week_days`; ``week_start`` 0 = Monday, the ISO week)."""
    first, last = week_days(parse_week(week), week_start)
    tz = forecast["period_start"].dt.tz
    start = pd.Timestamp(first).tz_localize(tz)
    end = (pd.Timestamp(last) + pd.Timedelta(days=1)).tz_localize(tz)
    out = forecast[(forecast["period_start"] >= start)
                   & (forecast["period_start"] < end)].reset_index(drop=True)
    if out.empty:
        raise ValueError(f"the forecast has no interval in {week}; check the week and the "
                         "file's period_start")
    return out


def parse_uplift(text: str | None) -> float | dict[str, float] | None:
    """A volume what-if: ``'1.3'`` (multiplier, every interval) or a per-day curve
    ``'2026-03-03=1.5,2026-03-04=1.2'`` (``{'YYYY-MM-DD': multiplier}``); None stays None."""
    if text is None:
        return None
    try:
        if "=" not in text:
            return float(text)
        out = {}
        for part in text.split(","):
            day, val = part.split("=")
            out[str(to_date(day.strip()))] = float(val)
        return out
    except ValueError:
        raise ValueError(f"uplift {text!r}: write a multiplier (1.3) or DAY=X pairs "
                         "(2026-03-03=1.5,2026-03-04=1.2)") from None


def parse_campaign(text: str | None) -> tuple[str, str, float | None] | None:
    """A planned campaign ``'CHANNEL:YYYY-MM-DD[:AUDIENCE]'`` as ``(channel, 'YYYY-MM-DD',
    audience in people or None)``; None stays None."""
    if text is None:
        return None
    parts = text.split(":")
    try:
        if len(parts) not in (2, 3):
            raise ValueError
        day = str(to_date(parts[1]))
        audience = float(parts[2]) if len(parts) == 3 else None
    except ValueError:
        raise ValueError(f"campaign {text!r}: write CHANNEL:YYYY-MM-DD[:AUDIENCE], e.g. "
                         "mailing:2026-11-24:150000") from None
    return parts[0], day, audience


def read_shift_rules(path: str | Path | None, max_advisors: int):
    """:class:`staffing.shifts.ShiftRules` from a JSON or YAML file (``patterns``,
    ``contracts``, legal limits), scaled to ``max_advisors``; without a file, the default
    rules (:func:`staffing.shifts.default_rules`)."""
    from staffing.shifts import default_rules, rules_from_dict

    if path is None:
        return default_rules(max_advisors)
    import yaml

    if not Path(path).exists():
        raise FileNotFoundError(f"shift rules file not found: {path}")
    with open(path, encoding="utf-8") as fh:
        cfg = yaml.safe_load(fh)  # JSON is YAML
    return rules_from_dict(cfg, max_advisors=max_advisors)
