"""``copil plan``: a week of requirements and shifts from a forecast CSV."""

import json

import numpy as np
import pandas as pd
import pytest

from copil.cli import main
from staffing import erlang_a


@pytest.fixture
def forecast_csv(tmp_path):
    days = pd.date_range("2026-03-02", periods=3, freq="D")
    rows = []
    for d in days:
        for ts in pd.date_range(d + pd.Timedelta(hours=8), d + pd.Timedelta(hours=13),
                                freq="30min", inclusive="left", tz="Europe/Paris"):
            calls = 20.0 + 10 * (ts.hour >= 10)
            rows.append({"period_start": ts.isoformat(), "calls": calls, "aht_s": 240.0,
                         "hi80": calls * 1.2})
    rows.append({"period_start": "2026-03-09T08:00:00+01:00", "calls": 99.0, "aht_s": 240.0,
                 "hi80": 120.0})  # next week: left out
    path = tmp_path / "forecast.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_plan_writes_intervals_shifts_and_chart(forecast_csv, tmp_path, capsys):
    out = tmp_path / "new-folder" / "plan.json"   # the folder is created
    code = main(["plan", "--forecast", str(forecast_csv), "--week", "2026-W10",
                 "--patience-s", "120", "--pickup-rate", "0.9", "--max-advisors", "10",
                 "--time-limit-s", "5", "--out", str(out), "--uplift", "1.3",
                 "--format", "json"])
    assert code == 0
    shown = json.loads(capsys.readouterr().out)
    doc = json.loads(out.read_text())
    assert doc["summary"]["week"] == "2026-W10" and doc["summary"]["model"] == "erlang_a"
    assert doc["summary"]["status"] in ("OPTIMAL", "FEASIBLE")
    assert len(doc["intervals"]) == 30  # 3 days x 10 half-hours, next week excluded
    calls = np.array([r["calls"] for r in doc["intervals"]])
    want = erlang_a.required_agents(calls, 240, 1800, 120, pickup_rate=0.9, service_level=0.8)
    assert [r["agents"] for r in doc["intervals"]] == want.tolist()
    assert all(r["planned"] >= 0 for r in doc["intervals"])
    assert doc["shifts"] and {"advisor", "start", "end", "paid_hours"} <= set(doc["shifts"][0])
    assert doc["what_if_summary"]["calls_campaign"] == pytest.approx(calls.sum() * 1.3)
    assert shown["summary"]["plan"] == doc["summary"]["plan"]
    html = (tmp_path / "new-folder" / "plan.html").read_text()
    assert "planned advisors" in html and "required advisors" in html


def test_plan_csv_and_errors(forecast_csv, tmp_path, capsys):
    out = tmp_path / "plan.csv"
    assert main(["plan", "--forecast", str(forecast_csv), "--week", "2026-W10",
                 "--max-advisors", "3", "--time-limit-s", "5", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "erlang_c" in text and "partial" in text  # 3 advisors cannot cover it
    assert (tmp_path / "plan-shifts.csv").exists()
    assert len(pd.read_csv(out)) == 30
    assert main(["plan", "--forecast", str(forecast_csv), "--week", "2026-W20"]) == 2
    assert "no interval in 2026-W20" in capsys.readouterr().err
    assert main(["plan", "--forecast", str(forecast_csv), "--week", "10"]) == 2
    assert main(["plan", "--forecast", str(tmp_path / "missing.csv"), "--week",
                 "2026-W10"]) == 2
