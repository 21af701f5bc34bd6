"""Daily call-volume model: log-linear calendar base with ARMA errors, plus campaign calls.

The base, ``log(calls + 1)`` on open days, is regressed on weekday effects (learned, any
weekly pattern), a linear trend, yearly Fourier terms (with more than ~13 months of
history) and holiday / bridge-day / day-after-holiday / school-holiday indicators; its
residuals follow an ARMA(1, 1) process on the daily grid (closed and missing days are
gaps the Kalman filter skips). Each campaign adds extra calls on top: its peak-day size
times a geometric decay over the following open days (an adstock), with a half-life and
a delay per channel learned from past campaigns. Closed days are forecast exactly 0.

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
from scipy import optimize, stats

from forecasting import campaigns as cmp
from forecasting._blas import single_blas_thread
from forecasting.baselines import BAND_COLUMNS, Z80, Z95, future_dates, seasonal_naive
from forecasting.calendar import (
    HolidaySpec,
    LineCalendar,
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


def _wls(X: np.ndarray, r: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, float]:
    """Weighted least squares ``min sum w (r - X a)^2``: coefficients and weighted SSE."""
    sw = np.sqrt(w)
    return _ols(X * sw[:, None], r * sw)


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
    months: bool
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
        if self.months:  # month effects relative to January
            for m in range(2, 13):
                frame[f"m{m}"] = (dates.month == m).astype(float)
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
    yearly : {"fourier", "month"}
        Shape of the yearly pattern: Fourier terms (smooth) or one effect per calendar
        month (steps at month ends, e.g. billing or benefit cycles). Only with at least
        400 days of history (or ``yearly_order`` > 0).
    yearly_order : int, optional
        Number of yearly Fourier pairs; default 4 with at least 400 days of history, else 0.
    arma_order : (p, q)
        ARMA order of the regression errors (default (1, 1)).
    half_lives : dict, optional
        Fixed half-life (open days) per channel; with ``delays`` (open days before the
        first extra calls, default 0). Both are estimated from the history when None.
    min_weeks : int
        Below this many weeks of history a seasonal-naive forecast is used (with a
        :class:`ShortHistoryWarning`).
    calendar : LineCalendar, optional
        The line's calendar (:class:`forecasting.calendar.LineCalendar`); when given it sets
        ``holidays``, ``school_zones``, ``closed_weekdays``, ``weekend``,
        ``closed_on_holidays`` and ``closed_dates``, which must then be left at their defaults.
    """

    def __init__(self, calls, *, campaigns: pd.DataFrame | None = None,
                 holidays: HolidaySpec = "FR", school_zones: Iterable[str] | None = None,
                 school_dates: Iterable | None = None,
                 closed_weekdays: Iterable[int] | None = None,
                 weekend: Iterable[int] | None = None,
                 closed_on_holidays: bool | None = None, closed_dates: Iterable = (),
                 yearly_order: int | None = None, yearly: str = "month",
                 arma_order: tuple[int, int] = (1, 1),
                 half_lives: dict[str, float] | None = None,
                 delays: dict[str, int] | None = None, min_weeks: int = 8,
                 calendar: LineCalendar | None = None) -> None:
        if calendar is not None:
            kw = calendar.model_kwargs()
            holidays, school_zones = kw["holidays"], kw["school_zones"]
            closed_weekdays, weekend = kw["closed_weekdays"], kw["weekend"]
            closed_on_holidays, closed_dates = kw["closed_on_holidays"], kw["closed_dates"]
        self.calendar = calendar
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
        if yearly not in ("fourier", "month"):
            raise ValueError("yearly must be 'fourier' (smooth yearly wave) or 'month' "
                             "(one effect per calendar month)")
        self.yearly = yearly
        if len(arma_order) != 2 or min(arma_order) < 0:
            raise ValueError("arma_order must be a pair (p, q) of non-negative integers")
        self.arma_order = tuple(arma_order)
        self.half_lives = dict(half_lives) if half_lives else None
        self.delays = dict(delays) if delays else None
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
        months = self.yearly == "month" and order > 0
        design = _Design(t0=y.index[0], yearly_order=0 if months else order, months=months,
                         calendar_cols=cal_cols,
                         weekdays=weekdays, cal_kwargs=kw)
        return DailyVolumeResults(self, kw, cal, design=design)


