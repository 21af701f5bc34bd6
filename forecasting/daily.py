"""Daily call-volume model: log-linear calendar base with ARMA errors, plus campaign calls.

The base, ``log(calls + 1)`` on open days, is regressed on weekday effects (learned, any
weekly pattern), a linear trend, a yearly pattern (with more than ~13 months of history)
and holiday / bridge-day / day-after-holiday / school-holiday indicators; its residuals
follow an ARMA(1, 1) process on the daily grid (closed and missing days are gaps the
Kalman filter skips). Each campaign adds calls: its size times a geometric decay over the
following open days (an adstock), with a half-life and a delay per channel learned from
past campaigns. Closed days are forecast exactly 0.

The series chooses the model's form: the yearly pattern (none, Fourier, month effects or
a spline over the day of year) by rolling-origin cross-validation
(:func:`forecasting.seasonality.select_yearly`), the campaign response (added calls,
calls proportional to the day's traffic, or multiplicative) by weighted least squares;
the day-level noise beyond Poisson is estimated and carried into the bands.

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

from forecasting import campaigns as cmp
from forecasting import errors as err
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
from forecasting.seasonality import YearlyForm, select_yearly
from forecasting.shifts import detect_level_shifts, step_terms

MIN_OBS_PER_CAMPAIGN = 3
YEARLY_MIN_DAYS = 400
#: how a campaign's calls add to the day (see :class:`DailyVolumeResults`)
CAMPAIGN_FORMS = ("additive", "proportional", "multiplicative")


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


def _wls(X: np.ndarray, r: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, float]:
    """Weighted least squares ``min sum w (r - X a)^2``: coefficients and weighted SSE."""
    sw = np.sqrt(w)
    return _ols(X * sw[:, None], r * sw)


def _nnls(X: np.ndarray, z: np.ndarray, w: np.ndarray | None = None
          ) -> tuple[np.ndarray, float]:
    """(Weighted) least squares with coefficients >= 0: campaign sizes (a campaign brings
    calls; a negative size would let it absorb a drop of the level)."""
    from scipy import optimize  # imported on use: a cached fit never needs scipy

    if X.shape[1] == 0:
        return np.zeros(0), float(z @ z if w is None else (w * z) @ z)
    if w is not None:
        sw = np.sqrt(w)
        X, z = X * sw[:, None], z * sw
    a, rnorm = optimize.nnls(X, z, maxiter=50 * X.shape[1])
    return a, float(rnorm ** 2)


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
    yearly: YearlyForm | None
    calendar_cols: list[str]
    weekdays: list[int]
    cal_kwargs: dict = field(default_factory=dict)
    allow_yearly: bool = True
    shifts: list = field(default_factory=list)

    def fixed(self, dates: pd.DatetimeIndex, cal: pd.DataFrame) -> pd.DataFrame:
        """Weekday effects, trend, calendar indicators and level shifts (everything but
        the yearly pattern)."""
        cols = {f"wd{d}": (cal["weekday"].to_numpy() == d).astype(float) for d in self.weekdays}
        cols["trend"] = ((dates - self.t0) / pd.Timedelta(days=365.25)).to_numpy(float)
        for c in self.calendar_cols:
            cols[c] = cal[c].to_numpy(float)
        frame = pd.DataFrame(cols, index=dates)
        if self.shifts:
            frame = frame.join(step_terms(dates, self.shifts))
        return frame

    def base(self, dates: pd.DatetimeIndex, cal: pd.DataFrame) -> pd.DataFrame:
        frame = self.fixed(dates, cal)
        if self.yearly is not None and self.yearly.kind != "none":
            frame = frame.join(self.yearly.terms(dates))
        return frame


@dataclass
class _Stage:
    """One backfit of the base and the campaigns, for one campaign response form."""

    form: str
    beta: np.ndarray
    z: np.ndarray               # log base (campaign calls or effects removed)
    rows: np.ndarray            # open, observed, not outliers
    base_rows: np.ndarray       # days the base is fitted on
    base: np.ndarray            # fitted base, calls
    w: np.ndarray               # campaign-stage weights, 1 / var
    shapes: dict
    sizes: np.ndarray
    fitted: np.ndarray          # base + campaign calls
    shape_sse: dict = field(default_factory=dict)
    base_ref: float = 1.0


class DailyVolumeModel:
    """Daily calls with weekly/yearly seasonality, holidays and campaigns.

    By default the series chooses the model's form (``yearly="auto"``,
    ``campaign_response="auto"``); the choice is in the results' ``model_form``.

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
    yearly : {"auto", "none", "fourier", "month", "spline"}
        Shape of the yearly pattern (:mod:`forecasting.seasonality`): chosen by
        rolling-origin cross-validation (``"auto"``), none, Fourier terms (smooth), one
        effect per calendar month (steps at month ends) or a periodic spline over the day
        of the year (dips that follow no month). Only with at least 400 days of history.
    yearly_order : int, optional
        Fourier pairs (``fourier``, or ``auto`` to force Fourier) or spline knots
        (``spline``); 0 means no yearly pattern.
    campaign_response : {"auto", "additive", "proportional", "multiplicative"}
        How a campaign's calls add to the day: a number of calls, calls in proportion to
        the day's usual traffic (weekday, season), or a factor in the log model;
        ``"auto"`` keeps the best fitting.
    arma_order : (p, q)
        ARMA order of the stationary regression errors (default (1, 1)).
    errors : {"auto", "stationary", "local_level"}
        The regression errors (:mod:`forecasting.errors`): a stationary ARMA (a deviation
        from the calendar regression fades), a local level (ARIMA(1, 1, 1): a shift of
        level persists), or ``"auto"``: the one whose 1-7-day forecasts over the last year
        of the history erred least.
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
                 yearly_order: int | None = None, yearly: str = "auto",
                 campaign_response: str = "auto",
                 arma_order: tuple[int, int] = (1, 1), errors: str = "auto",
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
        if yearly not in ("auto", "none", "fourier", "month", "spline"):
            raise ValueError("yearly must be 'auto' (chosen from the history), 'none', "
                             "'fourier' (smooth yearly wave), 'month' (one effect per "
                             "calendar month) or 'spline' (smooth curve over the day of year)")
        self.yearly = yearly
        if campaign_response not in ("auto",) + CAMPAIGN_FORMS:
            raise ValueError("campaign_response must be 'auto' or one of "
                             f"{', '.join(CAMPAIGN_FORMS)}")
        self.campaign_response = campaign_response
        if len(arma_order) != 2 or min(arma_order) < 0:
            raise ValueError("arma_order must be a pair (p, q) of non-negative integers")
        self.arma_order = tuple(arma_order)
        if errors not in ("auto",) + err.ERROR_FORMS:
            raise ValueError("errors must be 'auto' (chosen from the history), 'stationary' "
                             "(deviations fade) or 'local_level' (shifts of level persist)")
        self.errors = errors
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

    def _yearly_form(self, span_days: int) -> YearlyForm | None:
        """The requested yearly pattern, or None when it is to be chosen from the data."""
        order = self.yearly_order
        if order == 0:
            return YearlyForm("none")
        if self.yearly == "auto":
            if order is not None:
                return YearlyForm("fourier", order)
            return None if span_days >= YEARLY_MIN_DAYS else YearlyForm("none")
        if self.yearly in ("fourier", "spline"):
            size = order if order is not None else (4 if self.yearly == "fourier" else 24)
            if order is None and span_days < YEARLY_MIN_DAYS:
                return YearlyForm("none")
            return YearlyForm(self.yearly, size)
        if self.yearly == "month" and span_days < YEARLY_MIN_DAYS and order is None:
            return YearlyForm("none")
        return YearlyForm(self.yearly, 12 if self.yearly == "month" else 0)

    def fit(self) -> DailyVolumeResults:
        """Estimate the model, choosing its form from the history; returns a
        :class:`DailyVolumeResults`."""
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
        cal_cols = []
        for c in ("holiday", "bridge", "after_holiday", "school"):
            v = cal.loc[obs, c].astype(float)
            if c == "holiday" and kw["closed_on_holidays"]:
                continue
            if v.sum() > 0 and v.std() > 0:
                cal_cols.append(c)
        weekdays = sorted(set(cal.loc[obs, "weekday"]))
        design = _Design(t0=y.index[0], yearly=self._yearly_form(span), calendar_cols=cal_cols,
                         weekdays=weekdays, cal_kwargs=kw, allow_yearly=span >= YEARLY_MIN_DAYS)
        return DailyVolumeResults(self, kw, cal, design=design)


