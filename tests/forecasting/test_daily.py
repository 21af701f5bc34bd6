"""The daily model recovers known structure from synthetic series; contract checks."""

import warnings

import numpy as np
import pandas as pd
import pytest

from forecasting.daily import DailyVolumeModel, ShortHistoryWarning


def test_weekly_pattern_recovered(synthetic_fit, synth):
    p = synthetic_fit.params
    # log weekday effects relative to Wednesday, truth from WEEKLY; 2 % tolerance
    for d in (0, 1, 3, 4, 5):
        assert p[f"wd{d}"] - p["wd2"] == pytest.approx(np.log(synth.weekly[d] / synth.weekly[2]), abs=0.02)
    assert "wd6" not in p.index  # Sunday is closed, learned from the zeros


def test_campaign_decay_and_size_recovered(synthetic_fit, synthetic_series, synth):
    _, truth = synthetic_series
    assert synthetic_fit.half_lives == {k: pytest.approx(v, rel=0.1) for k, v in synth.half_lives.items()}
    assert set(synthetic_fit.delays.values()) == {0}
    for ch, (gamma, _, _) in synthetic_fit.channel_effect.items():
        assert gamma == pytest.approx(synth.effects[ch], rel=0.25)  # peak-day extra calls
    up = synthetic_fit.uplift().set_index("campaign_id")
    err = up["extra_calls"] / truth[up.index] - 1
    assert err.abs().max() < 0.35  # each campaign within 35 % of its true extra calls
    assert err[up["channel"] == "mailing"].abs().max() < 0.15  # large ones within 15 %
    inside = (up["extra_calls_lo"] <= truth[up.index]) & (truth[up.index] <= up["extra_calls_hi"])
    assert inside.mean() >= 0.8  # 95 % bands hold the truth
    width = (up["extra_calls_hi"] - up["extra_calls_lo"]) / truth[up.index]
    assert width.median() < 0.5  # and stay informative
    assert (up["peak_day_extra"] <= up["extra_calls"]).all()


def test_forecast_contract_closed_days_zero(synthetic_fit):
    fc = synthetic_fit.forecast(130)
    assert len(fc) == 130 and not fc.isna().any().any()
    assert list(fc.columns) == ["forecast", "lo80", "hi80", "lo95", "hi95"]
    assert (fc["lo95"] <= fc["lo80"]).all() and (fc["lo80"] <= fc["forecast"]).all()
    assert (fc["forecast"] <= fc["hi80"]).all() and (fc["hi80"] <= fc["hi95"]).all()
    sundays = fc[fc.index.day_of_week == 6]
    assert (sundays.to_numpy() == 0).all()
    # 1 Jan, Easter Monday and 1 May 2025 are French holidays: exactly 0
    for d in ("2025-01-01", "2025-04-21", "2025-05-01"):
        assert (fc.loc[d].to_numpy() == 0).all()
    # a Monday ~ level x 1.30 x yearly (Jan: ~1.1)
    assert fc.loc["2025-01-06", "forecast"] == pytest.approx(900 * 1.30 * 1.1, rel=0.05)


def test_planned_campaign_adds_calls(synthetic_fit):
    base = synthetic_fit.forecast(40)["forecast"]
    pl = synthetic_fit.planned_uplift("mailing", "2025-01-14", days=14)
    assert len(pl) == 14
    # first day: the channel's typical peak-day extra calls (450 in the truth)
    first = pl.iloc[0]
    assert first["extra_calls"] == pytest.approx(450.0, rel=0.1)
    # two open days later: peak x 0.5 ** (2 / half-life)
    hl = synthetic_fit.half_lives["mailing"]
    assert pl.iloc[2]["extra_calls"] == pytest.approx(first["extra_calls"] * 0.5 ** (2 / hl))
    assert (pl["extra_calls_lo"] <= pl["extra_calls"]).all()
    assert (pl["extra_calls"] <= pl["extra_calls_hi"]).all()
    planned = pd.DataFrame({"campaign_id": ["p"], "channel": ["mailing"],
                            "start_date": ["2025-01-14"]})
    with_it = synthetic_fit.forecast(40, planned=planned)["forecast"]
    assert with_it.loc["2025-01-14"] == pytest.approx(base.loc["2025-01-14"]
                                                      + first["extra_calls"], rel=1e-9)
    with pytest.raises(ValueError, match="no past campaign"):
        synthetic_fit.planned_uplift("radio", "2025-01-14")


def test_any_weekly_pattern_and_user_calendar():
    """A Sunday-Thursday week (Friday-Saturday weekend), user holidays closed."""
    rng = np.random.default_rng(3)
    dates = pd.date_range("2024-01-01", periods=280, freq="D")
    weekly = np.array([1.0, 1.0, 0.9, 1.1, 0.3, 0.15, 1.2])  # Mon..Sun
    lam = 1500 * weekly[dates.day_of_week]
    hol = pd.to_datetime(["2024-04-23", "2024-06-12", "2024-10-03"])
    lam[dates.isin(hol)] = 0
    y = pd.Series(rng.poisson(lam).astype(float), index=dates)
    res = DailyVolumeModel(y.iloc[:260], holidays=list(hol)).fit()
    assert res.cal_kwargs["weekend"] == (4, 5) and res.cal_kwargs["closed_weekdays"] == ()
    assert res.cal_kwargs["closed_on_holidays"]
    fc = res.forecast(20)
    assert fc.loc["2024-10-03", "forecast"] == 0
    act = y.iloc[260:]
    open_ = act > 0
    assert np.abs(fc["forecast"][open_] - act[open_]).sum() / act.sum() < 0.06


def test_short_history_warns_and_forecasts(synth):
    calls, _ = synth.daily(days=24, seed=5)
    with pytest.warns(ShortHistoryWarning, match="seasonal-naive"):
        res = DailyVolumeModel(calls).fit()
    fc = res.forecast(14)
    assert not fc.isna().any().any()
    # same weekday mean of the last weeks
    mondays = calls[calls.index.day_of_week == 0]
    assert fc.loc[fc.index.day_of_week == 0, "forecast"].iloc[0] == pytest.approx(mondays.mean())
    assert (fc.loc[fc.index.day_of_week == 6].to_numpy() == 0).all()
    assert "short history" in res.summary()


def test_missing_days_are_gaps_not_zeros(bank_daily):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = DailyVolumeModel(bank_daily, holidays=None).fit()
    assert res.cal_kwargs["closed_weekdays"] == ()
    assert not res.fit_rows[10] and not res.fit_rows[11]  # 11-12 Jan: no data
    fc = res.forecast(7)
    assert (fc["forecast"] > 100).all()  # every day of the bank's week is open


def test_invalid_options_name_the_parameter(synth):
    calls, _ = synth.daily(days=100)
    with pytest.raises(ValueError, match="arma_order"):
        DailyVolumeModel(calls, arma_order=(1,))
    with pytest.raises(ValueError, match="min_weeks"):
        DailyVolumeModel(calls, min_weeks=1)
    with pytest.raises(ValueError, match="calls"):
        DailyVolumeModel(-calls)
