"""Demo generator benchmark: two years end to end, the queue simulation, the CSV writer.

Side by side in one run:

- ``generate``: :func:`demo.generate` with demo/demo.yaml (two years, ~480,000
  calls), wall-clock and CPU seconds;
- ``simulate``: :func:`staffing.simulation.simulate_queue` on 460,000 calls with staffing
  changing every half-hour, against the same calls with constant staffing (the floor of
  the heap loop, no shift handling);

Usage: ``uv run python benchmarks/demo.py``. Prints seconds and ratios (CPU seconds
too: on a shared machine the wall clock also counts other processes).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from demo import generate  # noqa: E402
from staffing.simulation import simulate_queue  # noqa: E402


def timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        result, wall, cpu = timed(lambda: generate(None, tmp))
        s = result["summary"]
        print(f"generate   2 years, {s['calls']:,} calls: {wall:6.2f} s wall, {cpu:6.2f} s CPU "
              f"({s['calls'] / wall:,.0f} calls/s)")

    rng = np.random.default_rng(1)
    n, rate = 460_000, 0.05  # calls, calls per second
    arrival = np.sort(rng.uniform(0, n / rate, n))
    service = rng.exponential(360.0, n)
    patience = rng.exponential(165.0, n)
    n_int = int(n / rate // 1800) + 2
    varying = 15 + np.rint(5 * np.sin(np.arange(n_int) / 3)).astype(int)
    r, _, vary_s = timed(lambda: simulate_queue(arrival, service, patience, varying, 1800.0,
                                                overflow_after_s=240.0))
    _, _, const_s = timed(lambda: simulate_queue(arrival, service, patience, 18, 1800.0,
                                                 overflow_after_s=240.0))
    print(f"simulate   {n:,} calls (CPU): half-hourly staffing {vary_s:5.2f} s "
          f"({n / vary_s:,.0f} calls/s), constant staffing {const_s:5.2f} s "
          f"(ratio {vary_s / const_s:.2f}); answered {np.mean(r['outcome'] == 0):.1%}")


if __name__ == "__main__":
    main()
