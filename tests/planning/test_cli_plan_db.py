"""``copil plan --db``: a week planned from the warehouse, end to end."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from copil.cli import main


def test_plan_db_writes_the_requirements_and_shifts(small_db, w48_plan, tmp_path, capsys):
    out = tmp_path / "plan.csv"
    code = main(["plan", "--db", str(small_db), "--week", "2026-W48", "--time-limit-s", "20",
                 "--max-advisors", "12", "--out", str(out), "--format", "json"])
    assert code == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["summary"]["week"] == "2026-W48" and doc["summary"]["model"] == "erlang_a"
    assert doc["summary"]["status"] in ("OPTIMAL", "FEASIBLE")
    # the days of the line's calendar (the example contract: Monday-Friday and Saturday
    # morning; it used to be Monday-Friday, learned from the calls, before issue 9)
    cal = w48_plan["plan"].calendar
    assert [d["date"][:10] for d in doc["per_day"]] == [
        str(d) for d in cal.open_days("2026-11-23", "2026-11-29")]
    got = pd.read_csv(out)
    req = w48_plan["requirements"]
    assert len(got) == len(req) == 336
    np.testing.assert_array_equal(got["agents"], req["agents"])
    np.testing.assert_array_equal(got["scheduled"], req["scheduled"])  # shrinkage 0.3
    np.testing.assert_allclose(got["calls"], req["calls"], rtol=1e-12)
    busy = got["scheduled"] > 0  # coverage covers the shift rules' hours (08:00-20:00)
    assert busy.any() and (got.loc[busy, "planned"] >= 0).all()
    assert (tmp_path / "plan-shifts.csv").exists()
    assert sum(d["required_h"] for d in doc["per_day"]) == pytest.approx(
        req["scheduled"].sum() / 2)


def test_plan_db_campaign_what_if(small_db, w48_plan, capsys):
    code = main(["plan", "--db", str(small_db), "--week", "2026-W48", "--time-limit-s", "2",
                 "--campaign", "press:2026-11-24", "--format", "json"])
    assert code == 0
    s = json.loads(capsys.readouterr().out)["what_if_summary"]
    want = w48_plan["what_if_summary"]
    assert s["campaign_extra_calls"] == pytest.approx(want["campaign_extra_calls"], rel=1e-9)
    assert s["extra_advisor_hours"] == want["extra_advisor_hours"] > 0


@pytest.mark.parametrize("extra, message", [
    (["--service-level", "0.9"], "only work with --forecast"),
    (["--campaign", "press-2026-11-24"], "CHANNEL:YYYY-MM-DD"),
    (["--campaign", "tv:2026-11-24"], "no past campaign"),
    (["--campaign", "press:2026-12-24"], "after 2026-W48"),
])
def test_plan_db_errors(small_db, extra, message, capsys):
    assert main(["plan", "--db", str(small_db), "--week", "2026-W48", *extra]) == 2
    assert message in capsys.readouterr().err


def test_plan_needs_one_source(small_db, capsys, tmp_path):
    with pytest.raises(SystemExit):
        main(["plan", "--week", "2026-W48"])
    with pytest.raises(SystemExit):
        main(["plan", "--db", str(small_db), "--forecast", "f.csv", "--week", "2026-W48"])
    assert main(["plan", "--forecast", str(tmp_path / "f.csv"), "--week", "2026-W48",
                 "--campaign", "press:2026-11-24"]) == 2
    assert "--campaign needs --db" in capsys.readouterr().err
    assert main(["plan", "--forecast", str(tmp_path / "f.csv"), "--week", "2026-W48",
                 "--model", "erlang_c"]) == 2
    assert "--model works with --db" in capsys.readouterr().err
