"""Rolling-origin backtests: WAPE, MASE and interval coverage per horizon and segment.

Origins are the last training day, every ``step_days`` going back from the end of the
history (the latest origin leaves ``step_days`` days to check). From each origin every
model forecasts ``horizon_days`` days; the forecasts are scored against the actuals
on open, observed days.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from forecasting import baselines, metrics
from forecasting._blas import single_blas_thread
from forecasting.calendar import calendar_frame
from forecasting.campaigns import normalize_campaigns
from forecasting.daily import DailyVolumeModel, as_daily_series

#: the model copil uses by default, chosen from backtests (see README, forecasting section)
DEFAULT_MODEL = "loglinear_arma"
MODELS = ("loglinear_arma", "combination", "seasonal_naive", "ets")
HORIZONS = (("d1-7", 1, 7), ("d8-14", 8, 14), ("w3-13", 15, 91))
#: a target day belongs to the campaign segment when it falls within this many days
#: after a campaign start (start day included)
CAMPAIGN_WINDOW_DAYS = 14
SUMMARY_COLUMNS = ["model", "selected", "horizon", "segment", "wape", "mase", "coverage_80",
                   "coverage_95", "n", "model_form"]


def horizon_label(h: int) -> str | None:
    """``d1-7``, ``d8-14`` or ``w3-13`` for a horizon of ``h`` days (None beyond 91)."""
    for label, lo, hi in HORIZONS:
        if lo <= h <= hi:
            return label
    return None


def origins(dates: pd.DatetimeIndex, n_origins: int, step_days: int) -> list[pd.Timestamp]:
    """Backtest origins (last training days), oldest first."""
    last = dates[-1]
    out = [last - pd.Timedelta(days=step_days * k) for k in range(n_origins, 0, -1)]
    return [o for o in out if o > dates[0] + pd.Timedelta(days=13)]


def rolling_origin_forecasts(calls, *, campaigns: pd.DataFrame | None = None,
                             n_origins: int = 26, step_days: int = 7, horizon_days: int = 91,
                             models=MODELS, **model_options) -> pd.DataFrame:
    """Forecasts of every model from every origin, in long format.

    Parameters
    ----------
    calls : Series or DataFrame
        Daily calls (see :func:`forecasting.daily.as_daily_series`).
    campaigns : DataFrame, optional
        Campaign calendar; campaigns after an origin are known in advance (planned).
    n_origins, step_days, horizon_days : int
        Number of origins, days between origins, days forecast from each.
    models : iterable of str
        Among ``loglinear_arma``, ``combination``, ``seasonal_naive``, ``ets``.
    **model_options
        Passed to :class:`DailyVolumeModel` (holidays, school_zones...).

    Returns
    -------
    DataFrame with ``model, origin, date, h, actual, open, forecast, lo80, hi80, lo95,
    hi95, scale, model_form`` where ``scale`` is the seasonal-naive in-sample MAE at that
    origin and ``model_form`` the form the model selected there.
    """
    y = as_daily_series(calls)
    camps = normalize_campaigns(campaigns)
    unknown = set(models) - set(MODELS)
    if unknown:
        raise ValueError(f"models: unknown {sorted(unknown)}; choose among {list(MODELS)}")
    frames = []
    for origin in origins(y.index, n_origins, step_days):
        train = y.loc[:origin]
        h = min(horizon_days, (y.index[-1] - origin).days)
        if h < 1:
            continue
        model = DailyVolumeModel(train, campaigns=camps, **model_options)
        kw = model._calendar_kwargs()
        open_past = calendar_frame(train.index, **kw)["open"].to_numpy()
        fut = baselines.future_dates(train, h)
        open_future = calendar_frame(fut, **kw)["open"].to_numpy()
        scale = metrics.seasonal_naive_mae(train, open_days=pd.Series(open_past, train.index))
        fcs: dict[str, pd.DataFrame] = {}
        forms = {"seasonal_naive": "same weekday last week", "ets": "ETS(A,Ad,A) weekly"}
        if "loglinear_arma" in models or "combination" in models:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = model.fit()
                fcs["loglinear_arma"] = res.forecast(h)
            forms["loglinear_arma"] = res.model_form
            forms["combination"] = f"mean of ({res.model_form}) and ETS"
        if "seasonal_naive" in models:
            fcs["seasonal_naive"] = baselines.seasonal_naive(train, h, open_future, open_past)
        if "ets" in models or "combination" in models:
            fcs["ets"] = baselines.ets(train, h, open_future, open_past)
        if "combination" in models:
            fcs["combination"] = (fcs["loglinear_arma"] + fcs["ets"]) / 2.0
        for name in models:
            f = fcs[name].copy()
            f["model"] = name
            f["origin"] = origin
            f["h"] = np.arange(1, h + 1)
            f["actual"] = y.reindex(f.index).to_numpy()
            f["open"] = open_future
            f["scale"] = scale
            f["model_form"] = forms[name]
            frames.append(f.reset_index())
    if not frames:
        raise ValueError("backtest: the history is too short for any origin; give at least "
                         "three weeks of daily data")
    cols = ["model", "origin", "date", "h", "actual", "open", "forecast", "lo80", "hi80",
            "lo95", "hi95", "scale", "model_form"]
    return pd.concat(frames, ignore_index=True)[cols]


def campaign_days(dates: pd.Series, campaigns: pd.DataFrame | None,
                  window_days: int = CAMPAIGN_WINDOW_DAYS) -> np.ndarray:
    """True for dates within ``window_days`` days after a campaign start (start included)."""
    camps = normalize_campaigns(campaigns)
    d = pd.to_datetime(dates).to_numpy()
    out = np.zeros(len(d), bool)
    for start in camps["start_date"]:
        lag = (d - np.datetime64(start)) / np.timedelta64(1, "D")
        out |= (lag >= 0) & (lag < window_days)
    return out


def summarize(forecasts: pd.DataFrame, campaigns: pd.DataFrame | None = None,
              selected: str = DEFAULT_MODEL) -> pd.DataFrame:
    """Accuracy rows ``model, selected, horizon, segment, wape, mase, coverage_80,
    coverage_95, n, model_form`` over open, observed target days (``model_form``: the
    form selected at the latest origin).

    ``mase`` is the mean over target days of ``|actual - forecast| / scale``; with a
    single origin it equals the glossary's MAE / seasonal-naive in-sample MAE.
    """
    f = forecasts[forecasts["open"] & forecasts["actual"].notna()].copy()
    f["horizon"] = f["h"].map(horizon_label)
    f = f[f["horizon"].notna()]
    f["campaign"] = campaign_days(f["date"], campaigns)
    rows = []
    order = {m: i for i, m in enumerate(MODELS)}
    for (model, horizon), g in f.groupby(["model", "horizon"], sort=False):
        for segment, part in (("all", g), ("campaign", g[g["campaign"]])):
            if segment == "campaign" and len(part) == 0:
                continue
            a, fc = part["actual"].to_numpy(), part["forecast"].to_numpy()
            rows.append({
                "model": model, "selected": model == selected, "horizon": horizon,
                "segment": segment, "wape": metrics.wape(a, fc),
                "mase": float(np.mean(np.abs(a - fc) / part["scale"].to_numpy())),
                "coverage_80": metrics.coverage(a, part["lo80"], part["hi80"]),
                "coverage_95": metrics.coverage(a, part["lo95"], part["hi95"]),
                "n": int(len(part)),
                "model_form": (str(g.sort_values("origin")["model_form"].iloc[-1])
                               if "model_form" in g else ""),
            })
    out = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    hz = {label: i for i, (label, _, _) in enumerate(HORIZONS)}
    out["_k"] = out["model"].map(order).fillna(99) * 100 + out["horizon"].map(hz) * 2 + (
        out["segment"] == "campaign")
    return out.sort_values("_k").drop(columns="_k").reset_index(drop=True)


def backtest(calls, *, campaigns: pd.DataFrame | None = None, n_origins: int = 26,
             step_days: int = 7, horizon_days: int = 91, models=MODELS,
             **model_options) -> pd.DataFrame:
    """Rolling-origin backtest summary (see :func:`summarize`)."""
    with single_blas_thread():
        fc = rolling_origin_forecasts(calls, campaigns=campaigns, n_origins=n_origins,
                                      step_days=step_days, horizon_days=horizon_days,
                                      models=models, **model_options)
    return summarize(fc, campaigns)
