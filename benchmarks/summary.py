"""Every benchmark with modest sizes, then one table of their ``BENCH`` lines.

Runs each ``benchmarks/*.py`` (this file excepted) as its own process, with the modest
arguments of :data:`MODEST` (defaults otherwise), echoes its output, collects the lines
that start with ``BENCH `` (format: benchmarks/README.md) and prints them as one table.
A benchmark that fails is listed as failed; the others still run.

Usage: ``uv run python benchmarks/summary.py [--only ingest,kpis] [--full]``
(``--full``: every benchmark with its own default sizes). ``make bench`` runs this.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: Arguments giving each benchmark a size that runs in minutes on a shared 2-core machine.
MODEST: dict[str, list[str]] = {
    "ingest": ["--sizes", "500000", "--runs", "3"],
    "kpis": ["--calls", "1000000", "--repeat", "3"],
    "dashboard": ["--big-calls", "1000000", "--weeks", "4"],
    "forecast_families": ["--origins", "8"],
    "load_fault": ["--rows", "500000", "--seconds", "20"],
    "forecasting": ["--years", "2"],
    "reforecast": ["--months", "2"],
    "planning": ["--weeks", "8"],
}


@dataclass
class Bench:
    """One ``BENCH`` line: ``name`` ``metric`` ``value`` [``unit``] [``baseline`` ``ratio``]."""

    script: str
    fields: dict[str, str]


def parse_bench(script: str, line: str) -> Bench | None:
    """``BENCH key=value key=value ...`` -> :class:`Bench` (None if not such a line)."""
    if not line.startswith("BENCH "):
        return None
    fields = dict(part.split("=", 1) for part in shlex.split(line[6:]) if "=" in part)
    return Bench(script, fields) if {"name", "metric", "value"} <= fields.keys() else None


def run_one(script: Path, args: list[str]) -> tuple[list[Bench], int, float]:
    """Run one benchmark, echoing its output: (its BENCH lines, exit status, seconds)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(script), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, bufsize=1)
    found = []
    for line in proc.stdout:
        print(f"  {script.stem}| {line}", end="", flush=True)
        bench = parse_bench(script.stem, line.strip())
        if bench:
            found.append(bench)
    return found, proc.wait(), time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", help="benchmarks to run, comma-separated stems (default: all)")
    ap.add_argument("--full", action="store_true", help="each benchmark's own default sizes")
    args = ap.parse_args()
    only = set(args.only.split(",")) if args.only else None
    scripts = [p for p in sorted(HERE.glob("*.py"))
               if p.stem != "summary" and (only is None or p.stem in only)]
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"({os.cpu_count()} cores)", flush=True)
    rows: list[Bench] = []
    status: dict[str, tuple[int, float, int]] = {}
    for script in scripts:
        extra = [] if args.full else MODEST.get(script.stem, [])
        print(f"== {script.name} {' '.join(extra)}", flush=True)
        found, code, seconds = run_one(script, extra)
        rows += found
        status[script.stem] = (code, seconds, len(found))
    print(f"\nload average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'benchmark':<18} {'name':<30} {'metric':<12} {'value':>11} {'unit':<5} "
          f"{'baseline':>10} {'ratio':>7}")
    for b in rows:
        f = b.fields
        print(f"{b.script:<18} {f['name']:<30} {f['metric']:<12} {f['value']:>11} "
              f"{f.get('unit', ''):<5} {f.get('baseline', ''):>10} {f.get('ratio', ''):>7}")
    for stem, (code, seconds, n) in status.items():
        if code or not n:
            print(f"{stem:<18} {'(failed, status ' + str(code) + ')' if code else '(no BENCH line)'}"
                  f"  {seconds:.0f} s")
    sys.exit(1 if any(code for code, _, _ in status.values()) else 0)


if __name__ == "__main__":
    main()
