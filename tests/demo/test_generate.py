"""The demo generator: reproducible, consistent, and true to the model it documents."""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path

import holidays
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copil.cli import main
from demo import file_digest, generate, load_config, resolve_span
from demo.calendar import day_table
from demo.campaigns import campaign_calendar, campaign_daily_extra
from demo.clock import WorkClock, iso_strings

REPO = Path(__file__).resolve().parents[2]
TZ = "Europe/Paris"
EPOCH = pd.Timestamp("1970-01-01", tz="UTC")


def instants(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, utc=True, format="ISO8601")


def seconds(series: pd.Series) -> pd.Series:
    """Epoch seconds of ISO strings (NaN for missing)."""
    return (instants(series) - EPOCH) / pd.Timedelta(seconds=1)


def offered_by_day(calls: pd.DataFrame) -> pd.Series:
    off = calls[calls["outcome"] != "ivr"]
    return off.groupby(off["arrived_at"].str[:10]).size()


# ---- calendar pieces -----------------------------------------------------------------

def test_day_table_dst_offsets_and_closures():
    cfg = load_config()
    days = day_table(dt.date(2026, 10, 23), dt.date(2026, 11, 2), cfg).set_index("date")
    assert days.at[dt.date(2026, 10, 23), "offset_s"] == 7200
    assert days.at[dt.date(2026, 10, 25), "midnight_offset_s"] == 7200  # DST ends at 03:00
    assert days.at[dt.date(2026, 10, 25), "offset_s"] == 3600
    assert days.at[dt.date(2026, 10, 26), "offset_s"] == 3600
    assert not days.at[dt.date(2026, 10, 25), "is_open"]  # Sunday
    assert days.at[dt.date(2026, 10, 26), "is_open"]
    assert days.at[dt.date(2026, 10, 26), "school_zones"] == 3  # Toussaint holidays
    assert days.at[dt.date(2026, 11, 2), "school_zones"] == 0
    assert days.at[dt.date(2026, 10, 30), "open_s"] == 9 * 3600
    assert days.at[dt.date(2026, 10, 30), "close_s"] == 18 * 3600
    assert days.at[dt.date(2026, 10, 31), "close_s"] == 0  # Saturday closed by default
    one = day_table(dt.date(2026, 11, 11), dt.date(2026, 11, 11), cfg)
    assert one.at[0, "holiday"] == "Armistice" and not one.at[0, "is_open"]
    # local midnight of 2026-10-26 is 2026-10-25T23:00Z
    assert days.at[dt.date(2026, 10, 26), "midnight_utc_s"] == int(
        pd.Timestamp("2026-10-25T23:00:00Z").timestamp())


def test_iso_strings_use_the_local_offset():
    t = np.array([pd.Timestamp("2026-10-26T08:00:00Z").timestamp(),
                  pd.Timestamp("2026-03-30T07:15:02Z").timestamp()], dtype=np.int64)
    out = iso_strings(t, np.array([3600, 7200])).to_pylist()
    assert out == ["2026-10-26T09:00:00+01:00", "2026-03-30T09:15:02+02:00"]


def test_work_clock_counts_only_opening_hours():
    cfg = load_config()
    days = day_table(dt.date(2026, 5, 4), dt.date(2026, 5, 20), cfg)
    clock = WorkClock(days)
    friday_5pm = int(pd.Timestamp("2026-05-07T17:00:00+02:00").timestamp())  # Thursday
    # Thursday 17:00 + 2 opening hours: Friday 8 May is a public holiday, the weekend is
    # closed, so Monday 11 May 10:00.
    done = clock.instant(clock.worked(np.array([friday_5pm])) + 2 * 3600)[0]
    assert done == int(pd.Timestamp("2026-05-11T10:00:00+02:00").timestamp())
    w = clock.worked(np.array([friday_5pm, friday_5pm + 3600, friday_5pm + 10 * 3600]))
    assert (w[1] - w[0], w[2] - w[1]) == (3600, 0)
    assert clock.instant(np.array([10**9]))[0] == -1


