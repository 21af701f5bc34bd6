"""The review as one JSON-ready object (``copil review --format json``).

Rates are fractions, durations seconds, dates ``YYYY-MM-DD``; a missing value is None
(JSON null), never NaN.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from analytics.review.core import Review, WeekReview

__all__ = ["review_dict", "plain", "records"]


def plain(value):
    """A JSON-ready Python value: None for NaN/NA, ISO text for dates, int/float/bool/str."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) or math.isinf(value) else float(value)
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def records(df: pd.DataFrame) -> list[dict]:
    """Rows of ``df`` as JSON-ready dicts (column order kept)."""
    return [{c: plain(v) for c, v in zip(df.columns, row, strict=True)}
            for row in df.itertuples(index=False, name=None)]


def review_dict(review: Review) -> dict:
    """The review as one object: ``period``, ``calendar``, ``weeks``, ``compliance``
    (``rows`` and ``summary``), ``volume`` (``rows`` and ``total``), ``campaigns``,
    ``forecast_accuracy`` (measures, ``reason`` and ``weeks``), ``staffing``; for a week,
    ``attribution`` (rows: ``grain``, ``period``, ``metric``, ``comparison``, ``target``,
    ``actual``, ``gap``, ``forecast_error``, ``aht_drift``, ``staffing_gap``, ``remainder``,
    ``calls``; the parts add up to ``gap``) and ``attribution_notes`` (``reason`` when there
    is none, ``planned_staffing``, ``model_check`` rows)."""
    acc = review.forecast_accuracy
    out = {
        "period": {"kind": review.kind, "label": review.period,
                   "first_day": review.first.isoformat(), "last_day": review.last.isoformat(),
                   "weeks": list(review.week_labels),
                   "queues": list(review.queues) if review.queues else None},
        "calendar": review.calendar,
        "weeks": records(review.weeks),
        "compliance": {"rows": records(review.compliance),
                       "summary": records(review.compliance_summary())},
        "volume": {"rows": records(review.volume), "total": plain(review.volume_total())},
        "campaigns": records(review.campaigns),
        "forecast_accuracy": {"first_day": acc.first.isoformat(),
                              "last_day": acc.last.isoformat(), "reason": acc.reason,
                              **plain(acc.measures()),
                              "weeks": records(acc.weekly()) if acc.available else []},
        "staffing": records(review.staffing),
    }
    if isinstance(review, WeekReview) and review.attribution is not None:
        attr = review.attribution
        out["attribution"] = records(attr.rows)
        out["attribution_notes"] = {"reason": attr.reason,
                                    "planned_staffing": attr.planned_staffing,
                                    "model_check": records(attr.checks)}
    return out
