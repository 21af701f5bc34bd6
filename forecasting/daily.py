"""Daily call-volume model: log-linear calendar regression with ARMA errors.

``log(calls + 1)`` on open days is regressed on weekday effects (learned, any weekly
pattern), a linear trend, yearly Fourier terms (with more than ~13 months of history),
holiday / bridge-day / day-after-holiday / school-holiday indicators and one geometric
decay (adstock) regressor per past campaign; the regression residuals follow an
ARMA(1, 1) process on the daily grid (closed and missing days are gaps the Kalman filter
skips). Closed days are forecast exactly 0.

Examples
--------
>>> res = DailyVolumeModel(calls, campaigns=calendar, holidays="FR").fit()  # doctest: +SKIP
>>> res.forecast(91)            # date, forecast, lo80, hi80, lo95, hi95   # doctest: +SKIP
>>> res.uplift()                # extra calls per past campaign             # doctest: +SKIP
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from forecasting import campaigns as cmp
from forecasting._blas import single_blas_thread
from forecasting.baselines import BAND_COLUMNS, Z80, Z95, future_dates, seasonal_naive
from forecasting.calendar import (
    HolidaySpec,
    calendar_frame,
    default_closed_on_holidays,
    holiday_dates,
    learn_weekly_pattern,
)

MIN_OBS_PER_CAMPAIGN = 3
YEARLY_MIN_DAYS = 400
OUTLIER_Z = 5.0


class ShortHistoryWarning(UserWarning):
    """The history is too short for the full model; a seasonal-naive forecast is used."""


def as_daily_series(data) -> pd.Series:
    """A float Series on a complete daily index from a Series or a ``date, calls`` frame.

    Days absent from the input are NaN (missing); the model decides from the
    calendar whether they were closed days.
    """
    if isinstance(data, pd.DataFrame):
        if not {"date", "calls"} <= set(data.columns):
            raise ValueError("daily data: expected columns 'date' and 'calls'")
        s = pd.Series(data["calls"].to_numpy(float), index=pd.to_datetime(data["date"]))
    elif isinstance(data, pd.Series):
        s = data.astype(float)
        s.index = pd.to_datetime(s.index)
    else:
        raise ValueError("daily data: give a pandas Series indexed by date or a date, calls frame")
    if len(s) == 0:
        raise ValueError("daily data: the series is empty")
    s.index = s.index.tz_localize(None).normalize() if s.index.tz is not None else s.index.normalize()
    if s.index.has_duplicates:
        s = s.groupby(level=0).sum(min_count=1)
    s = s.sort_index()
    full = pd.date_range(s.index[0], s.index[-1], freq="D")
    out = s.reindex(full)
    out.index.name = "date"
    out.name = "calls"
    return out


def fourier_terms(dates: pd.DatetimeIndex, order: int, period: float = 365.25) -> pd.DataFrame:
    """Yearly Fourier terms ``sin/cos(2 pi k t / period)``, k = 1..order, t in days since 2000-01-01."""
    t = ((dates - pd.Timestamp("2000-01-01")) / pd.Timedelta(days=1)).to_numpy(float)
    cols = {}
    for k in range(1, order + 1):
        cols[f"sin{k}"] = np.sin(2 * np.pi * k * t / period)
        cols[f"cos{k}"] = np.cos(2 * np.pi * k * t / period)
    return pd.DataFrame(cols, index=dates)


def _ols(X: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, float]:
    """Least squares by the normal equations (fast for these small, well-conditioned
    designs); falls back to an SVD solve when ``X'X`` is singular."""
    try:
        beta = np.linalg.solve(X.T @ X, X.T @ z)
    except np.linalg.LinAlgError:
        beta, *_ = np.linalg.lstsq(X, z, rcond=None)
    r = z - X @ beta
    return beta, float(r @ r)


