"""The simulation and the generated weeks against Erlang A (``staffing.erlang_a``).

Two levels:

* stationary M/M/n+M (exponential service and patience, constant advisors): the queue
  simulation must match Erlang A's abandonment, service level and ASA within the
  simulation's standard error;
* the generated demo weeks (time-varying arrivals and advisors, lognormal service, days
  starting with an empty queue): Erlang A fed with the *model's* expected calls per
  half-hour and the advisors logged in must land close to what the simulation produced.
  Differences are expected and one-signed: service times less variable than exponential
  (coefficient of variation ~0.65) and mornings starting empty both mean fewer abandons
  than the stationary M/M/n+M predicts, so the check is a band, not equality.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from demo import load_config
from staffing import erlang_a
from staffing.simulation import ABANDONED, ANSWERED, simulate_queue


def test_stationary_simulation_matches_erlang_a():
    n, aht, patience, calls_per_hour = 12, 300.0, 150.0, 150.0  # 12.5 erlangs on 12 advisors
    lam = calls_per_hour / 3600.0
    reps, n_calls, warmup = 12, 20_000, 1_000
    ab, sl, asa = [], [], []
    for rep in range(reps):
        rng = np.random.default_rng([31, rep])
        arrival = np.cumsum(rng.exponential(1 / lam, n_calls))
        r = simulate_queue(arrival, rng.exponential(aht, n_calls),
                           rng.exponential(patience, n_calls), n)
        out, wait = r["outcome"][warmup:], r["wait_s"][warmup:]
        ab.append(np.mean(out == ABANDONED))
        sl.append(np.mean((out == ANSWERED) & (wait <= 20)))
        asa.append(wait[out == ANSWERED].mean())
    e = erlang_a.evaluate(calls_per_hour, aht, 3600.0, n, patience, 20)
    for sim, key in ((ab, "p_abandon"), (sl, "service_level"), (asa, "asa_s")):
        sim = np.array(sim)
        se = sim.std(ddof=1) / math.sqrt(reps)
        assert abs(sim.mean() - e[key]) < 4 * se, (key, sim.mean(), e[key], se)
    assert 0.05 < e["p_abandon"] < 0.2  # a regime where abandonment matters


def test_generated_weeks_are_close_to_erlang_a(demo):
    truth = demo.truth
    cfg = load_config()
    profile = np.array(truth["base_model"]["intraday_profile"])
    profile = profile / profile.sum()
    days = pd.DataFrame(truth["days"]).set_index("date")
    st = demo.staffing.copy()
    st["date"] = st["interval_start"].str[:10]
    k = st.groupby("date").cumcount().to_numpy()
    day_expected = (days["expected_base"] + days["expected_campaign"])[st["date"]].to_numpy()
    expected = day_expected * profile[k]
    shares = np.array([q["share"] for q in cfg["queues"].values()])
    patience = float(shares @ np.array([q["patience_s"] for q in cfg["queues"].values()])
                     / shares.sum())
    e = erlang_a.evaluate(expected, truth["base_model"]["mean_service_s"], 1800.0,
                          st["advisors"].to_numpy(), patience, 20)
    off = demo.calls[demo.calls["outcome"] != "ivr"]
    date = off["arrived_at"].str[:10]
    actual_ab = (off["outcome"] == "abandoned").groupby(date).sum()
    actual_sl = ((off["outcome"] == "answered") & (off["wait_s"] <= 20)).groupby(date).sum()
    pred_ab = pd.Series(expected * e["p_abandon"]).groupby(st["date"].to_numpy()).sum()
    pred_sl = pd.Series(expected * e["service_level"]).groupby(st["date"].to_numpy()).sum()
    ratio = actual_ab.sum() / pred_ab.sum()
    assert 0.78 < ratio < 1.0, ratio
    sl_actual = actual_sl.sum() / len(off)
    sl_pred = pred_sl.sum() / expected.sum()
    assert abs(sl_actual - sl_pred) < 0.04, (sl_actual, sl_pred)
    # day by day, Erlang A tracks the simulated abandons (campaign peaks included)
    assert np.corrcoef(actual_ab[pred_ab.index], pred_ab)[0, 1] > 0.9
