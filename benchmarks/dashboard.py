"""Dashboard callback latency on the 2-year demo warehouse and on a 10-million-call warehouse.

Every page callback is posted through Flask's test client exactly as the browser posts it
(log-in, role guard, JSON encoding of the figures included), for several weeks / quarters:

* ``cold``: the app's query cache emptied before each request (first look at a week since
  the last load);
* ``warm``: the same request again (cache hit: what the meeting sees when flipping back);
* baseline: the bare ``analytics.kpis`` call for the same 13 weeks, run side by side.

Each warehouse is measured in two modes, side by side in the same process:

* ``calls``: the KPI readers forced to read every call (``analytics.kpis.answers`` False:
  what the pages did before the call aggregates);
* ``aggregates``: the call aggregates (``analytics.aggregates``) read when they answer.

The weekly and quarterly reviews also fit daily forecast models (forecast accuracy, the
campaigns' modelled uplift: ``analytics.review.accuracy``, ``analytics.review.campaigns``);
a fit cache per warehouse version is another branch's work. So by default the model part is
separated out: those two functions are memoised and filled before the timed requests (a
stand-in for that fit cache), and their own cold time is reported on its own line
(``model part``). ``--with-models`` times the pages with the fits inside.

Every mode is run ``--runs`` times (default 3); the table shows the median over the runs of
each p50 / p95. The machine's load (``uptime``) is printed before and after: other
processes share the processors, so compare the columns side by side. The last lines are
``BENCH name=... metric=... value=... baseline=... ratio=... unit=ms`` for ``make bench``
(baseline: the ``calls`` mode).

Targets (issue 12): cold p95 < 150 ms and warm p95 < 50 ms on the demo, cold p95 < 500 ms on
10 million calls.

Run: ``.venv/bin/python benchmarks/dashboard.py [--demo PATH] [--big PATH | --big-calls N]``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analytics.warehouse import connect  # noqa: E402


def build_big(path: Path, n_calls: int, *, seed: int = 11) -> None:
    """A synthetic warehouse of ``n_calls`` calls over 2 years, generated in DuckDB SQL
    (whole-second waits and handle times, as ACD exports give them), with its call
    aggregates built as a load would."""
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
               outcome, case when outcome <> 'ivr' then round(wait_s) end,  -- whole seconds, as ACDs
               case when outcome = 'answered' then 240.0 + (i % 200) end,
               case when outcome = 'answered' then 10.0 end,
               case when outcome = 'answered' then 30.0 end,
               case when outcome = 'answered' then 'A' || lpad(cast(i % 25 as varchar), 2, '0') end,
               null, 'topic', 'north', null, 1, null  -- caller_key, ..., run_id, caller_withheld
        from shaped
    """, [span_s, n_calls, n_calls])
    from analytics.aggregates import refresh_call_aggregates

    refresh_call_aggregates(con)
    con.execute("checkpoint")
    con.close()


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


def load() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


@contextlib.contextmanager
def reading_calls(on: bool):
    """While ``on``: every KPI read from the calls (the call aggregates ignored)."""
    import analytics.kpis as kpis_module

    if not on:
        yield
        return
    saved = kpis_module.answers, kpis_module.call_span
    kpis_module.answers = lambda *a, **k: False
    kpis_module.call_span = lambda *a, **k: None
    try:
        yield
    finally:
        kpis_module.answers, kpis_module.call_span = saved


class ModelPart:
    """The reviews' model fits (forecast accuracy, campaign review) memoised: a stand-in
    for the fit cache per warehouse version; ``seconds`` collects their cold times."""

    def __init__(self) -> None:
        import analytics.review.core as core

        self.core = core
        self.saved = {n: getattr(core, n) for n in ("forecast_accuracy", "campaign_review")}
        self.memo: dict = {}
        self.seconds: list[float] = []
        self.cold: dict = {}

    def __enter__(self):
        for name, fn in self.saved.items():
            setattr(self.core, name, self._wrap(name, fn))
        return self

    def _wrap(self, name, fn):
        @functools.wraps(fn)
        def memoised(con, first, last, **kw):
            key = (name, first, last, repr(kw.get("contract")))
            if key not in self.memo:
                t0 = time.perf_counter()
                self.memo[key] = fn(con, first, last, **kw)
                self.cold[(first, last)] = self.cold.get((first, last), 0.0) + (
                    time.perf_counter() - t0)
            return self.memo[key]
        return memoised

    def __exit__(self, *exc):
        for name, fn in self.saved.items():
            setattr(self.core, name, fn)


