"""Campaigns of a period: calls observed above a baseline, and the daily model's extra calls.

A campaign belongs to every period its effect window overlaps; the window runs from its
``start_date`` to its ``end_date`` (14 days when open-ended), the days
:func:`campaign_uplift` measures.
"""

from __future__ import annotations

import datetime as dt
import warnings

import pandas as pd

from analytics.contract import Contract
from analytics.kpis import kpis, resolve_contract
from analytics.line_calendar import LineCalendar, line_calendar
from analytics.review.accuracy import daily_offered, model_campaigns
from analytics.series import campaigns as campaign_calendar

__all__ = ["campaign_uplift", "model_uplift", "campaign_review", "OPEN_ENDED_DAYS",
           "CAMPAIGN_COLUMNS"]

#: effect window of a campaign without an end date (days, start included)
OPEN_ENDED_DAYS = 14
CAMPAIGN_COLUMNS = ["campaign_id", "name", "channel", "start_date", "end_date", "queues",
                    "audience", "observed", "baseline", "extra_calls", "uplift",
                    "calls_per_1000", "model_extra_calls", "model_extra_calls_lo",
                    "model_extra_calls_hi"]


def _window(start, end) -> tuple[dt.date, dt.date]:
    c_start = pd.Timestamp(start).date()
    c_end = (pd.Timestamp(end).date() if not pd.isna(end)
             else c_start + dt.timedelta(days=OPEN_ENDED_DAYS - 1))
    return c_start, c_end


def campaign_uplift(con, start: dt.date, end: dt.date, *, contract: Contract | None = None,
                    baseline_weeks: int = 4) -> pd.DataFrame:
    """Observed extra calls of the campaigns whose effect window overlaps ``start..end``.

    For each campaign: calls ``offered`` in its queues (the whole line when it names none)
    from ``start_date`` to ``end_date`` (14 days when open-ended), and a baseline: for each
    day of that window, the mean ``offered`` on the same weekday in the ``baseline_weeks``
    weeks before the start, over the days the line was open (a public holiday with no
    calls would drag the mean down); closed days of the window expect no calls.
    ``extra_calls = observed - baseline``. Overlapping campaigns are not separated.
    """
    contract = resolve_contract(con, contract)
    camp = campaign_calendar(con)
    rows = []
    for c in camp.itertuples():
        c_start, c_end = _window(c.start_date, c.end_date)
        if c_end < start or c_start > end:
            continue
        queues = [q.strip() for q in c.queues.split(",")] if isinstance(c.queues, str) and \
            c.queues.strip() else None
        base_first = c_start - dt.timedelta(weeks=baseline_weeks)
        daily = kpis(con, period="day", start=base_first, end=c_end, queues=queues,
                     contract=contract)
        daily = daily.set_index("period_start")["offered"]
        # closed days (0 calls: public holidays, bridges) are left out of the baseline's
        # means, and a closed day in the window expects no calls either
        before = daily[[d < c_start for d in daily.index]]
        before = before[before > 0]
        by_weekday = {w: before[[d.weekday() == w for d in before.index]] for w in range(7)}
        by_weekday = {w: float(v.mean()) if len(v) else 0.0 for w, v in by_weekday.items()}
        window = daily[[d >= c_start for d in daily.index]]
        observed = int(window.sum())
        baseline = float(sum(by_weekday[d.weekday()] for d, n in window.items() if n > 0))
        audience = None if pd.isna(c.audience) else int(c.audience)
        rows.append([c.campaign_id, c.name, c.channel, c_start, c_end,
                     ",".join(queues) if queues else None, audience, observed, baseline,
                     observed - baseline])
    return pd.DataFrame(rows, columns=["campaign_id", "name", "channel", "start_date",
                                       "end_date", "queues", "audience", "observed",
                                       "baseline", "extra_calls"])


def model_uplift(con, last: dt.date, *, contract: Contract | None = None,
                 calendar: LineCalendar | None = None) -> pd.DataFrame:
    """Extra calls per campaign from the daily model fitted on the calls offered per day up
    to ``last`` with the line's calendar (:meth:`forecasting.DailyVolumeResults.uplift`:
    ``campaign_id, extra_calls, extra_calls_lo, extra_calls_hi``, 95 % band); empty
    without data or campaigns."""
    from forecasting import DailyVolumeModel

    cal = calendar or line_calendar(con, contract)
    contract = resolve_contract(con, contract)
    y = daily_offered(con, contract, last)
    camps = model_campaigns(con)
    cols = ["campaign_id", "extra_calls", "extra_calls_lo", "extra_calls_hi"]
    if y.empty or camps.empty:
        return pd.DataFrame(columns=cols)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = DailyVolumeModel(y, campaigns=camps, calendar=cal).fit()
        return res.uplift()[cols]


def campaign_review(con, first: dt.date, last: dt.date, *, contract: Contract | None = None,
                    calendar: LineCalendar | None = None) -> pd.DataFrame:
    """Each campaign overlapping ``first..last``: :func:`campaign_uplift`'s observed
    figures, ``uplift`` (extra / baseline, fraction), ``calls_per_1000`` (extra calls per
    1,000 people reached) and the model's extra calls with their 95 % band
    (:func:`model_uplift` fitted up to ``last``; null when the model cannot separate it).
    Columns: :data:`CAMPAIGN_COLUMNS`."""
    obs = campaign_uplift(con, first, last, contract=contract)
    if obs.empty:
        return pd.DataFrame({c: [] for c in CAMPAIGN_COLUMNS})
    model = model_uplift(con, last, contract=contract, calendar=calendar)
    model = model.rename(columns={c: f"model_{c}" for c in model.columns
                                  if c != "campaign_id"})
    out = obs.merge(model, on="campaign_id", how="left")
    out["uplift"] = [e / b if b else None for e, b in zip(out.extra_calls, out.baseline,
                                                          strict=True)]
    out["calls_per_1000"] = [e / a * 1000 if a and not pd.isna(a) else None
                             for e, a in zip(out.extra_calls, out.audience, strict=True)]
    return out[CAMPAIGN_COLUMNS]