def test_span_ends_on_a_sunday():
    cfg = load_config()
    assert resolve_span(cfg) == (dt.date(2024, 11, 25), dt.date(2026, 11, 22))
    assert resolve_span(cfg, "2026-01-05", "2026-01-14") == (dt.date(2026, 1, 5),
                                                             dt.date(2026, 1, 11))
    with pytest.raises(ValueError, match="after the end"):
        resolve_span(cfg, "2026-01-13", "2026-01-14")
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        resolve_span(cfg, "13/01/2026")


# ---- campaign calendar ---------------------------------------------------------------

def test_generated_campaign_calendar_follows_its_rules():
    cfg = load_config()
    first, last = dt.date(2024, 1, 1), dt.date(2030, 12, 31)
    days = day_table(first, last + dt.timedelta(days=40), cfg)
    open_days = set(days.loc[days["is_open"], "date"])
    queues = list(cfg["queues"])
    cal = campaign_calendar(first, last, cfg, queues, seed=11)
    per_year = cal.groupby(cal["start_date"].map(lambda d: d.year)).size()
    assert per_year.index.tolist() == list(range(2024, 2031))
    assert per_year.between(6, 10).all()
    for _, year in cal.groupby(cal["start_date"].map(lambda d: d.year)):
        gaps = np.diff(sorted(d.toordinal() for d in year["start_date"]))
        assert (gaps >= cfg["campaigns"]["min_gap_days"]).all()
    assert all(d in open_days and d.weekday() <= 3 for d in cal["start_date"])
    assert not any((d.month == 8 and d.day <= 25) or (d.month == 12 and d.day >= 18)
                   or (d.month == 1 and d.day <= 5) for d in cal["start_date"])
    assert set(cal["channel"]) <= set(cfg["campaigns"]["channels"])
    assert all(set(qs) <= set(queues) and 1 <= len(qs) <= 2 for qs in cal["queues"])
    # seeded per year: a shorter range gives the same campaigns for its years
    sub = campaign_calendar(dt.date(2026, 1, 1), dt.date(2026, 12, 31), cfg, queues, seed=11)
    pd.testing.assert_frame_equal(
        sub, cal[cal["start_date"].map(lambda d: d.year) == 2026].reset_index(drop=True))


def test_campaign_extra_calls_decay_geometrically():
    cfg = load_config()
    days = day_table(dt.date(2026, 3, 1), dt.date(2026, 5, 31), cfg)
    open_dates = days.loc[days["is_open"], "date"].tolist()
    cal = pd.DataFrame([{"campaign_id": "x", "name": "x", "channel": "mailing",
                         "start_date": dt.date(2026, 3, 31), "audience": 100000,
                         "queues": ["aides-logement"]}])
    (extra,) = campaign_daily_extra(cal, open_dates, cfg)
    dates = sorted(extra)
    ch = cfg["campaigns"]["channels"]["mailing"]
    assert len(dates) == cfg["campaigns"]["duration_days"]
    # lag of 2 open days from Tuesday 31 March: Thursday 2 April; Easter Monday skipped
    assert dates[0] == dt.date(2026, 4, 2) and dt.date(2026, 4, 6) not in extra
    assert sum(extra.values()) == pytest.approx(100000 * ch["response"], rel=1e-12)
    ratios = [extra[b] / extra[a] for a, b in zip(dates, dates[1:], strict=False)]
    assert ratios == pytest.approx([ch["decay"]] * len(ratios), rel=1e-12)


