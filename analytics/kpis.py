"""The shared KPIs of KPI_GLOSSARY.md, per local period, computed in DuckDB SQL.

The query lives in ``analytics/sql/kpi_periods.sql``; this module binds its
parameters and shapes the result (column names, period labels). Every number can be
recomputed with plain SQL from the warehouse tables.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from analytics.aggregates import answers, call_span, finish_percentiles
from analytics.bounds import KPI_MARGIN_DAYS, check_period_in_data
from analytics.contract import Contract, default_contract, warehouse_contract
from analytics.metrics import kpi_metric_names
from analytics.periods import to_date, week_days, week_first_day, week_label
from analytics.warehouse import line_timezone, sql_text

__all__ = ["kpis", "data_range", "last_complete_week", "data_as_of", "resolve_contract",
           "line_zone", "GRAINS", "BY_DIMENSIONS", "KPI_COLUMNS", "iso_week", "week_start", "period_bounds",
           "to_date"]

GRAINS = ("interval", "day", "week", "month", "quarter")
BY_DIMENSIONS = ("queue", "topic", "region", "agent")
INTERVAL_MINUTES = (5, 10, 15, 20, 30, 60)
# SQL column per `by` dimension: a fixed list, so no user text ever reaches the query
_BY_COLUMN = {None: "null::varchar", "queue": "queue", "topic": "topic", "region": "region",
              "agent": "agent_id"}


def KPI_COLUMNS(thresholds: tuple[int, ...] = (20, 30, 60)) -> list[str]:  # noqa: N802
    """Metric columns of a KPI frame, in order, for the given service-level thresholds
    (the registry's KPI metrics, :func:`analytics.metrics.kpi_metric_names`)."""
    return kpi_metric_names(thresholds)


def iso_week(day: dt.date) -> str:
    """ISO week label of a date, e.g. ``2026-W08`` (see :mod:`analytics.periods`)."""
    return week_label(day, 0)


def week_start(week: str) -> dt.date:
    """Monday of an ISO week given as ``YYYY-Www`` (see :mod:`analytics.periods`)."""
    return week_days(week, 0)[0]


def _trunc(day: dt.date, grain: str, week_start: int = 0) -> dt.date:
    if grain == "week":
        return week_first_day(day, week_start)
    if grain == "month":
        return day.replace(day=1)
    if grain == "quarter":
        return day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1)
    return day


