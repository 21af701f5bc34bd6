"""Dashboard callback latency on the 2-year demo warehouse and on a 10-million-call warehouse.

Every page callback is posted through Flask's test client exactly as the browser posts it
(log-in, role guard, JSON encoding of the figures included), for several weeks / quarters:

* ``cold``: the app's query cache emptied before each request (first look at a week);
* ``warm``: the same request again (cache hit: what the meeting sees when flipping back);
* baseline: the bare ``analytics.kpis`` call for the same week, run side by side, so the
  ratio shows what the page adds on top of the SQL.

Targets (issue): p95 < 300 ms on the demo warehouse, < 1 s on 10 million calls.

Run: ``.venv/bin/python benchmarks/dashboard.py [--demo PATH] [--big-calls 10000000]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analytics.warehouse import connect  # noqa: E402


def build_big(path: Path, n_calls: int, *, seed: int = 11) -> None:
    """A synthetic warehouse of ``n_calls`` calls over 2 years, generated in DuckDB SQL."""
    con = connect(path)
    con.execute("select setseed(?)", [1 / seed])
    span_s = 2 * 365 * 86400
    con.execute("""
        insert into calls
        with base as (
            select i,
                   timestamptz '2024-11-18 00:00:00+00' + to_seconds(cast(i * ? / ? as bigint))
                       as day_start,
                   random() as u, random() as v, random() as w
            from range(?) as t(i)
        ),
        shaped as (
            select i,
                   -- calls between 07:00 and 17:00 UTC (08:00-18:00 Paris in winter)
                   date_trunc('day', day_start) + to_seconds(cast(25200 + 36000 * v as bigint))
                       as arrived_at,
                   case when u < 0.86 then 'answered' when u < 0.95 then 'abandoned'
                        when u < 0.98 then 'overflow' else 'ivr' end as outcome,
                   -ln(1 - w) * 25.0 as wait_s
            from base
        )
        select 'big', cast(i as varchar), case when i % 3 = 0 then 'pro' else 'general' end,
               arrived_at,
               case when outcome = 'answered' then arrived_at + to_seconds(cast(wait_s as bigint)) end,
               arrived_at + to_seconds(cast(wait_s + 300 as bigint)),
               outcome, case when outcome <> 'ivr' then round(wait_s, 1) end,
               case when outcome = 'answered' then 240.0 + (i % 200) end,
               case when outcome = 'answered' then 10.0 end,
               case when outcome = 'answered' then 30.0 end,
               case when outcome = 'answered' then 'A' || lpad(cast(i % 25 as varchar), 2, '0') end,
               null, 'topic', 'north', null, 1, null  -- caller_key, ..., run_id, caller_withheld
        from shaped
    """, [span_s, n_calls, n_calls])
    con.execute("checkpoint")
    con.close()


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


def run_case(label: str, db: Path, workdir: Path, weeks: int) -> list[tuple]:
    from analytics.kpis import kpis, last_complete_week, week_start
    from dashboards import auth
    from dashboards.app import create_app

    users = workdir / f"users-{label}.json"
    auth.add_user(users, "admin", "admin", "bench-password-long")
    app = create_app(db, users_path=users, secret_key_path=workdir / "key")
    client = app.server.test_client()
    assert client.post("/login", data={"username": "admin", "password": "bench-password-long"}).status_code == 302
    wh = app.server.config["COPIL_WAREHOUSE"]
    con = connect(db, read_only=True)
    last = last_complete_week(con)
    con.close()
    monday = week_start(last)
    week_list = [(monday - dt.timedelta(weeks=k)).isocalendar() for k in range(weeks)]
    week_list = [f"{y}-W{w:02d}" for y, w, _ in week_list]
    quarters = sorted({f"{week_start(w).year}-Q{(week_start(w).month - 1) // 3 + 1}"
                       for w in week_list})

    def post(outputs, inputs):
        outs = [{"id": o[0], "property": o[1]} for o in outputs]
        body = {"output": ".." + "...".join(f"{o[0]}.{o[1]}" for o in outputs) + ".."
                if len(outputs) > 1 else f"{outputs[0][0]}.{outputs[0][1]}",
                "outputs": outs if len(outs) > 1 else outs[0],
                "inputs": [{"id": i[0], "property": i[1], "value": i[2]} for i in inputs],
                "changedPropIds": [], "state": []}
        response = client.post("/_dash-update-component", json=body)
        assert response.status_code == 200, (outputs, response.status_code)

    weekly_out = [("weekly-cards", "children"), ("weekly-trend-rates", "figure"),
                  ("weekly-trend-waits", "figure"), ("weekly-report-link", "href")]
    detail_out = [("weekly-daily", "figure"), ("weekly-intraday", "figure")]
    quarter_out = [("quarterly-rates", "figure"), ("quarterly-waits", "figure"),
                   ("quarterly-compliance", "children"), ("quarterly-volume", "figure"),
                   ("quarterly-campaigns", "children"), ("quarterly-staffing", "children"),
                   ("quarterly-report-link", "href")]
    callbacks = {
        "weekly cards + trends": [(weekly_out, [("weekly-week", "value", w),
                                                ("weekly-queues", "value", [])]) for w in week_list],
        "weekly daily + intraday": [(detail_out, [("weekly-week", "value", w),
                                                  ("weekly-queues", "value", [])])
                                    for w in week_list],
        "weekly gaps": [([("weekly-gaps", "children")], [("weekly-week", "value", w),
                                                         ("weekly-queues", "value", [])])
                        for w in week_list],
        "weekly reconciliation": [([("weekly-recon", "children")], [("weekly-week", "value", w)])
                                  for w in week_list],
        "weekly per agent": [([("weekly-agent-table", "children")],
                              [("weekly-week", "value", w), ("weekly-queues", "value", [])])
                             for w in week_list],
        "quarterly": [(quarter_out, [("quarterly-quarter", "value", q),
                                     ("quarterly-queues", "value", [])]) for q in quarters],
        "data health": [([("data-content", "children")], [("data-refresh", "n_clicks", 1)])],
    }
    rows = []
    for name, requests in callbacks.items():
        cold, warm = [], []
        for outputs, inputs in requests:
            wh.clear_cache()
            t0 = time.perf_counter()
            post(outputs, inputs)
            cold.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            post(outputs, inputs)
            warm.append(time.perf_counter() - t0)
        rows.append((label, name, len(requests), percentile(cold, 50), percentile(cold, 95),
                     percentile(warm, 50), percentile(warm, 95)))
    # baseline: the bare KPI query for the week, no page around it
    base = []
    for w in week_list:
        con = connect(db, read_only=True)
        t0 = time.perf_counter()
        kpis(con, period="week", start=week_start(w) - dt.timedelta(weeks=12),
             end=week_start(w) + dt.timedelta(days=6))
        base.append(time.perf_counter() - t0)
        con.close()
    rows.append((label, "baseline: analytics.kpis 13 weeks", len(base), percentile(base, 50),
                 percentile(base, 95), float("nan"), float("nan")))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--demo", type=Path, help="demo warehouse (default: build one, ~40 s)")
    parser.add_argument("--big", type=Path, help="big warehouse (default: generate one)")
    parser.add_argument("--big-calls", type=int, default=10_000_000,
                        help="calls in the generated big warehouse (default 10 000 000; 0 skips)")
    parser.add_argument("--weeks", type=int, default=12, help="weeks sampled per warehouse")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        demo_db = args.demo
        if demo_db is None:
            from demo.warehouse import build_demo_warehouse

            demo_db = work / "demo.duckdb"
            t0 = time.perf_counter()
            build_demo_warehouse(demo_db, work / "files")
            print(f"built the demo warehouse in {time.perf_counter() - t0:.1f} s")
        cases = [("demo (2 years)", demo_db)]
        if args.big is not None:
            cases.append((f"big ({args.big.name})", args.big))
        elif args.big_calls:
            big = work / "big.duckdb"
            t0 = time.perf_counter()
            build_big(big, args.big_calls)
            print(f"generated {args.big_calls:,} calls in {time.perf_counter() - t0:.1f} s")
            cases.append((f"{args.big_calls / 1e6:g} M calls", big))
        rows = []
        for label, db in cases:
            con = connect(db, read_only=True)
            n = con.execute("select count(*) from calls").fetchall()[0][0]
            con.close()
            print(f"{label}: {n:,} calls")
            rows += run_case(label, db, work, args.weeks)
    print()
    print(f"{'warehouse':<16} {'callback':<36} {'n':>3} {'cold p50':>9} {'cold p95':>9} "
          f"{'warm p50':>9} {'warm p95':>9}  (ms)")
    for label, name, n, c50, c95, w50, w95 in rows:
        warm = (f"{w50 * 1000:9.0f} {w95 * 1000:9.0f}" if w50 == w50 else f"{'-':>9} {'-':>9}")
        print(f"{label:<16} {name:<36} {n:>3} {c50 * 1000:9.0f} {c95 * 1000:9.0f} {warm}")
    for label in dict.fromkeys(r[0] for r in rows):
        worst = max(r[4] for r in rows if r[0] == label and not r[1].startswith("baseline"))
        base = [r for r in rows if r[0] == label and r[1].startswith("baseline")][0]
        weekly = [r for r in rows if r[0] == label and r[1] == "weekly cards + trends"][0]
        print(f"{label}: worst cold p95 {worst * 1000:.0f} ms; weekly page / bare KPI query "
              f"(p50) = {weekly[3] / base[3]:.2f}x; "
              f"{statistics.mean(r[5] for r in rows if r[0] == label and r[5] == r[5]) * 1000:.0f} "
              f"ms mean warm p50")
    return 0


if __name__ == "__main__":
    sys.exit(main())
