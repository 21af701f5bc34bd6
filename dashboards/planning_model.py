"""Planning computations for the Planning page and its CSV downloads.

History comes from the warehouse (offered calls per local day and per half hour, handling
time, patience, campaigns, contract targets); the forecast from :mod:`forecasting`
(daily model with campaigns and holidays, split into half hours by learned shapes); the
advisors required from :mod:`staffing` (Erlang C and Erlang A, per interval, for the
contract's targets). The fitted model is cached per warehouse version.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import threading
from dataclasses import dataclass

import numpy as np
import pandas as pd

REQUIRED = ("forecasting", "staffing.erlang_c", "staffing.erlang_a")
INTERVAL_MINUTES = 30
SHAPE_WEEKS = 8          # half-hour shapes, handling time and patience from the last 8 weeks
HORIZONS_WEEKS = (2, 4, 6, 8)
_fit_lock = threading.Lock()


def _has(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def missing_modules(names=REQUIRED) -> list[str]:
    """The modules the planner needs that are not installed yet."""
    return [name for name in names if not _has(name)]


@dataclass(frozen=True)
class Targets:
    """What the requirement is sized for (from the contract, else 80 % in 20 s)."""
    service_level: float
    answer_s: int
    asa_s: float | None
    pickup_rate: float | None


def contract_targets(contract) -> Targets:
    sl, answer, asa, pickup = None, None, None, None
    for tg in getattr(contract, "targets", ()) or ():
        if tg.queue is not None:
            continue
        if tg.metric.startswith("service_level_") and tg.comparison == ">=":
            sl, answer = float(tg.threshold), int(tg.metric[len("service_level_"):-1])
        elif tg.metric == "asa_s" and tg.comparison == "<=":
            asa = float(tg.threshold)
        elif tg.metric == "pickup_rate" and tg.comparison == ">=":
            pickup = float(tg.threshold)
    if sl is None:
        sl, answer = 0.8, 20
    return Targets(sl, answer, asa, pickup)


def read_history(con) -> dict:
    """Daily offered calls, the last 8 weeks per half hour, AHT, patience, campaigns."""
    from analytics import datahealth
    from analytics.kpis import data_range, kpis, resolve_contract

    rng = data_range(con)
    contract = resolve_contract(con, None)
    if rng is None:
        return {"daily": None, "contract": contract}
    first, last = rng
    daily = kpis(con, period="day", contract=contract)[["period_start", "offered"]]
    start = last - dt.timedelta(weeks=SHAPE_WEEKS) + dt.timedelta(days=1)
    intervals = kpis(con, period="interval", interval_minutes=INTERVAL_MINUTES, start=start,
                     end=last, contract=contract)[["period_start", "offered", "answered", "aht_s"]]
    span = kpis(con, period="quarter", start=start, end=last, contract=contract)
    answered = span["answered"].sum()
    aht = float((span["aht_s"].fillna(0) * span["answered"]).sum() / answered) if answered else None
    abandoned = span["abandoned"].sum()
    patience = (float((span["patience_mean_s"].fillna(0) * span["abandoned"]).sum() / abandoned)
                if abandoned else None)
    campaigns = datahealth.campaigns(con)
    return {"daily": daily, "intervals": intervals, "aht_s": aht, "patience_s": patience,
            "campaigns": campaigns, "contract": contract, "tz": contract.timezone or "Europe/Paris",
            "last_day": last}


def _fit(history: dict):
    import forecasting as fc

    y = pd.Series(history["daily"]["offered"].to_numpy(float),
                  index=pd.to_datetime(history["daily"]["period_start"]))
    campaigns = history["campaigns"]
    model = fc.DailyVolumeModel(y, campaigns=campaigns if len(campaigns) else None,
                                holidays="FR")
    results = model.fit()
    series = fc.as_interval_series(pd.DataFrame({
        "period_start": history["intervals"]["period_start"],
        "calls": history["intervals"]["offered"]}), tz=history["tz"])
    shares = fc.learn_shares(series, weeks=SHAPE_WEEKS)
    return results, shares


def fitted(wh) -> tuple[dict, object, pd.DataFrame] | None:
    """History, fitted daily model and half-hour shapes, cached per warehouse version."""
    history = wh.read(read_history)
    if history["daily"] is None or history["daily"]["offered"].sum() == 0:
        return None
    with _fit_lock:  # one fit at a time: concurrent callbacks wait for the first one
        results, shares = wh.derive(_fit_cached, history)
    return history, results, shares


def _fit_cached(history: dict):
    return _fit(history)


def plan(wh, weeks: int, *, what_if: tuple[str, str, float | None] | None = None) -> dict | None:
    """Forecast and requirements for the next ``weeks`` weeks.

    Returns None when the warehouse has no calls. Otherwise a dict with ``daily`` (date,
    forecast, lo80, hi80, lo95, hi95), ``intervals`` (period_start, forecast and bands,
    ``agents_c`` Erlang C, ``agents_a`` Erlang A), ``targets``, ``aht_s``, ``patience_s``,
    and with a what-if ``(channel, start date, audience)``: ``uplift`` (date, extra calls
    and band) and ``base_intervals`` (the requirement without the campaign).
    """
    import forecasting as fc
    from staffing import erlang_a, erlang_c

    if weeks not in HORIZONS_WEEKS:
        raise ValueError(f"weeks must be one of {HORIZONS_WEEKS}")
    got = fitted(wh)
    if got is None:
        return None
    history, results, shares = got
    targets = contract_targets(history["contract"])
    horizon = weeks * 7
    planned = None
    uplift = None
    if what_if is not None:
        channel, start, audience = what_if
        planned = pd.DataFrame({"campaign_id": ["what-if"], "channel": [channel],
                                "start_date": [pd.Timestamp(start)],
                                "audience": [np.nan if audience is None else float(audience)]})
        uplift = results.planned_uplift(channel, start, audience=audience, days=28)
    daily = results.forecast(horizon, planned=planned)

    def requirement(daily_frame: pd.DataFrame) -> pd.DataFrame:
        iv = fc.split_daily(daily_frame, shares, minutes=INTERVAL_MINUTES, tz=history["tz"])
        calls = iv["forecast"].to_numpy(float)
        aht = history["aht_s"] or 300.0
        iv["agents_c"] = erlang_c.required_agents(
            calls, aht, INTERVAL_MINUTES * 60, service_level=targets.service_level,
            answer_s=targets.answer_s, asa_s=targets.asa_s)
        if history["patience_s"]:
            iv["agents_a"] = erlang_a.required_agents(
                calls, aht, INTERVAL_MINUTES * 60, history["patience_s"],
                service_level=targets.service_level, answer_s=targets.answer_s,
                asa_s=targets.asa_s, pickup_rate=targets.pickup_rate)
        else:
            iv["agents_a"] = np.nan
        return iv

    out = {"daily": daily, "intervals": requirement(daily), "targets": targets,
           "aht_s": history["aht_s"], "patience_s": history["patience_s"], "uplift": uplift,
           "last_day": history["last_day"]}
    if what_if is not None:
        out["base_intervals"] = requirement(results.forecast(horizon))
    out["history"] = history["daily"].tail(8 * 7)
    return out


def requirements_csv(result: dict) -> str:
    """Half-hour requirements as CSV: local start, calls forecast with 80 % band, agents."""
    iv = result["intervals"].copy()
    iv["period_start"] = iv["period_start"].map(lambda ts: ts.isoformat())
    iv["aht_s"] = round(result["aht_s"] or 0.0, 1)
    cols = ["period_start", "forecast", "lo80", "hi80", "aht_s", "agents_c", "agents_a"]
    for c in ("forecast", "lo80", "hi80"):
        iv[c] = iv[c].round(2)
    return iv[cols].to_csv(index=False)


def parse_what_if(channel, date, audience) -> tuple[str, str, float | None] | None:
    if not channel or not date:
        return None
    audience_value = None
    if audience not in (None, ""):
        audience_value = float(audience)
        if audience_value <= 0:
            raise ValueError("audience must be a positive number of people")
    return str(channel), str(date)[:10], audience_value


def planning_csv(what: str, args) -> tuple[str, str]:
    """CSV text and file name of the requirements or shifts download."""
    from dashboards import data

    if what == "shifts":
        raise ImportError("shift plans in the dashboard; 'copil plan --db ... --week ... "
                          "--out plan.csv' builds them")
    missing = missing_modules(REQUIRED)
    if missing:
        raise ImportError(", ".join(missing))
    weeks = int(args.get("weeks", 4))
    what_if = parse_what_if(args.get("channel"), args.get("date"), args.get("audience"))
    result = plan(data.current(), weeks, what_if=what_if)
    if result is None:
        raise ValueError("the warehouse has no calls to forecast from")
    return requirements_csv(result), f"copil-requirements-{weeks}w.csv"


def quarter_accuracy(wh, first: dt.date, last: dt.date) -> dict | None:
    """Accuracy of the forecast a planner would have made on the eve of a quarter.

    The daily model is fitted on the days before ``first`` and forecasts to ``last``;
    compared with the calls offered on open days with data: ``wape``, ``mase`` (scale: the
    seasonal-naive in-sample MAE of the training days) and ``coverage_80``/``coverage_95``
    (fractions). None when there is not enough history or no actuals.
    """
    history = wh.read(read_history)
    daily = history["daily"]
    if daily is None:
        return None
    y = pd.Series(daily["offered"].to_numpy(float), index=pd.to_datetime(daily["period_start"]))
    train = y[y.index < pd.Timestamp(first)]
    actual = y[(y.index >= pd.Timestamp(first)) & (y.index <= pd.Timestamp(last))]
    if len(train) < 8 * 7 or actual.sum() == 0:
        return None
    return wh.derive(_accuracy, train, actual, history["campaigns"], key=(first, last))


def _accuracy(train: pd.Series, actual: pd.Series, campaigns: pd.DataFrame) -> dict:
    import warnings

    import forecasting as fc

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fc.ShortHistoryWarning)
        model = fc.DailyVolumeModel(train, campaigns=campaigns if len(campaigns) else None,
                                    holidays="FR")
        forecast = model.fit().forecast(len(actual) + (actual.index[0] - train.index[-1]).days - 1)
    forecast = forecast.reindex(actual.index)
    open_days = forecast["forecast"] > 0
    a, f = actual[open_days].to_numpy(), forecast.loc[open_days, "forecast"].to_numpy()
    scale = fc.seasonal_naive_mae(train)
    return {"days": int(open_days.sum()), "wape": fc.wape(a, f),
            "mase": fc.mase(a, f, scale) if scale else None,
            "coverage_80": fc.coverage(a, forecast.loc[open_days, "lo80"],
                                       forecast.loc[open_days, "hi80"]),
            "coverage_95": fc.coverage(a, forecast.loc[open_days, "lo95"],
                                       forecast.loc[open_days, "hi95"]),
            "actual": int(a.sum()), "forecast": float(f.sum())}


def read_staffing_weeks(con, first: dt.date, last: dt.date) -> pd.DataFrame:
    """Logged-in advisor-hours per local week from the staffing table (line level '*')."""
    from analytics.warehouse import line_timezone

    tz = line_timezone(con)
    return con.execute(
        "select date_trunc('week', cast(timezone(?, interval_start) as date)) as week, "
        "sum(advisors * interval_minutes) / 60.0 as advisor_hours "
        "from staffing where queue = '*' and cast(timezone(?, interval_start) as date) "
        "between ? and ? group by 1 order by 1", [tz, tz, first, last]).df()


def quarter_staffing(wh, first: dt.date, last: dt.date) -> pd.DataFrame | None:
    """Weekly advisor-hours logged in vs required (Erlang C on the calls actually offered
    per half hour, the period's handling time and the contract's targets)."""
    staffed = wh.read(read_staffing_weeks, first, last)
    if staffed.empty:
        return None
    got = wh.read(_quarter_intervals, first, last)
    return wh.derive(_staffing_vs_required, staffed, got, key=(first, last)).copy()


def _staffing_vs_required(staffed: pd.DataFrame, got: dict) -> pd.DataFrame:
    from staffing import erlang_c

    iv, targets = got["iv"], contract_targets(got["contract"])
    answered = iv["answered"].sum()
    aht = float((iv["aht_s"].fillna(0) * iv["answered"]).sum() / answered) if answered else 300.0
    need = erlang_c.required_agents(iv["offered"].to_numpy(float), aht, INTERVAL_MINUTES * 60,
                                    service_level=targets.service_level,
                                    answer_s=targets.answer_s, asa_s=targets.asa_s)
    days = pd.to_datetime(iv["period_start"]).dt.normalize()
    weeks = days - pd.to_timedelta(days.dt.day_of_week, unit="D")
    required = (pd.Series(need * INTERVAL_MINUTES / 60.0, index=weeks.values)
                .groupby(level=0).sum().rename("required_hours"))
    staffed = staffed.assign(week=pd.to_datetime(staffed["week"]))
    out = staffed.merge(required, left_on="week", right_index=True, how="left")
    out["ratio"] = out["advisor_hours"] / out["required_hours"]
    return out


def _quarter_intervals(con, first: dt.date, last: dt.date) -> dict:
    from analytics.kpis import kpis, resolve_contract

    contract = resolve_contract(con, None)
    iv = kpis(con, period="interval", interval_minutes=INTERVAL_MINUTES, start=first, end=last,
              contract=contract)[["period_start", "offered", "aht_s", "answered"]]
    return {"iv": iv, "contract": contract}
