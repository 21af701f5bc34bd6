"""What a forecast is fitted on: the offered series, intervals, campaigns and calendar.

From the warehouse (:func:`from_warehouse`: the :mod:`analytics.series` offered counts,
the campaign calendar and the line's calendar, :func:`analytics.line_calendar.line_calendar`)
or from files (:func:`from_files`: a CSV of ``date,calls`` or ``period_start,calls``, a
campaign CSV, a public-holiday country or file and French school zones). Used by
``copil forecast``, ``copil backtest`` and ``copil campaigns uplift``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb
import pandas as pd

from forecasting.calendar import LineCalendar

__all__ = ["ForecastInputs", "from_warehouse", "from_files", "read_series_file",
           "read_campaigns_file", "holiday_spec", "school_zones_spec", "FILE_HOLIDAYS",
           "FILE_SCHOOL_ZONES"]

#: defaults for a series given as a file (no calendar to read them from): French public
#: holidays and the three French school zones, as documented for ``copil forecast --input``
FILE_HOLIDAYS = "FR"
FILE_SCHOOL_ZONES = "A,B,C"


@dataclass(frozen=True)
class ForecastInputs:
    """A daily series and what the model needs besides it.

    Attributes
    ----------
    daily : Series or DataFrame
        Calls per local day (``date,calls`` frame or a date-indexed series).
    intervals : Series or DataFrame or None
        Calls per naive local interval (``period_start,calls``), when known.
    campaigns : DataFrame or None
        Campaign calendar.
    timezone : str
        The line's IANA zone (interval forecasts are tz-aware in it).
    calendar : LineCalendar or None
        The line's calendar (warehouse); None for a file, see ``options``.
    options : dict
        ``holidays`` and ``school_zones`` for a file without calendar.
    """

    daily: pd.Series | pd.DataFrame
    intervals: pd.Series | pd.DataFrame | None
    campaigns: pd.DataFrame | None
    timezone: str
    calendar: LineCalendar | None = None
    options: dict = field(default_factory=dict)

    def model_options(self) -> dict:
        """Keyword arguments for :class:`forecasting.DailyVolumeModel` (and the backtest)."""
        return {"calendar": self.calendar} if self.calendar is not None else dict(self.options)

    def fit(self):
        """Fit the daily model. Returns ``(results, warnings)``: the model's warnings and one
        naming the open days without data (treated as gaps, not zeros)."""
        from forecasting import DailyVolumeModel

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            res = DailyVolumeModel(self.daily, campaigns=self.campaigns,
                                   **self.model_options()).fit()
        notes = [str(w.message) for w in caught]
        y = res.model.calls
        gaps = y.index[res.open & y.isna().to_numpy()]
        if len(gaps):
            shown = ", ".join(str(d.date()) for d in gaps[:10])
            more = f" and {len(gaps) - 10} more" if len(gaps) > 10 else ""
            notes.append(f"{len(gaps)} open day(s) have no data and are treated as gaps "
                         f"(not zeros): {shown}{more}")
        return res, notes

    def interval_forecast(self, daily_forecast: pd.DataFrame, minutes: int) -> pd.DataFrame:
        """Split a daily forecast into ``minutes`` intervals with the shares learned from
        :attr:`intervals` (:func:`forecasting.learn_shares`)."""
        from forecasting.intraday import (
            as_interval_series,
            learn_shares,
            resample_intervals,
            split_daily,
        )

        if self.intervals is None:
            raise ValueError("an interval forecast needs interval data: use the warehouse or "
                             "a file with period_start,calls")
        iv = resample_intervals(as_interval_series(self.intervals, tz=self.timezone), minutes)
        return split_daily(daily_forecast, learn_shares(iv), minutes=minutes, tz=self.timezone)


# ---------------------------------------------------------------------- files
def read_series_file(path: str | Path):
    """``(daily, intervals)`` from a CSV of ``date,calls`` (intervals None) or
    ``period_start,calls`` (local wall-clock intervals; daily = their sums)."""
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"{path}: no such file; give a CSV of date,calls or "
                                "period_start,calls")
    df = pd.read_csv(p)
    df.columns = [str(c).strip().lower() for c in df.columns]
    if "calls" in df.columns:
        calls = pd.to_numeric(df["calls"], errors="coerce")
        bad = calls.isna() & df["calls"].notna()
        if bad.any():
            i = int(bad.to_numpy().argmax())
            raise ValueError(f"{path}: line {i + 2}: calls {df['calls'].iloc[i]!r} is not a "
                             "number of calls; fix the row or remove it")
        df["calls"] = calls
    if {"date", "calls"} <= set(df.columns):
        return df[["date", "calls"]], None
    if {"period_start", "calls"} <= set(df.columns):
        iv = df[["period_start", "calls"]]
        ts = pd.to_datetime(iv["period_start"])
        if ts.dt.tz is not None:
            raise ValueError(f"{path}: period_start must be local wall-clock times without an "
                             "offset (e.g. 2026-03-02 09:30)")
        daily = iv.groupby(ts.dt.normalize())["calls"].sum().rename_axis("date").reset_index()
        return daily, iv
    raise ValueError(f"{path}: expected columns date,calls (daily) or period_start,calls "
                     f"(intervals); found {', '.join(df.columns)}")


def read_campaigns_file(path: str | Path) -> pd.DataFrame:
    """A campaign calendar CSV (``campaign_id, channel, start_date``, optional
    ``audience``, ``queues``...), column names lower-cased."""
    if not Path(path).exists():
        raise FileNotFoundError(f"{path}: no such campaign file")
    df = pd.read_csv(path)
    df.columns = [str(c).strip().lower() for c in df.columns]
    return df


def holiday_spec(value: str):
    """Public holidays from a text: ``'none'`` -> None, a country code -> ``'FR'``, or a
    file of dates (one ``YYYY-MM-DD`` a line) -> list of timestamps."""
    if value.lower() == "none":
        return None
    p = Path(value)
    if p.exists():
        lines = [ln.strip() for ln in p.read_text(encoding="utf-8").splitlines() if ln.strip()]
        dates = [ln.split(",")[0] for ln in lines if ln[:1].isdigit()]
        return list(pd.to_datetime(dates))
    if len(value) in (2, 3) and value.isalpha():
        return value.upper()
    raise ValueError(f"holidays {value!r}: give a country code (FR), 'none' or a file of dates")


def school_zones_spec(value: str, holidays) -> tuple[str, ...] | None:
    """French school zones from ``'A,B,C'`` (None for ``'none'`` or a non-French calendar)."""
    if value.lower() == "none" or holidays != "FR":
        return None
    return tuple(z.strip().upper() for z in value.split(",") if z.strip())


def from_files(path: str | Path, *, campaigns: str | Path | None = None,
               holidays: str | None = None, school_zones: str | None = None,
               timezone: str = "Europe/Paris") -> ForecastInputs:
    """Inputs from a series file; ``holidays`` and ``school_zones`` default to
    :data:`FILE_HOLIDAYS` and :data:`FILE_SCHOOL_ZONES` (French)."""
    hol = holiday_spec(FILE_HOLIDAYS if holidays is None else holidays)
    zones = school_zones_spec(FILE_SCHOOL_ZONES if school_zones is None else school_zones, hol)
    daily, intervals = read_series_file(path)
    return ForecastInputs(daily, intervals,
                          read_campaigns_file(campaigns) if campaigns else None, timezone,
                          options={"holidays": hol, "school_zones": zones})


def from_warehouse(con: duckdb.DuckDBPyConnection, *, queue: str | None = None,
                   interval_minutes: int | None = None, campaigns: str | Path | None = None,
                   holidays: str | None = None,
                   school_zones: str | None = None) -> ForecastInputs:
    """Inputs from the warehouse: offered calls per day (and per interval with
    ``interval_minutes``) of ``queue`` or the whole line, its campaigns (or the ``campaigns``
    file), and the line's calendar. ``holidays`` (a country code or 'none') and
    ``school_zones`` override the calendar's when given."""
    from analytics import series
    from analytics.line_calendar import line_calendar
    from analytics.warehouse import line_timezone

    if queue and queue not in series.queues(con):
        raise ValueError(f"queue {queue!r}: no such queue; the warehouse has "
                         f"{', '.join(series.queues(con))}")
    cal = line_calendar(con)
    if holidays is not None:
        hol = holiday_spec(holidays)
        if hol is not None and not isinstance(hol, str):
            raise ValueError("with the warehouse, holidays is a country code or 'none' (the "
                             "line's calendar lists its closures: contract key 'closures')")
        cal = replace(cal, holidays=hol, school_zones=() if hol != "FR" else cal.school_zones)
    if school_zones is not None:
        cal = replace(cal, school_zones=school_zones_spec(school_zones, cal.holidays) or ())
    camps = read_campaigns_file(campaigns) if campaigns else series.campaigns(con)
    return ForecastInputs(
        series.daily_offered_series(con, queue),
        series.interval_offered_series(con, interval_minutes, queue) if interval_minutes
        else None,
        series.for_queues(camps, queue), line_timezone(con), calendar=cal)
