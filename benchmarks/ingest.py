"""Ingestion benchmark: copil ingest vs raw DuckDB vs pandas, side by side, in one run.

For each size (default 2 and 10 million calls) a canonical gzip CSV is generated once
into ``artifacts/bench/`` (naive Paris local times within opening hours 9:00-18:00, ~1 million distinct
caller numbers),
then loaded into a fresh warehouse three ways:

- ``duckdb``: ``CREATE TABLE t AS SELECT * FROM read_csv(file)`` (type inference, no
  validation: the floor);
- ``copil``: :func:`analytics.ingest.ingest_file` (parse, validate, quarantine, DST,
  pseudonymise, dedupe, one transaction);
- ``pandas``: ``pandas.read_csv`` then ``INSERT INTO t SELECT * FROM df`` (skipped above
  ``--pandas-max`` rows).

With ``--connect`` an Amazon-Connect-shaped file of the same number of rows (contact
legs: 20 % of calls transferred, 3 % with a queued callback, 5 % of records delivered
twice) is loaded too with the ``amazon-connect`` profile (keep_latest + group), and its
time is compared with the canonical file's (issue 14: within 2x).

Usage: ``uv run python benchmarks/ingest.py [--sizes 2000000,10000000] [--pandas-max N]
[--connect]``. Prints seconds, rows per second and ratios to the DuckDB floor.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
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


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def run_duckdb(path: Path, db: Path) -> float:
    con = duckdb.connect(str(db))
    try:
        return timed(lambda: con.execute("create table t as select * from read_csv(?)", [str(path)]))
    finally:
        con.close()


def run_copil(path: Path, db: Path, profile: str | None = None) -> tuple[float, dict]:
    con = connect(db)
    try:
        t0 = time.perf_counter()
        s = ingest_file(con, "calls", path, profile=profile)
        seconds = time.perf_counter() - t0
        assert s.balanced, s.as_dict()
        assert profile or s.rows_loaded == s.rows_read, s.as_dict()
        return seconds, s.timings
    finally:
        con.close()


def run_pandas(path: Path, db: Path) -> float:
    import pandas as pd

    con = duckdb.connect(str(db))
    try:
        def load():
            df = pd.read_csv(path)
            con.register("df", df)
            con.execute("create table t as select * from df")
        return timed(load)
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000000,10000000", help="rows per file, comma-separated")
    parser.add_argument("--pandas-max", type=int, default=10_000_000,
                        help="skip pandas above this many rows")
    parser.add_argument("--connect", action="store_true",
                        help="also load an Amazon-Connect-shaped file of as many rows "
                             "(multi-segment grouping) and compare it with the canonical one")
    args = parser.parse_args()
    os.environ.setdefault("COPIL_CALLER_KEY", "benchmark-key-not-secret-padded-to-32-bytes")
    sizes = [int(float(s)) for s in args.sizes.split(",")]
    print(f"{'rows':>11} {'method':<8} {'seconds':>8} {'rows/s':>11} {'x duckdb':>9}")
    for n in sizes:
        t0 = time.perf_counter()
        path = make_file(n)
        made = time.perf_counter() - t0
        tmp = Path(tempfile.mkdtemp(prefix="copil-bench-"))
        try:
            base = run_duckdb(path, tmp / "raw.duckdb")
            copil, steps = run_copil(path, tmp / "copil.duckdb")
            rows = [("duckdb", base), ("copil", copil)]
            if n <= args.pandas_max:
                rows.append(("pandas", run_pandas(path, tmp / "pandas.duckdb")))
            for name, sec in rows:
                print(f"{n:>11,} {name:<8} {sec:>8.2f} {n / sec:>11,.0f} {sec / base:>9.2f}")
            print(f"{'':>11} copil steps (s): " + ", ".join(f"{k} {v:.2f}" for k, v in steps.items())
                  + (f"   [file generated in {made:.1f} s]" if made > 1 else ""))
            if args.connect:
                cpath = make_connect_file(n)
                grouped, gsteps = run_copil(cpath, tmp / "connect.duckdb", "amazon-connect")
                print(f"{n:>11,} {'connect':<8} {grouped:>8.2f} {n / grouped:>11,.0f} "
                      f"{grouped / base:>9.2f}   = {grouped / copil:.2f} x copil canonical")
                print(f"{'':>11} connect steps (s): "
                      + ", ".join(f"{k} {v:.2f}" for k, v in gsteps.items()))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
