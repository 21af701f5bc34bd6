"""Calendar features and campaign regressors, checked against known dates and values."""

import numpy as np
import pandas as pd
import pytest

from forecasting.calendar import calendar_frame, holiday_dates, learn_weekly_pattern
from forecasting.campaigns import (
    adstock,
    decay_rate,
    extra_calls,
    normalize_campaigns,
    open_day_lags,
)


def test_french_holidays_bridge_and_day_after():
    dates = pd.date_range("2025-04-14", "2025-06-15", freq="D")
    cal = calendar_frame(dates, holidays="FR", closed_weekdays=(6,), weekend=(5, 6))
    hol = set(cal.index[cal["holiday"]].strftime("%m-%d"))
    assert hol == {"04-21", "05-01", "05-08", "05-29", "06-09"}
    # Ascension Thursday 29 May 2025 -> Friday 30 May is a bridge day
    assert list(cal.index[cal["bridge"]].strftime("%m-%d")) == ["05-02", "05-09", "05-30"]
    # first working day after Easter Monday and after Whit Monday
    after = set(cal.index[cal["after_holiday"]].strftime("%m-%d"))
    assert {"04-22", "06-10"} <= after
    assert not cal.loc["2025-04-21", "open"] and not cal.loc["2025-04-20", "open"]
    assert cal.loc["2025-04-19", "open"]  # Saturday open, only Sunday closed


def test_user_holiday_list_and_no_calendar():
    dates = pd.date_range("2025-01-01", periods=10, freq="D")
    assert len(holiday_dates(None, dates)) == 0
    user = holiday_dates(["2025-01-03", "2025-01-03"], dates)
    assert list(user) == [pd.Timestamp("2025-01-03")]
    with pytest.raises(ValueError, match="country code"):
        holiday_dates("XX", dates)


def test_school_zones_share():
    dates = pd.DatetimeIndex(["2025-02-10", "2025-02-24", "2025-08-01", "2025-10-01"])
    cal = calendar_frame(dates, holidays="FR", school_zones=("A", "B", "C"))
    # winter break 2025: zone C 15-28 Feb, zone A 22 Feb-9 Mar, zone B 8-23 Feb
    assert cal["school"].tolist() == pytest.approx([1 / 3, 2 / 3, 1.0, 0.0])


def test_bank_week_is_learned_not_assumed(bank_daily):
    closed, weekend = learn_weekly_pattern(bank_daily)
    assert closed == ()
    assert weekend == (4, 5)  # Friday and Saturday


def test_adstock_counts_open_days_by_hand():
    dates = pd.date_range("2025-03-06", periods=6, freq="D")  # Thu .. Tue
    is_open = pd.Series(dates.day_of_week < 5, index=dates)  # weekend closed
    lags = open_day_lags(is_open, dates, [pd.Timestamp("2025-03-06")])[:, 0]
    assert np.array_equal(lags, [0, 1, np.nan, np.nan, 2, 3], equal_nan=True)
    r = 0.5 ** 0.5
    assert adstock(lags, 2.0) == pytest.approx([1, r, 0, 0, 0.5, 0.5 * r])
    # a two-open-day delay (mail delivery): nothing on Thursday and Friday
    assert adstock(lags, 2.0, 2) == pytest.approx([0, 0, 0, 0, 1, r])
    assert decay_rate(1.0) == 0.5


def test_extra_calls_and_audience_scale():
    assert extra_calls([150.0], [np.log(1.5)]) == pytest.approx([50.0])
    camps = normalize_campaigns(pd.DataFrame({
        "campaign_id": [1, 2, 3], "channel": ["Mailing", "mailing", "sms"],
        "start_date": ["2025-01-02", "2025-02-02", "2025-03-02"],
        "audience": [10000, 30000, None]}))
    assert camps["channel"].tolist() == ["mailing", "mailing", "sms"]
    assert camps["scale"].tolist() == pytest.approx([0.5, 1.5, 1.0])
    with pytest.raises(ValueError, match="start_date"):
        normalize_campaigns(pd.DataFrame({"campaign_id": [1], "channel": ["sms"]}))
