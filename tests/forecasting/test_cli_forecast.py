"""``copil forecast``, ``copil backtest`` and ``copil campaigns uplift`` on CSV inputs."""

import json

import numpy as np
import pandas as pd
import pytest

from copil.cli import main


@pytest.fixture(scope="module")
def daily_csv(tmp_path_factory, synthetic_series, synthetic_campaigns):
    calls, _ = synthetic_series
    d = tmp_path_factory.mktemp("fc")
    open_days = calls[calls > 0]  # closed days have no row, as in a real export
    path = d / "daily.csv"
    pd.DataFrame({"date": open_days.index.strftime("%Y-%m-%d"),
                  "calls": open_days.to_numpy().astype(int)}).to_csv(path, index=False)
    camp = d / "campaigns.csv"
    synthetic_campaigns.assign(start_date=synthetic_campaigns["start_date"].dt.strftime(
        "%Y-%m-%d")).to_csv(camp, index=False)
    return path, camp


def test_forecast_json_rows(daily_csv, capsys):
    path, camp = daily_csv
    assert main(["forecast", "--input", str(path), "--campaigns", str(camp),
                 "--horizon-days", "14", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 14
    assert list(rows[0]) == ["date", "forecast", "lo80", "hi80", "lo95", "hi95"]
    assert rows[0]["date"] == "2025-01-01" and rows[0]["forecast"] == 0  # New Year: closed
    sundays = [r for r in rows if pd.Timestamp(r["date"]).day_of_week == 6]
    assert sundays and all(r["hi95"] == 0 for r in sundays)
    assert all(r["lo80"] <= r["forecast"] <= r["hi80"] for r in rows)


def test_forecast_intervals_from_interval_csv(tmp_path, capsys):
    rng = np.random.default_rng(2)
    idx = pd.date_range("2025-01-06", "2025-03-30 23:30", freq="30min")
    hours = idx.hour + idx.minute / 60
    lam = np.where((hours >= 9) & (hours < 17) & (idx.day_of_week < 5), 30.0, 0.0)
    keep = lam > 0
    path = tmp_path / "iv.csv"
    pd.DataFrame({"period_start": idx[keep].strftime("%Y-%m-%d %H:%M"),
                  "calls": rng.poisson(lam[keep])}).to_csv(path, index=False)
    assert main(["forecast", "--input", str(path), "--horizon-days", "3",
                 "--interval-minutes", "60", "--format", "csv", "--holidays", "none"]) == 0
    out = pd.read_csv(__import__("io").StringIO(capsys.readouterr().out))
    assert list(out.columns) == ["period_start", "forecast", "lo80", "hi80", "lo95", "hi95"]
    # the file ends on Friday 28 March: Saturday (24 h), Sunday 30 March (DST: 23 h), Monday
    assert len(out) == 24 + 23 + 24
    assert (out["forecast"].iloc[:47] == 0).all()  # weekend closed (learned from the data)
    mon = out.iloc[47:]
    assert mon["forecast"].sum() == pytest.approx(8 * 60, rel=0.1)  # 8 open hours x 60 calls
    assert (mon["forecast"].iloc[:9] == 0).all()  # closed before 09:00


def test_backtest_and_uplift_tables(daily_csv, capsys):
    path, camp = daily_csv
    assert main(["backtest", "--input", str(path), "--campaigns", str(camp), "--origins", "3",
                 "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["model"] for r in rows} == {"loglinear_arma", "combination", "seasonal_naive",
                                          "ets"}
    assert set(rows[0]) == {"model", "selected", "horizon", "segment", "wape", "mase",
                            "coverage_80", "coverage_95", "n", "model_form"}
    assert main(["campaigns", "uplift", "--input", str(path), "--campaigns", str(camp),
                 "--format", "json"]) == 0
    up = json.loads(capsys.readouterr().out)
    assert [r["campaign_id"] for r in up] == [f"c{i}" for i in range(12)]
    assert all(r["extra_calls_lo"] <= r["extra_calls"] <= r["extra_calls_hi"] for r in up)


def test_user_errors_exit_2(daily_csv, tmp_path, capsys):
    path, _ = daily_csv
    assert main(["campaigns", "uplift", "--input", str(path)]) == 2
    assert "--campaigns" in capsys.readouterr().err
    bad = tmp_path / "bad.csv"
    bad.write_text("day,n\n2025-01-01,3\n")
    assert main(["forecast", "--input", str(bad)]) == 2
    assert "date,calls" in capsys.readouterr().err
    assert main(["forecast", "--input", str(path), "--interval-minutes", "30"]) == 2
    assert "interval data" in capsys.readouterr().err
