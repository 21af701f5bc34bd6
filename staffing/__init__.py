"""Staffing: exact, vectorised Erlang C / Erlang A, interval requirements and shift plans.

NumPy / pandas in and out; no database access. Times are in seconds, rates are fractions,
``agents`` are productive advisors taking calls.
"""

from staffing import erlang_a, erlang_b, erlang_c
from staffing.headcount import scheduled_headcount

__all__ = ["erlang_a", "erlang_b", "erlang_c", "scheduled_headcount"]
