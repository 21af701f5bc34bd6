"""Scheduled headcount: exact ceil(agents / (1 - shrinkage))."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pyworkforce.queuing import ErlangC

from staffing import scheduled_headcount


def test_exact_where_floating_point_is_off_by_one():
    # 21 / (1 - 0.3) is 30.000000000000004 in floating point, 17 / (1 - 0.32) 25.000000000000004
    assert 21 / (1 - 0.3) > 30 and 17 / (1 - 0.32) > 25
    assert scheduled_headcount(21, 0.30) == 30
    assert scheduled_headcount(17, 0.32) == 25
    assert scheduled_headcount(14, 0.30) == 20
    assert scheduled_headcount(67, 0.33) == 100
    assert scheduled_headcount(66, 0.34) == 100
    assert scheduled_headcount(0, 0.3) == 0
    assert scheduled_headcount(15, 0.30) == 22  # 21.43 -> 22
    assert scheduled_headcount(10, 0.0) == 10


def test_pyworkforce_rounds_up_one_too_many():
    """pyworkforce 0.5.4 computes ceil(raw / (1 - shrinkage)) in floating point."""
    # 110 calls in 30 min at AHT 5 min -> 21 raw positions at 50 % in 20 s; 30 scheduled at 30 %
    pw = ErlangC(transactions=110, aht=5, asa=20 / 60, interval=30, shrinkage=0.3)
    res = pw.required_positions(service_level=0.5)
    assert res["raw_positions"] == 21 and res["positions"] == 31
    assert scheduled_headcount(21, 0.3) == 30


def test_arrays_broadcast():
    out = scheduled_headcount(np.array([[14], [7]]), np.array([0.3, 0.31, 0.34]))
    assert out.tolist() == [[20, 21, 22], [10, 11, 11]]
    with pytest.raises(ValueError, match="shrinkage"):
        scheduled_headcount(10, 1.0)
    with pytest.raises(ValueError, match="agents"):
        scheduled_headcount(10.5, 0.3)


@given(agents=st.integers(0, 5000), pct=st.integers(0, 99), sub=st.integers(0, 99))
def test_matches_rational_arithmetic(agents, pct, sub):
    s = Fraction(pct * 100 + sub, 10000)  # shrinkage with up to 4 decimals
    want = int(-((-Fraction(agents)) // (1 - s)))
    assert scheduled_headcount(agents, float(s)) == want
