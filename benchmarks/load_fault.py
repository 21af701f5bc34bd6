"""Load and fault test (issue 11): 20 users browse while loads run, one killed midway.

On loopback only, bounded in time and count:

1. copies the demo warehouse (``copil demo --no-serve --db <copy>``, built if absent) and
   serves it in a separate process with waitress on 127.0.0.1 (8 threads, as ``copil
   serve``; the meeting's views prefetched first, as ``copil serve`` does in the
   background);
2. 20 users (10 clients, 10 providers, arriving over the first 5 s) log in over HTTP and post the Weekly, Quarterly
   and (providers) Planning callbacks as the browser does, each after a pause of 1 to 3 s
   (a person reading the page: ``--think``), choosing with a fixed seed among the views of a steering meeting (the ones ``copil serve`` warms): the
   last 13 complete weeks, the current quarter and the first week to plan;
3. 5 s in, ``copil ingest calls`` of a 2,000,000-row canonical file (benchmarks/ingest.py's
   generator: no randomness) starts and is killed with SIGKILL 5 s after it took the
   writer lock; a second ``copil ingest`` of the same file then runs to the end;
4. the users stop 60 s after the start or 10 s after the completed load, whichever is later
   (at most ``--max-seconds``);
5. checks: no 5xx, no request over 2 s, the server's peak RSS (VmHWM) under 1.5 GB, the
   completed load's 2,000,000 rows all in the warehouse, every other table unchanged, the
   killed run absent.

Usage: ``uv run python benchmarks/load_fault.py [--work DIR] [--rows 2000000]``. Prints the
figures and exits 1 when a check fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "security"))
sys.path.insert(0, str(ROOT / "tests" / "dashboards"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest import make_file  # noqa: E402

PASSWORD = "load-test-password-1"
USERS = [(f"client{i:02d}", "client") for i in range(10)] + \
        [(f"provider{i:02d}", "provider") for i in range(10)]
SEED = 20261204
SLOW_S = 2.0
RSS_LIMIT = 1.5e9
TABLES = ("calls", "callbacks", "campaigns", "operator_counts", "staffing", "actions",
          "ingest_runs", "quarantine", "settings")

SERVER = """
import sys
from dashboards.app import create_app, prefetch, waitress_options
from waitress import serve
db, users, key, port = sys.argv[1:5]
app = create_app(db, users_path=users, secret_key_path=key)
done = prefetch(app)
print("ready", done, flush=True)
serve(app.server, host="127.0.0.1", port=int(port), **waitress_options(app, 8))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def counts(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f"select count(*) from {t}").fetchall()[0][0] for t in TABLES}
    finally:
        con.close()


def views(db: Path) -> dict:
    """The weeks, quarters and planning weeks the users choose from (the pages' readers)."""
    from analytics.kpis import iso_week, last_complete_week, week_start
    from analytics.periods import quarter_of_week
    from analytics.warehouse import connect
    from dashboards.planning_model import read_plan_weeks

    con = connect(db, read_only=True)
    try:
        monday = week_start(last_complete_week(con))
        weeks = [iso_week(monday - dt.timedelta(weeks=k)) for k in range(13)]
        quarters = [quarter_of_week(weeks[0])]
        plan = read_plan_weeks(con)["weeks"][:1]
    finally:
        con.close()
    return {"weeks": weeks, "quarters": quarters, "plan": plan}


