"""Forecast accuracy of a period: the forecast made on the eve of the period vs the calls.

One function, :func:`forecast_accuracy`, returns every measure (daily and weekly WAPE,
MASE, bias, 80 % and 95 % band coverage, days compared and left out) with one minimum
history and one rule for the days left out, for every face of the review.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from analytics.contract import Contract
from analytics.fit_cache import daily_fit
from analytics.kpis import data_range, kpis, resolve_contract
from analytics.line_calendar import LineCalendar, line_calendar
from analytics.periods import week_label
from analytics.series import campaigns as campaign_calendar

__all__ = ["ForecastAccuracy", "forecast_accuracy", "daily_offered", "model_campaigns",
           "MIN_HISTORY_DAYS"]

#: days of history (first day with calls to the eve) the eve-of-period forecast needs
MIN_HISTORY_DAYS = 8 * 7
DAY_COLUMNS = ["date", "week", "actual", "forecast", "lo80", "hi80", "lo95", "hi95",
               "expected_open", "compared"]


@dataclass(frozen=True)
class ForecastAccuracy:
    """The forecast made on the eve of a period, compared with the calls offered.

    Attributes
    ----------
    first, last : first and last day compared (the period, cut at the last day with data).
    days : one row per day of ``first..last``: :data:`DAY_COLUMNS` (calls; ``compared``
        True for a day with calls; ``expected_open`` from the line calendar).
    n_days : days compared (days with calls).
    n_excluded : days expected open (line calendar) without a single call: a missing
        export, not a forecast error, left out of every measure and counted here.
    actual, forecast : calls over the compared days.
    daily_wape, weekly_wape, mase, bias, coverage_80, coverage_95 : fractions (MASE: a
        ratio); None when not measurable.
    reason : why there is no measure (``not_enough_history``, ``no_actuals``), else None.
    """

    first: dt.date
    last: dt.date
    days: pd.DataFrame
    n_days: int = 0
    n_excluded: int = 0
    actual: int = 0
    forecast: float = 0.0
    daily_wape: float | None = None
    weekly_wape: float | None = None
    mase: float | None = None
    bias: float | None = None
    coverage_80: float | None = None
    coverage_95: float | None = None
    reason: str | None = None

    @property
    def available(self) -> bool:
        return self.reason is None

    def weekly(self) -> pd.DataFrame:
        """Compared calls per week: ``week, actual, forecast``."""
        kept = self.days[self.days["compared"]]
        return kept.groupby("week", as_index=False)[["actual", "forecast"]].sum()

    def measures(self) -> dict:
        """Every measure by name (fractions; None when not measurable)."""
        return {"n_days": self.n_days, "n_excluded": self.n_excluded, "actual": self.actual,
                "forecast": self.forecast, "daily_wape": self.daily_wape,
                "weekly_wape": self.weekly_wape, "mase": self.mase, "bias": self.bias,
                "coverage_80": self.coverage_80, "coverage_95": self.coverage_95}


def _num(value: float) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def daily_offered(con, contract: Contract, last: dt.date) -> pd.Series:
    """Calls offered per local day from the first day with calls to ``last``, or to the last
    day with calls when the data end earlier (the days after are unknown, not zero)
    (DatetimeIndex, every day; KPI definition of offered)."""
    rng = data_range(con)
    if rng is None or rng[0] > last:
        return pd.Series(dtype=float, name="calls")
    d = kpis(con, period="day", start=rng[0], end=min(last, rng[1]), contract=contract)
    return pd.Series(d.offered.to_numpy(float), index=pd.DatetimeIndex(pd.to_datetime(
        d.period_start.astype(str))), name="calls")


def model_campaigns(con) -> pd.DataFrame:
    """The campaign calendar as the daily model takes it."""
    return campaign_calendar(con)[["campaign_id", "channel", "start_date", "audience"]]


def forecast_accuracy(con, first: dt.date, last: dt.date, *, contract: Contract | None = None,
                      calendar: LineCalendar | None = None) -> ForecastAccuracy:
    """Accuracy of the daily forecast made on the eve of ``first`` for ``first..last``.

    The daily model (:class:`forecasting.DailyVolumeModel` with the line's calendar and
    the campaign calendar; :func:`analytics.fit_cache.daily_fit`, cached per warehouse
    version) is fitted on the calls offered per day before ``first`` (at
    least :data:`MIN_HISTORY_DAYS` days from the first day with calls) and forecasts to
    ``last``. Days after the last day with calls are not compared (not yet known).
    """
    from forecasting import bias as bias_of
    from forecasting import coverage, mase, seasonal_naive_mae, wape

    cal = calendar or line_calendar(con, contract)
    contract = resolve_contract(con, contract)
    rng = data_range(con)
    empty = pd.DataFrame({c: [] for c in DAY_COLUMNS})
    if rng is None or rng[1] < first:
        return ForecastAccuracy(first, last, empty, reason="no_actuals")
    last = min(last, rng[1])
    y = daily_offered(con, contract, last)
    hist = y[y.index < pd.Timestamp(first)]
    actual = y[y.index >= pd.Timestamp(first)]
    if len(hist) < MIN_HISTORY_DAYS:
        return ForecastAccuracy(first, last, empty, reason="not_enough_history")
    if actual.sum() == 0:
        return ForecastAccuracy(first, last, empty, reason="no_actuals")
    camps = model_campaigns(con)
    fc = daily_fit(con, hist, horizon=(last - hist.index[-1].date()).days,
                   campaigns=camps if len(camps) else None, calendar=cal).forecast
    fc = fc.reindex(actual.index)
    expected = cal.open_mask(actual.index)
    days = pd.DataFrame({
        "date": actual.index.date, "week": [week_label(d.date(), cal.week_start)
                                            for d in actual.index],
        "actual": actual.to_numpy(), **{c: fc[c].to_numpy() for c in
                                        ("forecast", "lo80", "hi80", "lo95", "hi95")},
        "expected_open": expected, "compared": actual.to_numpy() > 0})
    kept = days[days["compared"]]
    weekly = kept.groupby("week")[["actual", "forecast"]].sum()
    scale = seasonal_naive_mae(hist, open_days=pd.Series(cal.open_mask(hist.index),
                                                         index=hist.index))
    return ForecastAccuracy(
        first=first, last=last, days=days, n_days=len(kept),
        n_excluded=int((days["expected_open"] & ~days["compared"]).sum()),
        actual=int(kept["actual"].sum()), forecast=float(kept["forecast"].sum()),
        daily_wape=_num(wape(kept["actual"], kept["forecast"])),
        weekly_wape=_num(wape(weekly["actual"], weekly["forecast"])),
        mase=_num(mase(kept["actual"], kept["forecast"], scale)) if scale == scale else None,
        bias=_num(bias_of(kept["actual"], kept["forecast"])),
        coverage_80=_num(coverage(kept["actual"], kept["lo80"], kept["hi80"])),
        coverage_95=_num(coverage(kept["actual"], kept["lo95"], kept["hi95"])))