@dataclass
class _Design:
    """What the regression knows about the calendar (fixed at fit time)."""

    t0: pd.Timestamp
    yearly_order: int
    calendar_cols: list[str]
    weekdays: list[int]
    cal_kwargs: dict = field(default_factory=dict)

    def calendar(self, dates: pd.DatetimeIndex) -> pd.DataFrame:
        return calendar_frame(dates, **self.cal_kwargs)

    def base(self, dates: pd.DatetimeIndex, cal: pd.DataFrame) -> pd.DataFrame:
        cols = {f"wd{d}": (cal["weekday"].to_numpy() == d).astype(float) for d in self.weekdays}
        cols["trend"] = ((dates - self.t0) / pd.Timedelta(days=365.25)).to_numpy(float)
        frame = pd.DataFrame(cols, index=dates)
        if self.yearly_order:
            frame = frame.join(fourier_terms(dates, self.yearly_order))
        for c in self.calendar_cols:
            frame[c] = cal[c].to_numpy(float)
        return frame


class DailyVolumeModel:
    """Daily calls with weekly/yearly seasonality, holidays and campaigns.

    Parameters
    ----------
    calls : Series or DataFrame
        Daily calls indexed by date (or a ``date, calls`` frame). Missing days are NaN.
    campaigns : DataFrame, optional
        Campaign calendar (``campaign_id, channel, start_date``, optional ``audience``).
        Campaigns starting after the history are used in forecasts.
    holidays : None, str or iterable of dates
        Public-holiday calendar: ``None``, a country code (``"FR"``) or a list of dates.
    school_zones : iterable of "A"/"B"/"C", optional
        French school-holiday zones whose share on holiday is a regressor.
    school_dates : iterable of dates, optional
        A user school-holiday calendar.
    closed_weekdays : iterable of int, optional
        Weekdays the line is closed (Monday = 0); learned from the data when None.
    weekend : iterable of int, optional
        The public's weekend (for bridge days); learned when None.
    closed_on_holidays : bool, optional
        Whether the line closes on public holidays; learned when None.
    closed_dates : iterable of dates
        Extra days the line is closed (past or future).
    yearly_order : int, optional
        Number of yearly Fourier pairs; default 4 with at least 400 days of history, else 0.
    arma_order : (p, q)
        ARMA order of the regression errors (default (1, 1)).
    half_lives : dict, optional
        Fixed half-life (days) per channel; estimated from the history when None.
    min_weeks : int
        Below this many weeks of history a seasonal-naive forecast is used (with a
        :class:`ShortHistoryWarning`).
    """

    def __init__(self, calls, *, campaigns: pd.DataFrame | None = None,
                 holidays: HolidaySpec = "FR", school_zones: Iterable[str] | None = None,
                 school_dates: Iterable | None = None,
                 closed_weekdays: Iterable[int] | None = None,
                 weekend: Iterable[int] | None = None,
                 closed_on_holidays: bool | None = None, closed_dates: Iterable = (),
                 yearly_order: int | None = None, arma_order: tuple[int, int] = (1, 1),
                 half_lives: dict[str, float] | None = None, min_weeks: int = 8) -> None:
        self.calls = as_daily_series(calls)
        if (self.calls.dropna() < 0).any():
            raise ValueError("calls: counts must be >= 0")
        self.campaigns = cmp.normalize_campaigns(campaigns)
        self.holidays = holidays
        self.school_zones = tuple(school_zones) if school_zones else None
        self.school_dates = list(school_dates) if school_dates is not None else None
        self.closed_weekdays = tuple(closed_weekdays) if closed_weekdays is not None else None
        self.weekend = tuple(weekend) if weekend is not None else None
        self.closed_on_holidays = closed_on_holidays
        self.closed_dates = list(closed_dates)
        if yearly_order is not None and yearly_order < 0:
            raise ValueError("yearly_order must be >= 0")
        self.yearly_order = yearly_order
        if len(arma_order) != 2 or min(arma_order) < 0:
            raise ValueError("arma_order must be a pair (p, q) of non-negative integers")
        self.arma_order = tuple(arma_order)
        self.half_lives = dict(half_lives) if half_lives else None
        if min_weeks < 2:
            raise ValueError("min_weeks must be >= 2")
        self.min_weeks = min_weeks

    def __repr__(self) -> str:
        return (f"DailyVolumeModel(n_days={len(self.calls)}, campaigns={len(self.campaigns)}, "
                f"holidays={self.holidays!r}, arma_order={self.arma_order})")

    # ------------------------------------------------------------------ calendar
    def _calendar_kwargs(self) -> dict:
        y = self.calls
        closed, weekend = learn_weekly_pattern(y)
        closed = self.closed_weekdays if self.closed_weekdays is not None else closed
        weekend = self.weekend if self.weekend is not None else (weekend or (5, 6))
        coh = self.closed_on_holidays
        if coh is None:
            coh = default_closed_on_holidays(y, holiday_dates(self.holidays, y.index), closed)
        return dict(holidays=self.holidays, school_zones=self.school_zones,
                    school_dates=self.school_dates, closed_weekdays=closed, weekend=weekend,
                    closed_on_holidays=coh, closed_dates=self.closed_dates)

    def fit(self) -> DailyVolumeResults:
        """Estimate the model; returns a :class:`DailyVolumeResults`."""
        y = self.calls
        kw = self._calendar_kwargs()
        cal = calendar_frame(y.index, **kw)
        is_open = cal["open"].to_numpy()
        obs = is_open & y.notna().to_numpy()
        n_weeks = obs.sum() / max(1, 7 - len(kw["closed_weekdays"]))
        if n_weeks < self.min_weeks:
            warnings.warn(
                f"only {n_weeks:.1f} weeks of open-day history (< {self.min_weeks}): "
                "using a seasonal-naive forecast (same weekday, mean of the last weeks)",
                ShortHistoryWarning, stacklevel=2)
            return DailyVolumeResults(self, kw, cal, short=True)
        span = (y.index[-1] - y.index[0]).days + 1
        order = self.yearly_order if self.yearly_order is not None else (
            4 if span >= YEARLY_MIN_DAYS else 0)
        cal_cols = []
        for c in ("holiday", "bridge", "after_holiday", "school"):
            v = cal.loc[obs, c].astype(float)
            if c == "holiday" and kw["closed_on_holidays"]:
                continue
            if v.sum() > 0 and v.std() > 0:
                cal_cols.append(c)
        weekdays = sorted(set(cal.loc[obs, "weekday"]))
        design = _Design(t0=y.index[0], yearly_order=order, calendar_cols=cal_cols,
                         weekdays=weekdays, cal_kwargs=kw)
        return DailyVolumeResults(self, kw, cal, design=design)


