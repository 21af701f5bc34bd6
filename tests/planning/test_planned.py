"""`analytics.planned.planned_intervals`: the one home of "what was planned" per interval."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.planned import PLANNED_COLUMNS, planned_intervals


def test_a_span_across_two_weeks_is_each_weeks_plan(con, w43_plan):
    # Saturday 2026-10-24 .. Tuesday 2026-10-27 straddles W43 (DST ends Sunday 25th) and W44
    got = planned_intervals(con, "2026-10-24", "2026-10-27")
    assert list(got.columns) == PLANNED_COLUMNS
    days = got["period_start"].dt.tz_localize(None).dt.normalize()
    assert sorted(days.dt.date.astype(str).unique()) == [
        "2026-10-24", "2026-10-25", "2026-10-26", "2026-10-27"]
    assert set(got.loc[days <= "2026-10-25", "week"]) == {"2026-W43"}
    assert set(got.loc[days >= "2026-10-26", "week"]) == {"2026-W44"}
    # 48 half-hours on Saturday, 50 on the 25-hour Sunday, 48 on Monday and Tuesday
    assert days.value_counts().sort_index().tolist() == [48, 50, 48, 48]
    # the W43 rows are exactly the week plan's figures (same fit, same requirements)
    agents = w43_plan.agents()
    wall = agents["period_start"].dt.tz_localize(None).dt.normalize()
    mine = agents[wall >= "2026-10-24"].reset_index(drop=True)
    theirs = got[got["week"] == "2026-W43"].reset_index(drop=True)
    for col in ["calls", "lo80", "hi95", "aht_s", "agents_c", "agents_a"]:
        np.testing.assert_allclose(theirs[col].to_numpy(float), mine[col].to_numpy(float))
    assert got["scheduled"].isna().all()          # no shift plan stored in this warehouse
    assert set(got["plan_source"]) == {"computed"}


@pytest.mark.parametrize("first, last, message", [
    ("2026-10-27", "2026-10-24", "before it starts"),
    ("2026-08-03", "2026-10-27", "more than 62 days"),
])
def test_bad_spans_are_refused(con, first, last, message):
    with pytest.raises(ValueError, match=message):
        planned_intervals(con, pd.Timestamp(first), pd.Timestamp(last))
