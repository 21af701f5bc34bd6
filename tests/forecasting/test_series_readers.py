"""analytics.series: offered calls per local day / interval, from a tiny warehouse."""

import pandas as pd
import pytest

from analytics import series
from analytics.warehouse import connect


@pytest.fixture()
def con(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    rows = [  # (call_id, queue, arrived_at UTC, outcome)
        ("1", "a", "2025-03-29 22:59:00+00", "answered"),   # 23:59 local, 29 March
        ("2", "a", "2025-03-29 23:10:00+00", "abandoned"),  # 00:10 local, 30 March
        ("3", "b", "2025-03-30 00:40:00+00", "overflow"),   # 01:40 local, 30 March
        ("4", "b", "2025-03-30 01:05:00+00", "answered"),   # 03:05 local (after the jump)
        ("5", "a", "2025-03-30 01:10:00+00", "ivr"),        # not offered
    ]
    for cid, q, ts, outcome in rows:
        con.execute("insert into calls (source, call_id, queue, arrived_at, outcome, run_id) "
                    "values ('t', ?, ?, ?::timestamptz, ?, 1)", [cid, q, ts, outcome])
    con.execute("insert into campaigns (source, campaign_id, channel, start_date, audience, "
                "queues, run_id) values ('t', 'K1', 'sms', '2025-03-31', 1000, 'a', 1)")
    yield con
    con.close()


def test_daily_offered_cuts_local_days(con):
    df = series.daily_offered(con)
    got = {(str(r.date.date()), r.queue): r.offered for r in df.itertuples()}
    assert got == {("2025-03-29", "a"): 1, ("2025-03-30", "a"): 1, ("2025-03-30", "b"): 2}
    s = series.daily_offered_series(con)
    assert s.to_dict() == {pd.Timestamp("2025-03-29"): 1.0, pd.Timestamp("2025-03-30"): 3.0}
    assert series.daily_offered_series(con, "b").sum() == 2
    with pytest.raises(ValueError, match="no offered calls"):
        series.daily_offered_series(con, "zzz")


def test_interval_offered_on_the_wall_clock(con):
    s = series.interval_offered_series(con, 60)
    assert [str(t) for t in s.index] == ["2025-03-29 23:00:00", "2025-03-30 00:00:00",
                                         "2025-03-30 01:00:00", "2025-03-30 03:00:00"]
    assert s.sum() == 4
    with pytest.raises(ValueError, match="divide a day"):
        series.interval_offered(con, 7)


def test_campaigns_and_queues(con):
    assert series.queues(con) == ["a", "b"]
    c = series.campaigns(con)
    assert list(c.columns) == series.CAMPAIGN_COLUMNS
    assert c.loc[0, "start_date"] == pd.Timestamp("2025-03-31") and c.loc[0, "audience"] == 1000