def test_example_calendar_is_the_generated_2025_calendar():
    cfg = load_config()
    days = day_table(dt.date(2025, 1, 1), dt.date(2026, 2, 28), cfg)
    open_days = set(days.loc[days["is_open"], "date"])
    queues = list(cfg["queues"])
    generated = campaign_calendar(dt.date(2025, 1, 1), dt.date(2025, 12, 31), cfg, queues,
                                  seed=cfg["seed"])
    cfg["campaigns"]["calendar_file"] = str(REPO / "data" / "campaigns.example.csv")
    from_file = campaign_calendar(dt.date(2025, 1, 1), dt.date(2025, 12, 31), cfg, queues,
                                  seed=cfg["seed"])
    pd.testing.assert_frame_equal(generated, from_file)
    example = pd.read_csv(REPO / "data" / "campaigns.example.csv")
    assert example.columns.tolist() == ["campaign_id", "name", "channel", "start_date",
                                        "end_date", "audience", "queues"]
    open_dates = sorted(open_days)
    ends = [max(e).isoformat() for e in campaign_daily_extra(from_file, open_dates, cfg)]
    assert example["end_date"].tolist() == ends


# ---- the generated files -------------------------------------------------------------

def test_same_seed_same_files_other_seed_other_calls(tmp_path):
    kw = dict(start="2026-03-23", end="2026-04-05")
    a = generate(None, tmp_path / "a", seed=99, **kw)["files"]
    b = generate(None, tmp_path / "b", seed=99, **kw)["files"]
    c = generate(None, tmp_path / "c", seed=100, **kw)["files"]
    for name in a:
        assert a[name].read_bytes() == b[name].read_bytes(), name
        assert file_digest(a[name]) == file_digest(b[name])
    assert file_digest(a["calls"]) != file_digest(c["calls"])


def test_calls_only_on_open_days_within_opening_hours(demo):
    arrived = demo.calls["arrived_at"]
    fr = holidays.France(years=2026)
    open_days = {d.date().isoformat() for d in pd.bdate_range("2026-01-05", "2026-04-19")
                 if d.date() not in fr}
    assert "2026-04-06" not in open_days  # Easter Monday
    assert set(arrived.str[:10]) == open_days
    clock = arrived.str[11:19]
    assert (clock >= "09:00:00").all() and (clock < "18:00:00").all()


def test_timestamps_carry_the_right_local_offset(demo):
    for col in ("arrived_at", "answered_at", "ended_at"):
        s = demo.calls[col].dropna()
        local = instants(s).dt.tz_convert(TZ).dt.strftime("%Y-%m-%dT%H:%M:%S")
        assert (local == s.str[:19]).all(), col
    offsets = demo.calls.groupby(demo.calls["arrived_at"].str[:10])["arrived_at"].agg(
        lambda s: set(s.str[19:]))
    assert offsets["2026-03-27"] == {"+01:00"} and offsets["2026-03-30"] == {"+02:00"}


def test_every_call_record_is_consistent(demo):
    c = demo.calls
    assert c["call_id"].is_unique
    assert set(c["outcome"]) == {"answered", "abandoned", "overflow", "ivr"} or \
        set(c["outcome"]) == {"answered", "abandoned", "ivr"}
    ans = c["outcome"] == "answered"
    assert (c["answered_at"].notna() == ans).all()
    for col in ("talk_s", "hold_s", "wrap_s", "agent_id"):
        assert (c[col].notna() == ans).all(), col
    assert c.loc[~ans, "transfer_to"].isna().all()
    arrived, answered, ended = (seconds(c[k]) for k in ("arrived_at", "answered_at", "ended_at"))
    assert (answered[ans] >= arrived[ans]).all()
    assert (c.loc[ans, "wait_s"] == answered[ans] - arrived[ans]).all()
    assert (ended[ans] == answered[ans] + c.loc[ans, "talk_s"] + c.loc[ans, "hold_s"]).all()
    gone = c["outcome"].isin(["abandoned", "overflow"])
    assert (ended[gone] == arrived[gone] + c.loc[gone, "wait_s"]).all()
    assert (c.loc[gone, "wait_s"] > 0).all()
    assert (c.loc[c["outcome"] == "overflow", "wait_s"] == 240).all()
    ivr = c["outcome"] == "ivr"
    assert (c.loc[ivr, "wait_s"] == 0).all() and (ended[ivr] > arrived[ivr]).all()
    assert (c["talk_s"][ans] >= 10).all() and (c["hold_s"][ans] >= 0).all()
    assert c["caller_number"].str.fullmatch(r"\+33 [1-7]( \d\d){4}").all()
    cfg = load_config()
    assert set(c["region"]) == set(cfg["callers"]["regions"])
    assert set(c["queue"]) == set(cfg["queues"]) and (c["topic"] == c["queue"]).all()
    assert set(c["transfer_to"].dropna()) == {"expert", "back-office"}
    assert 0.025 < c.loc[ans, "transfer_to"].notna().mean() < 0.055
    assert set(c["agent_id"].dropna()) <= {f"A{i:02d}" for i in range(1, 26)}
    # repeat callers: fewer distinct numbers than calls
    assert c["caller_number"].nunique() < 0.8 * len(c)


