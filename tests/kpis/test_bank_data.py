"""On the real 1999 Anonymous Bank log: monthly KPIs equal a query on the raw file.

The reference below reads ``calls.csv.gz`` directly with DuckDB and applies the source
documentation's rules (PHANTOM ignored; HANG without queue entry ended in the IVR;
AGENT answered; HANG after entering the queue abandoned; waits are ``q_time``). The
month is the record's own ``date`` (local Israeli date), so no time-zone code is shared
with copil's ingestion or KPI engine.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

REL = Path("shared") / "data" / "anonymous_bank_1999" / "calls.csv.gz"


def _bank_file() -> Path | None:
    env = os.environ.get("COPIL_BANK_DATA")
    if env and Path(env).is_file():
        return Path(env)
    for parent in Path(__file__).resolve().parents:
        if (parent / REL).is_file():
            return parent / REL
    return None


BANK = _bank_file()

REFERENCE = """
with raw as (
    select * from read_csv(?, header = true, all_varchar = true)
    where outcome <> 'PHANTOM'
),
typed as (
    select
        '19' || substr(date, 1, 2) || '-' || substr(date, 3, 2) || '-01' as month,
        outcome = 'AGENT'                                  as answered,
        outcome = 'HANG' and q_start <> '0:00:00'          as abandoned,
        cast(q_time as double)                             as q_time
    from raw
)
select
    month,
    count(*) filter (where answered or abandoned)                           as offered,
    count(*) filter (where answered)                                        as answered,
    count(*) filter (where abandoned)                                       as abandoned,
    count(*) filter (where answered) / count(*) filter (where answered or abandoned)
                                                                            as pickup_rate,
    avg(q_time) filter (where answered)                                     as asa_s,
    quantile_cont(q_time, 0.9) filter (where answered)                      as wait_p90_s
from typed
group by month
order by month
"""


@pytest.fixture(scope="module")
def bank(tmp_path_factory):
    if BANK is None:
        pytest.skip("the shared Anonymous Bank file is not present")
    from analytics import ingest
    from analytics.warehouse import connect

    mp = pytest.MonkeyPatch()
    mp.setenv("COPIL_CALLER_KEY", "kpi-test-key-not-secret-padded-to-32-bytes")
    con = connect(tmp_path_factory.mktemp("bank") / "bank.duckdb")
    ingest.ingest_file(con, "calls", BANK, profile="anonymous-bank")
    yield con
    con.close()
    mp.undo()


def test_monthly_kpis_equal_the_raw_file_query(bank):
    import duckdb

    from analytics.kpis import kpis

    ref = duckdb.connect().execute(REFERENCE, [str(BANK)]).df()
    got = kpis(bank, period="month")
    got = got[got.offered > 0].reset_index(drop=True)
    assert [str(d) for d in got.period_start] == list(ref.month)
    assert len(ref) == 9                       # Jan-Jul, Sep, Oct 1999
    for col in ("offered", "answered", "abandoned"):
        assert got[col].tolist() == ref[col].tolist(), col
    for col in ("pickup_rate", "asa_s", "wait_p90_s"):
        np.testing.assert_allclose(got[col].to_numpy(float), ref[col].to_numpy(float),
                                   rtol=1e-12, atol=0, err_msg=col)
    # a hand-checked anchor: January 1999
    jan = got.iloc[0]
    assert (jan.offered, jan.answered, jan.abandoned) == (30161, 27060, 3101)
    # the bank log has no transfer field: the transfer rate is unknown, never 0
    assert got.transfer_rate.isna().all()


def test_bank_line_is_cut_in_israel_time(bank):
    from analytics.kpis import data_range, last_complete_week
    from analytics.warehouse import line_timezone

    assert line_timezone(bank) == "Asia/Jerusalem"
    first, last = data_range(bank)
    assert (str(first), str(last)) == ("1999-01-01", "1999-10-31")
    assert last_complete_week(bank) == "1999-W43"