class DailyVolumeResults:
    """A fitted :class:`DailyVolumeModel`: forecasts, campaign uplift, summary.

    Attributes
    ----------
    model_form : str
        The form the history selected: yearly pattern, campaign response, errors, noise.
    yearly_form : YearlyForm
        The yearly pattern; ``yearly_scores`` the cross-validation score of each candidate.
    campaign_form : str
        ``additive``, ``proportional`` or ``multiplicative``; ``form_scores`` the weighted
        sum of squares of each.
    overdispersion_sd : float
        Sd of the day-level noise beyond Poisson (log scale, about the relative sd); the
        bands include it.

    Notes
    -----
    Volume on an open day is ``base_t + extra_t``: a log-linear base (calendar
    regression + ARMA errors) and the campaigns' calls. Campaign ``k`` has a size
    ``a_k`` and a shape ``x_k(t)`` (its channel's adstock, scaled by its audience); its
    calls are ``a_k x_k(t)`` (additive), ``a_k x_k(t) base_t / base_ref`` (proportional:
    ``a_k`` calls on a day of average traffic) or ``base_t (exp(a_k x_k(t)) - 1)``
    (multiplicative, ``a_k`` in log volume). Additive and proportional sizes are estimated
    by backfitting (the base on ``log(calls - campaign calls)``, the sizes by weighted
    least squares on ``calls - base`` with weights ``1 / (base + s2 base^2)``: Poisson plus
    the day-level noise); multiplicative effects jointly with the base in the log
    regression. The channel shapes (half-life, delay) are found by profile least squares
    on a grid. Each campaign's size is then shrunk toward its channel's typical size
    (:func:`forecasting.campaigns.pool_channel`).
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
        self.yearly_scores: dict[str, float] = {}
        self.form_scores: dict[str, float] = {}
        self.campaign_form = "additive"
        self.overdispersion_sd = float("nan")
        self.shift_scores: dict[str, float] = {}
        self.model_form = "seasonal naive (short history)"
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
        design = self.design
        auto_yearly = design.yearly is None
        if auto_yearly:  # provisional pattern to set outliers and campaigns aside
            design.yearly = YearlyForm("fourier", 4)
        Xb = design.base(dates, self.calendar).to_numpy()
        first = self._backfit(Xb, yv, rows, lags, own_c, shapes, search, "additive",
                              flag_outliers=True)
        rows = first.rows
        if auto_yearly:
            fixed = design.fixed(dates, self.calendar).to_numpy()
            design.yearly, self.yearly_scores = select_yearly(fixed, dates, first.z,
                                                              first.base_rows)
            Xb = design.base(dates, self.calendar).to_numpy()
        if self._find_shifts(first):
            Xb = design.base(dates, self.calendar).to_numpy()
        forms = ([model.campaign_response] if model.campaign_response != "auto"
                 else list(CAMPAIGN_FORMS)) if len(own_c) else ["additive"]
        stages = {}
        for form in forms:
            stages[form] = self._backfit(Xb, yv, rows, lags, own_c, first.shapes, search,
                                         form, flag_outliers=False)
        if len(stages) > 1:
            w = stages["additive"].w
            self.form_scores = {f: float(np.sum(w[rows] * (yv[rows] - s.fitted[rows]) ** 2))
                                for f, s in stages.items()}
            # a non-additive response must beat added calls by 0.5 % of the weighted SSE
            best = min(self.form_scores, key=self.form_scores.get)
            if self.form_scores[best] > 0.995 * self.form_scores["additive"]:
                best = "additive"
        else:
            best = forms[0]
        st = stages[best]
        self._stage = st
        self.campaign_form = best
        self.yearly_form = design.yearly
        self.base_columns = list(design.base(dates[:1], self.calendar.iloc[:1]).columns)
        self.shapes = st.shapes
        self.shape_sse = st.shape_sse
        self.half_lives = {ch: float(v[0]) for ch, v in st.shapes.items()}
        self.delays = {ch: int(v[1]) for ch, v in st.shapes.items()}
        self.base_ref = st.base_ref
        import statsmodels.api as sm

        base_rows = st.base_rows
        # coefficients' covariance robust to the errors' serial correlation (Newey-West):
        # a trend, a step or a yearly term is known less well than independent days say
        ols = sm.OLS(st.z[base_rows], Xb[base_rows]).fit(cov_type="HAC",
                                                          cov_kwds={"maxlags": 10})
        self.params = pd.Series(ols.params, index=self.base_columns)
        self.cov = pd.DataFrame(ols.cov_params(), index=self.base_columns,
                                columns=self.base_columns)
        self.n_fit = int(base_rows.sum())
        self.fit_rows = base_rows
        self.resid = pd.Series(np.where(base_rows, st.z - Xb @ ols.params, np.nan), index=dates)
        self.error_fit = err.select_errors(self.resid.to_numpy(), model.arma_order,
                                           model.errors)
        self.arma = self.error_fit.fit
        noise_fit = self.error_fit.fits.get("stationary", self.arma)
        sigma2 = float(np.asarray(noise_fit.params)[-1])
        poisson = float(np.mean(1.0 / np.maximum(st.base[base_rows] + 1.0, 1.0)))
        self.overdispersion_sd = float(np.sqrt(max(sigma2 - poisson, 0.0)))
        self._Xb, self._lags_own, self._yv = Xb, lags, yv
        if len(own_c):
            a, cov, scale = self._sizes_for(st.shapes)
            self.raw_sizes = pd.Series(a, index=self.own_campaigns)
            self._size_scale = scale
            self._channel_effects(own_c, a, cov)
        else:
            self.raw_sizes = pd.Series(dtype=float)
            self.sizes = pd.Series(dtype=float)
            self.sizes_cov = pd.DataFrame()
        shifts = (f"; level shifts {', '.join(str(d.date()) for d in design.shifts)}"
                  if design.shifts else "")
        self.model_form = (f"yearly {design.yearly.label}{shifts}; campaigns "
                           f"{self.campaign_form if len(own_c) else 'none'}; "
                           f"{self.error_fit.label} errors; "
                           f"Poisson + day noise sd {self.overdispersion_sd:.3f}")

    def _find_shifts(self, first: _Stage) -> bool:
        """Level shifts of the log base (:mod:`forecasting.shifts`), kept in the design when
        they improve the rolling-origin forecasts of the selected yearly pattern."""
        design, dates = self.design, self.model.calls.index
        rows = first.base_rows
        Xb = design.base(dates, self.calendar).to_numpy()
        shifts = detect_level_shifts(dates, Xb, first.z, rows)
        if not shifts:
            return False
        cand = [(design.yearly.kind, design.yearly.size)]
        fixed0 = design.fixed(dates, self.calendar).to_numpy()
        trial = _Design(**{**design.__dict__, "shifts": shifts})
        fixed1 = trial.fixed(dates, self.calendar).to_numpy()
        _, s0 = select_yearly(fixed0, dates, first.z, rows, cand)
        _, s1 = select_yearly(fixed1, dates, first.z, rows, cand)
        label = design.yearly.label
        self.shift_scores = {"without": s0.get(label, np.nan), "with": s1.get(label, np.nan)}
        if not (s1.get(label, np.inf) < 0.99 * s0.get(label, np.inf)):
            return False
        design.shifts = shifts
        return True

    def _backfit(self, Xb, yv, rows, lags, own_c, shapes, search, form, *, flag_outliers
                 ) -> _Stage:
        """Base and campaign sizes for one response ``form`` (see the class notes)."""
        dates = self.model.calls.index
        rows = rows.copy()
        shapes = dict(shapes)
        shape_sse: dict = {}
        near = (np.nan_to_num(lags, nan=-1.0) >= 0) & (np.nan_to_num(lags, nan=99.0) < 10)
        campaign_days = near.any(axis=1) if len(own_c) else np.zeros(len(rows), bool)
        base_rows = rows & ~campaign_days
        if base_rows.sum() < 0.5 * rows.sum():
            base_rows = rows.copy()
        if form == "multiplicative":
            return self._backfit_log(Xb, yv, rows, lags, own_c, shapes, search)
        campaign_calls = np.zeros(len(dates))
        if flag_outliers:
            self.outlier_dates = dates[:0]
        a = np.zeros(len(own_c))
        base_ref = 1.0
        for it in range(3):
            z = np.log1p(np.clip(yv - campaign_calls, 0.1 * np.nan_to_num(yv), None))
            beta, _ = _ols(Xb[base_rows], z[base_rows])
            r = z - Xb @ beta
            if flag_outliers and it < 2:  # set gross outliers aside (outages, storms)
                out = err.outlier_days(r, base_rows & ~campaign_days)
                if it == 0:
                    # before the campaigns are estimated, a campaign day is judged only
                    # when it falls far short (a campaign never removes calls)
                    out |= err.outlier_days(r, rows & campaign_days, side="low",
                                            scale_rows=base_rows & ~campaign_days)
                else:
                    # the residual is now net of the campaign calls: a campaign day is an
                    # outlier beyond twice the usual distance (a response of another
                    # shape or form is the campaign's, not the day's)
                    out |= err.outlier_days(r, rows & campaign_days, z=2 * err.OUTLIER_Z,
                                            scale_rows=rows & ~campaign_days)
                base_rows &= ~out
                rows &= ~out
                self.outlier_dates = self.outlier_dates.union(dates[out])
            base = np.expm1(Xb @ beta)
            s2 = max(float(np.var(r[base_rows])) - float(np.mean(1.0 / np.maximum(
                base[base_rows], 1.0))), 0.0)
            w = 1.0 / np.maximum(base + s2 * base ** 2, 1.0)
            if not len(own_c):
                break
            resid = yv - base
            base_ref = float(np.mean(base[rows]))
            mult = base / base_ref if form == "proportional" else np.ones(len(dates))

            def cost(C, resid=resid, w=w, mult=mult, rows=rows):
                return _nnls((C * mult[:, None])[rows], resid[rows], w[rows])[1]

            if search and it < 2:
                shapes, shape_sse = self._search_shapes(lags, own_c, shapes, cost)
            R = cmp.campaign_matrix(lags, own_c, shapes) * mult[:, None]
            a, _ = _nnls(R[rows], resid[rows], w[rows])
            campaign_calls = R @ a
            base_rows = rows.copy()
        return _Stage(form=form, beta=beta, z=z, rows=rows, base_rows=base_rows, base=base, w=w,
                      shapes=shapes, sizes=a, fitted=base + campaign_calls,
                      shape_sse=shape_sse, base_ref=base_ref)

    def _backfit_log(self, Xb, yv, rows, lags, own_c, shapes, search) -> _Stage:
        """Multiplicative campaigns: ``log(1 + calls) = X beta + C a + e`` by least squares."""
        z = np.log1p(np.nan_to_num(yv))
        Q, _ = np.linalg.qr(Xb[rows])
        zr = z[rows] - Q @ (Q.T @ z[rows])
        shape_sse: dict = {}

        def cost(C):
            Cr = C[rows] - Q @ (Q.T @ C[rows])
            return _nnls(Cr, zr)[1]

        if search:
            shapes, shape_sse = self._search_shapes(lags, own_c, shapes, cost)
        C = cmp.campaign_matrix(lags, own_c, shapes)
        Cr = C[rows] - Q @ (Q.T @ C[rows])
        a, _ = _nnls(Cr, zr)
        beta, _ = _ols(Xb[rows], z[rows] - C[rows] @ a)
        base = np.expm1(Xb @ beta)
        eff = C @ a
        r = z - Xb @ beta - eff
        s2 = max(float(np.var(r[rows])) - float(np.mean(1.0 / np.maximum(base[rows], 1.0))), 0.0)
        w = 1.0 / np.maximum(base + s2 * base ** 2, 1.0)
        fitted = (1.0 + base) * np.exp(eff) - 1.0
        return _Stage(form="multiplicative", beta=beta, z=z - eff, rows=rows, base_rows=rows,
                      base=base, w=w, shapes=shapes, sizes=a, fitted=fitted,
                      shape_sse=shape_sse, base_ref=float(np.mean(base[rows])))

    def _sizes_for(self, shapes: dict) -> tuple[np.ndarray, np.ndarray, float]:
        """Campaign sizes, their covariance (widened for serial correlation) and the
        residual scale, for the chosen form and the given channel shapes."""
        st, rows = self._stage, self._stage.rows
        own_c = self._own_c()
        C = cmp.campaign_matrix(self._lags_own, own_c, shapes)
        if st.form == "multiplicative":
            X = np.column_stack([self._Xb, C])[rows]
            z = st.z + cmp.campaign_matrix(self._lags_own, own_c, st.shapes) @ st.sizes
            zr = z[rows]
            xtx_inv = np.linalg.pinv(X.T @ X)
            p = self._Xb.shape[1]
            Q, _ = np.linalg.qr(self._Xb[rows])
            a, _ = _nnls(C[rows] - Q @ (Q.T @ C[rows]), zr - Q @ (Q.T @ zr))
            beta, _ = _ols(self._Xb[rows], zr - C[rows] @ a)
            e = zr - self._Xb[rows] @ beta - C[rows] @ a
            scale = float(e @ e) / max(len(zr) - X.shape[1], 1)
            cov = xtx_inv[p:, p:] * scale
            e_full = np.full(len(rows), np.nan)
            e_full[rows] = e
        else:
            mult = st.base / st.base_ref if st.form == "proportional" else np.ones(len(rows))
            R = C * mult[:, None]
            resid = self._yv - st.base
            sw = np.sqrt(st.w[rows])
            X = R[rows] * sw[:, None]
            xtx_inv = np.linalg.pinv(X.T @ X)
            a, _ = _nnls(X, resid[rows] * sw)
            e = resid[rows] * sw - X @ a
            scale = float(e @ e) / max(len(e) - X.shape[1], 1)
            cov = xtx_inv * scale
            e_full = np.full(len(rows), np.nan)
            e_full[rows] = e
        # serial correlation of the residuals (the base drifts for days) widens the
        # sizes' uncertainty by the AR(1) long-run factor (1 + rho) / (1 - rho)
        pair = np.isfinite(e_full[1:]) & np.isfinite(e_full[:-1])
        rho = float(np.corrcoef(e_full[1:][pair], e_full[:-1][pair])[0, 1]) if pair.sum() > 10 else 0.0
        rho = min(max(rho, 0.0), 0.9)
        factor = (1 + rho) / (1 - rho)
        return a, cov * factor, scale * factor

    def _own_c(self) -> pd.DataFrame:
        camps = self.model.campaigns
        return camps[camps["campaign_id"].isin(self.own_campaigns)]

    def _search_shapes(self, lags, own_c, shapes, cost):
        """Half-life and delay per channel minimising ``cost(campaign matrix)`` (coordinate
        search on the grid, then the half-life refined between its grid neighbours)."""
        shapes = dict(shapes)
        shape_sse: dict[str, dict[tuple[float, int], float]] = {}
        for ch in sorted(set(own_c["channel"])):
            sse = {}
            for h in cmp.HALF_LIFE_GRID:
                for d in cmp.DELAY_GRID:
                    sse[(h, d)] = cost(cmp.campaign_matrix(lags, own_c, dict(shapes, **{ch: (h, d)})))
            best_h, best_d = min(sse, key=sse.get)
            grid = cmp.HALF_LIFE_GRID
            i = grid.index(best_h)
            lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]

            def one(h, ch=ch, d=best_d):
                return cost(cmp.campaign_matrix(lags, own_c, dict(shapes, **{ch: (h, d)})))

            if hi > lo:
                from scipy import optimize

                opt = optimize.minimize_scalar(one, bounds=(lo, hi), method="bounded",
                                               options={"xatol": 0.02})
                if opt.fun < sse[(best_h, best_d)]:
                    best_h = round(float(opt.x), 2)
                    sse[(best_h, best_d)] = float(opt.fun)
            shapes[ch] = (best_h, best_d)
            shape_sse[ch] = sse
        return shapes, shape_sse

    def _lags(self, dates: pd.DatetimeIndex, camps: pd.DataFrame) -> np.ndarray:
        """Open days since each campaign's start on ``dates`` (see :func:`open_day_lags`)."""
        if len(camps) == 0:
            return np.zeros((len(dates), 0))
        lo = min(dates[0], camps["start_date"].min()) - pd.Timedelta(days=1)
        hi = max(dates[-1], camps["start_date"].max()) + pd.Timedelta(days=1)
        grid = pd.date_range(lo, hi, freq="D")
        is_open = calendar_frame(grid, **self.cal_kwargs)["open"]
        return cmp.open_day_lags(is_open, dates, list(camps["start_date"]))

    def _channel_effects(self, own_c: pd.DataFrame, a: np.ndarray, cov: np.ndarray) -> None:
        """Per channel: the typical size of a typical-audience campaign (``gamma``), its
        variance and the between-campaign variance ``tau2``; each campaign's size shrunk
        toward its channel's (``sizes``, ``sizes_cov``)."""
        self.channel_effect = {}
        post = np.array(a, float)
        post_var = np.diag(cov).astype(float).copy()
        chans = own_c["channel"].to_numpy(object)
        sc = own_c["scale"].to_numpy(float)
        for ch in sorted(set(chans)):
            m = chans == ch
            p, pv, gamma, var_gamma, tau2 = cmp.pool_channel(a[m] / sc[m],
                                                             np.diag(cov)[m] / sc[m] ** 2)
            post[m] = p * sc[m]
            post_var[m] = pv * sc[m] ** 2
            self.channel_effect[ch] = (gamma, var_gamma, tau2)
        self.sizes = pd.Series(post, index=self.own_campaigns)
        self.sizes_cov = pd.DataFrame(np.diag(post_var), index=self.own_campaigns,
                                      columns=self.own_campaigns)

    # ------------------------------------------------------------------ forecasting
    def _log_base(self, dates: pd.DatetimeIndex) -> np.ndarray:
        """Log base on ``dates``: the calendar regression, plus the ARMA forecast after the
        history's last day."""
        cal = calendar_frame(dates, **self.cal_kwargs)
        mu = self.design.base(dates, cal).to_numpy() @ self.params.to_numpy()
        end = self.model.calls.index[-1]
        fut = np.asarray(dates > end)
        if fut.any():
            steps = ((dates[fut] - end) / pd.Timedelta(days=1)).to_numpy().astype(int)
            mean = np.asarray(self.arma.get_forecast(int(steps.max())).predicted_mean)
            mu[fut] += mean[steps - 1]
        return mu

    def _to_calls(self, lin: np.ndarray, lin_var: np.ndarray, base: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
        """Campaign calls and their variance from the sizes' linear term ``lin`` (calls
        at average traffic, or log effect) and its variance, on days with ``base`` calls."""
        if self.campaign_form == "proportional":
            m = base / self.base_ref
            return lin * m, lin_var * m ** 2
        if self.campaign_form == "multiplicative":
            g = (1.0 + base) * np.exp(lin)
            return g - (1.0 + base), lin_var * g ** 2
        return lin, lin_var

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
        The base's band is log-normal (the error process's forecast variance, which holds
        the Poisson and day-level noise, widened when the history's own 1-7-day errors
        were larger (:func:`forecasting.errors.band_scale`), plus the regression
        coefficients' serial-correlation-robust uncertainty); the campaigns' calls add a
        normal term, combined in quadrature:
        ``hi = base + C + sqrt((base_hi - base)**2 + (z sd_C)**2)``.
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
        sd = np.sqrt(np.asarray(fc.var_pred_mean) * self.error_fit.band_scale ** 2
                     + np.einsum("ij,jk,ik->i", Xb, self.cov.to_numpy(), Xb))
        base = np.expm1(mu)
        c_mean, c_var = self._campaign_calls(dates, planned, base)
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

    def _campaign_calls(self, dates: pd.DatetimeIndex, planned: pd.DataFrame | None,
                        base: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Extra calls from campaigns on ``dates`` (with ``base`` calls) and their
        variance (calls, calls^2)."""
        camps = self.model.campaigns
        lin = np.zeros(len(dates))
        var = np.zeros(len(dates))
        own_c = self._own_c()
        if len(own_c):
            C = cmp.campaign_matrix(self._lags(dates, own_c), own_c, self.shapes)
            lin += C @ self.sizes.to_numpy()
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
            lin += gamma * x
            var += x ** 2 * (var_gamma + tau2)
        return self._to_calls(lin, var, base)

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

        The counterfactual is the fitted volume without the campaign's term; its total is
        the sum of its calls over its window (see the class notes for each response
        form), with its size shrunk toward its channel's typical size. The band covers
        both the size and the shape: it is the union, over the channel shapes
        (half-life, delay) that the data cannot reject (profile sum of squares within
        ``chi2_1(1 - alpha)`` residual variances of the best), of the totals at the
        shrunk size ``+- z sd``.

        Returns
        -------
        DataFrame with ``campaign_id, channel, start_date, extra_calls, extra_calls_lo,
        extra_calls_hi, peak_day_extra, half_life_days, model_form`` (calls, open days;
        ``model_form``: the campaign response form used).
        """
        if not 0 < alpha < 1:
            raise ValueError("alpha must be in (0, 1)")
        from scipy import stats

        z = float(stats.norm.ppf(1 - alpha / 2))
        cols = ["campaign_id", "channel", "start_date", "extra_calls", "extra_calls_lo",
                "extra_calls_hi", "peak_day_extra", "half_life_days", "model_form"]
        if not self.own_campaigns:
            return pd.DataFrame(columns=cols)
        own_c = self._own_c()
        daily = self._window_calls(self.sizes.to_numpy(), self.shapes)
        lo_hi = self._profile_bands(z)
        rows = []
        for j, row in enumerate(own_c.itertuples(index=False)):
            lo, hi = lo_hi[row.campaign_id]
            rows.append({
                "campaign_id": row.campaign_id, "channel": row.channel,
                "start_date": row.start_date.date(),
                "extra_calls": float(daily[:, j].sum()), "extra_calls_lo": lo,
                "extra_calls_hi": hi, "peak_day_extra": float(daily[:, j].max()),
                "half_life_days": float(self.half_lives[row.channel]),
                "model_form": self.campaign_form,
            })
        return pd.DataFrame(rows, columns=cols)

    def _window(self) -> tuple[pd.DatetimeIndex, np.ndarray]:
        """Days covering every past campaign's window, and the base calls on them."""
        if getattr(self, "_window_cache", None) is None:
            own_c = self._own_c()
            first = own_c["start_date"].min()
            last = own_c["start_date"].max() + pd.Timedelta(days=2 * cmp.MAX_EFFECT_DAYS)
            dates = pd.date_range(first, last, freq="D")
            self._window_cache = (dates, np.expm1(self._log_base(dates)))
        return self._window_cache

    def _window_calls(self, sizes: np.ndarray, shapes: dict) -> np.ndarray:
        """Each past campaign's own calls per day of the window (days x campaigns)."""
        own_c = self._own_c()
        dates, base = self._window()
        C = cmp.campaign_matrix(self._lags(dates, own_c), own_c, shapes)
        if self.campaign_form == "proportional":
            return C * sizes[None, :] * (base / self.base_ref)[:, None]
        if self.campaign_form == "multiplicative":
            return (1.0 + base)[:, None] * np.expm1(C * sizes[None, :])
        return C * sizes[None, :]

    def _profile_bands(self, z: float) -> dict[str, tuple[float, float]]:
        """Band of each campaign's total over the plausible shapes of its channel."""
        own_c = self._own_c()
        from scipy import stats

        chi = float(stats.chi2.ppf(2 * stats.norm.cdf(z) - 1, 1))
        out = {cid: (np.inf, -np.inf) for cid in own_c["campaign_id"]}
        chans = own_c["channel"].to_numpy(object)
        sc = own_c["scale"].to_numpy(float)
        for ch in sorted(set(chans)):
            grid = self.shape_sse.get(ch, {self.shapes[ch]: 0.0})
            best = min(grid.values())
            ok = [shp for shp, v in grid.items() if v <= best + chi * self._size_scale]
            if self.shapes[ch] not in ok:
                ok.append(self.shapes[ch])
            m = chans == ch
            for shp in ok:
                shapes = {**self.shapes, ch: shp}
                if shp == self.shapes[ch]:
                    post, sd = self.sizes.to_numpy()[m], np.sqrt(np.diag(self.sizes_cov))[m]
                else:
                    try:
                        a, cov, _ = self._sizes_for(shapes)
                    except np.linalg.LinAlgError:
                        continue
                    p, pv, *_ = cmp.pool_channel(a[m] / sc[m], np.diag(cov)[m] / sc[m] ** 2)
                    post, sd = p * sc[m], np.sqrt(pv) * sc[m]
                full = self.sizes.to_numpy().copy()
                full[m] = post - z * sd
                lo = self._window_calls(full, shapes).sum(axis=0)
                full[m] = post + z * sd
                hi = self._window_calls(full, shapes).sum(axis=0)
                for j in np.flatnonzero(m):
                    cid = own_c["campaign_id"].iloc[j]
                    a_lo, a_hi = out[cid]
                    out[cid] = (min(a_lo, lo[j]), max(a_hi, hi[j]))
        return out

    def uplift_by_day(self) -> pd.DataFrame:
        """Extra calls per past campaign and open day of its window, in long format:
        ``campaign_id, date, x`` (adstock shape, peak = scale) and ``extra_calls``."""
        cols = ["campaign_id", "date", "x", "extra_calls"]
        if not self.own_campaigns:
            return pd.DataFrame(columns=cols)
        own_c = self._own_c()
        dates, _ = self._window()
        C = cmp.campaign_matrix(self._lags(dates, own_c), own_c, self.shapes)
        daily = self._window_calls(self.sizes.to_numpy(), self.shapes)
        frames = []
        for j, cid in enumerate(own_c["campaign_id"]):
            m = C[:, j] > 0
            frames.append(pd.DataFrame({"campaign_id": cid, "date": dates[m], "x": C[m, j],
                                        "extra_calls": daily[m, j]}))
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
        from scipy import stats

        z = float(stats.norm.ppf(1 - alpha / 2))
        sd = np.sqrt(var_gamma + tau2)
        base = np.expm1(self._log_base(dates))
        zero = np.zeros(len(dates))
        return pd.DataFrame({
            "date": dates, "extra_calls": self._to_calls(gamma * x, zero, base)[0],
            "extra_calls_lo": self._to_calls(max(gamma - z * sd, 0.0) * x, zero, base)[0],
            "extra_calls_hi": self._to_calls((gamma + z * sd) * x, zero, base)[0],
        })

    # ------------------------------------------------------------------ reporting
    def summary(self) -> str:
        """A short text summary: data, calendar, selected form, coefficients, campaigns."""
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
        lines.append(f"model form: {self.model_form}")
        if self.yearly_scores:
            best = min(self.yearly_scores.values())
            lines.append("  yearly pattern, cross-validated error relative to the best: " + ", ".join(
                f"{k} {v / best:.3f}" for k, v in sorted(self.yearly_scores.items(),
                                                          key=lambda kv: kv[1])))
        if self.form_scores:
            best = min(self.form_scores.values())
            lines.append("  campaign response, weighted sum of squares relative to the best: "
                         + ", ".join(f"{k} {v / best:.3f}" for k, v in self.form_scores.items()))
        lines.append(f"log base: {self.n_fit} days fitted, "
                     f"{len(self.outlier_dates)} outliers set aside")
        se = np.sqrt(np.diag(self.cov.to_numpy()))
        for name, b, s in zip(self.base_columns, self.params, se, strict=True):
            lines.append(f"  {name:>14s} {b: .4f} ({s:.4f})")
        unit = {"additive": "peak-day extra calls",
                "proportional": "peak-day extra calls on a day of average traffic",
                "multiplicative": "peak-day log effect"}[self.campaign_form]
        if len(self.sizes):
            lines.append(f"campaigns ({self.campaign_form}): {unit}, shrunk toward the "
                         "channel (own estimate)")
            for cid, a in self.sizes.items():
                lines.append(f"  {cid:>14s} {a:9.3f} ({self.raw_sizes[cid]:.3f}), "
                             f"se {np.sqrt(self.sizes_cov.loc[cid, cid]):.3f}")
        for ch, (g, vg, t2) in self.channel_effect.items():
            lines.append(f"channel {ch}: half-life {self.half_lives[ch]} open days, delay "
                         f"{self.delays[ch]} open days, typical campaign {g:.3f} ({unit}; "
                         f"se {np.sqrt(vg):.3f}, between-campaign sd {np.sqrt(t2):.3f})")
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