def test_an_advisor_handles_one_call_at_a_time(demo):
    c = demo.calls[demo.calls["outcome"] == "answered"]
    start = seconds(c["answered_at"])
    busy_until = start + c["talk_s"] + c["hold_s"] + c["wrap_s"]
    frame = pd.DataFrame({"agent": c["agent_id"], "start": start, "end": busy_until})
    frame = frame.sort_values(["agent", "start"])
    same = frame["agent"].eq(frame["agent"].shift())
    assert (frame["start"][same] >= frame["end"].shift()[same]).all()


def test_calls_in_progress_never_exceed_advisors_logged_in(demo):
    """Calls answered within an interval overlap at most `advisors` at a time.

    (Advisors leaving at the end of an interval finish their call, so the bound is on
    calls *started* in the interval; answers after 18:00 clear the queue with the 17:30
    advisors.)"""
    c = demo.calls[demo.calls["outcome"] == "answered"]
    start = seconds(c["answered_at"]).to_numpy()
    end = start + (c["talk_s"] + c["hold_s"] + c["wrap_s"]).to_numpy()
    local = c["answered_at"].str
    clock = local[11:16]
    slot = np.where(clock >= "17:30", "17:30", np.where(local[14:16] < "30",
                                                         local[11:14] + "00", local[11:14] + "30"))
    group = local[:11] + slot + ":00" + local[19:]
    staff = demo.staffing.set_index("interval_start")["advisors"]
    assert group.isin(staff.index).all()
    events = pd.DataFrame({"group": np.concatenate([group, group]),
                           "t": np.concatenate([start, end]),
                           "d": np.concatenate([np.ones(start.size), -np.ones(start.size)])})
    events = events.sort_values(["group", "t", "d"], kind="stable")
    events["busy"] = events.groupby("group")["d"].cumsum()
    peak = events.groupby("group")["busy"].max()
    assert (peak <= staff[peak.index].to_numpy()).all()
    assert (peak == staff[peak.index].to_numpy()).mean() > 0.3  # advisors are really used


def test_volume_matches_the_model_to_the_poisson_floor(demo):
    days = pd.DataFrame(demo.truth["days"])
    expected = (days["expected_base"] + days["expected_campaign"]).sum()
    offered = (demo.calls["outcome"] != "ivr").sum()
    assert abs(offered - expected) < 4 * math.sqrt(expected)
    assert offered == demo.summary["offered"]
    # base calls and campaign calls separately
    assert abs(days["offered_base"].sum() - days["expected_base"].sum()) < 4 * math.sqrt(
        days["expected_base"].sum())
    # closed days expect nothing
    assert (days.loc[~days["open"], ["expected_base", "expected_campaign"]] == 0).all().all()