def bodies(role: str, choice: dict, rng: random.Random) -> list[tuple[str, dict]]:
    from security_testkit import callback_body

    week = rng.choice(choice["weeks"])
    quarter = rng.choice(choice["quarters"])
    wq = [("weekly-week", "value", week), ("weekly-queues", "value", [])]
    out = [
        ("weekly", callback_body([("weekly-cards", "children"), ("weekly-trend-rates", "figure"),
                                  ("weekly-trend-waits", "figure"),
                                  ("weekly-report-link", "href")], wq)),
        ("weekly-detail", callback_body([("weekly-daily", "figure"),
                                         ("weekly-intraday", "figure")], wq)),
        ("weekly-gaps", callback_body([("weekly-gaps", "children")], wq)),
        ("quarterly", callback_body(
            [("quarterly-rates", "figure"), ("quarterly-waits", "figure"),
             ("quarterly-compliance", "children"), ("quarterly-volume", "figure"),
             ("quarterly-campaigns", "children"), ("quarterly-staffing", "children"),
             ("quarterly-report-link", "href")],
            [("quarterly-quarter", "value", quarter), ("quarterly-queues", "value", [])])),
    ]
    if role == "provider":
        out.append(("planning", callback_body(
            [("planning-content", "children")],
            [("planning-week", "value", rng.choice(choice["plan"])),
             ("planning-apply", "n_clicks", None)],
            [("planning-channel", "value", None), ("planning-date", "date", None),
             ("planning-audience", "value", None)])))
    return out


def user(name: str, role: str, url: str, choice: dict, stop: threading.Event,
         log: list, index: int, think: tuple[float, float]) -> None:
    rng = random.Random(SEED + index)
    stop.wait(0.25 * index)  # people arrive over the first 5 s, not in one instant
    s = requests.Session()
    r = s.post(url + "/login", data={"username": name, "password": PASSWORD},
               allow_redirects=False, timeout=30)
    if r.status_code != 302:
        log.append(("login", r.status_code, 0.0, time.monotonic()))
        return
    while not stop.is_set():
        kind, body = rng.choice(bodies(role, choice, rng))
        start = time.monotonic()
        try:
            r = s.post(url + "/_dash-update-component", json=body, timeout=30)
            status = r.status_code
        except requests.RequestException:
            status = 599
        log.append((kind, status, time.monotonic() - start, start))
        stop.wait(rng.uniform(*think))


