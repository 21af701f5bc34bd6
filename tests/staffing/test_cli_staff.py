"""``copil staff``: one interval through Erlang C / Erlang A from the command line."""

import json

from copil.cli import main


def test_staff_erlang_c_classic_example(capsys):
    code = main(["staff", "erlang-c", "--calls", "100", "--interval-minutes", "30", "--aht-s",
                 "180", "--service-level", "0.8", "--answer-s", "20", "--shrinkage", "0.3",
                 "--format", "json"])
    assert code == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["agents"] == 14 and row["scheduled_headcount"] == 20
    assert round(row["p_wait"], 4) == 0.1741 and round(row["service_level"], 4) == 0.8884
    assert row["traffic_erlangs"] == 10.0


def test_staff_erlang_a_required_and_given(capsys):
    code = main(["staff", "erlang-a", "--calls", "100", "--aht-s", "180", "--patience-s", "120",
                 "--pickup-rate", "0.95", "--service-level", "0.8", "--agents", "10",
                 "--format", "json"])
    assert code == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["agents_basis"] for r in rows] == ["required", "given"]
    assert rows[0]["agents"] == 13 and rows[0]["pickup_rate"] >= 0.95
    assert rows[1]["agents"] == 10 and round(rows[1]["pickup_rate"], 4) == 0.8625
    for key in ("p_wait", "p_abandon", "service_level_answered", "asa_s", "wait_all_mean_s",
                "abandon_wait_s", "occupancy"):
        assert key in rows[0]


def test_staff_table_and_errors(capsys):
    assert main(["staff", "erlang-c", "--calls", "40", "--aht-s", "300"]) == 0
    out = capsys.readouterr().out
    assert "service_level" in out and "required" in out
    assert main(["staff", "erlang-a", "--calls", "40", "--aht-s", "300", "--patience-s", "60",
                 "--asa-s", "0"]) == 2
    assert "asa_s must be > 0" in capsys.readouterr().err
