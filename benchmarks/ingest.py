"""Ingestion benchmark: copil ingest vs raw DuckDB vs pandas, side by side, in one run.

For each size (default 2 and 10 million calls) a canonical gzip CSV is generated once
into ``artifacts/bench/`` (naive Paris local times within opening hours 9:00-18:00, ~1 million distinct
caller numbers),
then loaded into a fresh warehouse, each load a whole process (peak RSS from ``wait4``),
floor and copil alternately, ``--runs`` times (medians):

- ``duckdb``: ``CREATE TABLE t AS SELECT * FROM read_csv(file)`` (type inference, no
  validation: the floor);
- ``copil``: :func:`analytics.ingest.ingest_file` (parse, validate, quarantine, DST,
  pseudonymise, dedupe, one transaction);
- ``pandas`` (``--pandas``, once): ``pandas.read_csv`` then ``CREATE TABLE t AS SELECT * FROM df``.

The same rows in a Parquet file are loaded too (floor: ``read_parquet``).

With ``--connect`` an Amazon-Connect-shaped file of the same number of rows (contact
legs: 20 % of calls transferred, 3 % with a queued callback, 5 % of records delivered
twice) is loaded too with the ``amazon-connect`` profile (keep_latest + group), and its
time is compared with the canonical file's (issue 14: within 2x).

Usage: ``uv run python benchmarks/ingest.py [--sizes 2000000,10000000] [--runs 3]
[--no-parquet] [--pandas] [--connect]``. Prints a table (seconds, ratio to the DuckDB
floor, peak RSS, copil's step timings) and ``BENCH`` lines (benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analytics.ingest import ingest_file  # noqa: E402
from analytics.warehouse import connect  # noqa: E402

OUT = ROOT / "artifacts" / "bench"


def make_file(n: int, out: Path = OUT, *, first_id: int = 0) -> Path:
    """A canonical call log of ``n`` rows (generated once into ``out``, reused): the same
    ``n`` and ``first_id`` always give the same file (no randomness: hashes of the row
    number). Call ids run from ``C<first_id>``; files with disjoint ranges add up."""
    path = out / (f"calls_{n}.csv.gz" if not first_id else f"calls_{n}_from_{first_id}.csv.gz")
    if path.exists():
        return path
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute(
        """
        copy (
          with c as (
            select i,
                   timestamp '2024-01-01 09:00:00' + to_days((i * 7919 // 1000) % 730) + to_seconds(i * 37 % 32400) as t,
                   hash(i) % 100 as u,
                   (hash(i * 7) % 240)::int as w,
                   (hash(i * 11) % 600 + 60)::int as talk
            from range(?, ?) r(i)
          )
          select 'C' || i as call_id,
                 ['logement', 'emploi', 'fin-de-contrat'][1 + i % 3] as queue,
                 strftime(t, '%Y-%m-%d %H:%M:%S') as arrived_at,
                 case when u < 90 then strftime(t + to_seconds(w), '%Y-%m-%d %H:%M:%S') end as answered_at,
                 case when u < 90 then 'answered' when u < 97 then 'abandoned'
                      when u < 99 then 'overflow' else 'ivr' end as outcome,
                 case when u < 99 then w else 0 end as wait_s,
                 case when u < 90 then talk end as talk_s,
                 case when u < 90 then 0 end as hold_s,
                 case when u < 90 then 30 end as wrap_s,
                 case when u < 90 then 'A' || (i % 25) end as agent_id,
                 '06 ' || lpad(((hash(i * 13) % 1000003))::varchar, 8, '0') as caller_number,
                 ['aide', 'dossier', 'paiement'][1 + i % 3] as topic,
                 ['IDF', 'ARA', 'OCC', 'HDF'][1 + i % 4] as region,
                 case when u = 5 then 'expert' end as transfer_to
          from c
        ) to ? (header, compression gzip)
        """, [first_id, first_id + n, str(path)])
    con.close()
    return path


def make_connect_file(n: int) -> Path:
    """About ``n`` Amazon Connect contact records (CTR, dotted CSV headers) for
    ``n / 1.28`` calls: every call an INBOUND leg; 20 % a TRANSFER leg, 3 % a CALLBACK
    leg; 5 % of the INBOUND records delivered twice (an earlier LastUpdateTimestamp)."""
    path = OUT / f"connect_{n}.csv.gz"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    calls = int(n / 1.28)
    con = duckdb.connect()
    con.execute(
        """
        copy (
          with c as (
            select i, hash(i) % 100 as u,
                   timestamp '2024-01-01 08:00:00' + to_days((i * 7919 // 1000) % 730)
                     + to_seconds(i * 37 % 36000) as t,
                   (hash(i * 7) % 240)::int as w, (hash(i * 11) % 600 + 60)::int as talk,
                   '+336' || lpad((hash(i * 13) % 1000003)::varchar, 8, '0') as caller
            from range(?) r(i)
          ), legs as (
            select i, 0 as leg, 'INBOUND' as method, u, t, w, talk, caller, 0 as late from c
            union all select i, 1, 'TRANSFER', u, t + to_seconds(w + talk), 15, 120, caller, 0
              from c where u < 20
            union all select i, 1, 'CALLBACK', u, t + to_seconds(w + 5), 900, 90, caller, 0
              from c where u between 20 and 22
            union all select i, 0, 'INBOUND', u, t, w, talk, caller, 1 from c where u % 20 = 7
          )
          select 'c-' || i || '-' || leg as "ContactId",
                 case when leg > 0 then 'c-' || i || '-0' end as "InitialContactId",
                 case when leg > 0 then 'c-' || i || '-0' end as "PreviousContactId",
                 'VOICE' as "Channel", method as "InitiationMethod",
                 strftime(t - interval 20 second, '%Y-%m-%dT%H:%M:%SZ') as "InitiationTimestamp",
                 strftime(t + to_seconds(w + talk), '%Y-%m-%dT%H:%M:%SZ') as "DisconnectTimestamp",
                 strftime(t + to_seconds(w + talk + 30 - 20 * late), '%Y-%m-%dT%H:%M:%SZ')
                   as "LastUpdateTimestamp",
                 caller as "CustomerEndpoint.Address",
                 case when u < 97 then ['Sales', 'Expert', 'Billing'][1 + i % 3] end as "Queue.Name",
                 case when u < 97 then strftime(t, '%Y-%m-%dT%H:%M:%SZ') end as "Queue.EnqueueTimestamp",
                 case when u < 97 then w end as "Queue.Duration",
                 case when u < 90 or method <> 'INBOUND' then 'A' || (i % 25) end as "Agent.Username",
                 case when u < 90 or method <> 'INBOUND'
                      then strftime(t + to_seconds(w), '%Y-%m-%dT%H:%M:%SZ') end
                   as "Agent.ConnectedToAgentTimestamp",
                 case when u < 90 or method <> 'INBOUND' then talk end as "Agent.AgentInteractionDuration",
                 case when u < 90 or method <> 'INBOUND' then 0 end as "Agent.CustomerHoldDuration",
                 case when u < 90 or method <> 'INBOUND' then 30 - 30 * late end
                   as "Agent.AfterContactWorkDuration"
          from legs
        ) to ? (header, compression gzip)
        """, [calls, str(path)])
    con.close()
    return path


def make_parquet(csv_path: Path) -> Path:
    """The same rows as ``csv_path`` in a Parquet file (typed columns, made once)."""
    path = csv_path.with_name(csv_path.name.removesuffix(".csv.gz") + ".parquet")
    if not path.exists():
        con = duckdb.connect()
        con.execute("copy (select * from read_csv(?)) to ? (format parquet)",
                    [str(csv_path), str(path)])
        con.close()
    return path


def _child(method: str, path: Path, db: Path, profile: str | None) -> None:
    """One load in this process; prints its seconds (and copil's step timings) as JSON."""
    if method == "duckdb":
        con = duckdb.connect(str(db))
        reader = "read_parquet" if path.suffix == ".parquet" else "read_csv"
        t0 = time.perf_counter()
        con.execute(f"create table t as select * from {reader}(?)", [str(path)])
        con.close()
        print(json.dumps({"seconds": time.perf_counter() - t0, "steps": {}}))
        return
    if method == "pandas":
        import pandas as pd

        con = duckdb.connect(str(db))
        t0 = time.perf_counter()
        df = pd.read_csv(path)
        con.register("df", df)
        con.execute("create table t as select * from df")
        con.close()
        print(json.dumps({"seconds": time.perf_counter() - t0, "steps": {}}))
        return
    con = connect(db)
    t0 = time.perf_counter()
    s = ingest_file(con, "calls", path, profile=profile)
    con.close()
    seconds = time.perf_counter() - t0
    assert s.balanced, s.as_dict()
    assert profile or s.rows_loaded == s.rows_read, s.as_dict()
    print(json.dumps({"seconds": seconds, "steps": s.timings}))


def run(method: str, path: Path, profile: str | None = None) -> tuple[float, dict, float]:
    """One load as a whole process into a fresh warehouse: (seconds of the load, copil's
    step timings, peak RSS of the process in MB)."""
    tmp = Path(tempfile.mkdtemp(prefix="copil-bench-"))
    try:
        cmd = [sys.executable, __file__, "--child", method, str(path), str(tmp / "w.duckdb")]
        if profile:
            cmd.append(profile)
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE)
        out = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        if status:
            raise RuntimeError(f"{method} load of {path} failed (status {status})")
        result = json.loads(out.decode().strip().splitlines()[-1])
        return result["seconds"], result["steps"], usage.ru_maxrss / 1024
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@dataclass
class Case:
    """Medians of ``runs`` whole-process loads of one file by copil and by the floor."""

    name: str
    rows: int
    copil_s: float
    floor_s: float
    copil_rss_mb: float
    floor_rss_mb: float
    steps: dict

    @property
    def ratio(self) -> float:
        return self.copil_s / self.floor_s


def measure(name: str, path: Path, rows: int, runs: int, profile: str | None = None) -> Case:
    """Floor and copil alternately, ``runs`` times each (same machine load for both)."""
    floor, copil = [], []
    for _ in range(runs):
        floor.append(run("duckdb", path))
        copil.append(run("copil", path, profile))
    steps = {k: statistics.median(c[1].get(k, 0.0) for c in copil) for k in copil[0][1]}
    return Case(name, rows, statistics.median(c[0] for c in copil),
                statistics.median(f[0] for f in floor), max(c[2] for c in copil),
                max(f[2] for f in floor), steps)


def bench_line(name: str, metric: str, value: float, baseline: float | None = None,
               unit: str = "s") -> str:
    """The one-line summary every benchmark prints (benchmarks/README.md)."""
    line = f"BENCH name={name} metric={metric} value={value:.3f} unit={unit}"
    if baseline:
        line += f" baseline={baseline:.3f} ratio={value / baseline:.2f}"
    return line


def _label(n: int) -> str:
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000000,10000000", help="rows per file, comma-separated")
    parser.add_argument("--runs", type=int, default=3, help="whole-process runs per case (median)")
    parser.add_argument("--no-parquet", action="store_true", help="skip the Parquet input case")
    parser.add_argument("--pandas", action="store_true", help="also time pandas.read_csv (once)")
    parser.add_argument("--connect", action="store_true",
                        help="also load an Amazon-Connect-shaped file of as many rows "
                             "(multi-segment grouping) and compare it with the canonical one")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("COPIL_CALLER_KEY", "benchmark-key-not-secret-padded-to-32-bytes")
    if args.child:
        _child(args.child[0], Path(args.child[1]), Path(args.child[2]),
               args.child[3] if len(args.child) > 3 else None)
        return
    sizes = [int(float(s)) for s in args.sizes.split(",")]
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"({os.cpu_count()} cores); medians of {args.runs} whole-process runs", flush=True)
    cases: list[Case] = []

    def add(case: Case) -> None:
        cases.append(case)
        print(f"{case.name:<22} {case.rows:>11,} {case.floor_s:>9.2f} {case.copil_s:>8.2f} "
              f"{case.ratio:>9.2f} {case.floor_rss_mb:>8.0f} MB {case.copil_rss_mb:>7.0f} MB  "
              + ", ".join(f"{k} {v:.2f}" for k, v in case.steps.items()), flush=True)

    print(f"{'case':<22} {'rows':>11} {'duckdb s':>9} {'copil s':>8} {'x duckdb':>9} "
          f"{'RSS duckdb':>11} {'RSS copil':>10}  copil steps (s)", flush=True)
    for n in sizes:
        path = make_file(n)
        add(measure(f"ingest_csv_{_label(n)}", path, n, args.runs))
        if not args.no_parquet:
            add(measure(f"ingest_parquet_{_label(n)}", make_parquet(path), n, args.runs))
        if args.connect:
            add(measure(f"ingest_connect_{_label(n)}", make_connect_file(n), n, args.runs,
                        "amazon-connect"))
        if args.pandas:
            sec, _, rss = run("pandas", path)
            print(f"{'pandas':<22} {n:>11,} {sec:.2f} s ({sec / cases[0].floor_s:.2f} x duckdb "
                  f"csv), peak RSS {rss:.0f} MB", flush=True)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for c in cases:
        print(bench_line(c.name, "seconds", c.copil_s, c.floor_s))
        print(bench_line(c.name, "peak_rss", c.copil_rss_mb, unit="MB"))


if __name__ == "__main__":
    main()
