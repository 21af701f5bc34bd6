"""One planned week, fitted once: :func:`plan_week` returns a :class:`WeekPlan`.

The daily model (:class:`forecasting.DailyVolumeModel`, on the line's calendar from
:func:`analytics.line_calendar.line_calendar`) is fitted once per week; every figure of the
week comes from that fit: the daily forecast with its 80 %/95 % bands, the interval
forecast, the actual offered calls beside it, the Erlang C and Erlang A requirements, the
campaign what-if and the shift plan. The Planning page, ``copil plan --db`` and the
reports read the same object, so they cannot disagree.

Units: calls are counts per day or interval, durations seconds, rates fractions in [0, 1],
advisors counts. Days and intervals are the line's local wall clock; ``period_start``
columns are tz-aware local timestamps; ``date`` columns are local days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from analytics import fit_cache, series
from analytics.bounds import MAX_AUDIENCE, PLANNING_HORIZON_DAYS, WHAT_IF_LEAD_DAYS, check_week
from analytics.contract import Contract
from analytics.fit_cache import DailyFit
from analytics.kpis import line_zone, resolve_contract
from analytics.line_calendar import line_calendar
from analytics.periods import to_date, week_days
from analytics.planning import (
    FORECAST_COLUMNS,
    attach_profile,
    check_interval_minutes,
    check_patience,
    interval_profile,
    required_advisors,
    staffing_targets,
)
from forecasting.calendar import LineCalendar

__all__ = ["WeekPlan", "WhatIf", "plan_week", "DAILY_COLUMNS", "PROFILE_WEEKS", "SHARE_WEEKS"]

#: weeks of history the interval shares and the AHT/patience profile are learned from
SHARE_WEEKS = 8
PROFILE_WEEKS = 8
#: what-ifs remembered per plan (each a week of intervals), the oldest forgotten first
MAX_WHAT_IFS = 16
DAILY_COLUMNS = ["date", "forecast", "lo80", "hi80", "lo95", "hi95", "actual"]


@dataclass(frozen=True)
class WhatIf:
    """A planned campaign's effect on the week (from :meth:`WeekPlan.what_if`).

    ``table`` and ``summary`` are :func:`staffing.requirements.campaign_what_if`'s; the
    summary adds ``campaign_extra_calls`` (calls the campaign adds to the week's open days).
    ``model`` is the queueing model the advisors were sized with.
    """

    channel: str
    start_date: dt.date
    audience: float | None
    model: str
    table: pd.DataFrame
    summary: dict


@dataclass(frozen=True, eq=False)
class WeekPlan:
    """The plan of one week of the line, from one fit of the daily model.

    Build it with :func:`plan_week`. Attributes are the fit's inputs and results; methods
    derive every figure from them (results are memoised per arguments).

    Attributes
    ----------
    week : str
        Label ``YYYY-Www`` (the ISO week holding the line's week's Thursday).
    first_day, last_day : date
        The line's week (``calendar.week_start`` to six days later), local days.
    interval_minutes : int
        Interval length (minutes).
    queues : tuple of str or None
        Queues planned together (None: the whole line).
    timezone : str
        The line's IANA zone.
    contract : Contract
        Targets and short-abandon threshold used.
    calendar : LineCalendar
        The line's calendar the model was fitted with.
    daily : DailyFit
        The one fit of the daily model (:func:`analytics.fit_cache.daily_fit`: fitted on the
        days before ``first_day`` for a week already in the data, an ex-ante forecast;
        cached per warehouse version). :attr:`fit` is the fitted model itself.
    horizon : int
        Days from the last fitted day to ``last_day``.
    shares : DataFrame
        Intraday shares learned from the ``SHARE_WEEKS`` weeks before the week.
    profile : DataFrame
        :func:`analytics.planning.interval_profile` over the ``PROFILE_WEEKS`` weeks before.
    ex_ante : bool
        True when the week starts on or before the last day with calls.
    data_end : date
        Last local day with calls.
    offered_daily : Series
        Offered calls per local day (:mod:`analytics.series`, the series the model is fitted
        on; the KPIs' offered), every day with calls.
    offered_intervals : DataFrame
        Offered calls per naive local ``period_start``.
    warnings : tuple of str
        The model's warnings (short history...).
    """

    week: str
    first_day: dt.date
    last_day: dt.date
    interval_minutes: int
    queues: tuple[str, ...] | None
    timezone: str
    contract: Contract
    calendar: LineCalendar
    daily: DailyFit
    horizon: int
    shares: pd.DataFrame
    profile: pd.DataFrame
    ex_ante: bool
    data_end: dt.date
    offered_daily: pd.Series
    offered_intervals: pd.DataFrame
    warnings: tuple[str, ...]
    _memo: dict = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ memo
    def _cached(self, key, make):
        if key not in self._memo:
            self._memo[key] = make()
        value = self._memo[key]
        return value.copy() if isinstance(value, pd.DataFrame) else value

    def _days(self, frame: pd.DataFrame) -> pd.DataFrame:
        return frame[(frame.index >= pd.Timestamp(self.first_day))
                     & (frame.index <= pd.Timestamp(self.last_day))]

    @property
    def fit(self):
        """The fitted :class:`forecasting.DailyVolumeResults` (fitted on first use when the
        forecast came from the cache: what-ifs need it)."""
        return self.daily.results()

    def _daily_model(self, planned: pd.DataFrame | None = None) -> pd.DataFrame:
        if planned is None:
            return self._cached("daily_model", lambda: self.daily.forecast)
        return self.fit.forecast(self.horizon, planned=planned)

    # ------------------------------------------------------------------ forecasts
    def daily_forecast(self) -> pd.DataFrame:
        """The week's seven days: ``date``, ``forecast``, ``lo80, hi80, lo95, hi95`` (calls,
        the daily model's bands, which are not the sum of the intervals' bands) and
        ``actual`` (offered calls; 0 on a day without calls up to the last day with data,
        null after it and for a future week)."""
        def make() -> pd.DataFrame:
            days = self._days(self._daily_model())[["forecast", "lo80", "hi80", "lo95", "hi95"]]
            out = days.rename_axis("date").reset_index()
            actual = np.array(self.offered_daily.reindex(out["date"]).fillna(0.0), dtype=float)
            actual[(out["date"] > pd.Timestamp(self.data_end)).to_numpy()] = np.nan
            out["actual"] = actual
            return out[DAILY_COLUMNS]
        return self._cached("daily", make)

    def forecast(self, planned: pd.DataFrame | None = None) -> pd.DataFrame:
        """Interval forecast of the week.

        Parameters
        ----------
        planned : DataFrame, optional
            Extra campaigns (``campaign_id, channel, start_date``, optional ``audience``)
            on top of the warehouse's calendar (the same fit; only the forecast changes).

        Returns
        -------
        DataFrame, one row per real local interval (46 or 50 half-hours on DST days):
        ``period_start`` (tz-aware), ``calls`` (expected offered calls), ``lo80, hi80, lo95,
        hi95`` (calls), ``aht_s``, ``patience_s`` (s, from :attr:`profile`), and for a week
        already in the data ``actual`` (offered calls, null after the last day with data;
        the repeated autumn hour's calls are on its first occurrence, as in the KPIs).
        ``attrs``: ``ex_ante``, ``history_end``, ``warnings``, ``timezone``.
        """
        if planned is None:
            return self._cached("forecast", lambda: self._interval_frame(None))
        return self._interval_frame(planned)

    def _interval_frame(self, planned: pd.DataFrame | None) -> pd.DataFrame:
        from forecasting import split_daily

        days = self._days(self._daily_model(planned))
        out = split_daily(days, self.shares, minutes=self.interval_minutes, tz=self.timezone)
        out = out.rename(columns={"forecast": "calls"})
        out["aht_s"], out["patience_s"] = attach_profile(out, self.profile)
        out = out[FORECAST_COLUMNS].reset_index(drop=True)
        if self.ex_ante:
            wall = out["period_start"].dt.tz_localize(None)
            iv = self.offered_intervals.set_index("period_start")["offered"]
            actual = wall.map(iv).fillna(0.0).astype(float)
            # the repeated autumn hour is one wall-clock bucket (KPI convention): count it once
            actual[wall.duplicated(keep="first")] = 0.0
            actual[wall.dt.normalize() > pd.Timestamp(self.data_end)] = np.nan
            out["actual"] = actual.to_numpy()
        out.attrs.update(ex_ante=self.ex_ante,
                         history_end=self.daily.history_end,
                         warnings=list(self.warnings),
                         timezone=self.timezone)
        return out

    def history(self, days: int = 8 * 7) -> pd.DataFrame:
        """Offered calls per local day (``date``, ``calls``) over the ``days`` days before
        the week (days with calls only)."""
        start = pd.Timestamp(self.first_day - dt.timedelta(days=days))
        s = self.offered_daily
        s = s[(s.index >= start) & (s.index < pd.Timestamp(self.first_day))]
        return s.rename("calls").rename_axis("date").reset_index()

    # ------------------------------------------------------------------ requirements
    @property
    def has_patience(self) -> bool:
        """Whether the profile estimates caller patience in every interval (Erlang A works)."""
        return bool(np.isfinite(self.forecast()["patience_s"]).all())

    def targets(self, model: str = "erlang_a") -> dict:
        """:func:`analytics.planning.staffing_targets` of the contract for this plan."""
        return staffing_targets(self.contract, queues=list(self.queues or []) or None,
                                model=model)

    def requirements(self, model: str = "erlang_a", *, shrinkage: float = 0.3,
                     staff_to: str | None = None,
                     planned: pd.DataFrame | None = None) -> pd.DataFrame:
        """Advisors required per interval to meet the contract's targets.

        Parameters
        ----------
        model : {"erlang_a", "erlang_c"}
            Erlang A uses the profile's patience; Erlang C ignores abandonment.
        shrinkage : float
            Share of paid time off the phones (fraction) for ``scheduled``.
        staff_to : str, optional
            Staff to a bound instead of the expected calls, e.g. ``'hi80'``.
        planned : DataFrame, optional
            Extra campaigns, as for :meth:`forecast`.

        Returns
        -------
        DataFrame: the :meth:`forecast` columns, then those of
        :func:`staffing.requirements.requirements` (``interval_s, calls_staffed,
        traffic_erlangs, agents, scheduled`` and the measures at the expected volume) and
        ``answer_s`` (s). ``attrs``: the forecast's, and ``targets``.
        """
        def make() -> pd.DataFrame:
            fc = self.forecast(planned)
            check_patience(fc, model)
            targets = self.targets(model)
            req = required_advisors(fc, targets, model=model, shrinkage=shrinkage,
                                    staff_to=staff_to)
            req.attrs.update(fc.attrs, targets=targets)
            return req
        if planned is not None:
            return make()
        return self._cached(("requirements", model, shrinkage, staff_to), make)

    def agents(self) -> pd.DataFrame:
        """The interval forecast with the advisors required by both models: ``agents_c``
        (Erlang C), ``agents_a`` (Erlang A; null when the profile has no abandoned call to
        estimate patience from) and ``answer_s`` (s, of Erlang A's run, else Erlang C's)."""
        def make() -> pd.DataFrame:
            c = self.requirements("erlang_c")
            out = c[[col for col in FORECAST_COLUMNS + ["actual"] if col in c.columns]].copy()
            out["agents_c"] = c["agents"].to_numpy()
            if self.has_patience:
                a = self.requirements("erlang_a")
                out["agents_a"] = a["agents"].to_numpy()
                out["answer_s"] = a["answer_s"].to_numpy()
            else:
                out["agents_a"] = np.nan
                out["answer_s"] = c["answer_s"].to_numpy()
            out.attrs.update(c.attrs)
            return out
        return self._cached("agents", make)

    # ------------------------------------------------------------------ what-if
    def what_if(self, channel: str, start_date, audience: float | None = None, *,
                model: str = "erlang_a", shrinkage: float = 0.3) -> WhatIf:
        """The week with a planned campaign: extra calls, extra advisors, service if unchanged.

        The campaign's expected extra calls per day (the fit's
        :meth:`~forecasting.DailyVolumeResults.planned_uplift`, by ``channel`` and
        ``audience``, people reached) become a per-day volume multiplier ``1 + extra /
        forecast`` for :func:`staffing.requirements.campaign_what_if` (targets from the
        contract; with several service-level targets, the first).
        """
        from staffing.requirements import campaign_what_if

        start = to_date(start_date)
        earliest = self.first_day - dt.timedelta(days=WHAT_IF_LEAD_DAYS)
        if start > self.last_day:
            raise ValueError(f"the campaign starts on {start}, after {self.week}; give a start "
                             "date in or before the week")
        if start < earliest:
            raise ValueError(f"the campaign starts on {start}, more than "
                             f"{WHAT_IF_LEAD_DAYS // 7} weeks before {self.week}; give a start "
                             f"date from {earliest} on")
        audience = None if audience is None else float(audience)
        if audience is not None and not 0 < audience <= MAX_AUDIENCE:
            raise ValueError(f"audience {audience:g}: give the number of people reached, "
                             f"more than 0 and at most {MAX_AUDIENCE:,}")
        key = ("what_if", channel, start, audience, model, shrinkage)
        if key in self._memo:
            return self._memo[key]
        fc = self.forecast()
        check_patience(fc, model)
        targets = self.targets(model)
        days = self._daily_model()["forecast"]
        up = self.fit.planned_uplift(channel, start, audience=audience,
                                     days=(self.last_day - start).days + 1)
        up = self._days(up.set_index("date"))["extra_calls"]
        factor = {d.strftime("%Y-%m-%d"): 1.0 + x / days[d] for d, x in up.items()
                  if days.get(d, 0.0) > 0}
        kw = {"model": model, "shrinkage": shrinkage, "asa_s": targets["asa_s"]}
        if model == "erlang_a":
            kw["pickup_rate"] = targets["pickup_rate"]
            kw["service_level_basis"] = targets["service_level_basis"]
        if targets["service_levels"]:
            kw["answer_s"], kw["service_level"] = targets["service_levels"][0]
        elif kw["asa_s"] is not None or kw.get("pickup_rate") is not None:
            kw["service_level"] = None
        table, summary = campaign_what_if(fc, factor or 1.0, **kw)
        summary["campaign_extra_calls"] = float(sum(x for d, x in up.items()
                                                    if days.get(d, 0.0) > 0))
        out = WhatIf(channel, start, audience, model, table, summary)
        kept = [k for k in self._memo if k[0] == "what_if"]
        for old in kept[:max(0, len(kept) + 1 - MAX_WHAT_IFS)]:  # oldest first out
            del self._memo[old]
        self._memo[key] = out
        return out


# ------------------------------------------------------------------------------ builder
def _offered(con: duckdb.DuckDBPyConnection, queues: list[str] | None, minutes: int,
             contract: Contract) -> tuple[pd.Series, pd.DataFrame]:
    """Daily offered series (calls per local day) and interval offered (naive local): the
    KPI ``offered`` under ``contract`` (zone, short abandons)."""
    daily = series.daily_offered(con, contract=contract)
    iv = series.interval_offered(con, minutes, contract=contract)
    if queues:
        daily = daily[daily["queue"].isin(queues)]
        iv = iv[iv["queue"].isin(queues)]
    if daily.empty:
        raise ValueError("no offered calls in the warehouse" + (f" for queues {queues}" if queues
                         else "") + "; load a call log with 'copil ingest calls FILE'")
    d = daily.groupby("date")["offered"].sum().astype(float).rename("calls")
    i = iv.groupby("period_start", as_index=False)["offered"].sum()
    i["period_start"] = pd.to_datetime(i["period_start"])
    return d, i


def plan_week(con: duckdb.DuckDBPyConnection, week: str, *, interval_minutes: int = 30,
              queues: list[str] | None = None, contract: Contract | None = None,
              max_days_after: int = PLANNING_HORIZON_DAYS) -> WeekPlan:
    """Fit the daily model once for ``week`` and return everything to plan it.

    Parameters
    ----------
    con : DuckDB connection to the warehouse.
    week : str
        Week label ``YYYY-Www``; the line's week runs from the calendar's ``week_start``
        (:func:`analytics.periods.week_days`). It must overlap the days with calls or
        start at most ``max_days_after`` days after them (else
        :class:`analytics.bounds.PeriodOutsideData`).
    interval_minutes : int
        Interval length (minutes; divides a day).
    queues : list of str, optional
        Plan these queues together (default: the whole line).
    contract : Contract, optional
        Targets, time zone and short abandons (default: the warehouse's contract).
    max_days_after : int
        Farthest start of the week after the last day with calls (days; default
        :data:`analytics.bounds.PLANNING_HORIZON_DAYS`, a year; the dashboard passes
        :data:`~analytics.bounds.PLANNING_MARGIN_DAYS`, the 8 weeks it offers).

    Returns
    -------
    WeekPlan

    Notes
    -----
    The model is :class:`forecasting.DailyVolumeModel` on the offered series of
    :mod:`analytics.series` with the campaign calendar (:func:`analytics.series.campaigns`)
    and the line's calendar (:func:`analytics.line_calendar.line_calendar`: open days,
    public holidays, school zones). For a week already in the data it is fitted on the days
    strictly before the week (ex ante; the campaign calendar, planned in advance, is
    known). Days are split with shares learned from the ``SHARE_WEEKS`` weeks before.
    """
    from forecasting import as_interval_series, learn_shares

    check_interval_minutes(interval_minutes)
    cal = line_calendar(con, contract)   # the contract given, else the warehouse's, else learned
    week = check_week(con, week, week_start=cal.week_start, margin_days=max_days_after)
    contract = resolve_contract(con, contract)
    tz = line_zone(con, contract)
    first, last = week_days(week, cal.week_start)
    daily, iv = _offered(con, queues, interval_minutes, contract)
    data_end = daily.index.max().date()
    ex_ante = first <= data_end
    hist = daily[daily.index < pd.Timestamp(first)] if ex_ante else daily
    if hist.empty:
        raise ValueError(f"no offered calls before {week}; pick a later week")
    horizon = (last - hist.index.max().date()).days
    daily_fit = fit_cache.daily_fit(con, hist, horizon=horizon,
                                    campaigns=series.campaigns(con, queues), calendar=cal,
                                    options={"queues": sorted(queues or [])})
    iv_hist = iv[iv["period_start"] < pd.Timestamp(first)]
    shares = learn_shares(as_interval_series(iv_hist.rename(columns={"offered": "calls"}),
                                             tz=tz), weeks=SHARE_WEEKS)
    profile = interval_profile(con, weeks=PROFILE_WEEKS, interval_minutes=interval_minutes,
                               queues=queues, until=first, contract=contract)
    return WeekPlan(week=week, first_day=first, last_day=last,
                    interval_minutes=interval_minutes,
                    queues=tuple(queues) if queues else None, timezone=tz, contract=contract,
                    calendar=cal, daily=daily_fit, horizon=horizon, shares=shares, profile=profile,
                    ex_ante=ex_ante, data_end=data_end, offered_daily=daily,
                    offered_intervals=iv,
                    warnings=daily_fit.warnings)
