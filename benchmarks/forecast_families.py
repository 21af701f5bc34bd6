"""Forecasting bench on series the model was not designed on (issue 10).

Each *family* below is built by its own generating code, independent of the ``demo``
package (no import of it, different seasonality, campaign response and noise), with the
generating truth kept: the expected calls of every day (the *mean*), the day-level noise
(a log-normal day effect of known sd on top of Poisson counts, plus known outlier events)
and each campaign's expected extra calls. Three real series complete the bench: the 1999
"Anonymous Bank" daily counts, the daily sums of its hourly counts and the daily counts of
its call log (nine months; August, November and December are gaps).

For every series, a rolling-origin backtest (``--origins`` weekly origins, 14 days ahead)
of copil's daily model, seasonal naive and ETS gives one table row per family:

* ``wape_1_7``, ``wape_8_14`` (copil's), ``snaive_1_7``, ``ets_1_7``, ``snaive_8_14``,
  ``ets_8_14``; ``x_snaive`` = copil / seasonal naive at 1-7 days; ``*_cw``: the same in
  campaign weeks (target days within 14 days after a campaign start);
* ``floor_1_7``: the family's noise floor, ``E|y - mean| / sum mean`` over the scored days
  (Monte Carlo from the known noise), and ``x_floor`` = copil / floor (real series: the
  Poisson floor ``sqrt(2 / (pi lambda))``);
* ``cov80``, ``cov95`` (1-14 days), overall and in campaign weeks;
* ``form``: the model form the series selected (fit on the whole history), and
  ``cpu_s``: CPU seconds of that fit + selection + a 13-week forecast.

Then per campaign (fit on the whole history): estimated extra calls against the truth,
whether the 95 % band holds it, and the band's width over the truth; the goals are scored
on campaigns bringing at least 300 extra calls.

Goals (issue 10): 1-7-day WAPE <= 0.5 x seasonal naive overall and in campaign weeks and
<= 1.3 x the noise floor; 80 % coverage 0.75-0.85, 95 % coverage >= 0.92; uplift within
35 % of the truth for >= 80 % of campaigns >= 300 calls, band holding the truth for >= 80 %
and at most 1.25 x the truth wide; the bank series better than seasonal naive and ETS.

Run: ``.venv/bin/python benchmarks/forecast_families.py [--origins 26] [--only NAME ...]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from forecasting import DailyVolumeModel, LineCalendar, poisson_wape_floor, wape  # noqa: E402
from forecasting.backtest import campaign_days, rolling_origin_forecasts  # noqa: E402
from forecasting.metrics import coverage  # noqa: E402

BANK = _HERE.parent.parent / "shared" / "data" / "anonymous_bank_1999"
START = pd.Timestamp("2022-01-03")          # a Monday; three years of 52 weeks
N_DAYS = 156 * 7
NINE_TO_FIVE = ((dt.time(8, 0), dt.time(18, 0)),)
MON_FRI = LineCalendar(opening_hours=(NINE_TO_FIVE,) * 5 + ((), ()), holidays=None,
                       source="default")
SUN_THU = LineCalendar(opening_hours=(NINE_TO_FIVE,) * 4 + ((), ()) + (NINE_TO_FIVE,),
                       holidays=None, week_start=6, source="default")
#: channel -> (half-life in open days, delay in open days, median extra calls per campaign)
CHANNELS = {"email": (1.0, 0, 450.0), "sms": (0.6, 0, 350.0), "mail": (3.0, 2, 1800.0)}


@dataclass
class Family:
    """One generated (or real) series with its truth."""

    name: str
    y: pd.Series                      # observed calls per day (NaN = missing)
    calendar: LineCalendar | None
    options: dict = field(default_factory=dict)
    mean: pd.Series | None = None     # expected calls per day (campaigns included)
    day_sd: float = 0.0               # sd of the log-normal day effect
    outlier_p: float = 0.0            # chance of an outlier day
    outlier_mult: tuple = ()          # its multipliers (chosen at random)
    campaigns: pd.DataFrame | None = None
    truth: pd.Series | None = None    # expected extra calls per campaign


# ---------------------------------------------------------------------- generating code
def _dates(n: int = N_DAYS) -> pd.DatetimeIndex:
    return pd.date_range(START, periods=n, freq="D")


def _yearly_smooth(d: pd.DatetimeIndex) -> np.ndarray:
    t = 2 * np.pi * d.dayofyear.to_numpy() / 365.25
    return np.exp(0.14 * np.cos(t - 0.5) + 0.06 * np.sin(2 * t + 1.0))


def _bump(doy: np.ndarray, centre: float, half_width: float, edge: float) -> np.ndarray:
    """1 inside ``centre +- half_width`` days of the year, 0 outside, smooth edges."""
    dist = np.abs((doy - centre + 182.5) % 365.25 - 182.5)
    return 1.0 / (1.0 + np.exp((dist - half_width) / edge))


def _yearly_dips(d: pd.DatetimeIndex) -> np.ndarray:
    """A summer dip from mid-July to about 20 August, a year-end dip 20 December - 3
    January and a tax-deadline peak in late May: none follows calendar months."""
    doy = d.dayofyear.to_numpy().astype(float)
    return np.exp(-0.35 * _bump(doy, 213, 19, 2.0) - 0.45 * _bump(doy, 363, 7, 1.5)
                  + 0.25 * _bump(doy, 146, 6, 1.5) + 0.05 * np.cos(2 * np.pi * doy / 365.25))


def _open(cal: LineCalendar, d: pd.DatetimeIndex) -> np.ndarray:
    return cal.open_mask(d)


def _weekday(d: pd.DatetimeIndex, profile: dict[int, float]) -> np.ndarray:
    return np.array([profile.get(w, 0.0) for w in d.dayofweek])


def _schedule(rng: np.random.Generator, d: pd.DatetimeIndex, is_open: np.ndarray,
              every_days: int = 20, size_mult: float = 1.0) -> pd.DataFrame:
    """A campaign roughly every ``every_days`` days, channels in turn, on an open day;
    ``audience`` known, the response per audience varies by +-25 % between campaigns."""
    rows, chans, t, k = [], list(CHANNELS), 30, 0
    while t < len(d) - 5:
        while t < len(d) and not is_open[t]:
            t += 1
        if t >= len(d) - 5:
            break
        ch = chans[k % len(chans)]
        size = CHANNELS[ch][2] * size_mult * float(np.exp(rng.normal(0, 0.45)))
        audience = round(size / 0.02 * float(np.exp(rng.normal(0, 0.25))))
        rows.append({"campaign_id": f"{ch}-{k:03d}", "channel": ch, "start_date": d[t],
                     "audience": audience, "true_size": size})
        k += 1
        t += int(rng.integers(every_days - 6, every_days + 7))
    return pd.DataFrame(rows)


def _shape(is_open: np.ndarray, t0: int, half_life: float, delay: int,
           max_days: int = 30) -> np.ndarray:
    """Geometric response ``r ** (k - delay)`` on the k-th open day from ``t0`` (peak 1)."""
    out = np.zeros(len(is_open))
    r = 0.5 ** (1 / half_life)
    k = 0
    for t in range(t0, len(is_open)):
        if not is_open[t]:
            continue
        if k >= delay:
            out[t] = r ** (k - delay)
        k += 1
        if k >= max_days + delay:
            break
    return out


def _campaign_calls(base: np.ndarray, camps: pd.DataFrame, d: pd.DatetimeIndex,
                    is_open: np.ndarray, response: str, wd_factor: np.ndarray | None = None
                    ) -> tuple[np.ndarray, pd.Series]:
    """Expected extra calls per day and per campaign.

    ``additive``: ``size * shape / sum(shape)``; ``weekday``: the same shape times the
    day's weekday factor (calls follow the weekday pattern); ``multiplicative``: the day's
    volume times ``exp(b * shape) - 1`` with ``b`` set from the size at the campaign's
    start level.
    """
    extra = np.zeros(len(d))
    truth = {}
    pos = {t: i for i, t in enumerate(d)}
    for row in camps.itertuples(index=False):
        hl, delay, _ = CHANNELS[row.channel]
        s = _shape(is_open, pos[row.start_date], hl, delay)
        if response == "additive":
            e = row.true_size * s / s.sum()
        elif response == "weekday":
            w = s * wd_factor
            e = row.true_size * w / w.sum()
        else:
            level = base[s > 0].mean()
            b = np.log1p(row.true_size / (level * s.sum()))
            e = base * (np.exp(b * s) - 1.0)
        extra += e
        truth[row.campaign_id] = float(e.sum())
    return extra, pd.Series(truth)


def _draw(rng: np.random.Generator, mean: np.ndarray, day_sd: float, outlier_p: float = 0.0,
          outlier_mult: tuple = (), size: int | None = None) -> np.ndarray:
    """Counts: Poisson around ``mean * exp(e - sd^2 / 2)``, ``e ~ N(0, sd)``, times an
    outlier multiplier with probability ``outlier_p``."""
    shape = mean.shape if size is None else (size,) + mean.shape
    lam = mean * np.exp(rng.normal(0.0, day_sd, shape) - day_sd ** 2 / 2)
    if outlier_p > 0:
        hit = rng.random(shape) < outlier_p
        lam = np.where(hit, lam * rng.choice(np.asarray(outlier_mult), shape), lam)
    return rng.poisson(lam).astype(float)


def make_family(name: str, seed: int = 0) -> Family:
    """Build one synthetic family (see :data:`FAMILIES`)."""
    rng = np.random.default_rng(seed + sum(map(ord, name)))
    d = _dates()
    cal = SUN_THU if name == "fri_sat_weekend" else MON_FRI
    is_open = _open(cal, d)
    profile = {0: 1.22, 1: 1.05, 2: 1.0, 3: 0.96, 4: 0.82}
    if name == "fri_sat_weekend":
        profile = {6: 1.25, 0: 1.08, 1: 1.0, 2: 0.95, 3: 0.8}
    wd = _weekday(d, profile)
    level = {"low_volume": 50.0, "high_volume": 5000.0, "overdispersed": 2000.0}.get(name, 1000.0)
    yearly = _yearly_dips(d) if name == "dips_not_months" else _yearly_smooth(d)
    trend = np.ones(len(d))
    if name == "level_shifts":
        t = np.arange(len(d)) / 365.25
        trend = np.where(t > 0.9, 1.2, 1.0) * np.exp(0.12 * np.clip(t - 1.6, 0, None))
        trend *= np.where(t > 2.55, 0.85, 1.0)
    base = level * wd * yearly * trend * is_open
    size_mult = {"low_volume": 0.12, "high_volume": 4.0}.get(name, 1.0)
    camps = _schedule(rng, d, is_open, size_mult=size_mult)
    response = {"weekday_campaigns": "weekday",
                "multiplicative_campaigns": "multiplicative"}.get(name, "additive")
    if name == "multiplicative_campaigns":
        camps["true_size"] *= 2.0
    extra, truth = _campaign_calls(base, camps, d, is_open, response, wd / wd[is_open].mean())
    mean = (base + extra) * is_open
    day_sd = {"overdispersed": 0.08}.get(name, 0.03)
    outlier_p, mult = (0.012, (0.15, 0.3, 2.2, 2.8)) if name == "outlier_days" else (0.0, ())
    y = _draw(rng, mean, day_sd, outlier_p, mult)
    y[~is_open] = 0.0
    y = pd.Series(y, index=d, name="calls")
    if name == "missing_days":
        miss = rng.random(len(d)) < 0.04
        miss[400:421] = True          # a three-week gap in the second year
        miss[900:914] = True          # a two-week gap in the third
        y[miss] = np.nan
    return Family(name=name, y=y, calendar=cal, mean=pd.Series(mean, index=d), day_sd=day_sd,
                  outlier_p=outlier_p, outlier_mult=mult,
                  campaigns=camps.drop(columns="true_size"), truth=truth)


FAMILIES = ("smooth_yearly", "dips_not_months", "level_shifts", "weekday_campaigns",
            "multiplicative_campaigns", "overdispersed", "missing_days", "outlier_days",
            "low_volume", "high_volume", "fri_sat_weekend")


# ---------------------------------------------------------------------- real series
def bank_series() -> list[Family]:
    """The 1999 Anonymous Bank: daily records, daily sums of the hourly counts, call log."""
    out = []
    daily = pd.read_csv(BANK / "aux" / "daily_counts_1999.csv", parse_dates=["date"])
    opts = {"holidays": "IL"}
    out.append(Family("bank_daily", daily.set_index("date")["all_records"].astype(float),
                      None, opts))
    hourly = pd.read_csv(BANK / "aux" / "hourly_non_phantom_calls_1999.csv.gz",
                         parse_dates=["hour_start"])
    h = hourly.groupby(hourly["hour_start"].dt.normalize())["non_phantom_calls"].sum()
    out.append(Family("bank_hourly", h.astype(float), None, opts))
    log = pd.read_csv(BANK / "calls.csv.gz", usecols=["date"], dtype=str)
    days = pd.to_datetime(log["date"].str.strip(), format="%y%m%d").value_counts().sort_index()
    full = pd.date_range("1999-01-01", "1999-12-31", freq="D")
    s = days.reindex(full).astype(float)
    months_in = {1, 2, 3, 4, 5, 6, 7, 9, 10}
    s[~full.month.isin(list(months_in))] = np.nan
    s[full.month.isin(list(months_in)) & s.isna()] = 0.0
    s[(full.month == 1) & full.day.isin([11, 12])] = np.nan   # no records at the source
    out.append(Family("bank_calls_log", s.loc[:"1999-10-31"], None, opts))
    return out


def demo_series(out_dir: Path | None = None) -> Family:
    """The demo line (``copil generate``, three years to 2026-11-22, its seed): offered
    calls per local day, its campaigns and their expected extra calls. Not one of the
    families the goals are scored on (the model was tuned on it): the check that nothing
    is lost on it."""
    from demo import generate  # the project's own generator, only for this check

    out = Path(out_dir or tempfile.mkdtemp(prefix="copil-bench-demo-"))
    end = dt.date(2026, 11, 22)
    gen = generate(None, out, start=end - dt.timedelta(weeks=156) + dt.timedelta(days=1),
                   end=end)
    truth = json.loads(Path(gen["files"]["truth"]).read_text(encoding="utf-8"))
    df = pd.read_csv(gen["files"]["calls"], usecols=["arrived_at", "outcome"])
    df = df[df["outcome"].isin(["answered", "abandoned", "overflow"])]
    local = pd.to_datetime(df["arrived_at"], utc=True).dt.tz_convert(
        truth["generator"]["timezone"])
    y = local.dt.tz_localize(None).dt.normalize().value_counts().sort_index().astype(float)
    tc = pd.DataFrame(truth["campaigns"]).set_index("campaign_id")["expected_extra"]
    return Family("demo_line", y, None, {"holidays": "FR", "school_zones": ("A", "B", "C")},
                  campaigns=pd.read_csv(gen["files"]["campaigns"]), truth=tc.astype(float))


# ---------------------------------------------------------------------- scoring
def noise_floor(fam: Family, dates: pd.DatetimeIndex, n: int = 400) -> float:
    """``E|y - mean| / sum mean`` over ``dates`` under the family's known noise."""
    rng = np.random.default_rng(1)
    m = fam.mean.reindex(dates).to_numpy()
    draws = _draw(rng, m, fam.day_sd, fam.outlier_p, fam.outlier_mult, size=n)
    return float(np.abs(draws - m).mean(axis=0).sum() / m.sum())


