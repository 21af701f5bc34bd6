"""Realistic, seeded demo data for a client-provider inbound line (``copil generate``).

``generate(config, out_dir)`` writes the canonical files a provider, an operator and a
client would hand over (calls, operator counts, callbacks, campaigns, staffing) plus
``truth.json``, the model the data were drawn from, so that KPIs, forecasts and
staffing models can be checked against what is really in the data.

How the data are made (parameters in ``data/demo.yaml``):

* **Arrivals** are a non-homogeneous Poisson process, piecewise constant per 30-minute
  interval: expected offered calls on an open day = level x weekday x month x growth x
  school-holiday factor x queue share, spread by the intraday profile, plus each
  campaign's extra calls (audience x response, geometric decay over two weeks). Closed
  days (Sundays, French public holidays, Saturdays unless opened) and hours get no calls.
* **Waits, abandons and overflows** come from simulating the arrivals against the
  advisors logged in (:func:`staffing.simulation.simulate_queue`): one shared pool of
  advisors serves all queues first come, first served (a single skill group, the common
  set-up for a 15-25 advisor line); callers have exponential patience; callers still
  queued after ``overflow_after_s`` go to voicemail. Advisors per interval follow a plan
  made for the expected *normal* volume, so campaign peaks are understaffed.
* Service time = talk + hold + wrap-up (lognormal talk and wrap, hold on some calls).
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import math
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import yaml
from tqdm import tqdm

from analytics.demo_calendar import WorkClock, day_table, iso_strings
from analytics.demo_campaigns import campaign_calendar, campaign_daily_extra
from staffing.simulation import ANSWERED, simulate_queue

__all__ = ["DEFAULT_CONFIG", "generate", "load_config", "resolve_span"]

DEFAULT_CONFIG = Path(__file__).resolve().parents[1] / "data" / "demo.yaml"
INTERVAL_S = 1800
OUTCOMES = np.array(["answered", "abandoned", "overflow", "ivr"])
_REPLACED = {"queues", "channels", "regions", "transfer_targets", "explicit"}
DAYS_PER_YEAR = 365.2425


def _merge(base: dict, override: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict) and key not in _REPLACED:
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def load_config(config: str | Path | dict | None = None) -> dict:
    """The generator configuration.

    ``None``: ``data/demo.yaml``. A YAML path or a dict: merged over ``data/demo.yaml``
    (nested dicts key by key, except ``queues``, ``channels``, ``regions``,
    ``transfer_targets`` and ``explicit``, which replace the default), then checked.
    """
    base = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    if config is None:
        return base
    if isinstance(config, (str, Path)):
        path = Path(config)
        if not path.exists():
            raise FileNotFoundError(f"{path}: no such generator config (see data/demo.yaml)")
        config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(config, dict):
            raise ValueError(f"{path}: a generator config is a YAML mapping like data/demo.yaml")
    return _validate(_merge(base, config))


def _validate(cfg: dict) -> dict:
    """Refuse configurations the generator cannot honour, naming the key."""
    def need(ok: bool, message: str) -> None:
        if not ok:
            raise ValueError(f"generator config: {message}")

    need(isinstance(cfg.get("queues"), dict) and len(cfg["queues"]) >= 1,
         "queues must map at least one queue name to its parameters")
    for name, q in cfg["queues"].items():
        for key in ("share", "talk_s", "hold_share", "hold_s", "wrap_s", "patience_s"):
            need(key in q, f"queues.{name}.{key} is missing")
        need(q["share"] >= 0 and q["talk_s"] > 0 and q["wrap_s"] > 0 and q["hold_s"] > 0
             and q["patience_s"] > 0 and 0 <= q["hold_share"] <= 1,
             f"queues.{name}: share >= 0, talk_s/hold_s/wrap_s/patience_s > 0 seconds, "
             "hold_share in [0, 1]")
    need(sum(q["share"] for q in cfg["queues"].values()) > 0, "queue shares sum to 0")
    need(len(cfg["weekday_profile"]) in (5, 6), "weekday_profile needs 5 or 6 values (Mon..Sat)")
    need(len(cfg["month_profile"]) == 12, "month_profile needs 12 values (Jan..Dec)")
    need(cfg["annual_offered"] > 0, "annual_offered must be > 0 calls per year")
    need(0 <= cfg["ivr_share"] < 1, "ivr_share must be in [0, 1)")
    need(0 <= cfg["school_holiday_dip"] <= 1, "school_holiday_dip must be in [0, 1]")
    lo, hi = cfg["campaigns"]["per_year"]
    need(0 <= lo <= hi, "campaigns.per_year is [min, max] with 0 <= min <= max")
    st = cfg["staffing"]
    need(0 <= st["shrinkage"] < 1, "staffing.shrinkage must be in [0, 1)")
    need(1 <= st["min_on_shift"] <= st["max_on_shift"] <= st["team"],
         "staffing needs 1 <= min_on_shift <= max_on_shift <= team")
    return cfg


def _as_date(value) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a date: write it as YYYY-MM-DD") from exc


def _last_sunday(d: dt.date) -> dt.date:
    return d - dt.timedelta(days=(d.weekday() + 1) % 7)


def resolve_span(cfg: dict, start=None, end=None) -> tuple[dt.date, dt.date]:
    """First and last day (inclusive) of the generated span.

    The last day is the last Sunday on or before ``end`` (default ``cfg['end']``), so the
    span ends on a complete ISO week; the first is ``start`` (default ``cfg['start']``,
    else ``cfg['weeks']`` whole weeks before the last day).
    """
    last = _last_sunday(_as_date(end) or _as_date(cfg["end"]))
    first = _as_date(start) or _as_date(cfg.get("start"))
    if first is None:
        first = last - dt.timedelta(days=7 * int(cfg["weeks"]) - 1)
    if first > last:
        raise ValueError(f"start {first} is after the end {last} (the last Sunday on or before "
                         "the end date): give an earlier --start or a later --end")
    return first, last


def _lognormal(rng: np.random.Generator, mean: np.ndarray, cv: np.ndarray | float,
               size: int) -> np.ndarray:
    """Lognormal draws with the given mean and coefficient of variation."""
    s2 = np.log(1 + np.square(cv))
    return rng.lognormal(np.log(mean) - s2 / 2, np.sqrt(s2), size)


def _caller_pool(rng: np.random.Generator, size: int) -> np.ndarray:
    """Unique fake French numbers, ``+33 6 12 34 56 78`` (80 % mobiles 6/7, else 1-5)."""
    first = np.where(rng.random(size * 2) < 0.8, rng.choice([6, 7], size * 2, p=[0.8, 0.2]),
                     rng.integers(1, 6, size * 2))
    body = rng.integers(0, 100_000_000, size * 2)
    code = first * 100_000_000 + body
    _, keep = np.unique(code, return_index=True)
    code = code[np.sort(keep)[:size]]
    text = np.char.zfill(code.astype(str), 9)
    return np.array([f"+33 {t[0]} {t[1:3]} {t[3:5]} {t[5:7]} {t[7:9]}" for t in text.tolist()])


def _write_csv(path: Path, columns: dict[str, np.ndarray | pa.Array]) -> None:
    table = pa.table(columns)
    opts = pacsv.WriteOptions(quoting_style="needed")
    if path.suffix == ".gz":
        # mtime 0 in the gzip header keeps the file byte-identical from run to run
        import gzip

        with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0,
                                                     filename="", compresslevel=3) as gz:
            sink = pa.BufferOutputStream()
            pacsv.write_csv(table, sink, opts)
            gz.write(sink.getvalue().to_pybytes())
    else:
        pacsv.write_csv(table, str(path), opts)


def _masked(values: np.ndarray | pa.Array, mask: np.ndarray) -> pa.Array:
    """Arrow array with nulls where ``mask`` is False."""
    if isinstance(values, pa.Array):
        return pc.if_else(pa.array(mask), values, pa.scalar(None, values.type))
    return pa.array(values, mask=~mask)


def _handling(rng: np.random.Generator, qcfg: list[dict], q: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Talk, hold, wrap-up and patience of each call (whole seconds) from its queue's means."""
    n = q.size
    param = {k: np.array([x.get(k, 0.75) for x in qcfg], float)[q]
             for k in ("talk_s", "talk_cv", "hold_share", "hold_s", "wrap_s", "patience_s")}
    talk = np.maximum(10, np.rint(_lognormal(rng, param["talk_s"], param["talk_cv"], n)))
    has_hold = rng.random(n) < param["hold_share"]
    hold = np.where(has_hold, np.maximum(5, np.rint(_lognormal(rng, param["hold_s"], 0.8, n))), 0)
    wrap = np.maximum(5, np.rint(_lognormal(rng, param["wrap_s"], 0.5, n)))
    patience = np.maximum(1, np.ceil(rng.exponential(param["patience_s"])))
    return talk, hold, wrap, patience