def test_intraday_and_weekday_shapes(demo):
    base = demo.truth["base_model"]
    profile = np.array(base["intraday_profile"])
    days = pd.DataFrame(demo.truth["days"])
    total_expected = (days["expected_base"] + days["expected_campaign"]).sum()
    expected = total_expected * profile / profile.sum()
    off = demo.calls[demo.calls["outcome"] != "ivr"]
    hh = off["arrived_at"].str[11:13].astype(int)
    mm = off["arrived_at"].str[14:16].astype(int)
    slot = (hh - 9) * 2 + (mm >= 30)
    counts = np.bincount(slot, minlength=profile.size)
    z = (counts - expected) / np.sqrt(expected)
    assert np.abs(z).max() < 4.5
    assert counts.argmax() in (2, 3)  # the 10:00-11:00 peak
    assert counts[10] > counts[7] and counts[10] > counts[12]  # the 14:00 peak over lunch
    by_day = offered_by_day(demo.calls)
    weekday = pd.to_datetime(by_day.index).day_of_week
    normal = ~by_day.index.isin(days.loc[days["expected_campaign"] > 0, "date"])
    means = by_day[normal].groupby(weekday[normal]).mean()
    assert means.idxmax() == 0  # Monday


def test_campaign_days_beat_the_same_weekday_a_week_before(demo):
    by_day = offered_by_day(demo.calls)
    for camp in demo.truth["campaigns"]:
        peak = dt.date.fromisoformat(min(camp["by_day"]))
        before = (peak - dt.timedelta(days=7)).isoformat()
        assert by_day[peak.isoformat()] > 1.4 * by_day[before], camp["campaign_id"]
        assert abs(camp["offered_extra"] - camp["expected_extra"]) < 4 * math.sqrt(
            camp["expected_extra"])
        assert camp["offered_extra"] == sum(v["offered"] for v in camp["by_day"].values())
    cal = demo.campaigns.set_index("campaign_id")
    assert cal.loc["T-EMAIL", "start_date"] == "2026-02-03"
    assert cal.loc["T-EMAIL", "audience"] == 500000
    assert cal.loc["T-MAIL", "queues"] == "aides-logement"
    response = load_config()["campaigns"]["channels"]["email"]["response"]
    assert demo.truth["campaigns"][0]["expected_extra"] == pytest.approx(500000 * response)


def test_campaign_peaks_are_understaffed(demo):
    off = demo.calls[demo.calls["outcome"] != "ivr"]
    rate = off.groupby(off["arrived_at"].str[:10])["outcome"].agg(
        lambda s: (s == "abandoned").mean())
    days = pd.DataFrame(demo.truth["days"]).set_index("date")
    peaks = [d for camp in demo.truth["campaigns"] for d in sorted(camp["by_day"])[:3]]
    normal = days.index[(days["expected_campaign"] == 0) & days["open"]]
    assert rate[peaks].mean() > 2 * rate[normal].mean()
    # staffing follows the normal plan: no more advisors on campaign peaks than usual
    staff = demo.staffing.groupby(demo.staffing["interval_start"].str[:10])["advisors"].mean()
    assert staff[peaks].mean() < staff[normal].mean() * 1.2


def test_operator_counts_a_little_above_the_provider(demo):
    op = demo.operator
    assert op["period_minutes"].eq(1440).all()
    assert (op["handled"] <= op["offered"]).all() and (op["handled"] >= 0).all()
    assert op["period_start"].str[10:19].eq("T00:00:00").all()
    local = instants(op["period_start"]).dt.tz_convert(TZ).dt.strftime("%Y-%m-%dT%H:%M:%S")
    assert (local == op["period_start"].str[:19]).all()
    off = demo.calls[demo.calls["outcome"] != "ivr"]
    key = [off["arrived_at"].str[:10].rename("date"), off["queue"]]
    prov = pd.DataFrame({"offered": off.groupby(key).size(),
                         "answered": off.groupby(key)["outcome"].agg(
                             lambda s: (s == "answered").sum())})
    op = op.assign(date=op["period_start"].str[:10]).set_index(["date", "queue"])
    joined = op.join(prov.add_suffix("_provider"), how="inner")
    assert len(joined) == len(op)
    assert (joined["offered"] >= joined["offered_provider"]).mean() > 0.95
    gap = 1 - joined["offered_provider"] / joined["offered"]
    assert 0.003 < gap.median() < 0.01
    day_gap = 1 - (joined.groupby(level=0)["offered_provider"].sum()
                   / joined.groupby(level=0)["offered"].sum())
    assert (day_gap > 0.025).sum() == round(4 * 105 / 365.2425)  # bad days
    assert (abs(joined["handled"] - joined["answered_provider"]) <= 0.01 * joined["answered_provider"] + 3).all()
    provider_days = set(off["arrived_at"].str[:10])
    assert len(provider_days - set(op.index.get_level_values(0))) == 2  # missing days