class DailyVolumeResults:
    """A fitted :class:`DailyVolumeModel`: forecasts, campaign uplift, summary."""

    def __init__(self, model: DailyVolumeModel, cal_kwargs: dict, cal: pd.DataFrame, *,
                 short: bool = False, design: _Design | None = None) -> None:
        self.model = model
        self.cal_kwargs = cal_kwargs
        self.calendar = cal
        self.short_history = short
        self.design = design
        self.warnings: list[str] = []
        y = model.calls
        self.open = cal["open"].to_numpy()
        if short:
            self.half_lives = {}
            return
        with single_blas_thread():
            self._fit(y)

    # ------------------------------------------------------------------ fitting
    def _fit(self, y: pd.Series) -> None:
        model = self.model
        camps = model.campaigns
        dates = y.index
        base = self.design.base(dates, self.calendar)
        z = np.log1p(y.to_numpy(float))
        fit_rows = self.open & np.isfinite(z)
        # campaigns with enough observed days get their own coefficient
        own, pending = [], []
        for row in camps.itertuples(index=False):
            lag = (dates - row.start_date).days
            n_obs = int((fit_rows & (lag >= 0) & (lag < cmp.MAX_EFFECT_DAYS)).sum())
            (own if n_obs >= MIN_OBS_PER_CAMPAIGN else pending).append(row.campaign_id)
        self.own_campaigns = own
        own_c = camps[camps["campaign_id"].isin(own)]
        channels = sorted(set(own_c["channel"]))
        hl = {ch: 2.0 for ch in set(camps["channel"])}
        if model.half_lives:
            hl.update(model.half_lives)
        Xb = base.to_numpy()

        lags = ((dates.to_numpy()[:, None] - own_c["start_date"].to_numpy()[None, :])
                / np.timedelta64(1, "D"))
        in_window = (lags >= 0) & (lags < cmp.MAX_EFFECT_DAYS)
        lags = np.clip(lags, 0, None)
        scale = own_c["scale"].to_numpy(float)
        chan = own_c["channel"].to_numpy()

        def design_with(hls: dict[str, float]) -> np.ndarray:
            if not len(own_c):
                return Xb
            r = np.array([cmp.decay_rate(hls[c]) for c in chan])
            C = np.where(in_window, np.power(r[None, :], lags), 0.0) * scale[None, :]
            return np.hstack([Xb, C])

        # robust pass: drop gross outliers (unflagged closures, data errors)
        rows = fit_rows.copy()
        X = design_with(hl)
        beta, _ = _ols(X[rows], z[rows])
        r = z - X @ beta
        mad = 1.4826 * np.median(np.abs(r[rows] - np.median(r[rows])))
        outliers = rows & (np.abs(r) > OUTLIER_Z * max(mad, 1e-6))
        rows &= ~outliers
        self.outlier_dates = dates[outliers]
        # half-life per channel by profile least squares (coordinate search, two passes)
        self.half_life_sse: dict[str, dict[float, float]] = {}
        if not model.half_lives:
            for _ in range(2):
                for ch in channels:
                    sse = {}
                    for h in cmp.HALF_LIFE_GRID:
                        trial = dict(hl, **{ch: h})
                        sse[h] = _ols(design_with(trial)[rows], z[rows])[1]
                    hl[ch] = min(sse, key=sse.get)
                    self.half_life_sse[ch] = sse
        self.half_lives = hl
        self.n_fit = int(rows.sum())
        X = design_with(hl)
        self.columns = list(base.columns) + list(own_c["campaign_id"])
        import statsmodels.api as sm

        ols = sm.OLS(z[rows], X[rows]).fit()
        self.params = pd.Series(ols.params, index=self.columns)
        self.cov = pd.DataFrame(ols.cov_params(), index=self.columns, columns=self.columns)
        self.sigma2_ols = float(ols.scale)
        resid = pd.Series(np.where(rows, z - X @ ols.params, np.nan), index=dates)
        self.resid = resid
        self._fit_arma(resid)
        self._channel_effects(own_c)
        self.fit_rows = rows

    def _fit_arma(self, resid: pd.Series) -> None:
        from statsmodels.tsa.statespace.sarimax import SARIMAX

        p, q = self.model.arma_order
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.arma = SARIMAX(resid.to_numpy(), order=(p, 0, q), trend="n",
                                initialization="approximate_diffuse").fit(
                disp=False, maxiter=100)

    def _channel_effects(self, own_c: pd.DataFrame) -> None:
        """Per-channel mean log effect per unit scale (gamma), its variance and the
        between-campaign variance tau^2 (method of moments)."""
        self.channel_effect: dict[str, tuple[float, float, float]] = {}
        for ch, grp in own_c.groupby("channel"):
            ids = list(grp["campaign_id"])
            est = self.params[ids].to_numpy() / grp["scale"].to_numpy()
            var = np.diag(self.cov.loc[ids, ids].to_numpy()) / grp["scale"].to_numpy() ** 2
            w = 1.0 / np.maximum(var, 1e-12)
            gamma = float(np.sum(w * est) / np.sum(w))
            var_gamma = float(1.0 / np.sum(w))
            if len(ids) >= 2:
                tau2 = max(0.0, float(np.var(est, ddof=1) - np.mean(var)))
                var_gamma = max(var_gamma, float(np.var(est, ddof=1) / len(ids)))
            else:
                tau2 = (0.5 * gamma) ** 2
            self.channel_effect[ch] = (gamma, var_gamma, tau2)

    # ------------------------------------------------------------------ forecasting
    def forecast(self, horizon: int, *, planned: pd.DataFrame | None = None) -> pd.DataFrame:
        """Daily forecast with 80 % and 95 % prediction intervals.

        Parameters
        ----------
        horizon : int
            Days after the last day of the history.
        planned : DataFrame, optional
            Extra planned campaigns (``campaign_id, channel, start_date``, optional
            ``audience``) on top of the future campaigns given to the model.

        Returns
        -------
        DataFrame indexed by ``date`` with ``forecast, lo80, hi80, lo95, hi95`` (calls);
        closed days are exactly 0.
        """
        if horizon < 1:
            raise ValueError("horizon must be >= 1 day")
        y = self.model.calls
        dates = future_dates(y, horizon)
        cal = calendar_frame(dates, **self.cal_kwargs)
        open_future = cal["open"].to_numpy()
        if self.short_history:
            return self._short_forecast(horizon, open_future)
        mu, var = self._log_mean_var(dates, cal, planned)
        sd = np.sqrt(var)
        out = pd.DataFrame({
            "forecast": np.expm1(mu),
            "lo80": np.expm1(mu - Z80 * sd), "hi80": np.expm1(mu + Z80 * sd),
            "lo95": np.expm1(mu - Z95 * sd), "hi95": np.expm1(mu + Z95 * sd),
        }, index=dates).clip(lower=0.0)
        out.loc[~open_future, BAND_COLUMNS] = 0.0
        out.index.name = "date"
        return out

    def _log_mean_var(self, dates: pd.DatetimeIndex, cal: pd.DataFrame,
                      planned: pd.DataFrame | None) -> tuple[np.ndarray, np.ndarray]:
        h = len(dates)
        base = self.design.base(dates, cal)
        own_c = self.model.campaigns[self.model.campaigns["campaign_id"].isin(self.own_campaigns)]
        C = cmp.campaign_matrix(dates, own_c, self.half_lives)
        X = np.hstack([base.to_numpy(), C.to_numpy()]) if len(C.columns) else base.to_numpy()
        fc = self.arma.get_forecast(h)
        mu = X @ self.params.to_numpy() + np.asarray(fc.predicted_mean)
        var = np.asarray(fc.var_pred_mean) + np.einsum("ij,jk,ik->i", X, self.cov.to_numpy(), X)
        eff, eff_var = self._pending_effect(dates, planned)
        return mu + eff, var + eff_var

    def _pending_effect(self, dates: pd.DatetimeIndex, planned: pd.DataFrame | None
                        ) -> tuple[np.ndarray, np.ndarray]:
        """Log effect (and its variance) of campaigns without their own coefficient."""
        camps = self.model.campaigns
        pend = camps[~camps["campaign_id"].isin(self.own_campaigns)]
        if planned is not None and len(planned):
            pl = cmp.normalize_campaigns(planned)
            pl = _rescale_like(pl, camps)
            pend = pd.concat([pend, pl], ignore_index=True)
        eff = np.zeros(len(dates))
        var = np.zeros(len(dates))
        for row in pend.itertuples(index=False):
            if row.channel not in self.channel_effect:
                msg = (f"campaign {row.campaign_id}: no past '{row.channel}' campaign in the "
                       "history to learn its effect from; forecast without it")
                if msg not in self.warnings:
                    self.warnings.append(msg)
                continue
            gamma, var_gamma, tau2 = self.channel_effect[row.channel]
            x = row.scale * cmp.adstock(dates, row.start_date, self.half_lives[row.channel])
            eff += gamma * x
            var += x ** 2 * (var_gamma + tau2)
        return eff, var

    def _short_forecast(self, horizon: int, open_future: np.ndarray) -> pd.DataFrame:
        y = self.model.calls
        vals = y.where(self.open)
        # mean of the last (up to) four same weekdays
        means = {}
        for d in range(7):
            s = vals[vals.index.day_of_week == d].dropna().iloc[-4:]
            means[d] = float(s.mean()) if len(s) else np.nan
        fill = np.nanmean(list(means.values()))
        out = seasonal_naive(y, horizon, open_future, self.open)
        mean = np.array([means[d] if np.isfinite(means[d]) else fill
                         for d in out.index.day_of_week])
        shift = mean - out["forecast"].to_numpy()
        for c in BAND_COLUMNS:
            out[c] = np.clip(out[c].to_numpy() + shift, 0, None)
        out.loc[~open_future, BAND_COLUMNS] = 0.0
        return out

    # ------------------------------------------------------------------ campaigns
    def uplift(self, *, alpha: float = 0.05, n_draws: int = 4000,
               seed: int = 0) -> pd.DataFrame:
        """Extra calls attributable to each past campaign, with a ``1 - alpha`` band.

        For campaign ``k`` with log effect ``b_k x_k(t)``, the extra calls on day ``t``
        are ``level_t (1 - exp(-b_k x_k(t)))`` where ``level_t`` is the actual volume
        (the fitted volume on missing days). The band comes from draws of ``b_k`` from
        its estimated distribution (HAC covariance).

        Returns
        -------
        DataFrame with ``campaign_id, channel, start_date, extra_calls, extra_calls_lo,
        extra_calls_hi, peak_day_extra, half_life_days`` (calls, days).
        """
        if not 0 < alpha < 1:
            raise ValueError("alpha must be in (0, 1)")
        by_day = self.uplift_by_day()
        rows = []
        rng = np.random.default_rng(seed)
        camps = self.model.campaigns.set_index("campaign_id")
        for cid in self.own_campaigns if not self.short_history else []:
            d = by_day[by_day["campaign_id"] == cid]
            b, sd = float(self.params[cid]), float(np.sqrt(self.cov.loc[cid, cid]))
            draws = rng.normal(b, sd, n_draws)
            tot = (d["level"].to_numpy()[None, :] *
                   (1 - np.exp(-draws[:, None] * d["x"].to_numpy()[None, :]))).sum(axis=1)
            lo, hi = np.quantile(tot, [alpha / 2, 1 - alpha / 2])
            ch = camps.loc[cid, "channel"]
            rows.append({
                "campaign_id": cid, "channel": ch,
                "start_date": camps.loc[cid, "start_date"].date(),
                "extra_calls": float(d["extra_calls"].sum()),
                "extra_calls_lo": float(lo), "extra_calls_hi": float(hi),
                "peak_day_extra": float(d["extra_calls"].max()) if len(d) else 0.0,
                "half_life_days": float(self.half_lives[ch]),
            })
        cols = ["campaign_id", "channel", "start_date", "extra_calls", "extra_calls_lo",
                "extra_calls_hi", "peak_day_extra", "half_life_days"]
        return pd.DataFrame(rows, columns=cols)

    def uplift_by_day(self) -> pd.DataFrame:
        """Extra calls per past campaign and day over its effect window (long format:
        ``campaign_id, date, x, level, extra_calls``)."""
        cols = ["campaign_id", "date", "x", "level", "extra_calls"]
        if self.short_history or not self.own_campaigns:
            return pd.DataFrame(columns=cols)
        y = self.model.calls
        dates = y.index
        own_c = self.model.campaigns[self.model.campaigns["campaign_id"].isin(self.own_campaigns)]
        C = cmp.campaign_matrix(dates, own_c, self.half_lives)
        X = np.hstack([self.design.base(dates, self.calendar).to_numpy(), C.to_numpy()])
        fitted = np.expm1(X @ self.params.to_numpy())
        level = np.where(y.notna(), y.to_numpy(float), fitted)
        level = np.where(self.open, level, 0.0)
        frames = []
        for cid in self.own_campaigns:
            x = C[cid].to_numpy()
            m = x > 0
            eff = float(self.params[cid]) * x[m]
            frames.append(pd.DataFrame({
                "campaign_id": cid, "date": dates[m], "x": x[m], "level": level[m],
                "extra_calls": cmp.extra_calls(level[m], eff)}))
        return pd.concat(frames, ignore_index=True)[cols]

    def planned_uplift(self, channel: str, start_date, *, audience: float | None = None,
                       days: int = 28, alpha: float = 0.2) -> pd.DataFrame:
        """Expected extra calls by day for a planned campaign.

        Parameters
        ----------
        channel : str
            The campaign's channel (must have past campaigns in the history).
        start_date : date-like
            First day of the campaign (after the history).
        audience : float, optional
            People reached; scales the effect against the channel's median audience.
        days : int
            Days reported from the start.
        alpha : float
            The band is the central ``1 - alpha`` interval (default 80 %).

        Returns
        -------
        DataFrame with ``date, extra_calls, extra_calls_lo, extra_calls_hi`` (calls).
        """
        channel = str(channel).strip().lower()
        if self.short_history or channel not in self.channel_effect:
            raise ValueError(f"channel {channel!r}: no past campaign of this channel in the "
                             "history, so its effect cannot be estimated")
        start = pd.Timestamp(start_date).normalize()
        last = self.model.calls.index[-1]
        if start <= last:
            raise ValueError("start_date must be after the last day of the history")
        horizon = (start - last).days + days - 1
        base = self.forecast(horizon)["forecast"]
        dates = base.index[-days:]
        pl = _rescale_like(cmp.normalize_campaigns(pd.DataFrame({
            "campaign_id": ["planned"], "channel": [channel], "start_date": [start],
            "audience": [audience if audience is not None else np.nan]})), self.model.campaigns)
        gamma, var_gamma, tau2 = self.channel_effect[channel]
        x = float(pl["scale"].iloc[0]) * cmp.adstock(dates, start, self.half_lives[channel])
        z = stats.norm.ppf(1 - alpha / 2)
        sd = np.sqrt(var_gamma + tau2)
        lvl = base.loc[dates].to_numpy()
        return pd.DataFrame({
            "date": dates,
            "extra_calls": lvl * np.expm1(gamma * x),
            "extra_calls_lo": lvl * np.expm1(max(gamma - z * sd, 0.0) * x),
            "extra_calls_hi": lvl * np.expm1((gamma + z * sd) * x),
        })

    # ------------------------------------------------------------------ reporting
    def summary(self) -> str:
        """A short text summary: data, calendar, coefficients, campaigns."""
        y = self.model.calls
        lines = [f"DailyVolumeModel: {y.index[0].date()} to {y.index[-1].date()} "
                 f"({len(y)} days, {int(np.isfinite(y).sum())} observed)"]
        kw = self.cal_kwargs
        lines.append(f"closed weekdays {list(kw['closed_weekdays'])}, weekend "
                     f"{list(kw['weekend'])}, holidays {self.model.holidays!r} "
                     f"(closed: {kw['closed_on_holidays']})")
        if self.short_history:
            lines.append("short history: seasonal-naive forecast")
            return "\n".join(lines)
        lines.append(f"yearly Fourier order {self.design.yearly_order}; ARMA{self.model.arma_order} "
                     f"errors; {self.n_fit} days fitted, {len(self.outlier_dates)} outliers set aside")
        se = np.sqrt(np.diag(self.cov.to_numpy()))
        for name, b, s in zip(self.columns, self.params, se, strict=True):
            lines.append(f"  {name:>14s} {b: .4f} ({s:.4f})")
        for ch, (g, vg, t2) in self.channel_effect.items():
            lines.append(f"channel {ch}: half-life {self.half_lives[ch]} days, mean log effect "
                         f"{g:.3f} per unit audience (se {np.sqrt(vg):.3f}, between-campaign sd "
                         f"{np.sqrt(t2):.3f})")
        return "\n".join(lines)


def _rescale_like(new: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """Scale new campaigns' audiences against the history's median per channel."""
    new = new.copy()
    med = history.groupby("channel")["audience"].median()
    for i, row in new.iterrows():
        m = med.get(row["channel"], np.nan)
        new.loc[i, "scale"] = (row["audience"] / m
                               if np.isfinite(row["audience"]) and np.isfinite(m) and m > 0
                               else 1.0)
    return new
