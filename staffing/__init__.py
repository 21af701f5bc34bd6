"""Staffing: exact, vectorised Erlang C / Erlang A, interval requirements and shift plans.

NumPy / pandas in and out; no database access. Times are in seconds, rates are fractions,
``agents`` are productive advisors taking calls.
"""

from staffing import erlang_a, erlang_b, erlang_c
from staffing.headcount import scheduled_headcount
from staffing.requirements import campaign_what_if, requirements
from staffing.shifts import EmploymentTerms, ShiftPattern, ShiftRules, default_rules, plan_shifts

__all__ = ["EmploymentTerms", "ShiftPattern", "ShiftRules", "campaign_what_if", "default_rules",
           "erlang_a", "erlang_b", "erlang_c", "plan_shifts", "requirements",
           "scheduled_headcount"]