def test_callbacks_keep_the_72_hour_promise_mostly(demo):
    cb = demo.callbacks
    calls = demo.calls.set_index("call_id")
    assert cb["callback_id"].is_unique and cb["call_id"].isin(calls.index).all()
    assert (cb["queue"].to_numpy() == calls.loc[cb["call_id"], "queue"].to_numpy()).all()
    assert set(cb["outcome"]) <= {"completed", "failed", "pending"}
    assert (cb["completed_at"].notna() == (cb["outcome"] == "completed")).all()
    req, done = seconds(cb["requested_at"]), seconds(cb["completed_at"])
    arrived = seconds(calls.loc[cb["call_id"], "arrived_at"]).to_numpy()
    assert (req.to_numpy() >= arrived).all()
    ok = cb["outcome"] == "completed"
    assert (done[ok] > req[ok]).all()
    local = instants(cb.loc[ok, "completed_at"]).dt.tz_convert(TZ)
    assert (local.dt.day_of_week < 5).all()
    assert local.dt.strftime("%H:%M:%S").between("09:00:00", "18:00:00").all()
    fr = holidays.France(years=2026)
    assert not local.dt.date.map(lambda d: d in fr).any()
    due = cb["outcome"].isin(["completed", "failed"])
    on_time = ok & (done - req <= 72 * 3600)
    assert 0.93 <= on_time.sum() / due.sum() <= 0.97
    assert 0 < (ok & (done - req > 72 * 3600)).sum()  # a few late
    pending = cb["outcome"] == "pending"
    assert pending.any()
    assert (req[pending] >= pd.Timestamp("2026-04-10T00:00:00+02:00").timestamp()).all()
    # who asks: a share of answered calls, most voicemail (overflow) callers
    by = calls.loc[cb["call_id"], "outcome"].value_counts()
    n_ans = (demo.calls["outcome"] == "answered").sum()
    assert abs(by["answered"] - 0.035 * n_ans) < 4 * math.sqrt(0.035 * n_ans)
    assert "ivr" not in by.index


def test_staffing_file_follows_the_plan(demo):
    st = demo.staffing
    open_days = demo.calls["arrived_at"].str[:10].nunique()
    assert len(st) == 18 * open_days
    assert st["interval_minutes"].eq(30).all() and st["queue"].eq("*").all()
    assert st["advisors"].between(1, 25).all() and st["advisors"].quantile(0.005) >= 6
    slot = st["interval_start"].str[11:16]
    assert slot.min() == "09:00" and slot.max() == "17:30"
    mean = st.groupby(slot)["advisors"].mean().to_numpy()
    profile = np.array(demo.truth["base_model"]["intraday_profile"])
    assert np.corrcoef(mean, profile)[0, 1] > 0.9
    assert 12 < st["advisors"].mean() < 22


def test_headline_kpis_are_plausible(demo):
    s = demo.summary
    assert 0.85 < s["pickup_rate"] < 0.98
    assert 0.02 < s["abandon_rate"] < 0.12
    assert 2 < s["asa_s"] < 60
    assert 0.6 < s["service_level_20s"] < 0.95
    assert 300 < s["aht_s"] < 420