def _w(part: pd.DataFrame) -> float:
    return wape(part["actual"], part["forecast"]) if len(part) else float("nan")


def score(fam: Family, n_origins: int) -> tuple[dict, pd.DataFrame]:
    """One table row for the family and its per-campaign uplift rows."""
    opts = {"calendar": fam.calendar} if fam.calendar is not None else dict(fam.options)
    c0 = time.process_time()
    res = DailyVolumeModel(fam.y, campaigns=fam.campaigns, **opts).fit()
    res.forecast(91)
    cpu = time.process_time() - c0
    fc = rolling_origin_forecasts(fam.y, campaigns=fam.campaigns, n_origins=n_origins,
                                  step_days=7, horizon_days=14,
                                  models=("loglinear_arma", "seasonal_naive", "ets"), **opts)
    f = fc[fc["open"] & fc["actual"].notna()].copy()
    f["cw"] = campaign_days(f["date"], fam.campaigns)
    row: dict = {"family": fam.name, "form": getattr(res, "model_form", "-"), "cpu_s": cpu}
    for seg, part in (("", f), ("_cw", f[f["cw"]])):
        for lo, hi in ((1, 7), (8, 14)):
            p = part[(part["h"] >= lo) & (part["h"] <= hi)]
            for model, key in (("loglinear_arma", "wape"), ("seasonal_naive", "snaive"),
                               ("ets", "ets")):
                row[f"{key}_{lo}_{hi}{seg}"] = _w(p[p["model"] == model])
        ours = part[part["model"] == "loglinear_arma"]
        row[f"cov80{seg}"] = coverage(ours["actual"], ours["lo80"], ours["hi80"])
        row[f"cov95{seg}"] = coverage(ours["actual"], ours["lo95"], ours["hi95"])
        row[f"n{seg}"] = int(len(ours[ours["h"] <= 7]))
    row["x_snaive"] = row["wape_1_7"] / row["snaive_1_7"]
    row["x_snaive_cw"] = row["wape_1_7_cw"] / row["snaive_1_7_cw"]
    d17 = pd.DatetimeIndex(f.loc[(f["model"] == "loglinear_arma") & (f["h"] <= 7), "date"])
    if fam.mean is not None:
        row["floor_1_7"] = noise_floor(fam, d17)
    else:
        lam = float(f.loc[(f["model"] == "loglinear_arma") & (f["h"] <= 7), "actual"].mean())
        row["floor_1_7"] = poisson_wape_floor(lam)
    row["x_floor"] = row["wape_1_7"] / row["floor_1_7"]
    up = pd.DataFrame()
    if fam.truth is not None and len(fam.truth):
        up = res.uplift().set_index("campaign_id")
        up["truth"] = fam.truth.reindex(up.index)
        up["rel_error"] = up["extra_calls"] / up["truth"] - 1
        up["holds"] = (up["extra_calls_lo"] <= up["truth"]) & (up["truth"] <= up["extra_calls_hi"])
        up["width"] = (up["extra_calls_hi"] - up["extra_calls_lo"]) / up["truth"]
        up.insert(0, "family", fam.name)
        big = up[up["truth"] >= 300]
        row["n_camp300"] = len(big)
        row["within35"] = float((big["rel_error"].abs() <= 0.35).mean()) if len(big) else np.nan
        row["band_holds"] = float(big["holds"].mean()) if len(big) else np.nan
        row["band_ok"] = float((big["holds"] & (big["width"] <= 1.25)).mean()) if len(big) else np.nan
        row["width_med"] = float(big["width"].median()) if len(big) else np.nan
    return row, up.reset_index()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--origins", type=int, default=26, help="weekly origins (default 26)")
    ap.add_argument("--only", nargs="*", help="families to run (default: all)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--campaigns", action="store_true", help="print every campaign's row")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    t0, c0 = time.perf_counter(), time.process_time()
    fams = [make_family(n, args.seed) for n in FAMILIES if not args.only or n in args.only]
    fams += [f for f in bank_series() if not args.only or f.name in args.only]
    if not args.only or "demo_line" in args.only:
        fams.append(demo_series())
    rows, ups = [], []
    for fam in fams:
        row, up = score(fam, args.origins)
        rows.append(row)
        ups.append(up)
        print(f"  {fam.name}: done ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    tab = pd.DataFrame(rows).set_index("family")
    cols_a = ["form", "cpu_s", "wape_1_7", "snaive_1_7", "ets_1_7", "x_snaive", "floor_1_7",
              "x_floor", "wape_8_14", "snaive_8_14", "ets_8_14", "cov80", "cov95"]
    cols_b = ["n_cw", "wape_1_7_cw", "snaive_1_7_cw", "ets_1_7_cw", "x_snaive_cw",
              "wape_8_14_cw", "snaive_8_14_cw", "cov80_cw", "cov95_cw", "n_camp300",
              "within35", "band_holds", "band_ok", "width_med"]
    with pd.option_context("display.width", 250, "display.max_columns", 40,
                           "display.max_rows", 500):
        print("accuracy (1-14 days ahead, rolling origins) and the selected form")
        print(tab[[c for c in cols_a if c in tab]].round(3).to_string())
        print("\ncampaign weeks and campaign uplift (campaigns >= 300 extra calls)")
        print(tab[[c for c in cols_b if c in tab]].round(3).to_string())
        up = pd.concat([u for u in ups if len(u)], ignore_index=True) if any(
            len(u) for u in ups) else pd.DataFrame()
        if args.campaigns and len(up):
            print("\nper campaign")
            print(up[["family", "campaign_id", "truth", "extra_calls", "extra_calls_lo",
                      "extra_calls_hi", "rel_error", "holds", "width"]].round(3).to_string())
    synth = tab[tab.index.isin(FAMILIES)]
    print("\ngoals")
    print(f"  1-7 WAPE <= 0.5 x seasonal naive: {int((synth['x_snaive'] <= 0.5).sum())}/"
          f"{len(synth)} families overall, {int((synth['x_snaive_cw'] <= 0.5).sum())}/"
          f"{len(synth)} in campaign weeks")
    print(f"  1-7 WAPE <= 1.3 x noise floor: {int((synth['x_floor'] <= 1.3).sum())}/{len(synth)}")
    ok80 = synth["cov80"].between(0.75, 0.85)
    ok80c = synth["cov80_cw"].between(0.75, 0.85)
    print(f"  80 % coverage in 0.75-0.85: {int(ok80.sum())}/{len(synth)} overall, "
          f"{int(ok80c.sum())}/{len(synth)} campaign weeks; 95 % >= 0.92: "
          f"{int((synth['cov95'] >= 0.92).sum())}/{len(synth)} overall, "
          f"{int((synth['cov95_cw'] >= 0.92).sum())}/{len(synth)} campaign weeks")
    if len(up) and up["family"].isin(FAMILIES).any():
        big = up[(up["truth"] >= 300) & up["family"].isin(FAMILIES)]
        print(f"  uplift within 35 %: {int((big['rel_error'].abs() <= 0.35).sum())}/{len(big)} "
              f"campaigns >= 300 calls ({(big['rel_error'].abs() <= 0.35).mean():.0%}); band "
              f"holds truth {int(big['holds'].sum())}/{len(big)} ({big['holds'].mean():.0%}); "
              f"holds and <= 1.25 x truth wide {int((big['holds'] & (big['width'] <= 1.25)).sum())}"
              f"/{len(big)}; median width {big['width'].median():.2f} x truth")
    real = tab[~tab.index.isin(FAMILIES)]
    for name, r in real.iterrows():
        print(f"  {name}: 1-7 WAPE {r['wape_1_7']:.4f} vs seasonal naive {r['snaive_1_7']:.4f}, "
              f"ETS {r['ets_1_7']:.4f}; {r['x_floor']:.2f} x the Poisson floor; 80 % coverage "
              f"{r['cov80']:.3f}")
    print(f"  max CPU for fit + selection + 13-week forecast: {tab['cpu_s'].max():.1f} s "
          f"(goal < 60 s)")
    print()
    for name, r in tab.iterrows():
        print(f"BENCH name=forecast/{name} metric=wape_1_7 value={r['wape_1_7']:.4f} "
              f"baseline={r['snaive_1_7']:.4f} ratio={r['x_snaive']:.3f} unit=fraction")
    print(f"\nall done in {time.perf_counter() - t0:.0f} s wall, "
          f"{time.process_time() - c0:.0f} s CPU")


if __name__ == "__main__":
    main()
