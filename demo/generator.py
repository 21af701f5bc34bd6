"""Realistic, seeded demo data for a client-provider inbound line (``copil generate``).

``generate(config, out_dir)`` writes the canonical files a provider, an operator and a
client would hand over (calls, operator counts, callbacks, campaigns, staffing) plus
``truth.json``, the model the data were drawn from. The parameters are in
``demo/demo.yaml``; the steps live in their own modules: the line's calendar
(:mod:`demo.calendar`), campaigns (:mod:`demo.campaigns`), arrivals
(:mod:`demo.arrivals`), service and queue (:mod:`demo.service`), callers
(:mod:`demo.callers`), callbacks (:mod:`demo.callbacks`), the operator's counts
(:mod:`demo.operator_counts`), files (:mod:`demo.files`) and the truth
(:mod:`demo.truth`). Each step draws from its own seeded stream, so the same seed and
config give byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from demo.arrivals import (
    DAYS_PER_YEAR,
    INTERVAL_S,
    base_level,
    day_weights,
    draw_arrivals,
    expected_calls,
    open_cells,
)
from demo.calendar import day_table
from demo.callbacks import callbacks
from demo.callers import callers
from demo.campaigns import campaign_calendar, campaign_daily_extra
from demo.clock import WorkClock, iso_strings
from demo.config import calibration_window, load_config, resolve_span
from demo.files import masked, output_files, write_csv
from demo.operator_counts import operator_counts
from demo.service import handling, mean_service_s, simulate_days, staffing_plan
from demo.truth import run_summary, truth_document
from staffing.simulation import ANSWERED

__all__ = ["generate"]

OUTCOMES = np.array(["answered", "abandoned", "overflow", "ivr"])


def generate(config: str | Path | dict | None, out_dir: str | Path, *, seed: int | None = None,
             start=None, end=None, progress: bool = False) -> dict:
    """Generate the demo files into ``out_dir``.

    Parameters
    ----------
    config : path, dict or None
        Generator configuration (see :func:`demo.config.load_config`); ``None`` for the
        shipped ``demo/demo.yaml``.
    out_dir : path
        Directory to write into (created if missing; files are overwritten).
    seed : int, optional
        Random seed, >= 0 (default ``config['seed']``); same seed and config give
        identical files.
    start, end : date or 'YYYY-MM-DD', optional
        Span (see :func:`demo.config.resolve_span`).
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
    if seed is not None and seed < 0:
        raise ValueError(f"seed must be a non-negative integer (got {seed})")
    seed = int(cfg["seed"] if seed is None else seed)
    cfg["seed"] = seed
    first, last = resolve_span(cfg, start, end)
    w_first, w_last = calibration_window(cfg)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)

    queues = list(cfg["queues"])
    qcfg = [cfg["queues"][q] for q in queues]
    n_q = len(queues)
    share = np.array([q["share"] for q in qcfg], dtype=float)
    share /= share.sum()

    # ---- calendar and campaigns ------------------------------------------------------
    # from 40 days early (campaigns started before the span still bring calls into it) to
    # 60 days late (campaign tails, callbacks completed after the end)
    cal_first = min(first, w_first) - dt.timedelta(days=40)
    cal_last = max(last, w_last) + dt.timedelta(days=60)
    days = day_table(cal_first, cal_last, cfg)
    dates = days["date"].tolist()
    date_pos = {d: i for i, d in enumerate(dates)}
    is_open = days["is_open"].to_numpy()
    open_dates = [d for d, o in zip(dates, is_open, strict=True) if o]
    camps = campaign_calendar(cal_first, cal_last - dt.timedelta(days=60), cfg, queues, seed)
    extra = campaign_daily_extra(camps, open_dates, cfg)

    # ---- expected calls per open half-hour -----------------------------------------------
    weight = day_weights(days, cfg, w_first)
    level = base_level(cfg, weight, np.array([w_first <= d <= w_last for d in dates]),
                       sum(v for e in extra for d, v in e.items() if w_first <= d <= w_last))
    base_day = level * weight  # expected base offered calls per calendar day
    span_days = np.flatnonzero(np.array([first <= d <= last for d in dates]) & is_open)
    cells = open_cells(days, span_days, np.array(cfg["intraday_profile"], dtype=float))
    expected = expected_calls(base_day, cells, share, queues, camps, extra, date_pos,
                              float(cfg["ivr_share"]))

    # ---- arrivals, handling, advisors, queue -------------------------------------------
    calls = draw_arrivals(np.random.default_rng([seed, 1]), expected, cells, days)
    q, day, arrived, is_ivr = calls.q, calls.day, calls.arrived, calls.is_ivr
    n = calls.size
    talk, hold, wrap, patience = handling(np.random.default_rng([seed, 2]), qcfg, q)
    service = talk + hold + wrap
    st = cfg["staffing"]
    aht = mean_service_s(qcfg, share)
    logged, roster = staffing_plan(np.random.default_rng([seed, 3]), expected.base.sum(axis=1),
                                   aht, st, cells.day, len(dates))
    wait, outcome, agent = simulate_days(
        span_days, day, calls.sec - days["open_s"].to_numpy()[day], is_ivr, service, patience,
        logged, cells.day, roster, cfg.get("overflow_after_s"), progress)
    answered = outcome == ANSWERED

    # ---- calls.csv.gz ------------------------------------------------------------------
    rng = np.random.default_rng([seed, 4])
    offset = days["offset_s"].to_numpy()[day]
    answered_at = arrived + wait
    ivr_len = rng.integers(20, 150, n)
    ended = np.where(answered, answered_at + talk + hold,
                     np.where(is_ivr, arrived + ivr_len, arrived + wait)).astype(np.int64)
    tt = cfg["transfer_targets"]
    pool, pool_region, caller = callers(rng, cfg["callers"], outcome, q, day, arrived)
    day_seq = np.arange(n) - np.searchsorted(day, day, side="left")
    date_text = pa.array([d.strftime("%Y%m%d") for d in dates]).take(pa.array(day))
    call_id = pc.binary_join_element_wise(
        "C", date_text, "-", pc.utf8_lpad(pa.array(day_seq).cast(pa.string()), 5, "0"), "")
    out_code = np.where(is_ivr, 3, outcome)
    qnames = pa.array(queues, type=pa.string())
    talk_i, hold_i, wrap_i = (x.astype(np.int64) for x in (talk, hold, wrap))
    agent_names = pa.array([f"A{j + 1:02d}" for j in range(int(st["team"]))], type=pa.string())
    targets = list(tt)
    transfer_code = np.where(answered & (rng.random(n) < cfg["transfer_share"]),
                             rng.choice(len(targets), n, p=np.array(list(tt.values()), float)
                                        / sum(tt.values())), -1)
    files = output_files(out)
    write_csv(files["calls"], {
        "call_id": call_id, "queue": qnames.take(pa.array(q)),
        "arrived_at": iso_strings(arrived, offset),
        "answered_at": masked(iso_strings(answered_at, offset), answered),
        "ended_at": iso_strings(ended, offset),
        "outcome": pa.array(OUTCOMES.tolist()).take(pa.array(out_code)),
        "wait_s": wait, "talk_s": masked(talk_i, answered), "hold_s": masked(hold_i, answered),
        "wrap_s": masked(wrap_i, answered),
        "agent_id": agent_names.take(pa.array(agent, mask=agent < 0)),
        "caller_number": pa.array(pool, type=pa.string()).take(pa.array(caller)),
        "topic": qnames.take(pa.array(q)),
        "region": pa.array(pool_region, type=pa.string()).take(pa.array(caller)),
        "transfer_to": pa.array(targets, type=pa.string()).take(
            pa.array(transfer_code, mask=transfer_code < 0)),
    })

    # ---- callbacks.csv (72-hour promise) -------------------------------------------------
    midnight = days["midnight_utc_s"].to_numpy()
    span_end = int(midnight[date_pos[last]] + 86400)
    requested_from = ended + np.where(answered, wrap, 0).astype(np.int64)
    req, requested, done_at, cb_outcome = callbacks(
        np.random.default_rng([seed, 5]), cfg["callbacks"], WorkClock(days), requested_from,
        outcome, is_ivr, span_end)
    completed = cb_outcome == "completed"
    done_day = np.searchsorted(midnight, done_at, side="right") - 1
    done_off = days["offset_s"].to_numpy()[np.clip(done_day, 0, len(dates) - 1)]
    write_csv(files["callbacks"], {
        "callback_id": pc.binary_join_element_wise("CB-", call_id.take(pa.array(req)), ""),
        "call_id": call_id.take(pa.array(req)),
        "queue": qnames.take(pa.array(q[req])), "requested_at": iso_strings(requested, offset[req]),
        "completed_at": masked(iso_strings(done_at, done_off), completed),
        "outcome": cb_outcome,
    })
    due = cb_outcome != "pending"
    on_time = completed & (done_at <= requested + 72 * 3600)
    cb_on_time_rate = float(on_time.sum() / due.sum()) if due.any() else None

    # ---- operator_counts.csv: daily per queue, a little above the provider's log -------
    op_days, op_off, op_hand = operator_counts(
        np.random.default_rng([seed, 6]), cfg["operator"], day * n_q + q, is_ivr, answered,
        span_days, len(dates) * n_q, n_q, (last - first).days / DAYS_PER_YEAR)
    write_csv(files["operator_counts"], {
        "period_start": iso_strings(np.repeat(midnight[op_days], n_q),
                                    np.repeat(days["midnight_offset_s"].to_numpy()[op_days], n_q)),
        "period_minutes": np.full(op_days.size * n_q, 1440, dtype=np.int64),
        "queue": qnames.take(pa.array(np.tile(np.arange(n_q), op_days.size))),
        "offered": op_off[op_days].ravel(), "handled": op_hand[op_days].ravel(),
    })

    # ---- staffing.csv, campaigns.csv ---------------------------------------------------
    int_start = midnight[cells.day] + days["open_s"].to_numpy()[cells.day] + INTERVAL_S * cells.k
    write_csv(files["staffing"], {
        "interval_start": iso_strings(int_start, days["offset_s"].to_numpy()[cells.day]),
        "interval_minutes": np.full(cells.size, INTERVAL_S // 60, dtype=np.int64),
        "queue": np.full(cells.size, "*"), "advisors": logged.astype(np.int64),
    })
    # campaigns that start in the span or still bring calls into it
    camp_end = [max(e) if e else s for e, s in zip(extra, camps["start_date"], strict=True)]
    in_span = np.array([s <= last and max(s, e) >= first
                        for s, e in zip(camps["start_date"], camp_end, strict=True)], dtype=bool)
    write_csv(files["campaigns"], {
        "campaign_id": camps["campaign_id"].to_numpy(str)[in_span],
        "name": camps["name"].to_numpy(str)[in_span],
        "channel": camps["channel"].to_numpy(str)[in_span],
        "start_date": np.array([d.isoformat() for d in camps["start_date"]], str)[in_span],
        "end_date": np.array([d.isoformat() for d in camp_end], str)[in_span],
        "audience": camps["audience"].to_numpy(np.int64)[in_span],
        "queues": np.array([",".join(x) for x in camps["queues"]], str)[in_span],
    })

    # ---- truth.json and summary --------------------------------------------------------
    summary = run_summary(first, last, seed, span_days.size, queues, calls, outcome, wait,
                          service, req.size, cb_on_time_rate, len(camps), int(in_span.sum()))
    truth = truth_document(cfg, first, last, w_first, level, share, aht, days, base_day, camps,
                           extra, in_span, expected, calls, summary)
    files["truth"].write_text(json.dumps(truth, indent=1, ensure_ascii=False), encoding="utf-8")
    return {"files": files, "summary": {**summary, "seconds": round(time.perf_counter() - t0, 2)}}