class DailyVolumeResults:
    """A fitted :class:`DailyVolumeModel`: forecasts, campaign uplift, summary.

    Notes
    -----
    Volume on an open day is ``base_t + sum_k a_k x_k(t)``: a log-linear base
    (calendar regression + ARMA errors) plus each campaign's extra calls, ``a_k`` calls
    on its peak day times its adstock shape ``x_k``. The two parts are estimated by
    backfitting: the base on ``log(calls - campaign calls)``, then the campaign sizes by
    weighted least squares on ``calls - base`` (weights ``1 / var``, with
    ``var = base + s2 * base**2``: Poisson plus the base's own relative noise), and the
    channel shapes (half-life, delay) by profile least squares on a grid.
    """

    def __init__(self, model: DailyVolumeModel, cal_kwargs: dict, cal: pd.DataFrame, *,
                 short: bool = False, design: _Design | None = None) -> None:
        self.model = model
        self.cal_kwargs = cal_kwargs
        self.calendar = cal
        self.short_history = short
        self.design = design
        self.warnings: list[str] = []
        self.open = cal["open"].to_numpy()
        self.own_campaigns: list[str] = []
        self.half_lives, self.delays, self.shapes = {}, {}, {}
        self.channel_effect: dict[str, tuple[float, float, float]] = {}
        if short:
            return
        with single_blas_thread():
            self._fit(model.calls)

    # ------------------------------------------------------------------ fitting
    def _fit(self, y: pd.Series) -> None:
        model = self.model
        camps = model.campaigns
        dates = y.index
        yv = y.to_numpy(float)
        Xb = self.design.base(dates, self.calendar).to_numpy()
        self.base_columns = list(self.design.base(dates[:1], self.calendar.iloc[:1]).columns)
        rows = self.open & np.isfinite(yv)
        # campaigns with enough observed open days get their own size
        all_lags = self._lags(dates, camps)
        own_mask = np.array([int((rows & (all_lags[:, j] >= 0)
                                  & (all_lags[:, j] < cmp.MAX_EFFECT_DAYS)).sum())
                             >= MIN_OBS_PER_CAMPAIGN for j in range(len(camps))], bool)
        own_c = camps[own_mask]
        self.own_campaigns = list(own_c["campaign_id"])
        lags = all_lags[:, own_mask]
        shapes = {ch: (2.0, 0) for ch in set(camps["channel"])}
        for ch, h in (model.half_lives or {}).items():
            shapes[ch] = (float(h), int((model.delays or {}).get(ch, 0)))
        search = not model.half_lives and len(own_c) > 0
        # first base fit without the days right after campaign starts
        near = (np.nan_to_num(lags, nan=-1.0) >= 0) & (np.nan_to_num(lags, nan=99.0) < 10)
        base_rows = rows & ~near.any(axis=1) if len(own_c) else rows.copy()
        if base_rows.sum() < 0.5 * rows.sum():
            base_rows = rows.copy()
        campaign_calls = np.zeros(len(dates))
        self.outlier_dates = dates[:0]
        for it in range(3):
            z = np.log1p(np.clip(yv - campaign_calls, 0.1 * np.nan_to_num(yv), None))
            beta, _ = _ols(Xb[base_rows], z[base_rows])
            r = z - Xb @ beta
            if it < 2:  # set gross outliers aside (unflagged closures, data errors)
                med = np.median(r[base_rows])
                mad = 1.4826 * np.median(np.abs(r[base_rows] - med))
                out = base_rows & (np.abs(r - med) > OUTLIER_Z * max(mad, 1e-6))
                base_rows &= ~out
                rows &= ~out
                self.outlier_dates = self.outlier_dates.union(dates[out])
            base = np.expm1(Xb @ beta)
            s2 = max(float(np.var(r[base_rows])) - float(np.mean(1.0 / np.maximum(
                base[base_rows], 1.0))), 0.0)
            if not len(own_c):
                break
            w = 1.0 / np.maximum(base + s2 * base ** 2, 1.0)
            resid = yv - base
            if search and it < 2:
                shapes = self._search_shapes(lags, own_c, shapes, resid, w, rows)
            C = cmp.campaign_matrix(lags, own_c, shapes)
            a, _ = _wls(C[rows], resid[rows], w[rows])
            campaign_calls = C @ a
            base_rows = rows.copy()
        self.shapes = shapes
        self.half_lives = {ch: float(v[0]) for ch, v in shapes.items()}
        self.delays = {ch: int(v[1]) for ch, v in shapes.items()}
        import statsmodels.api as sm

        ols = sm.OLS(z[base_rows], Xb[base_rows]).fit()
        self.params = pd.Series(ols.params, index=self.base_columns)
        self.cov = pd.DataFrame(ols.cov_params(), index=self.base_columns,
                                columns=self.base_columns)
        self.n_fit = int(base_rows.sum())
        self.fit_rows = base_rows
        self.resid = pd.Series(np.where(base_rows, z - Xb @ ols.params, np.nan), index=dates)
        self._fit_arma(self.resid)
        if len(own_c):
            C = cmp.campaign_matrix(lags, own_c, shapes)
            wls = sm.WLS(resid[rows], C[rows], weights=w[rows]).fit()
            self.sizes = pd.Series(wls.params, index=self.own_campaigns)
            self.sizes_cov = pd.DataFrame(wls.cov_params(), index=self.own_campaigns,
                                          columns=self.own_campaigns)
            # serial correlation of the residuals (the base drifts for days) widens the
            # campaign sizes' uncertainty by the AR(1) long-run factor (1 + rho) / (1 - rho)
            e = np.where(rows, (resid - C @ wls.params) * np.sqrt(w), np.nan)
            pair = np.isfinite(e[1:]) & np.isfinite(e[:-1])
            rho = float(np.corrcoef(e[1:][pair], e[:-1][pair])[0, 1]) if pair.sum() > 10 else 0.0
            self.serial_factor = (1 + max(rho, 0.0)) / (1 - min(max(rho, 0.0), 0.9))
            self.sizes_cov *= self.serial_factor
            self._profile = (lags, own_c, resid, w, rows, float(wls.scale) * self.serial_factor)
        else:
            self.sizes = pd.Series(dtype=float)
            self.sizes_cov = pd.DataFrame()
        self._channel_effects(own_c)

    def _search_shapes(self, lags, own_c, shapes, resid, w, rows):
        """Half-life and delay per channel minimising the weighted SSE (coordinate search)."""
        shapes = dict(shapes)
        self.shape_sse: dict[str, dict[tuple[float, int], float]] = {}
        for ch in sorted(set(own_c["channel"])):
            sse = {}
            for h in cmp.HALF_LIFE_GRID:
                for d in cmp.DELAY_GRID:
                    trial = dict(shapes, **{ch: (h, d)})
                    C = cmp.campaign_matrix(lags, own_c, trial)
                    sse[(h, d)] = _wls(C[rows], resid[rows], w[rows])[1]
            best_h, best_d = min(sse, key=sse.get)
            # refine the half-life between its grid neighbours (the total extra calls,
            # a sum of r**k, is sensitive to it)
            grid = cmp.HALF_LIFE_GRID
            i = grid.index(best_h)
            lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]

            def cost(h, ch=ch, d=best_d):
                C = cmp.campaign_matrix(lags, own_c, dict(shapes, **{ch: (h, d)}))
                return _wls(C[rows], resid[rows], w[rows])[1]

            if hi > lo:
                opt = optimize.minimize_scalar(cost, bounds=(lo, hi), method="bounded",
                                               options={"xatol": 0.02})
                if opt.fun < sse[(best_h, best_d)]:
                    best_h = round(float(opt.x), 2)
                    sse[(best_h, best_d)] = float(opt.fun)
            shapes[ch] = (best_h, best_d)
            self.shape_sse[ch] = sse
        return shapes

    def _lags(self, dates: pd.DatetimeIndex, camps: pd.DataFrame) -> np.ndarray:
        """Open days since each campaign's start on ``dates`` (see :func:`open_day_lags`)."""
        if len(camps) == 0:
            return np.zeros((len(dates), 0))
        lo = min(dates[0], camps["start_date"].min()) - pd.Timedelta(days=1)
        hi = max(dates[-1], camps["start_date"].max()) + pd.Timedelta(days=1)
        grid = pd.date_range(lo, hi, freq="D")
        is_open = calendar_frame(grid, **self.cal_kwargs)["open"]
        return cmp.open_day_lags(is_open, dates, list(camps["start_date"]))

    def _fit_arma(self, resid: pd.Series) -> None:
        from statsmodels.tsa.statespace.sarimax import SARIMAX

        p, q = self.model.arma_order
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.arma = SARIMAX(resid.to_numpy(), order=(p, 0, q), trend="n",
                                initialization="approximate_diffuse").fit(
                disp=False, maxiter=100)

    def _channel_effects(self, own_c: pd.DataFrame) -> None:
        """Per channel: mean peak-day extra calls of a typical-audience campaign (``gamma``),
        its variance and the between-campaign variance ``tau2`` (method of moments)."""
        self.channel_effect = {}
        for ch, grp in own_c.groupby("channel"):
            ids = list(grp["campaign_id"])
            sc = grp["scale"].to_numpy(float)
            est = self.sizes[ids].to_numpy() / sc
            var = np.diag(self.sizes_cov.loc[ids, ids].to_numpy()) / sc ** 2
            wt = 1.0 / np.maximum(var, 1e-9)
            gamma = float(np.sum(wt * est) / np.sum(wt))
            var_gamma = float(1.0 / np.sum(wt))
            if len(ids) >= 2:
                spread = float(np.var(est, ddof=1))
                tau2 = max(0.0, spread - float(np.mean(var)))
                var_gamma = max(var_gamma, spread / len(ids))
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

        Notes
        -----
        The base's band is log-normal (ARMA forecast variance plus the regression
        coefficients' uncertainty); the campaigns' calls add a normal term, combined in
        quadrature: ``hi = base + C + sqrt((base_hi - base)**2 + (z sd_C)**2)``.
        """
        if horizon < 1:
            raise ValueError("horizon must be >= 1 day")
        y = self.model.calls
        dates = future_dates(y, horizon)
        cal = calendar_frame(dates, **self.cal_kwargs)
        open_future = cal["open"].to_numpy()
        if self.short_history:
            return self._short_forecast(horizon, open_future)
        Xb = self.design.base(dates, cal).to_numpy()
        fc = self.arma.get_forecast(horizon)
        mu = Xb @ self.params.to_numpy() + np.asarray(fc.predicted_mean)
        sd = np.sqrt(np.asarray(fc.var_pred_mean)
                     + np.einsum("ij,jk,ik->i", Xb, self.cov.to_numpy(), Xb))
        base = np.expm1(mu)
        c_mean, c_var = self._campaign_calls(dates, planned)
        c_sd = np.sqrt(c_var)
        out = {"forecast": base + c_mean}
        for lo, hi, z in (("lo80", "hi80", Z80), ("lo95", "hi95", Z95)):
            up = np.sqrt((np.expm1(mu + z * sd) - base) ** 2 + (z * c_sd) ** 2)
            down = np.sqrt((base - np.expm1(mu - z * sd)) ** 2 + (z * c_sd) ** 2)
            out[lo] = base + c_mean - down
            out[hi] = base + c_mean + up
        frame = pd.DataFrame(out, index=dates)[BAND_COLUMNS].clip(lower=0.0)
        frame.loc[~open_future, BAND_COLUMNS] = 0.0
        frame.index.name = "date"
        return frame

    def _campaign_calls(self, dates: pd.DatetimeIndex, planned: pd.DataFrame | None
                        ) -> tuple[np.ndarray, np.ndarray]:
        """Extra calls from campaigns on ``dates`` and their variance (calls, calls^2)."""
        camps = self.model.campaigns
        mean = np.zeros(len(dates))
        var = np.zeros(len(dates))
        own_c = camps[camps["campaign_id"].isin(self.own_campaigns)]
        if len(own_c):
            C = cmp.campaign_matrix(self._lags(dates, own_c), own_c, self.shapes)
            mean += C @ self.sizes.to_numpy()
            var += np.einsum("ij,jk,ik->i", C, self.sizes_cov.to_numpy(), C)
        pend = camps[~camps["campaign_id"].isin(self.own_campaigns)]
        if planned is not None and len(planned):
            pend = pd.concat([pend, _rescale_like(cmp.normalize_campaigns(planned), camps)],
                             ignore_index=True)
        lags = self._lags(dates, pend)
        for j, row in enumerate(pend.itertuples(index=False)):
            if row.channel not in self.channel_effect:
                msg = (f"campaign {row.campaign_id}: no past '{row.channel}' campaign in the "
                       "history to learn its effect from; forecast without it")
                if msg not in self.warnings:
                    self.warnings.append(msg)
                continue
            gamma, var_gamma, tau2 = self.channel_effect[row.channel]
            x = row.scale * cmp.adstock(lags[:, j], *self.shapes[row.channel])
            mean += gamma * x
            var += x ** 2 * (var_gamma + tau2)
        return mean, var

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
    def uplift(self, *, alpha: float = 0.05) -> pd.DataFrame:
        """Extra calls attributable to each past campaign, with a ``1 - alpha`` band.

        Campaign ``k`` brings ``a_k x_k(t)`` calls on open day ``t`` of its window (the
        counterfactual is the fitted volume without that term); its total is
        ``a_k sum_t x_k(t)``. The band covers both the size and the shape: it is the union,
        over the channel shapes (half-life, delay) that the data cannot reject (weighted
        SSE within ``chi2_1(1 - alpha)`` residual variances of the best), of
        ``(a_k +- z se(a_k)) sum_t x_k(t)``.

        Returns
        -------
        DataFrame with ``campaign_id, channel, start_date, extra_calls, extra_calls_lo,
        extra_calls_hi, peak_day_extra, half_life_days`` (calls, open days).
        """
        if not 0 < alpha < 1:
            raise ValueError("alpha must be in (0, 1)")
        z = float(stats.norm.ppf(1 - alpha / 2))
        by_day = self.uplift_by_day()
        camps = self.model.campaigns.set_index("campaign_id")
        rows = []
        # no campaign inside the history: nothing to measure (and no band to profile)
        lo_hi = self._profile_bands(z) if self.own_campaigns else {}
        for cid in self.own_campaigns:
            d = by_day[by_day["campaign_id"] == cid]
            ch = camps.loc[cid, "channel"]
            lo, hi = lo_hi[cid]
            rows.append({
                "campaign_id": cid, "channel": ch,
                "start_date": camps.loc[cid, "start_date"].date(),
                "extra_calls": float(d["extra_calls"].sum()), "extra_calls_lo": lo,
                "extra_calls_hi": hi,
                "peak_day_extra": float(d["extra_calls"].max()) if len(d) else 0.0,
                "half_life_days": float(self.half_lives[ch]),
            })
        cols = ["campaign_id", "channel", "start_date", "extra_calls", "extra_calls_lo",
                "extra_calls_hi", "peak_day_extra", "half_life_days"]
        return pd.DataFrame(rows, columns=cols)

    def _profile_bands(self, z: float) -> dict[str, tuple[float, float]]:
        """Band of each campaign's total over the plausible shapes of its channel."""
        lags, own_c, resid, w, rows, scale = self._profile
        chi = float(stats.chi2.ppf(2 * stats.norm.cdf(z) - 1, 1))
        out = {cid: (np.inf, -np.inf) for cid in own_c["campaign_id"]}
        sse = getattr(self, "shape_sse", {})
        for ch in sorted(set(own_c["channel"])):
            grid = sse.get(ch, {self.shapes[ch]: 0.0})
            best = min(grid.values())
            ok = [shp for shp, v in grid.items() if v <= best + chi * scale]
            if self.shapes[ch] not in ok:
                ok.append(self.shapes[ch])
            in_ch = (own_c["channel"] == ch).to_numpy()
            for shp in ok:
                C = cmp.campaign_matrix(lags, own_c, dict(self.shapes, **{ch: shp}))
                X = C[rows] * np.sqrt(w[rows])[:, None]
                try:
                    a = np.linalg.solve(X.T @ X, X.T @ (resid[rows] * np.sqrt(w[rows])))
                    cov = np.linalg.inv(X.T @ X) * scale
                except np.linalg.LinAlgError:
                    continue
                sx = self._window_sums(own_c, {**self.shapes, ch: shp})
                for j in np.flatnonzero(in_ch):
                    cid = own_c["campaign_id"].iloc[j]
                    se = float(np.sqrt(cov[j, j]))
                    lo, hi = out[cid]
                    out[cid] = (min(lo, (a[j] - z * se) * sx[j]), max(hi, (a[j] + z * se) * sx[j]))
        return out

    def _window_sums(self, own_c: pd.DataFrame, shapes: dict) -> np.ndarray:
        """Sum of each campaign's adstock over its whole window (open days)."""
        first = own_c["start_date"].min()
        last = own_c["start_date"].max() + pd.Timedelta(days=2 * cmp.MAX_EFFECT_DAYS)
        dates = pd.date_range(first, last, freq="D")
        return cmp.campaign_matrix(self._lags(dates, own_c), own_c, shapes).sum(axis=0)

    def uplift_by_day(self) -> pd.DataFrame:
        """Extra calls per past campaign and open day of its window, in long format:
        ``campaign_id, date, x`` (adstock shape, peak = scale) and ``extra_calls``."""
        cols = ["campaign_id", "date", "x", "extra_calls"]
        if not self.own_campaigns:
            return pd.DataFrame(columns=cols)
        camps = self.model.campaigns
        own_c = camps[camps["campaign_id"].isin(self.own_campaigns)]
        first = own_c["start_date"].min()
        last = own_c["start_date"].max() + pd.Timedelta(days=2 * cmp.MAX_EFFECT_DAYS)
        dates = pd.date_range(first, last, freq="D")
        C = cmp.campaign_matrix(self._lags(dates, own_c), own_c, self.shapes)
        frames = []
        for j, cid in enumerate(own_c["campaign_id"]):
            m = C[:, j] > 0
            frames.append(pd.DataFrame({"campaign_id": cid, "date": dates[m], "x": C[m, j],
                                        "extra_calls": float(self.sizes[cid]) * C[m, j]}))
        return pd.concat(frames, ignore_index=True)[cols]

    def planned_uplift(self, channel: str, start_date, *, audience: float | None = None,
                       days: int = 28, alpha: float = 0.2) -> pd.DataFrame:
        """Expected extra calls by day for a planned campaign.

        Parameters
        ----------
        channel : str
            The campaign's channel (must have past campaigns in the history).
        start_date : date-like
            First day of the campaign.
        audience : float, optional
            People reached; scales the effect against the channel's median audience.
        days : int
            Calendar days reported from the start.
        alpha : float
            The band is the central ``1 - alpha`` interval (default 80 %), including the
            spread between past campaigns of the channel.

        Returns
        -------
        DataFrame with ``date, extra_calls, extra_calls_lo, extra_calls_hi`` (calls).
        """
        channel = str(channel).strip().lower()
        if channel not in self.channel_effect:
            raise ValueError(f"channel {channel!r}: no past campaign of this channel in the "
                             "history, so its effect cannot be estimated")
        if days < 1:
            raise ValueError("days must be >= 1")
        start = pd.Timestamp(start_date).normalize()
        pl = _rescale_like(cmp.normalize_campaigns(pd.DataFrame({
            "campaign_id": ["planned"], "channel": [channel], "start_date": [start],
            "audience": [audience if audience is not None else np.nan]})), self.model.campaigns)
        dates = pd.date_range(start, periods=days, freq="D")
        gamma, var_gamma, tau2 = self.channel_effect[channel]
        x = float(pl["scale"].iloc[0]) * cmp.adstock(self._lags(dates, pl)[:, 0],
                                                     *self.shapes[channel])
        z = float(stats.norm.ppf(1 - alpha / 2))
        sd = np.sqrt(var_gamma + tau2)
        return pd.DataFrame({
            "date": dates, "extra_calls": gamma * x,
            "extra_calls_lo": max(gamma - z * sd, 0.0) * x,
            "extra_calls_hi": (gamma + z * sd) * x,
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
        yearly = "month effects" if self.design.months else (
            f"Fourier order {self.design.yearly_order}")
        lines.append(f"log base: yearly {yearly}, "
                     f"ARMA{self.model.arma_order} errors; {self.n_fit} days fitted, "
                     f"{len(self.outlier_dates)} outliers set aside")
        se = np.sqrt(np.diag(self.cov.to_numpy()))
        for name, b, s in zip(self.base_columns, self.params, se, strict=True):
            lines.append(f"  {name:>14s} {b: .4f} ({s:.4f})")
        if len(self.sizes):
            lines.append("campaigns: peak-day extra calls (se)")
            for cid, a in self.sizes.items():
                lines.append(f"  {cid:>14s} {a:9.1f} ({np.sqrt(self.sizes_cov.loc[cid, cid]):.1f})")
        for ch, (g, vg, t2) in self.channel_effect.items():
            lines.append(f"channel {ch}: half-life {self.half_lives[ch]} open days, delay "
                         f"{self.delays[ch]} open days, typical campaign {g:.1f} extra calls "
                         f"on its peak day (se {np.sqrt(vg):.1f}, between-campaign sd "
                         f"{np.sqrt(t2):.1f})")
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
