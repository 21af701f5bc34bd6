"""Planning computations for the Planning page and its CSV downloads.

They need the forecasting and staffing packages and ``analytics.series``; until those exist,
:func:`missing_modules` names what is absent and the page says so.
"""

from __future__ import annotations

import importlib.util

REQUIRED = ("analytics.series", "forecasting.daily", "staffing.erlang_c", "staffing.erlang_a",
            "staffing.requirements", "staffing.shifts")


def missing_modules() -> list[str]:
    """The modules the planner needs that are not installed yet."""
    missing = []
    for name in REQUIRED:
        try:
            found = importlib.util.find_spec(name) is not None
        except ModuleNotFoundError:
            found = False
        if not found:
            missing.append(name)
    return missing


def planning_csv(what: str, args) -> tuple[str, str]:
    """CSV text and file name of the requirements or shifts download."""
    missing = missing_modules()
    if missing:
        raise ImportError(", ".join(missing))
    raise ImportError("planning downloads (pending the staffing API)")
