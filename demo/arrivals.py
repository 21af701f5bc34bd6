"""Expected and drawn call arrivals of the demo line.

Arrivals are a non-homogeneous Poisson process, piecewise constant per 30-minute
interval: expected offered calls on an open day = level x weekday x month x growth x
school-holiday factor x queue share, spread by the intraday profile, plus each
campaign's extra calls; calls ending in the voice menu (IVR) come on top at
``ivr_share`` of all arrivals. Closed days and hours get no calls.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["INTERVAL_S", "DAYS_PER_YEAR", "day_weights", "base_level", "Cells", "open_cells",
           "Expected", "expected_calls", "Arrivals", "draw_arrivals"]

INTERVAL_S = 1800            # arrival and staffing interval (seconds)
DAYS_PER_YEAR = 365.2425


def day_weights(days: pd.DataFrame, cfg: dict, growth_origin: dt.date) -> np.ndarray:
    """Relative base volume of each ``day_table`` day (0 on closed days).

    weekday_profile[weekday] x month_profile[month] x (1 + annual_growth) ** (years since
    ``growth_origin``) x (1 - school_holiday_dip x school zones on holiday / 3).
    """
    dates = days["date"].tolist()
    month = np.array([d.month for d in dates])
    age_y = np.array([(d - growth_origin).days for d in dates]) / DAYS_PER_YEAR
    weekday_profile = np.array(cfg["weekday_profile"] + [0.0] * 7, dtype=float)[:7]
    weight = (weekday_profile[days["weekday"].to_numpy()]
              * np.array(cfg["month_profile"], dtype=float)[month - 1]
              * (1 + cfg["annual_growth"]) ** age_y
              * (1 - cfg["school_holiday_dip"] * days["school_zones"].to_numpy() / 3))
    return np.where(days["is_open"].to_numpy(), weight, 0.0)


def base_level(cfg: dict, weight: np.ndarray, in_window: np.ndarray,
               campaign_calls_in_window: float) -> float:
    """Expected base calls per unit of day weight (calls per day).

    Calibrated so that base and campaign calls over the calibration window (``in_window``
    marks its days) add up to ``annual_offered`` per year.
    """
    target = cfg["annual_offered"] * 7 * int(cfg["weeks"]) / DAYS_PER_YEAR
    level = (target - campaign_calls_in_window) / weight[in_window].sum()
    if not level > 0:
        raise ValueError("the campaigns alone exceed annual_offered: lower audiences or response "
                         "rates in the campaigns section, or raise annual_offered")
    return float(level)


@dataclass(frozen=True)
class Cells:
    """Open half-hours of the span (cells), in time order.

    ``day``: day_table row; ``k``: interval number from the opening; ``shape``: share of the
    day's calls (sums to 1 per day); ``length``: seconds open in the interval.
    """

    day: np.ndarray
    k: np.ndarray
    shape: np.ndarray
    length: np.ndarray

    @property
    def size(self) -> int:
        return int(self.day.size)


def open_cells(days: pd.DataFrame, span_days: np.ndarray, profile: np.ndarray) -> Cells:
    """The cells of the open days ``span_days``; ``profile``: weight per half-hour from opening."""
    cell_day, cell_k, cell_shape, cell_len = [], [], [], []
    for i in span_days:
        o, c = int(days.at[i, "open_s"]), int(days.at[i, "close_s"])
        n_int = math.ceil((c - o) / INTERVAL_S)
        if n_int > profile.size:
            raise ValueError(f"intraday_profile has {profile.size} half-hours but the line is open "
                             f"{n_int} half-hours on {days.at[i, 'date']}: give one weight per "
                             "half-hour")
        lengths = np.minimum(INTERVAL_S, c - o - INTERVAL_S * np.arange(n_int))
        shape = profile[:n_int] * lengths / INTERVAL_S
        cell_day.append(np.full(n_int, i))
        cell_k.append(np.arange(n_int))
        cell_shape.append(shape / shape.sum())
        cell_len.append(lengths)
    return Cells(day=np.concatenate(cell_day) if cell_day else np.zeros(0, int),
                 k=np.concatenate(cell_k) if cell_k else np.zeros(0, int),
                 shape=np.concatenate(cell_shape) if cell_shape else np.zeros(0),
                 length=np.concatenate(cell_len) if cell_len else np.zeros(0, int))


@dataclass(frozen=True)
class Expected:
    """Expected calls (Poisson means) per cell and queue, by origin.

    ``base``: cells x queues; ``campaign``: campaigns x cells x queues; ``ivr``: cells x
    queues; ``campaign_day``: campaigns x days (all queues); ``campaign_split``: campaigns x
    queues (share of a campaign's calls per queue).
    """

    base: np.ndarray
    campaign: np.ndarray
    ivr: np.ndarray
    campaign_day: np.ndarray
    campaign_split: np.ndarray

    def by_origin(self) -> np.ndarray:
        """origin x cell x queue; origins: 0 base, 1..n campaigns, n + 1 IVR."""
        return np.concatenate([self.base[None], self.campaign, self.ivr[None]])


def expected_calls(base_day: np.ndarray, cells: Cells, share: np.ndarray, queues: list[str],
                   campaigns: pd.DataFrame, extra: list[dict[dt.date, float]],
                   date_pos: dict[dt.date, int], ivr_share: float) -> Expected:
    """Expected calls of each origin per cell and queue.

    ``base_day``: expected base calls per day_table day; ``share``: queue shares (sum 1);
    ``extra``: each campaign's expected calls per day (:func:`campaign_daily_extra`),
    split over its queues in proportion to their shares.
    """
    n_q, n_c = len(queues), len(campaigns)
    e_base = (base_day[cells.day] * cells.shape)[:, None] * share[None, :]
    e_camp = np.zeros((n_c, cells.size, n_q))
    camp_day = np.zeros((n_c, base_day.size))
    camp_split = np.zeros((n_c, n_q))
    for c_i, (row, days_extra) in enumerate(zip(campaigns.itertuples(), extra, strict=True)):
        qmask = np.array([q in row.queues for q in queues], dtype=float)
        qsplit = share * qmask / (share * qmask).sum()
        camp_split[c_i] = qsplit
        for d, v in days_extra.items():
            camp_day[c_i, date_pos[d]] = v
        e_camp[c_i] = (camp_day[c_i][cells.day] * cells.shape)[:, None] * qsplit[None, :]
    e_offered = e_base + e_camp.sum(axis=0)
    return Expected(base=e_base, campaign=e_camp, ivr=e_offered * ivr_share / (1 - ivr_share),
                    campaign_day=camp_day, campaign_split=camp_split)


@dataclass(frozen=True)
class Arrivals:
    """Drawn calls sorted by arrival instant (one entry per call).

    ``origin``: 0 base, 1..n campaign, n + 1 IVR; ``q``: queue index; ``day``: day_table
    row; ``sec``: seconds since local midnight; ``arrived``: epoch seconds; ``is_ivr``.
    """

    origin: np.ndarray
    q: np.ndarray
    day: np.ndarray
    sec: np.ndarray
    arrived: np.ndarray
    is_ivr: np.ndarray

    @property
    def size(self) -> int:
        return int(self.arrived.size)


def draw_arrivals(rng: np.random.Generator, expected: Expected, cells: Cells,
                  days: pd.DataFrame) -> Arrivals:
    """Poisson counts per origin, cell and queue; arrival times uniform within the cell."""
    by_origin = expected.by_origin()
    counts = rng.poisson(by_origin)
    flat = np.repeat(np.arange(counts.size), counts.ravel())
    origin, cell, q = np.unravel_index(flat, counts.shape)
    day = cells.day[cell]
    sec = (days["open_s"].to_numpy()[day] + INTERVAL_S * cells.k[cell]
           + np.floor(rng.random(flat.size) * cells.length[cell]).astype(np.int64))
    arrived = days["midnight_utc_s"].to_numpy()[day] + sec
    order = np.argsort(arrived, kind="stable")
    origin = origin[order]
    return Arrivals(origin=origin, q=q[order], day=day[order], sec=sec[order],
                    arrived=arrived[order], is_ivr=origin == by_origin.shape[0] - 1)