WEEKLY_OUT = [("weekly-cards", "children"), ("weekly-trend-rates", "figure"),
              ("weekly-trend-waits", "figure"), ("weekly-report-link", "href")]
DETAIL_OUT = [("weekly-daily", "figure"), ("weekly-intraday", "figure")]
QUARTER_OUT = [("quarterly-rates", "figure"), ("quarterly-waits", "figure"),
               ("quarterly-compliance", "children"), ("quarterly-volume", "figure"),
               ("quarterly-campaigns", "children"), ("quarterly-staffing", "children"),
               ("quarterly-report-link", "href")]


def requests_for(week_list: list[str], quarters: list[str]) -> dict[str, list]:
    def each_week(outputs, queues=True):
        return [(outputs, [("weekly-week", "value", w)]
                 + ([("weekly-queues", "value", [])] if queues else [])) for w in week_list]

    return {
        "weekly cards + trends": each_week(WEEKLY_OUT),
        "weekly daily + intraday": each_week(DETAIL_OUT),
        "weekly gaps": each_week([("weekly-gaps", "children")]),
        "weekly reconciliation": each_week([("weekly-recon", "children")], queues=False),
        "weekly per agent": each_week([("weekly-agent-table", "children")]),
        "quarterly": [(QUARTER_OUT, [("quarterly-quarter", "value", q),
                                     ("quarterly-queues", "value", [])]) for q in quarters],
        "data health": [([("data-content", "children")], [("data-refresh", "n_clicks", 1)])],
    }


