"""The kpis / targets / reconcile / actions / contract commands end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analytics.warehouse import connect
from copil.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "contract.example.yaml"


@pytest.fixture
def db(tmp_path, load):
    path = tmp_path / "w.duckdb"
    con = connect(path)
    load.calls(con, [
        dict(arrived="2026-03-02 09:00:00", outcome="answered", wait=10, talk=60, agent="A"),
        dict(arrived="2026-03-02 09:20:00", outcome="abandoned", wait=30),
        dict(arrived="2026-03-04 09:00:00", outcome="answered", wait=50, talk=60, queue="Q2"),
    ])
    load.operator(con, [dict(day="2026-03-02", offered=2, handled=1)])
    con.close()
    return str(path)


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_kpis_json_rows(db, capsys):
    code, out, _ = run(capsys, "kpis", "--db", db, "--period", "day", "--format", "json")
    rows = json.loads(out)
    assert code == 0 and [r["period_start"] for r in rows] == ["2026-03-02", "2026-03-03",
                                                               "2026-03-04"]
    assert rows[0]["pickup_rate"] == 0.5 and rows[0]["service_level_20s"] == 0.5
    assert rows[1]["offered"] == 0 and rows[1]["pickup_rate"] is None
    code, out, _ = run(capsys, "kpis", "--db", db, "--period", "interval", "--from", "2026-03-02",
                       "--to", "2026-03-02", "--format", "json")
    rows = json.loads(out)
    assert len(rows) == 48 and rows[18]["period_start"] == "2026-03-02T09:00"
    assert rows[18]["offered"] == 2


def test_kpis_by_queue_and_agent_warning(db, capsys):
    code, out, _ = run(capsys, "kpis", "--db", db, "--by", "queue", "--format", "json")
    rows = json.loads(out)
    assert [(r["queue"], r["offered"]) for r in rows] == [("Q1", 2), ("Q2", 1)]
    code, out, err = run(capsys, "kpis", "--db", db, "--by", "agent", "--format", "csv")
    assert "PROVIDER-INTERNAL" in err and out.startswith("period_start,agent,")


def test_bad_input_is_one_line_exit_2(db, capsys):
    code, _, err = run(capsys, "kpis", "--db", db, "--from", "03/02/2026")
    assert code == 2 and "YYYY-MM-DD" in err
    code, _, err = run(capsys, "targets", "--db", db)
    assert code == 2 and "copil contract set" in err


def test_contract_targets_reconcile_actions(db, capsys):
    assert run(capsys, "contract", "set", str(EXAMPLE), "--db", db)[0] == 0
    code, out, _ = run(capsys, "targets", "--db", db, "--week", "2026-W10", "--format", "json")
    doc = json.loads(out)
    pick = [t for t in doc["targets"] if t["metric"] == "pickup_rate"][0]
    assert pick["actual"] == pytest.approx(2 / 3) and pick["status"] == "missed"
    assert doc["gaps"][0]["rank"] == 1
    code, out, _ = run(capsys, "reconcile", "--db", db, "--format", "json")
    rows = json.loads(out)
    assert rows[0]["offered_gap"] == 0 and rows[0]["handled_gap"] == 0
    assert rows[2]["missing_operator"] is True and rows[2]["operator_offered"] is None
    assert run(capsys, "actions", "add", "Check routing", "--owner", "provider", "--db", db)[0] == 0
    assert run(capsys, "actions", "close", "1", "--db", db)[0] == 0
    code, out, _ = run(capsys, "actions", "list", "--db", db, "--format", "json")
    assert json.loads(out)[0]["status"] == "done"
    code, out, _ = run(capsys, "contract", "show", "--db", db)
    assert "pickup_rate" in out
