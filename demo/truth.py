"""``truth.json`` and the run summary: the model the demo data were drawn from, and what came out.

KPIs, forecasts and staffing models can be checked against what is really in the data:
the base model's parameters, each campaign's expected and drawn extra calls, each day's
expected and drawn base and campaign calls, and headline figures of the run.
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd

from demo.arrivals import DAYS_PER_YEAR, Arrivals, Expected
from staffing.simulation import ANSWERED

__all__ = ["run_summary", "truth_document", "BASE_FORMULA"]

BASE_FORMULA = ("expected base offered calls on an open day = level x weekday_profile"
                "[weekday] x month_profile[month] x (1 + annual_growth) ** (days since "
                "growth_origin / 365.2425) x (1 - school_holiday_dip x school_zones / 3); "
                "queue q gets queue_share[q]; a day's calls spread over its half-hours "
                "by intraday_profile; closed days 0")


def run_summary(first: dt.date, last: dt.date, seed: int, open_days: int, queues: list[str],
                calls: Arrivals, outcome: np.ndarray, wait: np.ndarray, service: np.ndarray,
                n_callbacks: int, callback_on_time_rate: float | None, n_origins: int,
                n_listed: int) -> dict:
    """Headline figures of the generated span: volumes (calls, per year and queue), pickup and
    abandon rates, ASA and AHT (seconds), service level at 20 s, callbacks, campaigns.

    ``n_origins``: campaigns drawn (arrival origins 1..n_origins); ``n_listed``: campaigns
    listed in campaigns.csv (those bringing calls into the span).
    """
    answered = outcome == ANSWERED
    offered = ~calls.is_ivr
    n_off = int(offered.sum())
    n_ans = int(answered.sum())
    n_ab = int((outcome == 1).sum())
    years = ((last - first).days + 1) / DAYS_PER_YEAR
    return {
        "start": first.isoformat(), "end": last.isoformat(), "seed": seed,
        "open_days": int(open_days),
        "calls": calls.size, "offered": n_off, "offered_per_year": round(n_off / years),
        "offered_by_queue": {qq: int((offered & (calls.q == i)).sum())
                             for i, qq in enumerate(queues)},
        "answered": n_ans, "abandoned": n_ab, "overflow": int((outcome == 2).sum()),
        "ivr": int(calls.is_ivr.sum()),
        "pickup_rate": n_ans / n_off if n_off else None,
        "abandon_rate": n_ab / n_off if n_off else None,
        "asa_s": float(wait[answered].mean()) if n_ans else None,
        "service_level_20s": (float((answered & (wait <= 20)).sum() / (n_ans + n_ab))
                              if n_ans + n_ab else None),
        "aht_s": float(service[answered].mean()) if n_ans else None,
        "callbacks": int(n_callbacks), "callback_on_time_rate": callback_on_time_rate,
        "campaigns": int(n_listed),
        "campaign_offered": int((offered & (calls.origin >= 1)
                                 & (calls.origin <= n_origins)).sum()),
    }


def truth_document(cfg: dict, first: dt.date, last: dt.date, growth_origin: dt.date,
                   level: float, share: np.ndarray, mean_service_s: float,
                   days: pd.DataFrame, base_day: np.ndarray, campaigns: pd.DataFrame,
                   extra: list[dict[dt.date, float]], in_span: np.ndarray,
                   expected: Expected, calls: Arrivals, summary: dict) -> dict:
    """The ``truth.json`` document (a JSON-ready dict)."""
    queues = list(cfg["queues"])
    dates = days["date"].tolist()
    date_pos = {d: i for i, d in enumerate(dates)}
    n_c = len(campaigns)
    offered = ~calls.is_ivr
    off_origin = np.bincount(calls.day[offered] * (n_c + 1) + calls.origin[offered],
                             minlength=len(dates) * (n_c + 1)).reshape(len(dates), n_c + 1)
    truth = {
        "generator": {"seed": cfg["seed"], "start": first.isoformat(), "end": last.isoformat(),
                      "timezone": cfg["timezone"],
                      "config": json.loads(json.dumps(cfg, default=str))},
        "base_model": {
            "formula": BASE_FORMULA,
            "level": level, "growth_origin": growth_origin.isoformat(),
            "weekday_profile": cfg["weekday_profile"], "month_profile": cfg["month_profile"],
            "annual_growth": cfg["annual_growth"], "school_holiday_dip": cfg["school_holiday_dip"],
            "intraday_profile": cfg["intraday_profile"],
            "queue_share": dict(zip(queues, share.tolist(), strict=True)),
            "ivr_share": float(cfg["ivr_share"]), "mean_service_s": mean_service_s,
        },
        "channels": cfg["campaigns"]["channels"],
        "campaigns": [],
        "days": [],
        "summary": summary,
    }
    for c_i, row in enumerate(campaigns.itertuples()):
        if not in_span[c_i]:
            continue
        ch = cfg["campaigns"]["channels"][row.channel]
        by_day = {d.isoformat(): {"expected": v, "offered": int(off_origin[date_pos[d], c_i + 1])}
                  for d, v in sorted(extra[c_i].items()) if first <= d <= last}
        split = expected.campaign_split[c_i]
        truth["campaigns"].append({
            "campaign_id": row.campaign_id, "name": row.name, "channel": row.channel,
            "start_date": row.start_date.isoformat(), "audience": int(row.audience),
            "queues": list(row.queues),
            "queue_split": {qq: float(split[k]) for k, qq in enumerate(queues) if split[k] > 0},
            "response": ch["response"], "decay": ch["decay"],
            "lag_days": ch.get("lag_days", 0),
            "expected_extra": float(row.audience * ch["response"]),
            "offered_extra": int(sum(v["offered"] for v in by_day.values())),
            "by_day": by_day,
        })
    for i in np.flatnonzero(np.array([first <= d <= last for d in dates])):
        truth["days"].append({
            "date": dates[i].isoformat(), "open": bool(days.at[i, "is_open"]),
            "holiday": days.at[i, "holiday"], "school_zones": int(days.at[i, "school_zones"]),
            "expected_base": float(base_day[i]),
            "expected_campaign": float(expected.campaign_day[:, i].sum()),
            "offered_base": int(off_origin[i, 0]), "offered_campaign": int(off_origin[i, 1:].sum()),
        })
    return truth