def run_case(label: str, db: Path, workdir: Path, weeks: int, runs: int,
             with_models: bool) -> list[tuple]:
    from analytics.kpis import kpis, last_complete_week, week_start
    from dashboards import auth
    from dashboards.app import create_app
    from dashboards.data import DUCKDB_MEMORY_LIMIT

    users = workdir / f"users-{label}.json"
    auth.add_user(users, "admin", "admin", "bench-password-long")
    app = create_app(db, users_path=users, secret_key_path=workdir / "key")
    client = app.server.test_client()
    assert client.post("/login", data={"username": "admin",
                                       "password": "bench-password-long"}).status_code == 302
    wh = app.server.config["COPIL_WAREHOUSE"]
    # the app's snapshot, opened as the app opens it (one DuckDB configuration per file)
    snapshot_config = {"memory_limit": DUCKDB_MEMORY_LIMIT}
    con = connect(wh.snapshot().path, read_only=True, config=snapshot_config)
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

    callbacks = requests_for(week_list, quarters)
    rows = []
    models = contextlib.nullcontext() if with_models else ModelPart()
    with models:
        if not with_models:  # fill the stand-in fit cache, untimed
            for requests in callbacks.values():
                for outputs, inputs in requests:
                    post(outputs, inputs)
        for mode in ("calls", "aggregates"):
            with reading_calls(mode == "calls"):
                per_run: dict[str, list[tuple]] = {name: [] for name in callbacks}
                base_runs = []
                for _ in range(runs):
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
                        per_run[name].append((percentile(cold, 50), percentile(cold, 95),
                                              percentile(warm, 50), percentile(warm, 95)))
                    base = []  # the bare KPI query for the 13 weeks, no page around it
                    for w in week_list:
                        con = connect(wh.snapshot().path, read_only=True,
                                      config=snapshot_config)
                        t0 = time.perf_counter()
                        kpis(con, period="week", start=week_start(w) - dt.timedelta(weeks=12),
                             end=week_start(w) + dt.timedelta(days=6))
                        base.append(time.perf_counter() - t0)
                        con.close()
                    base_runs.append((percentile(base, 50), percentile(base, 95)))
                for name, stats in per_run.items():
                    med = [statistics.median(s[i] for s in stats) for i in range(4)]
                    rows.append((label, mode, name, len(callbacks[name]), *med))
                rows.append((label, mode, "bare kpis() 13 weeks", len(week_list),
                             statistics.median(b[0] for b in base_runs),
                             statistics.median(b[1] for b in base_runs), float("nan"),
                             float("nan")))
    wh.stop_warming()
    if not with_models:
        fits = list(models.cold.values())
        rows.append((label, "-", "model part (fits, cold)", len(fits), percentile(fits, 50),
                     percentile(fits, 95), float("nan"), float("nan")))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--demo", type=Path, help="demo warehouse, copied first (default: "
                        "build one, ~40 s)")
    parser.add_argument("--big", type=Path, help="big warehouse, copied first (default: "
                        "generate one)")
    parser.add_argument("--big-calls", type=int, default=10_000_000,
                        help="calls in the generated big warehouse (default 10 000 000; 0 skips)")
    parser.add_argument("--weeks", type=int, default=6, help="weeks sampled per warehouse")
    parser.add_argument("--runs", type=int, default=3, help="runs per mode (medians shown)")
    parser.add_argument("--with-models", action="store_true",
                        help="time the pages with their model fits inside")
    args = parser.parse_args()
    print(f"load before: {load()}  ({os.cpu_count()} processors)")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        cases = []
        if args.demo is not None:
            shutil.copy(args.demo, work / "demo.duckdb")
        else:
            from demo.warehouse import build_demo_warehouse

            t0 = time.perf_counter()
            build_demo_warehouse(work / "demo.duckdb", work / "files")
            print(f"built the demo warehouse in {time.perf_counter() - t0:.1f} s")
        cases.append(("demo", work / "demo.duckdb"))
        if args.big is not None:
            shutil.copy(args.big, work / "big.duckdb")
            cases.append(("big", work / "big.duckdb"))
        elif args.big_calls:
            big = work / "big.duckdb"
            t0 = time.perf_counter()
            build_big(big, args.big_calls)
            print(f"generated {args.big_calls:,} calls in {time.perf_counter() - t0:.1f} s")
            cases.append((f"{args.big_calls / 1e6:g}M", big))
        rows = []
        for label, db in cases:
            con = connect(db, read_only=True)
            n = con.execute("select count(*) from calls").fetchall()[0][0]
            con.close()
            print(f"{label}: {n:,} calls")
            rows += run_case(label, db, work, args.weeks, args.runs, args.with_models)
    print(f"load after: {load()}")
    print()
    print(f"{'warehouse':<9} {'reads':<11} {'callback':<28} {'n':>3} {'cold p50':>9} "
          f"{'cold p95':>9} {'warm p50':>9} {'warm p95':>9}  (ms, medians of {args.runs} runs)")
    for label, mode, name, n, c50, c95, w50, w95 in rows:
        warm = (f"{w50 * 1000:9.0f} {w95 * 1000:9.0f}" if w50 == w50 else f"{'-':>9} {'-':>9}")
        print(f"{label:<9} {mode:<11} {name:<28} {n:>3} {c50 * 1000:9.0f} {c95 * 1000:9.0f} {warm}")
    print()
    for label in dict.fromkeys(r[0] for r in rows):
        by = {(r[1], r[2]): r for r in rows if r[0] == label}
        for name in [r[2] for r in rows if r[0] == label and r[1] == "aggregates"]:
            new, old = by[("aggregates", name)], by[("calls", name)]
            slug = name.replace(" + ", "-").replace(" ", "-").replace("()", "")
            for metric, i in (("cold_p95", 5), ("warm_p95", 7)):
                if new[i] == new[i]:
                    print(f"BENCH name=dashboard/{label}-{slug} metric={metric} "
                          f"value={new[i] * 1000:.0f} baseline={old[i] * 1000:.0f} "
                          f"ratio={new[i] / old[i]:.2f} unit=ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
