"""Test kit of the dashboard tests: a small warehouse from canonical rows, log-in and a
helper posting Dash callbacks (imported by conftest.py and the tests)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.warehouse import connect, set_setting

PASSWORD = "pw-test-1-long"  # 12+ characters: the password policy (issue 11)
ROLES = ("client", "provider", "planner", "admin")
# Any of these reaching a response is a leak the tests look for.
SECRET_CALLER_KEY = "ck0ffee5ecret"
SECRET_PHONE = "+33612345678"
FIRST_MONDAY = dt.date(2026, 8, 3)
WEEKS = 15
MISSING_DAY = dt.date(2026, 10, 14)
CONTRACT = """line_name: Ligne test
timezone: Europe/Paris
language: fr
service_level: {variant: default, thresholds: [20, 30, 60]}
targets:
  - {metric: pickup_rate, comparison: ">=", threshold: 0.9}
  - {metric: service_level_20s, comparison: ">=", threshold: 0.8}
  - {metric: asa_s, comparison: "<=", threshold: 40}
  - {metric: abandon_rate, comparison: "<=", threshold: 0.08}
"""


def make_calls(seed: int = 7, weeks: int = WEEKS, per_day: int = 40) -> pd.DataFrame:
    """Calls on two queues, 08:00-18:00 Paris time, one day missing, all outcomes present."""
    rng = np.random.default_rng(seed)
    rows = []
    for day_i in range(weeks * 7):
        day = FIRST_MONDAY + dt.timedelta(days=day_i)
        if day == MISSING_DAY:
            continue
        n = per_day + (15 if day.weekday() == 0 else 0)
        minutes = np.sort(rng.uniform(8 * 60, 18 * 60, n))
        for j, minute in enumerate(minutes):
            local = pd.Timestamp(day) + pd.Timedelta(minutes=float(minute))
            arrived = local.tz_localize("Europe/Paris").tz_convert("UTC")
            u = rng.uniform()
            outcome = ("answered" if u < 0.86 else "abandoned" if u < 0.95
                       else "overflow" if u < 0.98 else "ivr")
            wait = float(np.round(rng.exponential(25.0), 1)) if outcome != "ivr" else None
            talk = float(np.round(rng.uniform(120, 400), 0)) if outcome == "answered" else None
            rows.append({
                "source": "acd", "call_id": f"{day:%Y%m%d}-{j:03d}",
                "queue": "general" if j % 3 else "pro",
                "arrived_at": arrived,
                "answered_at": arrived + pd.Timedelta(seconds=wait) if outcome == "answered" else None,
                "ended_at": arrived + pd.Timedelta(seconds=(wait or 0) + (talk or 0)),
                "outcome": outcome, "wait_s": wait, "talk_s": talk,
                "hold_s": 10.0 if outcome == "answered" else None,
                "wrap_s": 30.0 if outcome == "answered" else None,
                "agent_id": f"A{j % 5 + 1:02d}" if outcome == "answered" else None,
                "caller_key": f"{SECRET_CALLER_KEY}{j % 7}", "topic": "cards", "region": "north",
                "transfer_to": "expert" if outcome == "answered" and j % 11 == 0 else None,
                "run_id": 1,
            })
    df = pd.DataFrame(rows)
    for col in ("arrived_at", "answered_at", "ended_at"):
        df[col] = pd.to_datetime(df[col], utc=True)
    return df


def build_warehouse(path: Path, *, with_contract: bool = True, seed: int = 7,
                    calls_only: bool = False) -> dict:
    """Write the small warehouse at ``path``; returns facts the tests check against."""
    calls = make_calls(seed)
    con = connect(path)
    try:
        con.register("calls_df", calls)
        con.execute("insert into calls by name select * from calls_df")
        con.unregister("calls_df")
        if calls_only:  # like the 1999 bank log: no contract, operator counts or callbacks
            return {"calls": len(calls)}
        # Operator counts per local day: equal to offered, except one day 10 % higher.
        daily = con.execute("""
            select cast(timezone('Europe/Paris', arrived_at) as date) as day, queue,
                   count(*) filter (where outcome <> 'ivr') as offered,
                   count(*) filter (where outcome = 'answered') as answered
            from calls group by all order by all""").df()
        ops = []
        for i, r in enumerate(daily.itertuples()):
            bump = 1.10 if i == 3 else 1.0
            start = pd.Timestamp(r.day).tz_localize("Europe/Paris").tz_convert("UTC")
            ops.append(("operator", start, 1440, r.queue, int(round(r.offered * bump)),
                        int(r.answered), 2))
        con.executemany("insert into operator_counts values (?, ?, ?, ?, ?, ?, ?)", ops)
        cbs = []
        for k in range(30):
            req = pd.Timestamp(FIRST_MONDAY, tz="UTC") + pd.Timedelta(days=3 * k, hours=9)
            done = req + pd.Timedelta(hours=24 if k % 4 else 90)
            cbs.append(("acd", f"cb{k}", None, "general", req, done, "completed", 1))
        con.executemany("insert into callbacks values (?, ?, ?, ?, ?, ?, ?, ?)", cbs)
        con.execute("insert into campaigns values ('client', 'c1', 'Mailing rentrée', 'mailing', "
                    "date '2026-09-07', date '2026-09-11', 50000, 'general', 3)")
        now = pd.Timestamp("2026-11-20 10:00", tz="UTC")
        con.executemany(
            # by name: ingest_runs gains columns (rows_grouped)
            "insert into ingest_runs (run_id, kind, file, sha256, profile, source, started_at, "
            "finished_at, rows_read, rows_loaded, rows_updated, rows_duplicate, "
            "rows_quarantined, rows_filtered, status) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, 0, 'ok')",
            [(1, "calls", "acd.csv", "ab" * 32, "generic", "acd", now, now, len(calls) + 2,
              len(calls), 2),
             (2, "operator", "op.csv", "cd" * 32, "generic", "operator", now, now, len(ops),
              len(ops), 0),
             (3, "campaigns", "camp.csv", "ef" * 32, "generic", "client", now, now, 1, 1, 0)])
        con.executemany("insert into quarantine values (?, ?, ?, ?, ?, ?, ?)", [
            (1, "calls", "acd.csv", 17, "caller", SECRET_PHONE, "caller number kept out"),
            (1, "calls", "acd.csv", 42, "wait_s", "-5", "negative duration"),
        ])
        if with_contract:
            set_setting(con, "contract", CONTRACT)
        set_setting(con, "timezone", "Europe/Paris")
    finally:
        con.close()
    return {"calls": len(calls), "operator_rows": len(ops), "callbacks": len(cbs)}


def login(app, role: str):
    client = app.server.test_client()
    response = client.post("/login", data={"username": role, "password": PASSWORD})
    assert response.status_code == 302, response.data
    return client


def post_callback(client, outputs: list[tuple], inputs: list[tuple], state: list[tuple] = (),
                  triggered: list[str] | None = None):
    """POST a Dash callback request; ``outputs``/``inputs``/``state`` are (id, prop[, value])."""
    outs = [{"id": o[0], "property": o[1]} for o in outputs]

    def name(cid, prop):
        return (json.dumps(cid, sort_keys=True, separators=(",", ":")) if isinstance(cid, dict)
                else cid) + "." + prop

    if len(outs) == 1:
        output = name(outputs[0][0], outputs[0][1])
        outs_body = outs[0]
    else:
        output = ".." + "...".join(name(o[0], o[1]) for o in outputs) + ".."
        outs_body = outs
    body = {
        "output": output,
        "outputs": outs_body,
        "inputs": [{"id": i[0], "property": i[1], "value": i[2]} for i in inputs],
        "state": [{"id": s[0], "property": s[1], "value": s[2]} for s in state],
        "changedPropIds": triggered or [],
    }
    return client.post("/_dash-update-component", json=body)