def test_config_errors_say_what_to_do(tmp_path):
    with pytest.raises(ValueError, match="unknown channel"):
        generate({"campaigns": {"explicit": [{"channel": "radio", "start_date": "2026-03-03",
                                              "audience": 1000}]}}, tmp_path,
                 start="2026-03-02", end="2026-03-08")
    with pytest.raises(ValueError, match="half-hour"):
        generate({"intraday_profile": [1.0, 1.0]}, tmp_path, start="2026-03-02",
                 end="2026-03-08")
    with pytest.raises(FileNotFoundError):
        load_config(tmp_path / "nope.yaml")
    with pytest.raises(ValueError, match="min_on_shift"):
        load_config({"staffing": {"max_on_shift": 30}})
    with pytest.raises(ValueError, match="talk_s"):
        load_config({"queues": {"x": {"share": 1.0, "talk_s": 0, "hold_share": 0.1,
                                      "hold_s": 10, "wrap_s": 10, "patience_s": 60}}})
    partial = tmp_path / "partial.yaml"
    partial.write_text("seed: 5\nqueues:\n  info: {share: 1, talk_s: 200, hold_share: 0.1, "
                       "hold_s: 30, wrap_s: 30, patience_s: 120}\n", encoding="utf-8")
    cfg = load_config(partial)
    assert cfg["seed"] == 5 and list(cfg["queues"]) == ["info"]
    assert cfg["annual_offered"] == load_config()["annual_offered"]


def test_a_span_without_open_days_writes_empty_files(tmp_path):
    r = generate(None, tmp_path, start="2026-11-01", end="2026-11-01")  # a Sunday
    s = r["summary"]
    assert (s["open_days"], s["calls"], s["callbacks"]) == (0, 0, 0)
    assert s["pickup_rate"] is None and s["callback_on_time_rate"] is None
    calls = pd.read_csv(r["files"]["calls"])
    assert len(calls) == 0 and "caller_number" in calls.columns


def test_saturday_mornings_when_opened(tmp_path):
    r = generate({"opening": {"saturday": ["09:00", "12:00"]}}, tmp_path, seed=3,
                 start="2026-03-02", end="2026-03-15")
    calls = pd.read_csv(r["files"]["calls"])
    sat = calls[pd.to_datetime(calls["arrived_at"].str[:10]).dt.day_of_week == 5]
    assert len(sat) > 0
    assert (sat["arrived_at"].str[11:19] < "12:00:00").all()
    staff = pd.read_csv(r["files"]["staffing"])
    assert (staff["interval_start"].str[:10] == "2026-03-07").sum() == 6


def test_copil_generate_command(tmp_path, capsys):
    out = tmp_path / "gen"
    assert main(["generate", "--out", str(out), "--seed", "5", "--start", "2026-06-01",
                 "--end", "2026-06-14", "--quiet"]) == 0
    text = capsys.readouterr().out
    assert "2026-06-01 .. 2026-06-14" in text and "pickup rate" in text
    assert sorted(p.name for p in out.iterdir()) == [
        "callbacks.csv", "calls.csv.gz", "campaigns.csv", "operator_counts.csv",
        "staffing.csv", "truth.json"]
    assert re.search(r"offered calls\s+[\d,]+", text)
    assert main(["generate", "--out", str(out), "--start", "2026-06-20", "--end",
                 "2026-06-14"]) == 2


@pytest.fixture(scope="module")
def full_demo(tmp_path_factory):
    return generate(None, tmp_path_factory.mktemp("full"))


