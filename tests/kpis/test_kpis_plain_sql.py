"""Every KPI equals a plain, independent DuckDB query over the calls table.

The reference queries below are written the obvious way (``timezone()`` per row,
``FILTER`` aggregates, ``quantile_cont``); ``analytics.kpis`` computes the same numbers
through a faster plan (per-zone offset segments, two-level aggregation).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from analytics.contract import parse_contract
from analytics.kpis import kpis
from analytics.warehouse import connect, set_setting

REFERENCE = """
select {key} as k,
    count(*) filter (where outcome <> 'ivr' and not short) as offered,
    count(*) filter (where outcome = 'answered') as answered,
    count(*) filter (where outcome = 'abandoned' and not short) as abandoned,
    count(*) filter (where short) as short_abandoned,
    count(*) filter (where outcome = 'overflow') as overflow,
    count(*) filter (where outcome = 'ivr') as ivr_only,
    count(*) filter (where outcome = 'answered') / nullif(count(*) filter (where outcome <> 'ivr' and not short), 0) as pickup_rate,
    -- glossary 2026-12-04: the default service level counts short abandons in its denominator
    count(*) filter (where outcome = 'answered' and wait_s <= 20)
      / nullif(count(*) filter (where outcome in ('answered', 'abandoned')), 0) as service_level_20s,
    avg(wait_s) filter (where outcome = 'answered') as asa_s,
    quantile_cont(wait_s, 0.5) filter (where outcome = 'answered') as wait_p50_s,
    quantile_cont(wait_s, 0.8) filter (where outcome = 'answered') as wait_p80_s,
    quantile_cont(wait_s, 0.9) filter (where outcome = 'answered') as wait_p90_s,
    quantile_cont(wait_s, 0.95) filter (where outcome = 'answered') as wait_p95_s,
    max(wait_s) filter (where outcome = 'answered') as wait_max_s,
    avg(wait_s) filter (where outcome = 'abandoned' and not short) as abandon_wait_s,
    avg(wait_s) filter (where outcome = 'answered' or (outcome = 'abandoned' and not short)) as wait_all_mean_s,
    avg(talk_s + coalesce(hold_s, 0) + coalesce(wrap_s, 0)) filter (where outcome = 'answered') as aht_s,
    avg(talk_s) filter (where outcome = 'answered') as talk_mean_s,
    -- glossary 2026-12-04: patience counts the waits of overflow calls as exposure too
    sum(wait_s) filter (where outcome <> 'ivr' and not short)
      / nullif(count(*) filter (where outcome = 'abandoned' and not short), 0) as patience_mean_s
from (select *, outcome = 'abandoned' and wait_s <= ? as short from calls
      where queue = any(?))
group by all order by k
"""

KEYS = {
    "day": "strftime(timezone(?, arrived_at), '%Y-%m-%d')",
    "week": "strftime(date_trunc('week', timezone(?, arrived_at)), '%Y-%m-%d')",
    "month": "strftime(date_trunc('month', timezone(?, arrived_at)), '%Y-%m-%d')",
    "interval": "strftime(time_bucket(interval 15 minutes, timezone(?, arrived_at)), '%Y-%m-%dT%H:%M')",
}


def _random_log(con, seed: int, n: int, start: dt.datetime, days: int) -> None:
    rng = np.random.default_rng(seed)
    outcome = np.array(["answered", "abandoned", "overflow", "ivr"])[
        rng.choice(4, n, p=[0.7, 0.15, 0.05, 0.1])]
    arrived = pd.to_datetime(start, utc=True) + pd.to_timedelta(
        rng.integers(0, days * 86400, n), unit="s")
    frame = pd.DataFrame({
        "source": "test", "call_id": [f"c{i}" for i in range(n)],
        "queue": np.array(["A", "B", "C"])[rng.integers(0, 3, n)],
        "arrived_at": arrived.astype("datetime64[us, UTC]"),
        "answered_at": pd.Series(pd.NaT, index=range(n), dtype="datetime64[us, UTC]"),
        "ended_at": pd.Series(pd.NaT, index=range(n), dtype="datetime64[us, UTC]"),
        "outcome": outcome,
        "wait_s": np.where(outcome == "ivr", np.nan, rng.gamma(1.5, 30, n).round(1)),
        "talk_s": np.where(outcome == "answered", rng.gamma(2, 120, n).round(), np.nan),
        "hold_s": np.where(rng.random(n) < 0.2, rng.integers(0, 60, n), np.nan),
        "wrap_s": np.where(outcome == "answered", rng.integers(0, 30, n), np.nan),
        "agent_id": None, "caller_key": None, "topic": None, "region": None,
        "transfer_to": None, "run_id": 0,
    })
    con.register("_f", frame)
    con.execute("insert into calls by name select * from _f")
    con.unregister("_f")


@pytest.mark.parametrize("tz, start, days", [
    ("Europe/Paris", dt.datetime(2025, 3, 1), 400),
    ("Asia/Jerusalem", dt.datetime(1999, 1, 1), 365),
    ("Australia/Lord_Howe", dt.datetime(2025, 3, 20), 250),   # 30-minute DST shift
    ("Asia/Kathmandu", dt.datetime(2025, 1, 1), 60),            # UTC+05:45
])
def test_kpis_equal_plain_sql(tmp_path, tz, start, days):
    con = connect(tmp_path / "w.duckdb")
    set_setting(con, "timezone", tz)
    _random_log(con, seed=days, n=6000, start=start, days=days)
    short = 4.0
    contract = parse_contract(f"short_abandon_s: {short}")
    for grain, key in KEYS.items():
        got = kpis(con, period=grain, interval_minutes=15, queues=["A", "C"], contract=contract)
        ref = con.execute(REFERENCE.format(key=key), [tz, short, ["A", "C"]]).df()
        got["k"] = got.period_start.astype(str)
        got = got[got.offered + got.ivr_only + got.short_abandoned > 0].reset_index(drop=True)
        assert list(got.k) == list(ref.k), grain
        for col in ref.columns[1:]:
            np.testing.assert_allclose(got[col].to_numpy(float), ref[col].to_numpy(float),
                                       rtol=1e-12, atol=1e-9, err_msg=f"{tz} {grain} {col}")
    con.close()