def rss(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of ``pid``, bytes."""
    out = {}
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith(("VmRSS:", "VmHWM:")):
                out[line.split(":")[0]] = int(line.split()[1]) * 1024
    return out["VmRSS"], out["VmHWM"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", default=str(ROOT / "artifacts" / "load_fault"))
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--max-seconds", type=float, default=420.0)
    parser.add_argument("--think", default="1,3",
                        help="pause between a user's requests: min,max seconds (0,0: none)")
    args = parser.parse_args()
    think = tuple(float(x) for x in args.think.split(","))
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    demo = work / "demo" / "demo.duckdb"
    if not demo.exists():
        subprocess.run([sys.executable, "-m", "copil.cli", "demo", "--no-serve", "--db", str(demo),
                        "--files", str(work / "demo" / "files")], check=True, cwd=ROOT,
                       stdout=subprocess.DEVNULL)
    run = work / "run"
    shutil.rmtree(run, ignore_errors=True)
    run.mkdir()
    db = run / "warehouse.duckdb"
    shutil.copy(demo, db)
    file = make_file(args.rows, work / "files")
    before = counts(db)
    choice = views(db)

    from dashboards import auth

    users_path = run / "users.json"
    for name, role in USERS:
        auth.add_user(users_path, name, role, PASSWORD)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(db), str(users_path),
                               str(run / "secret_key"), str(port)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=open(run / "server.log", "w"),
                              text=True)
    events: dict[str, float] = {}
    try:
        t_warm = time.monotonic()
        ready = server.stdout.readline().split()
        assert ready and ready[0] == "ready", "the server did not start: see server.log"
        for _ in range(100):
            try:
                requests.get(url + "/login", timeout=2)
                break
            except requests.RequestException:
                time.sleep(0.1)
        warm_s = time.monotonic() - t_warm
        stop, log, samples = threading.Event(), [], []
        threads = [threading.Thread(target=user, args=(n, r, url, choice, stop, log, i, think),
                                    daemon=True) for i, (n, r) in enumerate(USERS)]
        t0 = time.monotonic()
        for th in threads:
            th.start()

        def sample() -> None:
            while not stop.is_set():
                samples.append(rss(server.pid)[0])
                time.sleep(0.5)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        time.sleep(5.0)
        env = {**os.environ}
        ingest_cmd = [sys.executable, "-m", "copil.cli", "ingest", "calls", str(file),
                      "--db", str(db)]
        events["kill_start"] = time.monotonic() - t0
        killed = subprocess.Popen(ingest_cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        lock = db.with_name(db.name + ".lock")
        while f"PID {killed.pid}:" not in (lock.read_text() if lock.exists() else ""):
            if killed.poll() is not None:
                raise SystemExit("the first load ended before it could be killed")
            time.sleep(0.05)
        time.sleep(5.0)
        os.kill(killed.pid, signal.SIGKILL)
        killed.wait()
        events["killed"] = time.monotonic() - t0
        done = subprocess.run(ingest_cmd, cwd=ROOT, env=env, capture_output=True, text=True)
        events["load_done"] = time.monotonic() - t0
        load_ok = done.returncode == 0
        end = max(args.seconds, events["load_done"] + 10.0)
        while time.monotonic() - t0 < min(end, args.max_seconds):
            time.sleep(0.2)
        stop.set()
        for th in threads:
            th.join(timeout=60)
        sampler.join(timeout=5)
        duration = time.monotonic() - t0
        peak_rss = rss(server.pid)[1]
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    after = counts(db)
    lat = sorted(x[2] for x in log if x[0] != "login")
    statuses = [x[1] for x in log]
    five = sum(1 for s in statuses if s >= 500)
    slow = [x for x in log if x[2] > SLOW_S]
    p = (lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]) if lat else (lambda q: float("nan"))
    after_load = [x[2] for x in log if x[3] - t0 >= events["load_done"]]
    phases = {"before_load": (0.0, events["kill_start"]),
              "loads": (events["kill_start"], events["load_done"]),
              "after_load": (events["load_done"], duration)}
    (run / "requests.json").write_text(json.dumps(
        [{"view": k, "status": s, "seconds": round(x, 4), "at_s": round(a - t0, 3)}
         for k, s, x, a in log]))
    expected = dict(before, calls=before["calls"] + args.rows,
                    ingest_runs=before["ingest_runs"] + 1)
    changed = {t: (before[t], after[t]) for t in TABLES if after[t] != expected[t]
               and t != "settings"}
    by_kind = {}
    for kind, _status, seconds, _ in log:
        by_kind.setdefault(kind, []).append(seconds)
    figures = {
        "load_average_1_5_15": os.getloadavg(),
        "cpus": os.cpu_count(),
        "server_warm_up_s": round(warm_s, 1),
        "users": len(USERS), "think_s": think, "duration_s": round(duration, 1),
        "requests": len(lat), "requests_per_s": round(len(lat) / duration, 1),
        "status_counts": {str(s): statuses.count(s) for s in sorted(set(statuses))},
        "http_5xx": five,
        "latency_s": {"p50": round(p(0.5), 3), "p95": round(p(0.95), 3),
                      "p99": round(p(0.99), 3), "max": round(lat[-1], 3) if lat else None},
        "latency_p95_by_view_s": {k: round(sorted(v)[int(0.95 * (len(v) - 1))], 3)
                                  for k, v in sorted(by_kind.items())},
        "latency_by_phase_s": {
            name: {"requests": len(v), "p50": round(v[len(v) // 2], 3),
                   "p95": round(v[int(0.95 * (len(v) - 1))], 3), "max": round(v[-1], 3)}
            for name, (a, b) in phases.items()
            if (v := sorted(x[2] for x in log if a <= x[3] - t0 < b and x[0] != "login"))},
        "requests_over_2s": len(slow),
        "latency_max_after_load_s": round(max(after_load), 3) if after_load else None,
        "server_rss_peak_bytes": peak_rss,
        "server_rss_peak_mib": round(peak_rss / 2**20),
        "server_rss_max_sampled_mib": round(max(samples) / 2**20) if samples else None,
        "events_s": {k: round(v, 1) for k, v in events.items()},
        "completed_load_ok": load_ok,
        "completed_load_stderr_tail": done.stderr[-300:],
        "rows_before": before, "rows_after": after,
        "tables_not_as_expected": changed,
    }
    print(json.dumps(figures, indent=1, default=str))
    ok = (five == 0 and not slow and peak_rss < RSS_LIMIT and load_ok and not changed)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