def test_full_two_years_volume(full_demo):
    calls = pd.read_csv(full_demo["files"]["calls"], usecols=["arrived_at", "outcome"])
    s = full_demo["summary"]
    assert (s["start"], s["end"]) == ("2024-11-25", "2026-11-22")
    date = calls.loc[calls["outcome"] != "ivr", "arrived_at"].str[:10]
    first_year = (date < "2025-11-24").sum()
    second_year = (date >= "2025-11-24").sum()
    for n in (first_year, second_year):
        assert 0.95 * 230_000 < n < 1.05 * 230_000
    assert s["campaigns"] >= 12
    # two years of closures and both DST changes, in local time
    day = calls["arrived_at"].str[:10]
    fr = holidays.France(years=[2024, 2025, 2026])
    open_days = {d.date().isoformat() for d in pd.bdate_range(s["start"], s["end"])
                 if d.date() not in fr}
    assert set(day) == open_days
    clock = calls["arrived_at"].str[11:19]
    assert (clock >= "09:00:00").all() and (clock < "18:00:00").all()
    local = instants(calls["arrived_at"]).dt.tz_convert(TZ).dt.strftime("%Y-%m-%dT%H:%M:%S")
    assert (local == calls["arrived_at"].str[:19]).all()
    offsets = calls.groupby(day)["arrived_at"].agg(lambda x: set(x.str[19:]))
    assert offsets["2025-10-24"] == {"+02:00"} and offsets["2025-10-27"] == {"+01:00"}
    assert offsets["2026-03-27"] == {"+01:00"} and offsets["2026-03-30"] == {"+02:00"}
    campaigns = pd.read_csv(full_demo["files"]["campaigns"])
    per_year = campaigns["start_date"].str[:4].value_counts()
    assert per_year["2025"] >= 6


@pytest.mark.slow
def test_full_two_years_generation_time(full_demo):
    assert full_demo["summary"]["seconds"] < 30


def test_a_campaign_started_before_the_span_is_listed_with_its_tail(tmp_path):
    camp = [{"campaign_id": "EARLY", "name": "E-mail", "channel": "email",
             "start_date": "2026-02-03", "audience": 600000, "queues": ["fin-de-contrat"]}]
    r = generate({"campaigns": {"explicit": camp}}, tmp_path, seed=8, start="2026-02-09",
                 end="2026-02-15")
    listed = pd.read_csv(r["files"]["campaigns"])
    assert listed["campaign_id"].tolist() == ["EARLY"]
    assert listed.loc[0, "end_date"] == "2026-02-16"  # ten open days from 3 February
    import json
    truth = json.loads(r["files"]["truth"].read_text(encoding="utf-8"))
    (c,) = truth["campaigns"]
    assert sorted(c["by_day"]) == ["2026-02-09", "2026-02-10", "2026-02-11", "2026-02-12",
                                   "2026-02-13"]
    assert c["offered_extra"] > 0 and c["queue_split"] == {"fin-de-contrat": 1.0}


@settings(max_examples=4, deadline=None)
@given(seed=st.integers(0, 2**31), saturday=st.booleans(), overflow=st.sampled_from([None, 60, 600]),
       monday=st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)).map(
           lambda d: d - dt.timedelta(days=d.weekday())))
def test_any_seed_and_week_gives_consistent_records(tmp_path_factory, seed, saturday, overflow,
                                                    monday):
    out = tmp_path_factory.mktemp("prop")
    cfg = {"overflow_after_s": overflow,
           "opening": {"saturday": ["09:00", "12:00"] if saturday else None}}
    r = generate(cfg, out, seed=seed, start=monday, end=monday + dt.timedelta(days=6))
    c = pd.read_csv(r["files"]["calls"])
    fr = holidays.France(years=monday.year)
    if len(c):
        local = instants(c["arrived_at"]).dt.tz_convert(TZ)
        assert (local.dt.strftime("%Y-%m-%dT%H:%M:%S") == c["arrived_at"].str[:19]).all()
        assert not local.dt.date.map(lambda d: d in fr).any()
        limit = np.where(local.dt.day_of_week == 5, "12:00:00", "18:00:00")
        assert (local.dt.day_of_week <= (5 if saturday else 4)).all()
        assert (local.dt.strftime("%H:%M:%S") < limit).all()
        ans = c["outcome"] == "answered"
        assert (c["answered_at"].notna() == ans).all()
        waited = seconds(c["answered_at"]) - seconds(c["arrived_at"])
        assert (c.loc[ans, "wait_s"] == waited[ans]).all()
        if overflow is None:
            assert (c["outcome"] != "overflow").all()
        else:
            assert (c.loc[c["outcome"] != "ivr", "wait_s"] <= overflow).all()
    op = pd.read_csv(r["files"]["operator_counts"])
    assert (op["handled"] <= op["offered"]).all()