def _next(day: dt.date, grain: str) -> dt.date:
    if grain == "week":
        return day + dt.timedelta(days=7)
    if grain in ("month", "quarter"):
        months = day.month - 1 + (1 if grain == "month" else 3)
        return dt.date(day.year + months // 12, months % 12 + 1, 1)
    return day + dt.timedelta(days=1)


def period_bounds(start: dt.date, end: dt.date, grain: str,
                  week_start: int = 0) -> tuple[dt.date, dt.date]:
    """First local day and the day after the last, widened to whole periods of ``grain``
    (weeks start on ``week_start``, Monday = 0)."""
    first = _trunc(start, grain, week_start)
    return first, _next(_trunc(end, grain, week_start), grain)


def data_range(con) -> tuple[dt.date, dt.date] | None:
    """First and last local day (line's time zone) with calls, or None when there are none
    (from the call aggregates when they are up to date: :func:`analytics.aggregates.call_span`)."""
    tz = line_timezone(con)
    span = call_span(con, tz)
    if span is not None:
        return None if span[0] is None else (span[0], span[1])
    row = con.execute(
        "select cast(timezone(?, min(arrived_at)) as date), cast(timezone(?, max(arrived_at)) as date) "
        "from calls", [tz, tz]).fetchall()[0]
    if row[0] is None:
        return None
    return row[0], row[1]


def last_complete_week(con, contract: Contract | None = None) -> str | None:
    """The last week of the line (``YYYY-Www``) whose last open day is covered by the
    calls, or None.

    Weeks and open days follow the line's calendar (:func:`analytics.line_calendar.
    line_calendar`): a Monday-Friday line's week is complete once its Friday is in, a
    Sunday-Thursday line's week starts on Sunday.
    """
    from analytics.line_calendar import line_calendar

    rng = data_range(con)
    if rng is None:
        return None
    first, last = rng
    cal = line_calendar(con, contract)
    ws = cal.week_start
    start = week_first_day(last, ws)
    last_open = (cal.week_last_open_weekday() - ws) % 7    # position in the week
    if (last - start).days < last_open:                    # its last open day is not in yet
        start -= dt.timedelta(days=7)
    if start < week_first_day(first, ws):
        return None
    return week_label(start, ws)


def last_complete_quarter(con) -> str | None:
    """The last quarter (``YYYY-Qn``) whose every day is covered by the calls, or None.

    A quarter is complete once the last complete week (:func:`last_complete_week`)
    reaches its last day; None when no quarter with calls is complete yet.
    """
    from analytics.line_calendar import line_calendar

    week = last_complete_week(con)
    if week is None:
        return None
    sunday = week_days(week, line_calendar(con).week_start)[1]    # the week's last day
    first_day = _trunc(sunday, "quarter")
    if _next(first_day, "quarter") - dt.timedelta(days=1) > sunday:  # quarter still running
        first_day = _trunc(first_day - dt.timedelta(days=1), "quarter")
    rng = data_range(con)
    if _next(first_day, "quarter") <= rng[0]:  # ended before the first call
        return None
    return f"{first_day.year}-Q{(first_day.month - 1) // 3 + 1}"


def data_as_of(con) -> dt.datetime | None:
    """The latest instant the warehouse knows (UTC): last call arrival or callback event."""
    span = call_span(con, line_timezone(con))
    if span is not None:  # the last arrival from the call aggregates
        return con.execute("select greatest(?::timestamptz, (select max(requested_at) from "
                           "callbacks), (select max(completed_at) from callbacks))",
                           [span[2]]).fetchall()[0][0]
    row = con.execute(
        "select greatest((select max(arrived_at) from calls), (select max(requested_at) "
        "from callbacks), (select max(completed_at) from callbacks))").fetchall()
    return row[0][0]


def local_offset_case(con, tz: str, first: dt.datetime, last: dt.datetime,
                      column: str = "arrived_at") -> tuple[str, dict]:
    """SQL expression for the line's UTC offset (us) at ``column``, and its parameters.

    ``first``/``last`` are naive datetimes bounding the instants (UTC is fine: a margin
    is added by the caller). The expression is a CASE over the zone's constant-offset
    segments between them; it contains only bound placeholders ``$tzseg_*``.
    """
    to_us = int(first.replace(tzinfo=dt.UTC).timestamp()) * 1_000_000
    last_us = int(last.replace(tzinfo=dt.UTC).timestamp()) * 1_000_000
    segments = con.execute(sql_text("tz_offsets"),
                           {"tz": tz, "from_us": to_us, "to_us": last_us}).fetchall()
    params = {f"tzseg_off_{i}": off for i, (_, off) in enumerate(segments)}
    if len(segments) == 1:
        return "$tzseg_off_0", params
    whens = []
    for i in range(1, len(segments)):
        params[f"tzseg_from_{i}"] = segments[i][0]
        whens.append(f"when epoch_us({column}) < $tzseg_from_{i} then $tzseg_off_{i - 1}")
    return f"(case {' '.join(whens)} else $tzseg_off_{len(segments) - 1} end)", params


def line_zone(con, contract: Contract) -> str:
    """The IANA zone periods are cut in: the contract's, else the warehouse's."""
    return contract.timezone or line_timezone(con)


def resolve_contract(con, contract: Contract | None) -> Contract:
    """The contract to use: the one given, else the warehouse's, else the glossary defaults."""
    if contract is None:
        contract = warehouse_contract(con)
    if contract is None:
        contract = default_contract(line_timezone(con))
    return contract


def kpis(con, *, period: str = "week", interval_minutes: int = 30,
         start: dt.date | str | None = None, end: dt.date | str | None = None,
         by: str | None = None, queues: list[str] | None = None,
         contract: Contract | None = None, as_of: dt.datetime | None = None,
         week_start: int | None = None, before: dt.datetime | None = None) -> pd.DataFrame:
    """Glossary KPIs per local period (and per ``by`` value).

    Parameters
    ----------
    con : duckdb connection to the warehouse.
    period : ``interval``, ``day``, ``week`` (from the line calendar's week start, Monday
        unless the contract or the data say otherwise), ``month`` or ``quarter``.
    interval_minutes : length of an interval (minutes) when ``period='interval'``.
    start, end : first and last local day (inclusive); widened to whole periods.
        Default: the days with calls (:func:`data_range`). The range must lie within the
        days with calls widened by :data:`analytics.bounds.KPI_MARGIN_DAYS` on each side
        (else :class:`analytics.bounds.PeriodOutsideData`), which bounds the rows made;
        without calls, a range of at most that many days gives zero rows.
    by : None (whole line), ``queue``, ``topic``, ``region`` or ``agent``.
    queues : keep only these queues (None: all).
    contract : parameters (service-level variant and thresholds, short abandons, callback
        deadline); default the warehouse's contract, else the glossary defaults.
    as_of : instant (UTC) before which open callbacks are late; default :func:`data_as_of`.
    week_start : first day of a week (Monday = 0, Sunday = 6); default the line calendar's.
    before : local wall-clock time (naive); when given, only the calls arrived and the
        staffing intervals begun before it count: a day "so far" (the Intraday page).

    Returns
    -------
    DataFrame with one row per period (and ``by`` value): ``period_start`` (local
    ``date``, or ``'YYYY-MM-DDTHH:MM'`` string for intervals), the ``by`` column when
    given, then :func:`KPI_COLUMNS`. Counts are integers, rates fractions, durations
    seconds. Empty periods have zero counts and null rates. ``occupancy`` is only
    present when the warehouse has staffing data.

    Notes
    -----
    Intervals follow the local wall clock: on a spring-forward day the missing hour has
    no intervals; on the autumn day the repeated hour's calls share one wall-clock bucket.
    """
    if period not in GRAINS:
        raise ValueError(f"period {period!r} is unknown; use one of {', '.join(GRAINS)}")
    if by is not None and by not in BY_DIMENSIONS:
        raise ValueError(f"by {by!r} is unknown; use one of {', '.join(BY_DIMENSIONS)}")
    if period == "interval" and interval_minutes not in INTERVAL_MINUTES:
        raise ValueError(f"interval_minutes {interval_minutes} is not supported; use one of "
                         f"{', '.join(map(str, INTERVAL_MINUTES))}")
    contract = resolve_contract(con, contract)
    tz = line_zone(con, contract)
    thresholds = contract.service_level_thresholds
    start, end = to_date(start), to_date(end)
    columns = ["period_start", *([by] if by else []), *KPI_COLUMNS(thresholds)]
    if start is None or end is None:
        rng = data_range(con)
        if rng is None and (start is None and end is None):
            return _drop_occupancy(con, pd.DataFrame({c: [] for c in columns}))
        start = start or (rng[0] if rng else end)
        end = end or (rng[1] if rng else start)
    if end < start:
        raise ValueError(f"--to {end} is before --from {start}; swap them")
    check_period_in_data(con, start, end, what="dates", margin_days=KPI_MARGIN_DAYS, whole=True,
                         without_calls_days=KPI_MARGIN_DAYS)
    if week_start is None:
        week_start = 0
        if period == "week":
            from analytics.line_calendar import line_calendar

            week_start = line_calendar(con, contract).week_start
    first, after = period_bounds(start, end, "day" if period == "interval" else period,
                                 week_start)
    if as_of is None:
        as_of = data_as_of(con) or dt.datetime.now(dt.UTC)
    has_line_staff = con.execute("select count(*) > 0 from staffing where queue = '*'").fetchall()[0][0]
    params = {
        "tz": tz, "grain": period, "part": "day" if period == "interval" else period,
        "bucket": dt.timedelta(minutes=interval_minutes),
        "bucket_us": interval_minutes * 60_000_000,
        "start": dt.datetime.combine(first, dt.time()), "end": dt.datetime.combine(after, dt.time()),
        "by": by, "queues": list(queues) if queues else None,
        "short_s": float(contract.short_abandon_s), "variant": contract.service_level_variant,
        "thr": list(thresholds), "deadline_s": float(contract.callback_deadline_h) * 3600.0,
        "as_of": as_of, "staff_line": bool(has_line_staff),
        "week_start": week_start, "week_anchor": (4 + week_start) % 7,
        "before": None if before is None else pd.Timestamp(before).to_pydatetime(),
    }
    offset_sql, offset_params = local_offset_case(
        con, tz, dt.datetime.combine(first, dt.time()) - dt.timedelta(days=2),
        dt.datetime.combine(after, dt.time()) + dt.timedelta(days=2))
    # the call aggregates when they give exactly the calls' figures (analytics.aggregates)
    from_aggregates = (period != "interval" and by in (None, "queue")
                       and answers(con, tz, contract.short_abandon_s))
    calls_agg = sql_text("kpi_calls_aggregates" if from_aggregates else
                         "kpi_calls_one_pass" if period == "interval" else "kpi_calls_two_level")
    sql = (sql_text("kpi_periods").replace("{calls_agg}", calls_agg)
           .replace("{local_offset_us}", offset_sql).replace("{by_column}", _BY_COLUMN[by]))
    df = con.execute(sql, params | offset_params).df()
    if from_aggregates:
        df = finish_percentiles(df, ["wait_p50_s", "wait_p80_s", "wait_p90_s", "wait_p95_s"])
    return _shape(con, df, period, by, thresholds, columns)


def _shape(con, df: pd.DataFrame, period: str, by: str | None, thresholds, columns) -> pd.DataFrame:
    rename = {f"sl_{i + 1}": f"service_level_{t}s" for i, t in enumerate(thresholds)}
    df = df.rename(columns=rename)
    if by:
        df = df.rename(columns={"by_value": by})
    if period == "interval":
        df["period_start"] = df["period_label"].astype(object)
    else:
        df["period_start"] = [ts.date() for ts in df["period_start"]]
    for col in ("offered", "answered", "abandoned", "short_abandoned", "overflow", "ivr_only",
                "callbacks_due", "callbacks_on_time", "callbacks_pending"):
        df[col] = df[col].astype("int64")
    return _drop_occupancy(con, df[columns].reset_index(drop=True))


def _drop_occupancy(con, df: pd.DataFrame) -> pd.DataFrame:
    if con.execute("select count(*) from staffing").fetchall()[0][0] == 0:
        return df.drop(columns=["occupancy"])
    return df