def _staffing_plan(rng: np.random.Generator, expected_calls: np.ndarray, aht_s: float, st: dict,
                   cell_day: np.ndarray, n_days: int) -> tuple[np.ndarray, np.ndarray]:
    """Advisors logged in per interval, and each day's roster (slot -> advisor number).

    Square-root staffing on the expected normal calls per half-hour, divided by
    (1 - shrinkage) and clipped to [min_on_shift, max_on_shift]; each scheduled advisor is
    logged in with probability 1 - that day's realised shrinkage.
    """
    erlangs = expected_calls * aht_s / INTERVAL_S
    needed = erlangs + st["beta"] * np.sqrt(erlangs)
    scheduled = np.clip(np.ceil(needed / (1 - st["shrinkage"])), st["min_on_shift"],
                        st["max_on_shift"]).astype(np.int64)
    shrink_day = np.clip(rng.normal(st["shrinkage"], st["shrinkage_sd"], n_days), 0.0, 0.6)
    logged = rng.binomial(scheduled, 1 - shrink_day[cell_day])
    roster = np.array([rng.permutation(int(st["team"])) for _ in range(n_days)])
    return logged, roster


def _simulate_days(span_days: np.ndarray, day: np.ndarray, sec_from_open: np.ndarray,
                   is_ivr: np.ndarray, service: np.ndarray, patience: np.ndarray,
                   logged: np.ndarray, cell_day: np.ndarray, roster: np.ndarray,
                   overflow_after_s: float | None, progress: bool
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Queue simulation of each open day: waits (s), outcome codes, advisor numbers (-1)."""
    n = day.size
    wait = np.zeros(n, dtype=np.int64)
    outcome = np.full(n, 3, dtype=np.int8)  # ivr unless simulated
    agent = np.full(n, -1, dtype=np.int64)
    offered_idx = np.flatnonzero(~is_ivr)
    off_day = day[offered_idx]
    lo = np.searchsorted(off_day, span_days, side="left")
    hi = np.searchsorted(off_day, span_days, side="right")
    cell_lo = np.searchsorted(cell_day, span_days, side="left")
    cell_hi = np.searchsorted(cell_day, span_days, side="right")
    for j, i in enumerate(tqdm(span_days, desc="simulating days", unit="day",
                               disable=not progress, leave=False)):
        idx = offered_idx[lo[j]:hi[j]]
        if idx.size == 0:
            continue
        staff = logged[cell_lo[j]:cell_hi[j]]
        staff = np.append(staff, staff[-1])  # advisors stay to clear the queue at closing
        r = simulate_queue(sec_from_open[idx].astype(float), service[idx], patience[idx], staff,
                           float(INTERVAL_S), overflow_after_s=overflow_after_s)
        wait[idx] = r["wait_s"].astype(np.int64)
        outcome[idx] = r["outcome"]
        ans = r["outcome"] == ANSWERED
        agent[idx[ans]] = roster[i][r["agent"][ans]]
    return wait, outcome, agent


def _callers(rng: np.random.Generator, callers: dict, outcome: np.ndarray, q: np.ndarray,
             day: np.ndarray, arrived: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Caller pool (numbers, regions) and each call's caller index.

    Callers are drawn with gamma-distributed propensities (repeat callers); 45 % of the
    callers who abandoned or overflowed call the same queue again 2-60 minutes later that day.
    """
    n = q.size
    pool = _caller_pool(rng, int(callers["pool_size"]))
    regions = callers["regions"]
    pool_region = rng.choice(list(regions), pool.size,
                             p=np.array(list(regions.values())) / sum(regions.values()))
    propensity = rng.gamma(callers["propensity_shape"], 1.0, pool.size)
    caller = rng.choice(pool.size, n, p=propensity / propensity.sum())
    gone = np.flatnonzero((outcome == 1) | (outcome == 2))
    redial = gone[rng.random(gone.size) < 0.45]
    again_at = arrived[redial] + rng.integers(120, 3600, redial.size)
    for qi in np.unique(q):
        members = np.flatnonzero(q == qi)
        sel = redial[q[redial] == qi]
        pos = np.searchsorted(arrived[members], again_at[q[redial] == qi])
        ok = pos < members.size
        target_idx = members[np.minimum(pos, members.size - 1)]
        ok &= day[target_idx] == day[sel]
        caller[target_idx[ok]] = caller[sel[ok]]
    return pool, pool_region, caller


def _callbacks(rng: np.random.Generator, cb: dict, clock: WorkClock, requested_from: np.ndarray,
               outcome: np.ndarray, is_ivr: np.ndarray, span_end: int
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Callback requests: (call index, requested_at, completed_at (0 unless completed),
    outcome), instants in epoch seconds.

    Completion comes a gamma-distributed number of opening hours after the request (a
    few late ones 10-30 opening hours more); completions after the span are pending.
    """
    p_cb = np.select([outcome == ANSWERED, outcome == 2, outcome == 1],
                     [cb["answered_share"], cb["overflow_share"], cb["abandoned_share"]], 0.0)
    p_cb = np.where(is_ivr, 0.0, p_cb)
    req = np.flatnonzero(rng.random(outcome.size) < p_cb)
    requested = requested_from[req]
    delay_h = rng.gamma(1.3, cb["work_hours_mean"] / 1.3, req.size)
    late = rng.random(req.size) < cb["late_share"]
    delay_h = delay_h + np.where(late, rng.uniform(10, 30, req.size), 0.0)
    done_at = clock.instant(clock.worked(requested) + np.rint(delay_h * 3600).astype(np.int64))
    failed = rng.random(req.size) < cb["failed_share"]
    pending = (done_at < 0) | (done_at >= span_end)
    status = np.where(pending, "pending", np.where(failed, "failed", "completed"))
    return req, requested, np.where(status == "completed", done_at, 0), status


def _operator_counts(rng: np.random.Generator, op: dict, key: np.ndarray, is_ivr: np.ndarray,
                     answered: np.ndarray, span_days: np.ndarray, n_keys: int, n_q: int,
                     n_years: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The operator's days and its offered and handled counts (day x queue).

    ``key`` = day index x n_q + queue index of each call. Offered = the provider's offered
    plus calls lost on the way (binomial, a daily rate in ``lost_rate``, bad days more);
    handled = answered with small noise (never above offered); ``missing_days`` days are
    absent.
    """
    prov_off = np.bincount(key[~is_ivr], minlength=n_keys).reshape(-1, n_q)
    prov_ans = np.bincount(key[answered], minlength=n_keys).reshape(-1, n_q)
    n_days = prov_off.shape[0]
    lo, hi = op["lost_rate"]
    rate = np.repeat(rng.uniform(lo, hi, n_days)[:, None], n_q, axis=1)
    n_bad = min(span_days.size, int(round(op["bad_days_per_year"] * n_years)))
    bad = rng.choice(span_days, n_bad, replace=False) if n_bad else np.zeros(0, int)
    rate[bad] += rng.uniform(*op["bad_day_gap"], (n_bad, 1))
    op_off = prov_off + rng.binomial(prov_off, np.minimum(rate, 1))
    op_hand = np.clip(prov_ans + np.rint(rng.normal(0, op["handled_noise"] * prov_ans
                                                    + 1e-12)).astype(np.int64), 0, op_off)
    n_missing = min(span_days.size, int(op["missing_days"]))
    missing = rng.choice(span_days, n_missing, replace=False) if n_missing else np.zeros(0, int)
    return np.setdiff1d(span_days, missing), op_off, op_hand


def generate(config: str | Path | dict | None, out_dir: str | Path, *, seed: int | None = None,
             start=None, end=None, progress: bool = False) -> dict:
    """Generate the demo files into ``out_dir``.

    Parameters
    ----------
    config : path, dict or None
        Generator configuration (see :func:`load_config`); ``None`` for data/demo.yaml.
    out_dir : path
        Directory to write into (created if missing; files are overwritten).
    seed : int, optional
        Random seed (default ``config['seed']``); same seed and config give identical files.
    start, end : date or 'YYYY-MM-DD', optional
        Span (see :func:`resolve_span`).
    progress : bool
        Show a tqdm progress bar over the simulated days.

    Returns
    -------
    dict
        ``files``: {"calls", "operator_counts", "callbacks", "campaigns", "staffing",
        "truth"} -> Path; ``summary``: headline figures of the generated data (volumes per
        year and queue, pickup rate, abandon rate, ASA in seconds, service level at 20 s,
        callback on-time rate, campaigns, generation time in seconds).
    """
    t0 = time.perf_counter()
    cfg = load_config(config)
    seed = int(cfg["seed"] if seed is None else seed)
    cfg["seed"] = seed
    first, last = resolve_span(cfg, start, end)
    w_last = _last_sunday(_as_date(cfg["end"]))
    w_first = w_last - dt.timedelta(days=7 * int(cfg["weeks"]) - 1)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)

    queues = list(cfg["queues"])
    qcfg = [cfg["queues"][q] for q in queues]
    n_q = len(queues)
    share = np.array([q["share"] for q in qcfg], dtype=float)
    share /= share.sum()

    # ---- calendar, base weights ------------------------------------------------------
    # from 40 days early (campaigns started before the span still bring calls into it) to
    # 60 days late (campaign tails, callbacks completed after the end)
    cal_first = min(first, w_first) - dt.timedelta(days=40)
    cal_last = max(last, w_last) + dt.timedelta(days=60)
    days = day_table(cal_first, cal_last, cfg)
    dates = days["date"].tolist()
    wd = days["weekday"].to_numpy()
    month = np.array([d.month for d in dates])
    age_y = np.array([(d - w_first).days for d in dates]) / DAYS_PER_YEAR
    weekday_profile = np.array(cfg["weekday_profile"] + [0.0] * 7, dtype=float)[:7]
    weight = (weekday_profile[wd] * np.array(cfg["month_profile"], dtype=float)[month - 1]
              * (1 + cfg["annual_growth"]) ** age_y
              * (1 - cfg["school_holiday_dip"] * days["school_zones"].to_numpy() / 3))
    weight = np.where(days["is_open"].to_numpy(), weight, 0.0)
    open_dates = [d for d, o in zip(dates, days["is_open"], strict=True) if o]

    # ---- campaigns --------------------------------------------------------------------
    calendar_file = cfg["campaigns"].get("calendar_file")
    if calendar_file:
        path = Path(calendar_file)
        if not path.is_absolute() and not path.exists():
            path = DEFAULT_CONFIG.parents[1] / path
        if not path.exists():
            raise FileNotFoundError(f"{calendar_file}: campaign calendar not found (columns: "
                                    "campaign_id,name,channel,start_date,end_date,audience,queues)")
        cfg["campaigns"]["calendar_file"] = str(path)
    camps = campaign_calendar(cal_first, cal_last - dt.timedelta(days=60), cfg, queues, seed)
    extra = campaign_daily_extra(camps, open_dates, cfg)
    in_window = sum(v for e in extra for d, v in e.items() if w_first <= d <= w_last)
    window = np.array([w_first <= d <= w_last for d in dates])
    target = cfg["annual_offered"] * 7 * int(cfg["weeks"]) / DAYS_PER_YEAR
    level = (target - in_window) / weight[window].sum()
    if not level > 0:
        raise ValueError("the campaigns alone exceed annual_offered: lower audiences or response "
                         "rates in the campaigns section, or raise annual_offered")

    span = np.array([first <= d <= last for d in dates]) & days["is_open"].to_numpy()
    span_days = np.flatnonzero(span)
    date_pos = {d: i for i, d in enumerate(dates)}

    # ---- per-interval expected arrivals (cells = open day x interval) ----------------
    profile = np.array(cfg["intraday_profile"], dtype=float)
    cell_day, cell_k, cell_shape, cell_len = [], [], [], []
    for i in span_days:
        o, c = int(days.at[i, "open_s"]), int(days.at[i, "close_s"])
        n_int = math.ceil((c - o) / INTERVAL_S)
        if n_int > profile.size:
            raise ValueError(f"intraday_profile has {profile.size} half-hours but the line is open "
                             f"{n_int} half-hours on {dates[i]}: give one weight per half-hour")
        lengths = np.minimum(INTERVAL_S, c - o - INTERVAL_S * np.arange(n_int))
        shape = profile[:n_int] * lengths / INTERVAL_S
        cell_day.append(np.full(n_int, i))
        cell_k.append(np.arange(n_int))
        cell_shape.append(shape / shape.sum())
        cell_len.append(lengths)
    cell_day = np.concatenate(cell_day) if cell_day else np.zeros(0, int)
    cell_k = np.concatenate(cell_k) if cell_k else np.zeros(0, int)
    cell_shape = np.concatenate(cell_shape) if cell_shape else np.zeros(0)
    cell_len = np.concatenate(cell_len) if cell_len else np.zeros(0, int)
    n_cells = cell_day.size

    base_day = level * weight  # expected base offered calls per calendar day
    e_base = (base_day[cell_day] * cell_shape)[:, None] * share[None, :]
    n_c = len(camps)
    e_camp = np.zeros((n_c, n_cells, n_q))
    camp_day = np.zeros((n_c, len(dates)))
    camp_split = np.zeros((n_c, n_q))
    for c_i, (row, days_extra) in enumerate(zip(camps.itertuples(), extra, strict=True)):
        qmask = np.array([q in row.queues for q in queues], dtype=float)
        qsplit = share * qmask / (share * qmask).sum()
        camp_split[c_i] = qsplit
        for d, v in days_extra.items():
            camp_day[c_i, date_pos[d]] = v
        e_camp[c_i] = (camp_day[c_i][cell_day] * cell_shape)[:, None] * qsplit[None, :]
    e_offered = e_base + e_camp.sum(axis=0)
    ivr = float(cfg["ivr_share"])
    e_ivr = e_offered * ivr / (1 - ivr)
    expected = np.concatenate([e_base[None], e_camp, e_ivr[None]])  # origin x cell x queue

    # ---- arrivals: Poisson counts per cell, uniform times within the cell ------------
    rng = np.random.default_rng([seed, 1])
    counts = rng.poisson(expected)
    flat = np.repeat(np.arange(counts.size), counts.ravel())
    origin, cell, q = np.unravel_index(flat, counts.shape)
    day = cell_day[cell]
    sec = (days["open_s"].to_numpy()[day] + INTERVAL_S * cell_k[cell]
           + np.floor(rng.random(flat.size) * cell_len[cell]).astype(np.int64))
    arrived = days["midnight_utc_s"].to_numpy()[day] + sec
    order = np.argsort(arrived, kind="stable")
    origin, q, day, sec, arrived = origin[order], q[order], day[order], sec[order], arrived[order]
    n = arrived.size
    is_ivr = origin == n_c + 1

    # ---- handling times and patience -------------------------------------------------
    talk, hold, wrap, patience = _handling(np.random.default_rng([seed, 2]), qcfg, q)
    service = talk + hold + wrap

    # ---- staffing plan and simulation, day by day ------------------------------------
    st = cfg["staffing"]
    aht = float(share @ np.array([x["talk_s"] + x["hold_share"] * x["hold_s"] + x["wrap_s"]
                                   for x in qcfg]))
    logged, roster = _staffing_plan(np.random.default_rng([seed, 3]), e_base.sum(axis=1), aht,
                                    st, cell_day, len(dates))
    team = int(st["team"])
    wait, outcome, agent = _simulate_days(
        span_days, day, sec - days["open_s"].to_numpy()[day], is_ivr, service, patience,
        logged, cell_day, roster, cfg.get("overflow_after_s"), progress)
    answered = outcome == ANSWERED

    # ---- derived columns -------------------------------------------------------------
    rng = np.random.default_rng([seed, 4])
    offset = days["offset_s"].to_numpy()[day]
    answered_at = arrived + wait
    ivr_len = rng.integers(20, 150, n)
    ended = np.where(answered, answered_at + talk + hold,
                     np.where(is_ivr, arrived + ivr_len, arrived + wait)).astype(np.int64)
    tt = cfg["transfer_targets"]
    pool, pool_region, caller = _callers(rng, cfg["callers"], outcome, q, day, arrived)
    day_seq = np.arange(n) - np.searchsorted(day, day, side="left")
    date_text = pa.array([d.strftime("%Y%m%d") for d in dates]).take(pa.array(day))
    call_id = pc.binary_join_element_wise(
        "C", date_text, "-", pc.utf8_lpad(pa.array(day_seq).cast(pa.string()), 5, "0"), "")
    out_code = np.where(is_ivr, 3, outcome)
    qnames = pa.array(queues, type=pa.string())
    talk_i, hold_i, wrap_i = (x.astype(np.int64) for x in (talk, hold, wrap))
    agent_names = pa.array([f"A{j + 1:02d}" for j in range(team)], type=pa.string())
    targets = list(tt)
    transfer_code = np.where(answered & (rng.random(n) < cfg["transfer_share"]),
                             rng.choice(len(targets), n, p=np.array(list(tt.values()), float)
                                        / sum(tt.values())), -1)

    files = {"calls": out / "calls.csv.gz", "operator_counts": out / "operator_counts.csv",
             "callbacks": out / "callbacks.csv", "campaigns": out / "campaigns.csv",
             "staffing": out / "staffing.csv", "truth": out / "truth.json"}
    _write_csv(files["calls"], {
        "call_id": call_id, "queue": qnames.take(pa.array(q)),
        "arrived_at": iso_strings(arrived, offset),
        "answered_at": _masked(iso_strings(answered_at, offset), answered),
        "ended_at": iso_strings(ended, offset),
        "outcome": pa.array(OUTCOMES.tolist()).take(pa.array(out_code)),
        "wait_s": wait, "talk_s": _masked(talk_i, answered), "hold_s": _masked(hold_i, answered),
        "wrap_s": _masked(wrap_i, answered),
        "agent_id": agent_names.take(pa.array(agent, mask=agent < 0)),
        "caller_number": pa.array(pool, type=pa.string()).take(pa.array(caller)),
        "topic": qnames.take(pa.array(q)),
        "region": pa.array(pool_region, type=pa.string()).take(pa.array(caller)),
        "transfer_to": pa.array(targets, type=pa.string()).take(
            pa.array(transfer_code, mask=transfer_code < 0)),
    })

    # ---- callbacks (72-hour promise) ---------------------------------------------------
    span_end = int(days["midnight_utc_s"].to_numpy()[date_pos[last]] + 86400)
    requested_from = ended + np.where(answered, wrap, 0).astype(np.int64)
    req, requested, done_at, cb_outcome = _callbacks(
        np.random.default_rng([seed, 5]), cfg["callbacks"], WorkClock(days), requested_from,
        outcome, is_ivr, span_end)
    completed = cb_outcome == "completed"
    done_day = np.searchsorted(days["midnight_utc_s"].to_numpy(), done_at, side="right") - 1
    done_off = days["offset_s"].to_numpy()[np.clip(done_day, 0, len(dates) - 1)]
    _write_csv(files["callbacks"], {
        "callback_id": pc.binary_join_element_wise("CB-", call_id.take(pa.array(req)), ""),
        "call_id": call_id.take(pa.array(req)),
        "queue": qnames.take(pa.array(q[req])), "requested_at": iso_strings(requested, offset[req]),
        "completed_at": _masked(iso_strings(done_at, done_off), completed),
        "outcome": cb_outcome,
    })
    due = cb_outcome != "pending"
    on_time = completed & (done_at <= requested + 72 * 3600)
    cb_on_time_rate = float(on_time.sum() / due.sum()) if due.any() else None

    # ---- operator counts: daily per queue, a little above the provider's log ---------
    op_days, op_off, op_hand = _operator_counts(
        np.random.default_rng([seed, 6]), cfg["operator"], day * n_q + q, is_ivr, answered,
        span_days, len(dates) * n_q, n_q, (last - first).days / DAYS_PER_YEAR)
    mid = days["midnight_utc_s"].to_numpy()[op_days]
    _write_csv(files["operator_counts"], {
        "period_start": iso_strings(np.repeat(mid, n_q),
                                    np.repeat(days["midnight_offset_s"].to_numpy()[op_days], n_q)),
        "period_minutes": np.full(op_days.size * n_q, 1440, dtype=np.int64),
        "queue": qnames.take(pa.array(np.tile(np.arange(n_q), op_days.size))),
        "offered": op_off[op_days].ravel(), "handled": op_hand[op_days].ravel(),
    })

    # ---- staffing, campaigns ---------------------------------------------------------
    int_start = (days["midnight_utc_s"].to_numpy()[cell_day] + days["open_s"].to_numpy()[cell_day]
                 + INTERVAL_S * cell_k)
    _write_csv(files["staffing"], {
        "interval_start": iso_strings(int_start, days["offset_s"].to_numpy()[cell_day]),
        "interval_minutes": np.full(n_cells, INTERVAL_S // 60, dtype=np.int64),
        "queue": np.full(n_cells, "*"), "advisors": logged.astype(np.int64),
    })
    # campaigns that start in the span or still bring calls into it
    camp_end = [max(e) if e else s for e, s in zip(extra, camps["start_date"], strict=True)]
    in_span = np.array([s <= last and max(s, e) >= first
                        for s, e in zip(camps["start_date"], camp_end, strict=True)], dtype=bool)
    _write_csv(files["campaigns"], {
        "campaign_id": camps["campaign_id"].to_numpy(str)[in_span],
        "name": camps["name"].to_numpy(str)[in_span],
        "channel": camps["channel"].to_numpy(str)[in_span],
        "start_date": np.array([d.isoformat() for d in camps["start_date"]], str)[in_span],
        "end_date": np.array([d.isoformat() for d in camp_end], str)[in_span],
        "audience": camps["audience"].to_numpy(np.int64)[in_span],
        "queues": np.array([",".join(x) for x in camps["queues"]], str)[in_span],
    })

    # ---- truth and summary -----------------------------------------------------------
    offered = ~is_ivr
    n_off = int(offered.sum())
    n_ans = int(answered.sum())
    n_ab = int((outcome == 1).sum())
    years = ((last - first).days + 1) / DAYS_PER_YEAR
    summary = {
        "start": first.isoformat(), "end": last.isoformat(), "seed": seed,
        "open_days": int(span_days.size),
        "calls": int(n), "offered": n_off, "offered_per_year": round(n_off / years),
        "offered_by_queue": {qq: int((offered & (q == i)).sum()) for i, qq in enumerate(queues)},
        "answered": n_ans, "abandoned": n_ab, "overflow": int((outcome == 2).sum()),
        "ivr": int(is_ivr.sum()),
        "pickup_rate": n_ans / n_off if n_off else None,
        "abandon_rate": n_ab / n_off if n_off else None,
        "asa_s": float(wait[answered].mean()) if n_ans else None,
        "service_level_20s": (float((answered & (wait <= 20)).sum() / (n_ans + n_ab))
                              if n_ans + n_ab else None),
        "aht_s": float(service[answered].mean()) if n_ans else None,
        "callbacks": int(req.size), "callback_on_time_rate": cb_on_time_rate,
        "campaigns": int(in_span.sum()),
        "campaign_offered": int((offered & (origin >= 1) & (origin <= n_c)).sum()),
    }
    off_origin = np.bincount(day[offered] * (n_c + 1) + origin[offered],
                             minlength=len(dates) * (n_c + 1)).reshape(len(dates), n_c + 1)
    truth = {
        "generator": {"seed": seed, "start": first.isoformat(), "end": last.isoformat(),
                      "timezone": cfg["timezone"], "config": json.loads(json.dumps(cfg,
                                                                                   default=str))},
        "base_model": {
            "formula": "expected base offered calls on an open day = level x weekday_profile"
                       "[weekday] x month_profile[month] x (1 + annual_growth) ** (days since "
                       "growth_origin / 365.2425) x (1 - school_holiday_dip x school_zones / 3); "
                       "queue q gets queue_share[q]; a day's calls spread over its half-hours "
                       "by intraday_profile; closed days 0",
            "level": level, "growth_origin": w_first.isoformat(),
            "weekday_profile": cfg["weekday_profile"], "month_profile": cfg["month_profile"],
            "annual_growth": cfg["annual_growth"], "school_holiday_dip": cfg["school_holiday_dip"],
            "intraday_profile": cfg["intraday_profile"],
            "queue_share": dict(zip(queues, share.tolist(), strict=True)),
            "ivr_share": ivr, "mean_service_s": aht,
        },
        "channels": cfg["campaigns"]["channels"],
        "campaigns": [],
        "days": [],
        "summary": summary,
    }
    for c_i, row in enumerate(camps.itertuples()):
        if not in_span[c_i]:
            continue
        ch = cfg["campaigns"]["channels"][row.channel]
        by_day = {d.isoformat(): {"expected": v, "offered": int(off_origin[date_pos[d], c_i + 1])}
                  for d, v in sorted(extra[c_i].items()) if first <= d <= last}
        truth["campaigns"].append({
            "campaign_id": row.campaign_id, "name": row.name, "channel": row.channel,
            "start_date": row.start_date.isoformat(), "audience": int(row.audience),
            "queues": list(row.queues),
            "queue_split": {qq: float(camp_split[c_i, k]) for k, qq in enumerate(queues)
                            if camp_split[c_i, k] > 0},
            "response": ch["response"], "decay": ch["decay"],
            "lag_days": ch.get("lag_days", 0),
            "expected_extra": float(row.audience * ch["response"]),
            "offered_extra": int(sum(v["offered"] for v in by_day.values())),
            "by_day": by_day,
        })
    for i in np.flatnonzero(np.array([first <= d <= last for d in dates])):
        truth["days"].append({
            "date": dates[i].isoformat(), "open": bool(days.at[i, "is_open"]),
            "holiday": days.at[i, "holiday"], "school_zones": int(days.at[i, "school_zones"]),
            "expected_base": float(base_day[i]), "expected_campaign": float(camp_day[:, i].sum()),
            "offered_base": int(off_origin[i, 0]), "offered_campaign": int(off_origin[i, 1:].sum()),
        })
    files["truth"].write_text(json.dumps(truth, indent=1, ensure_ascii=False), encoding="utf-8")
    return {"files": files, "summary": {**summary, "seconds": round(time.perf_counter() - t0, 2)}}


def file_digest(path: str | Path) -> str:
    """SHA-256 of a file's content (decompressed for .gz), for reproducibility checks."""
    import gzip

    path = Path(path)
    data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return hashlib.sha256(data).hexdigest()
