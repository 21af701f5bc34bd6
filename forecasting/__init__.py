"""Call-volume forecasting: pandas in, pandas out (no warehouse access).

Daily model with holidays and campaigns, baselines, intraday split, rolling-origin
backtests and accuracy measures.
"""

from forecasting.backtest import (
    DEFAULT_MODEL,
    MODELS,
    backtest,
    rolling_origin_forecasts,
    summarize,
)
from forecasting.baselines import ets, seasonal_naive
from forecasting.calendar import LineCalendar, calendar_frame, holiday_dates, learn_weekly_pattern
from forecasting.campaigns import adstock, normalize_campaigns
from forecasting.daily import (
    DailyVolumeModel,
    DailyVolumeResults,
    ShortHistoryWarning,
    as_daily_series,
)
from forecasting.intraday import as_interval_series, learn_shares, split_daily, split_wape
from forecasting.metrics import (
    bias,
    coverage,
    mase,
    poisson_wape_floor,
    seasonal_naive_mae,
    wape,
)

__all__ = [
    "DEFAULT_MODEL",
    "MODELS",
    "DailyVolumeModel",
    "DailyVolumeResults",
    "LineCalendar",
    "ShortHistoryWarning",
    "adstock",
    "bias",
    "as_daily_series",
    "as_interval_series",
    "backtest",
    "calendar_frame",
    "coverage",
    "ets",
    "holiday_dates",
    "learn_shares",
    "learn_weekly_pattern",
    "mase",
    "normalize_campaigns",
    "poisson_wape_floor",
    "rolling_origin_forecasts",
    "seasonal_naive",
    "seasonal_naive_mae",
    "split_daily",
    "split_wape",
    "summarize",
    "wape",
]
