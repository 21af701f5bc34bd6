"""The call aggregates (analytics.aggregates) give exactly the figures of the calls.

Every KPI frame read from the aggregates is compared with the same frame read from the calls
(``analytics.kpis.answers`` forced False): counts, rates, means, percentiles and maxima
equal to the last bit, for weeks (Monday and Sunday starts), days across both DST changes,
months, quarters, per queue and filtered, and for contract variants (short abandons,
service-level variants and thresholds). Then the maintenance: a load recomputes only its
days, a reload that moves a call to another day rebuilds, and a warehouse changed outside a
load or read with another contract is read from the calls.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import analytics.kpis as kpis_module
from analytics import aggregates
from analytics.aggregates import aggregate_state, answers, refresh_call_aggregates
from analytics.contract import parse_contract
from analytics.kpis import kpis
from analytics.warehouse import connect

OUTCOMES = np.array(["answered", "abandoned", "overflow", "ivr"])


@pytest.fixture(autouse=True)
def small_warehouses_read_the_aggregates():
    """These warehouses are small: read the aggregates below MIN_CALLS too."""
    with pytest.MonkeyPatch.context() as m:
        m.setattr(aggregates, "MIN_CALLS", 0)
        yield

# 2025-10-20 .. 2026-04-12 local Paris: two quarters, the autumn and spring DST changes
T0 = dt.datetime(2025, 10, 19, 22, 0, tzinfo=dt.UTC)
SPAN_S = 175 * 86400


def _calls(con, seed: int, n: int, whole: bool, start_id: int = 0) -> None:
    """``n`` random calls (whole-second durations or tenths), three queues, transfers
    known and unknown."""
    rng = np.random.default_rng(seed)
    arrived = [T0 + dt.timedelta(seconds=int(s)) for s in rng.integers(0, SPAN_S, n)]
    outcome = OUTCOMES[rng.integers(0, 4, n)]
    wait = rng.exponential(40, n).round(0 if whole else 1)
    frame = pd.DataFrame({
        "source": "test", "call_id": [str(start_id + i) for i in range(n)],
        "queue": np.array(["PS", "NE", "IN"])[rng.integers(0, 3, n)],
        "arrived_at": pd.to_datetime(arrived, utc=True),
        "answered_at": pd.Series(pd.NaT, index=range(n), dtype="datetime64[us, UTC]"),
        "ended_at": pd.Series(pd.NaT, index=range(n), dtype="datetime64[us, UTC]"),
        "outcome": outcome, "wait_s": np.where(outcome == "ivr", np.nan, wait),
        "talk_s": np.where(outcome == "answered", rng.exponential(200, n).round(0 if whole else 1),
                           np.nan),
        "hold_s": np.where(rng.random(n) < 0.3, 15.0, np.nan), "wrap_s": 20.0,
        "agent_id": None, "caller_key": None, "topic": None, "region": None,
        "transfer_to": np.array(["", "expert", None], dtype=object)[rng.integers(0, 3, n)],
        "run_id": 0,
    })
    con.register("_f", frame)
    con.execute("insert into calls by name select * from _f")
    con.unregister("_f")


def _raw(con, **kw) -> pd.DataFrame:
    """The KPI frame read from the calls."""
    with pytest.MonkeyPatch.context() as m:
        m.setattr(kpis_module, "answers", lambda *a, **k: False)
        return kpis(con, **kw)


def assert_same_figures(got: pd.DataFrame, want: pd.DataFrame, exact: bool = True) -> None:
    """Same columns, rows and values: counts and floats equal exactly (nulls alike).
    ``exact=False`` (two reads of the calls with fractional durations, whose sums DuckDB's
    threads may add in another order): floats within 1e-12 relative."""
    assert list(got.columns) == list(want.columns)
    assert len(got) == len(want)
    for col in got.columns:
        a, b = got[col].reset_index(drop=True), want[col].reset_index(drop=True)
        same = (a == b) | (a.isna() & b.isna())
        if not exact and a.dtype.kind == "f":
            same |= np.isclose(a, b, rtol=1e-12, atol=0)
        assert same.all(), (col, a[~same].head(3).tolist(), b[~same].head(3).tolist())


CASES = [
    dict(period="week"),
    dict(period="week", week_start=6),
    dict(period="day", start="2025-10-20", end="2025-11-02"),     # autumn DST day 10-26
    dict(period="day", start="2026-03-23", end="2026-04-05"),     # spring DST day 03-29
    dict(period="month"),
    dict(period="quarter"),
    dict(period="week", by="queue"),
    dict(period="day", queues=["PS", "IN"], start="2026-01-01", end="2026-01-31"),
    dict(period="quarter", by="queue", queues=["NE"]),
]
CONTRACTS = [
    "short_abandon_s: 0",
    "short_abandon_s: 5\nservice_level: {variant: default, thresholds: [10, 20, 45]}",
    "short_abandon_s: 5\nservice_level: {variant: exclude_short, thresholds: [20]}",
    "service_level: {variant: answered_only, thresholds: [15, 30, 60, 90, 120, 180]}",
    "short_abandon_s: 8\nservice_level: {variant: offered, thresholds: [20, 40]}",
]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(0, 1500), whole=st.booleans(),
       contract=st.sampled_from(CONTRACTS))
def test_every_figure_from_the_aggregates_equals_the_calls(seed, n, whole, contract):
    con = connect(":memory:")
    try:
        _calls(con, seed, n, whole)
        c = parse_contract(contract)
        assert refresh_call_aggregates(con, contract=c) == "built"
        # tenths of seconds: a mean's last bit depends on the order of addition, the
        # aggregates step aside and every figure is the calls'
        assert answers(con, "Europe/Paris", c.short_abandon_s) == (whole or n == 0)
        for case in CASES:
            kw = {"start": "2025-10-20", "end": "2026-04-12", "contract": c} | case
            assert_same_figures(kpis(con, **kw), _raw(con, **kw), exact=whole)
    finally:
        con.close()


def test_the_aggregates_are_read_and_are_small(monkeypatch):
    """kpis reads the aggregates' SQL when they answer, the calls' otherwise."""
    con = connect(":memory:")
    _calls(con, 7, 3000, whole=True)
    c = parse_contract("short_abandon_s: 5")
    refresh_call_aggregates(con, contract=c)
    read = []
    real = kpis_module.sql_text
    monkeypatch.setattr(kpis_module, "sql_text", lambda name: read.append(name) or real(name))
    kpis(con, period="week", contract=c)
    kpis(con, period="week", contract=parse_contract("short_abandon_s: 0"))   # not stored
    kpis(con, period="interval", start="2026-01-05", end="2026-01-05", contract=c)
    kpis(con, period="week", by="agent", contract=c)
    assert [n for n in read if n.startswith("kpi_calls")] == [
        "kpi_calls_aggregates", "kpi_calls_two_level", "kpi_calls_one_pass", "kpi_calls_two_level"]
    # 3000 calls over 175 days and 3 queues: at most 175 * 3 * 5 (outcome, short) day rows
    assert con.execute("select count(*) from agg_calls_day").fetchall()[0][0] <= 175 * 3 * 5
    con.close()


def test_a_warehouse_changed_outside_a_load_is_read_from_the_calls():
    con = connect(":memory:")
    _calls(con, 3, 500, whole=True)
    c = parse_contract("short_abandon_s: 0")
    refresh_call_aggregates(con, contract=c)
    assert answers(con, "Europe/Paris", 0)
    assert not answers(con, "Europe/Paris", 5)          # another short-abandon threshold
    assert not answers(con, "America/New_York", 0)      # another zone
    _calls(con, 4, 10, whole=True, start_id=10_000)     # rows written without a load
    assert not answers(con, "Europe/Paris", 0)
    kw = {"period": "week", "contract": c}
    assert_same_figures(kpis(con, **kw), _raw(con, **kw))
    assert refresh_call_aggregates(con, contract=c) == "built"  # the count no longer matches
    assert answers(con, "Europe/Paris", 0)
    con.close()


HEADER = "call_id,queue,arrived_at,answered_at,outcome,wait_s,talk_s,hold_s,wrap_s,agent_id,caller_number,topic,region,transfer_to\n"


def _file(tmp_path, name: str, lines: list[str]):
    path = tmp_path / name
    path.write_text(HEADER + "".join(f"{x}\n" for x in lines), encoding="utf-8")
    return path


def test_a_load_recomputes_only_its_days_and_a_moved_call_rebuilds(tmp_path, monkeypatch):
    from analytics.ingest import ingest_file

    monkeypatch.setenv("COPIL_CALLER_KEY", "test-key-not-secret-padded-to-32-bytes")
    con = connect(tmp_path / "w.duckdb")
    ingest_file(con, "calls", _file(tmp_path, "a.csv", [
        "c1,Q,2026-03-02 09:00:00,,answered,20,100,0,30,a1,,,,",
        "c2,Q,2026-03-02 09:10:00,,abandoned,45,,,,,,,,",
        "c3,Q,2026-03-03 10:00:00,,answered,12,60,0,0,a2,,,,"]))
    state = aggregate_state(con)
    assert (state.calls_rows, state.tz) == (3, "Europe/Paris")
    # a second load: one new day; c3 reloaded unchanged. Only 2026-03-04 is recomputed:
    # the rows of 2026-03-02 keep their identity (no delete, no insert)
    before = con.execute("select rowid, local_date from agg_calls_day "
                         "where local_date = date '2026-03-02' order by rowid").fetchall()
    calls = []
    real = aggregates._insert
    monkeypatch.setattr(aggregates, "_insert", lambda c, p: calls.append(p) or real(c, p))
    ingest_file(con, "calls", _file(tmp_path, "b.csv", [
        "c3,Q,2026-03-03 10:00:00,,answered,12,60,0,0,a2,,,,",
        "c4,Q,2026-03-04 11:00:00,,answered,30,90,0,10,a1,,,,"]))
    assert [p["days"] for p in calls] == [[dt.date(2026, 3, 4)]]
    assert con.execute("select rowid, local_date from agg_calls_day where local_date = "
                       "date '2026-03-02' order by rowid").fetchall() == before
    kw = {"period": "day", "start": "2026-03-02", "end": "2026-03-04"}
    assert kpis(con, **kw)["offered"].tolist() == [2, 1, 1]
    # a third load moves c1 from 03-02 to 03-04: 03-02 was not a day of the load, the
    # totals disagree, everything is cut again
    calls.clear()
    ingest_file(con, "calls", _file(tmp_path, "c.csv", [
        "c1,Q,2026-03-04 09:00:00,,answered,20,100,0,30,a1,,,,"]))
    assert [p["days"] for p in calls] == [[dt.date(2026, 3, 4)], None]
    assert answers(con, "Europe/Paris", 0)
    got = kpis(con, **kw)
    assert got["offered"].tolist() == [1, 1, 2]
    assert_same_figures(got, _raw(con, **kw))
    con.close()


def test_a_new_contract_threshold_rebuilds_the_aggregates(tmp_path):
    from analytics.contract import store_contract

    con = connect(tmp_path / "w.duckdb")
    _calls(con, 5, 200, whole=True)
    store_contract(con, "timezone: Europe/Paris\nshort_abandon_s: 0\n")
    assert aggregate_state(con).short_s == 0
    store_contract(con, "timezone: Europe/Paris\nshort_abandon_s: 10\n")
    assert aggregate_state(con).short_s == 10
    assert answers(con, "Europe/Paris", 10)
    con.close()


@pytest.mark.parametrize("values", [[7.0], [3.0, 3.0], [1.0, 2.0, 30.0, 31.5, 100.0],
                                    [0.0, 59.0, 59.0, 61.0]])
def test_percentiles_equal_duckdb_quantile_cont(values):
    """finish_percentiles on the {lo, hi, d} of each percentile equals quantile_cont."""
    import duckdb

    n = len(values)
    qs = [0.5, 0.8, 0.9, 0.95]
    parts = []
    for q in qs:
        rn = (n - 1) * q
        parts.append({"lo": values[int(np.floor(rn))], "hi": values[int(np.ceil(rn))],
                      "d": rn - np.floor(rn)})
    frame = aggregates.finish_percentiles(pd.DataFrame({"q": parts}), ["q"])
    want = duckdb.connect().execute("select quantile_cont(x, [0.5, 0.8, 0.9, 0.95]) from "
                                    "(select unnest(?) x)", [values]).fetchall()[0][0]
    assert frame["q"].tolist() == want


def test_the_data_range_and_as_of_from_the_aggregates_equal_the_calls():
    from analytics.aggregates import call_span
    from analytics.kpis import data_as_of, data_range

    con = connect(":memory:")
    _calls(con, 9, 800, whole=True)
    before = data_range(con), data_as_of(con)          # no aggregates yet: the calls
    assert call_span(con, "Europe/Paris") is None
    refresh_call_aggregates(con)
    assert call_span(con, "Europe/Paris") is not None
    assert call_span(con, "Asia/Tokyo") is None          # cut in another zone
    assert (data_range(con), data_as_of(con)) == before
    first, last = con.execute(
        "select min(cast(timezone('Europe/Paris', arrived_at) as date)), "
        "max(cast(timezone('Europe/Paris', arrived_at) as date)) from calls").fetchall()[0]
    assert before[0] == (first, last)
    con.close()


def test_small_warehouses_read_the_calls(monkeypatch):
    """Below MIN_CALLS the calls are read (faster there); the figures are the same."""
    con = connect(":memory:")
    _calls(con, 2, 300, whole=True)
    refresh_call_aggregates(con)
    assert answers(con, "Europe/Paris", 0)
    monkeypatch.setattr(aggregates, "MIN_CALLS", 301)
    assert not answers(con, "Europe/Paris", 0)
    monkeypatch.setattr(aggregates, "MIN_CALLS", 300)
    assert answers(con, "Europe/Paris", 0)
    con.close()
