"""Weekly meeting pack and quarterly steering report: self-contained HTML files.

Each report is one HTML file that opens offline (plotly.js embedded once), prints to
A4, and shows the same numbers as ``copil kpis`` / ``copil targets`` / ``copil reconcile``
(it calls the same functions). French or English labels and number formats.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import warnings
from importlib import resources
from string import Template

import pandas as pd
from plotly.offline import get_plotlyjs

from analytics import i18n, metrics
from analytics.actions import list_actions
from analytics.contract import Contract
from analytics.i18n import MISSING, day_name, fmt_date, fmt_int, fmt_number, fmt_rate
from analytics.kpis import data_range, iso_week, kpis, resolve_contract, week_start
from analytics.metrics import format_metric
from analytics.reconcile import reconcile
from analytics.reports import charts
from analytics.targets import evaluate_targets, week_gaps
from analytics.warehouse import get_setting, line_timezone

__all__ = ["weekly_report", "quarterly_report", "quarter_bounds", "campaign_uplift",
           "model_uplift", "forecast_accuracy"]

HEADLINE = ["offered", "answered", "abandoned", "pickup_rate", "abandon_rate",
            "service_level_20s", "service_level_30s", "service_level_60s", "asa_s",
            "wait_p90_s", "abandon_wait_s", "aht_s", "transfer_rate", "occupancy",
            "callbacks_due", "callback_on_time_rate"]
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


def _e(text) -> str:
    return html.escape("" if text is None else str(text))


def quarter_bounds(quarter: str) -> tuple[dt.date, dt.date]:
    """First and last day of ``YYYY-Qn``."""
    m = _QUARTER.match(str(quarter).upper())
    if not m:
        raise ValueError(f"quarter {quarter!r} is not valid; write it as YYYY-Qn, e.g. 2026-Q1")
    year, q = int(m.group(1)), int(m.group(2))
    first = dt.date(year, 3 * q - 2, 1)
    after = dt.date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1)
    return first, after - dt.timedelta(days=1)


def _table(headers: list[str], rows: list[list[str]], text_cols: tuple[int, ...] = (0,)) -> str:
    """An HTML table; cells are already-escaped HTML."""
    head = "".join(f'<th class="{"text" if i in text_cols else ""}">{h}</th>'
                   for i, h in enumerate(headers))
    body = "".join("<tr>" + "".join(f'<td class="{"text" if i in text_cols else ""}">{c}</td>'
                                    for i, c in enumerate(r)) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _staffing_need_html(con, contract: Contract, first: dt.date, last: dt.date, lang: str) -> str:
    """Per week: advisor-hours on shift vs what Erlang A needed for the targets at the
    actual volume, half-hours short, and observed vs expected pickup rate."""
    from analytics.planning import staffing_vs_requirement, staffing_vs_requirement_weekly

    has_staffing = con.execute("select count(*) > 0 from staffing").fetchall()[0][0]
    if not has_staffing:
        return f"<p class='note'>{_e(i18n.t('no_staffing', lang))}</p>"
    rows = staffing_vs_requirement(con, first, last, contract=contract)
    if rows.empty:
        return f"<p class='note'>{_e(i18n.t('no_staffing', lang))}</p>"
    weekly = staffing_vs_requirement_weekly(rows)
    table = [[_e(str(r.week)), format_metric("advisor_hours", r.advisor_hours, lang),
              format_metric("required_advisor_hours", r.required_advisor_hours, lang),
              f"{fmt_int(r.understaffed_intervals, lang)} / {fmt_int(r.intervals, lang)}",
              format_metric("observed_pickup_rate", r.observed_pickup_rate, lang),
              format_metric("erlang_a_pickup_rate", r.erlang_a_pickup_rate, lang)]
             for r in weekly.itertuples()]
    return (_table([i18n.t("week", lang)] + [_e(metrics.label(m, lang)) for m in (
        "advisor_hours", "required_advisor_hours", "understaffed_intervals",
        "observed_pickup_rate", "erlang_a_pickup_rate")], table)
            + f"<p class='note'>{_e(i18n.t('staffing_need_note', lang))}</p>")


def _status(status: str, lang: str) -> str:
    return f'<span class="status-{_e(status)}">{_e(i18n.t(f"status.{status}", lang))}</span>'


def _val(v):
    return None if v is None or (isinstance(v, float) and pd.isna(v)) else v


def _render(title: str, subtitle: str, body: str, lang: str) -> str:
    template = Template(resources.files("analytics.reports").joinpath(
        "templates", "report.html").read_text(encoding="utf-8"))
    footer = "copil — " + i18n.t("footer", lang)
    return template.substitute(lang=lang, title=_e(title), subtitle=subtitle, body=body,
                               footer=_e(footer), plotlyjs=get_plotlyjs())


def _line_name(con, contract: Contract) -> str:
    return contract.line_name or get_setting(con, "line_name") or ""


def _actions_section(con, lang: str, *, week: str | None, only_open: bool) -> str:
    df = list_actions(con, status="open" if only_open else None, week=week)
    if not only_open and week is not None:
        # this week's pack: open actions, plus those closed this week
        closed_week = [ts is not None and not pd.isna(ts)
                       and iso_week(pd.Timestamp(ts).date()) == week for ts in df["closed_at"]]
        keep = [s == "open" or c or w == week
                for s, c, w in zip(df.status, closed_week, df.week, strict=True)]
        df = df[keep]
    if df.empty:
        return f"<p>{_e(i18n.t('no_actions', lang))}</p>"
    rows = [[_e(r.text), _e(i18n.t(f"owner.{r.owner}", lang)) if r.owner in ("client", "provider")
             else _e(r.owner), _e(r.week), _e(fmt_date(r.due_date, lang)) if r.due_date else MISSING,
             _e(i18n.t(f"action.{r.status}", lang))] for r in df.itertuples()]
    return _table([i18n.t("action", lang), i18n.t("owner", lang), i18n.t("agreed", lang),
                   i18n.t("due", lang), i18n.t("status", lang)], rows)


def _interval_name(interval: str, lang: str) -> str:
    """``'2026-03-03T10:00'`` -> ``'mar. 03/03 10:00'``."""
    return day_name(dt.date.fromisoformat(interval[:10]), lang) + " " + interval[11:]


def _gap_html(g, lang: str) -> str:
    """One ranked gap: the shortfall, the days behind it and the worst intervals."""
    colon = i18n.t("colon", lang)
    name = metrics.label(g.metric, lang) + (f" [{g.queue}]" if g.queue else "")
    head = (f"{g.rank}. {name}{colon}{format_metric(g.metric, g.actual, lang)} "
            f"({i18n.t('target', lang).lower()} {g.comparison} "
            f"{format_metric(g.metric, g.threshold, lang)}, {i18n.t('shortfall', lang)} "
            f"{format_metric(g.metric, g.shortfall, lang)})")
    items = [f"<div class='gap'><b>{_e(head)}</b>"]
    if g.days:
        days = ", ".join(f"{day_name(d['day'], lang)} {format_metric(g.metric, d['actual'], lang)} "
                         f"({fmt_int(d['volume'], lang)})" for d in g.days)
        items.append(f"<div>{_e(i18n.t('days_behind', lang) + colon + days)}</div>")
    if not g.metric.startswith("callback"):     # intervals do not explain late callbacks
        lists = (("worst_abandon", g.worst_intervals_abandoned,
                  lambda i: f"{fmt_int(i['abandoned'], lang)} / {fmt_int(i['offered'], lang)}"),
                 ("worst_wait", g.worst_intervals_wait,
                  lambda i: f"{format_metric('wait_all_mean_s', i['wait_all_mean_s'], lang)} "
                            f"({fmt_int(i['offered'], lang)})"))
        for key, intervals, text in lists:
            if intervals:
                items.append(f"<div>{_e(i18n.t(key, lang))}</div><ul>" + "".join(
                    f"<li>{_e(_interval_name(i['interval'], lang) + colon + text(i))}</li>"
                    for i in intervals) + "</ul>")
    items.append("</div>")
    return "".join(items)


def weekly_report(con, week: str, *, lang: str = "fr", contract: Contract | None = None,
                  figures: list | None = None) -> str:
    """The weekly meeting pack for ISO ``week`` (``YYYY-Www``) as one HTML document.

    Sections: headline KPIs vs targets with the previous 12 weeks' trend; daily and
    intraday profile of offered/answered/abandoned and wait; the gaps; reconciliation;
    callbacks due and late; actions agreed. ``figures``, when a list, receives
    ``(name, plotly figure)`` pairs (for PNG export).
    """
    i18n.check_lang(lang)
    contract = resolve_contract(con, contract)
    monday = week_start(week)
    week = iso_week(monday)
    sunday = monday + dt.timedelta(days=6)
    first = monday - dt.timedelta(weeks=12)
    tz = contract.timezone or line_timezone(con)
    figs = figures if figures is not None else []

    weekly = kpis(con, period="week", start=first, end=sunday, contract=contract)
    this = weekly.iloc[-1]
    prev = weekly.iloc[-2]
    week_labels = [iso_week(d) for d in weekly.period_start]
    targets = evaluate_targets(con, contract, period="week", start=first, end=sunday)
    body = []

    # headline: targets first, then the other indicators
    body.append(f"<section><h2>{_e(i18n.t('headline', lang))}</h2>")
    rows = []
    target_metrics = []
    for t in contract.targets:
        if t.period != "week":
            continue
        sel = targets[(targets.metric == t.metric) & (targets.period_start == monday)
                      & ((targets.queue == t.queue) if t.queue else targets.queue.isna())]
        if sel.empty:
            continue
        r = sel.iloc[0]
        prev_sel = targets[(targets.metric == t.metric)
                           & (targets.period_start == monday - dt.timedelta(days=7))
                           & ((targets.queue == t.queue) if t.queue else targets.queue.isna())]
        prev_val = prev_sel.iloc[0].actual if len(prev_sel) else None
        name = metrics.label(t.metric, lang) + (f" [{t.queue}]" if t.queue else "")
        rows.append([_e(name), _e(f"{t.comparison} {format_metric(t.metric, t.threshold, lang)}"),
                     _e(format_metric(t.metric, _val(r.actual), lang)),
                     _e(format_metric(t.metric, _val(prev_val), lang)), _status(r.status, lang)])
        target_metrics.append(t)
    if rows:
        body.append(_table([i18n.t("indicator", lang), i18n.t("target", lang), i18n.t("actual", lang),
                            i18n.t("previous_week", lang), i18n.t("status", lang)], rows))
    else:
        body.append(f"<p>{_e(i18n.t('no_targets', lang))}</p>")
    others = [m for m in HEADLINE if m in weekly.columns
              and m not in {t.metric for t in target_metrics if not t.queue}]
    body.append(_table([i18n.t("indicator", lang), i18n.t("actual", lang), i18n.t("previous_week", lang)],
                       [[_e(metrics.label(m, lang)), _e(format_metric(m, _val(this[m]), lang)),
                         _e(format_metric(m, _val(prev[m]), lang))] for m in others]))
    body.append(f"<h3>{_e(i18n.t('trend', lang))}</h3><div class='grid'>")
    for i, t in enumerate(target_metrics):
        sel = targets[(targets.metric == t.metric)
                      & ((targets.queue == t.queue) if t.queue else targets.queue.isna())]
        values = [_val(v) for v in sel.actual]
        title = metrics.label(t.metric, lang) + (f" [{t.queue}]" if t.queue else "")
        fig = charts.target_trend([iso_week(d) for d in sel.period_start], values, t.metric,
                                  t.threshold, t.comparison, lang, title)
        figs.append((f"trend_{i}_{t.metric}", fig))
        body.append(f"<div class='chart'>{charts.figure_html(fig, f'trend-{i}')}</div>")
    if not target_metrics:
        for i, m in enumerate(("pickup_rate", "service_level_20s", "asa_s", "abandon_rate")):
            fig = charts.target_trend(week_labels, [_val(v) for v in weekly[m]], m, None, None, lang)
            figs.append((f"trend_{i}_{m}", fig))
            body.append(f"<div class='chart'>{charts.figure_html(fig, f'trend-{i}')}</div>")
    body.append("</div></section>")

    # daily and intraday profiles
    daily = kpis(con, period="day", start=monday, end=sunday, contract=contract)
    body.append(f"<section><h2>{_e(i18n.t('volumes', lang))}</h2>")
    body.append(f"<h3>{_e(i18n.t('daily_profile', lang))}</h3>")
    days = [day_name(d, lang) for d in daily.period_start]
    fig = charts.daily_profile(days, daily.offered.tolist(), daily.answered.tolist(),
                               daily.abandoned.tolist(),
                               [_val(v) for v in daily.wait_all_mean_s], lang)
    figs.append(("daily_profile", fig))
    body.append(f"<div class='chart'>{charts.figure_html(fig, 'daily-profile')}</div>")
    cols = ["offered", "answered", "abandoned", "pickup_rate", "service_level_20s", "asa_s",
            "wait_p90_s", "aht_s"]
    drows = [[_e(day_name(r.period_start, lang))] + [_e(format_metric(c, _val(getattr(r, c)), lang))
                                                      for c in cols] for r in daily.itertuples()]
    drows.append([f"<b>{_e(i18n.t('week_total', lang))}</b>"]
                 + [f"<b>{_e(format_metric(c, _val(this[c]), lang))}</b>" for c in cols])
    body.append(_table([i18n.t("day", lang)] + [_e(metrics.label(c, lang)) for c in cols], drows))
    intraday = kpis(con, period="interval", interval_minutes=30, start=monday, end=sunday,
                    contract=contract)
    intraday["slot"] = intraday.period_start.str[11:16]
    intraday["waited"] = intraday.answered + intraday.abandoned
    intraday["wait_total"] = intraday.wait_all_mean_s.fillna(0) * intraday.waited
    prof = intraday.groupby("slot", as_index=False)[["offered", "answered", "abandoned", "waited",
                                                     "wait_total"]].sum()
    busy = prof[prof.offered > 0]
    if len(busy):
        prof = prof[(prof.slot >= busy.slot.min()) & (prof.slot <= busy.slot.max())]
    mean_wait = [None if n == 0 else w / n for w, n in zip(prof.wait_total, prof.waited,
                                                            strict=True)]
    body.append(f"<h3>{_e(i18n.t('intraday_profile', lang))}</h3>")
    fig = charts.intraday_profile(prof.slot.tolist(), prof.offered.tolist(),
                                  prof.answered.tolist(), prof.abandoned.tolist(), mean_wait, lang)
    figs.append(("intraday_profile", fig))
    body.append(f"<div class='chart'>{charts.figure_html(fig, 'intraday-profile')}</div></section>")

    # gaps
    body.append(f"<section><h2>{_e(i18n.t('gaps', lang))}</h2>")
    gaps = week_gaps(con, contract, week)
    if gaps.empty:
        body.append(f"<p>{_e(i18n.t('no_gaps' if contract.targets else 'no_targets', lang))}</p>")
    body.extend(_gap_html(g, lang) for g in gaps.itertuples())
    body.append("</section>")

    # reconciliation
    body.append(f"<section><h2>{_e(i18n.t('reconciliation', lang))}</h2>")
    rec = reconcile(con, period="day", start=monday, end=sunday, contract=contract)
    recw = reconcile(con, period="week", start=monday, end=sunday, contract=contract, explain=False)
    rrows = []
    # days with neither calls nor operator counts (closed days) are left out
    rec = rec[~(rec.missing_operator & (rec.offered == 0))]
    if recw.missing_operator.all():     # nothing from the operator: say it once
        rec, recw = rec.iloc[:0], recw.iloc[:0]
        body.append(f"<p>{_e(i18n.t('no_operator_week', lang))}</p>")
    for r, is_week in [(r, False) for r in rec.itertuples()] + [(r, True) for r in recw.itertuples()]:
        first_cell = (f"<b>{_e(i18n.t('week_total', lang))}</b>" if is_week
                      else _e(day_name(r.period_start, lang)))
        if r.missing_operator:
            rrows.append([first_cell, _e(r.queue), MISSING, fmt_int(r.offered, lang), MISSING,
                          MISSING, fmt_int(r.answered, lang), MISSING,
                          _e(i18n.t("no_operator", lang))])
            continue
        flag = (f"<span class='flag'>{_e(i18n.t('flagged', lang))}</span>" if r.flagged
                else _e(i18n.t("ok", lang)))
        rrows.append([first_cell, _e(r.queue), fmt_int(r.operator_offered, lang),
                      fmt_int(r.offered, lang),
                      _e(format_metric("offered_gap_rate", _val(r.offered_gap_rate), lang)),
                      fmt_int(r.operator_handled, lang), fmt_int(r.answered, lang),
                      _e(format_metric("handled_gap_rate", _val(r.handled_gap_rate), lang)), flag])
    if rrows:
        body.append(_table([i18n.t("day", lang), i18n.t("queue", lang), i18n.t("op_offered", lang),
                            i18n.t("prov_offered", lang), metrics.label("offered_gap_rate", lang),
                            i18n.t("op_handled", lang), i18n.t("prov_answered", lang),
                            metrics.label("handled_gap_rate", lang), i18n.t("status", lang)], rrows,
                           text_cols=(0, 1)))
        body.append(f"<p class='note'>{_e(i18n.t('reconcile_note', lang))}</p>")
        body.append(f"<p class='note'>{_e(i18n.t('contract', lang) + i18n.t('colon', lang))}"
                    f"{_e(i18n.t('tolerance', lang))} "
                    f"{_e(fmt_rate(contract.reconciliation_tolerance, lang))}</p>")
    body.append("</section>")

    # callbacks
    body.append(f"<section><h2>{_e(i18n.t('callbacks', lang))}</h2>")
    if this.callbacks_due == 0 and this.callbacks_pending == 0:
        body.append(f"<p>{_e(i18n.t('no_callbacks_week', lang))}</p>")
    else:
        crows = [[_e(day_name(r.period_start, lang)), fmt_int(r.callbacks_due, lang),
                  fmt_int(r.callbacks_on_time, lang),
                  fmt_int(r.callbacks_due - r.callbacks_on_time, lang),
                  fmt_int(r.callbacks_pending, lang),
                  _e(format_metric("callback_on_time_rate", _val(r.callback_on_time_rate), lang))]
                 for r in daily.itertuples()]
        crows.append([f"<b>{_e(i18n.t('week_total', lang))}</b>",
                      fmt_int(this.callbacks_due, lang), fmt_int(this.callbacks_on_time, lang),
                      fmt_int(this.callbacks_due - this.callbacks_on_time, lang),
                      fmt_int(this.callbacks_pending, lang),
                      _e(format_metric("callback_on_time_rate", _val(this.callback_on_time_rate), lang))])
        body.append(_table([i18n.t("day", lang), metrics.label("callbacks_due", lang),
                            metrics.label("callbacks_on_time", lang), i18n.t("late", lang),
                            metrics.label("callbacks_pending", lang),
                            metrics.label("callback_on_time_rate", lang)], crows))
    body.append("</section>")

    body.append(f"<section><h2>{_e(i18n.t('actions', lang))}</h2>")
    body.append(_actions_section(con, lang, week=week, only_open=False))
    body.append("</section>")

    name = _line_name(con, contract)
    title = f"{i18n.t('weekly_title', lang)} — {week}"
    subtitle = _e(f"{name + ' — ' if name else ''}{i18n.t('week', lang)} {week} : "
                  f"{fmt_date(monday, lang)} – {fmt_date(sunday, lang)} ({i18n.t('time_zone', lang)} "
                  f"{tz}) — {i18n.t('sl_variant', lang)} : {contract.service_level_variant}"
                  if lang == "fr" else
                  f"{name + ' — ' if name else ''}{i18n.t('week', lang)} {week}: "
                  f"{fmt_date(monday, lang)} – {fmt_date(sunday, lang)} ({i18n.t('time_zone', lang)} "
                  f"{tz}) — {i18n.t('sl_variant', lang)}: {contract.service_level_variant}")
    return _render(title, subtitle, "\n".join(body), lang)


def campaign_uplift(con, start: dt.date, end: dt.date, *, contract: Contract | None = None,
                    baseline_weeks: int = 4) -> pd.DataFrame:
    """Observed extra calls of the campaigns starting between ``start`` and ``end``.

    For each campaign: calls ``offered`` in its queues (the whole line when it names none)
    from ``start_date`` to ``end_date`` (14 days when open-ended), and a baseline: for each
    day of that window, the mean ``offered`` on the same weekday in the ``baseline_weeks``
    weeks before the start, over the days the line was open (a public holiday with no
    calls would drag the mean down); closed days of the window expect no calls.
    ``extra_calls = observed - baseline``. Overlapping campaigns are not separated.
    """
    contract = resolve_contract(con, contract)
    camp = con.execute(
        "select campaign_id, name, channel, start_date, end_date, queues from campaigns "
        "where start_date between ? and ? order by start_date, campaign_id", [start, end]).df()
    rows = []
    for c in camp.itertuples():
        c_start = pd.Timestamp(c.start_date).date()
        c_end = pd.Timestamp(c.end_date).date() if not pd.isna(c.end_date) else (
            c_start + dt.timedelta(days=13))
        queues = [q.strip() for q in c.queues.split(",")] if isinstance(c.queues, str) and \
            c.queues.strip() else None
        base_first = c_start - dt.timedelta(weeks=baseline_weeks)
        daily = kpis(con, period="day", start=base_first, end=c_end, queues=queues,
                     contract=contract)
        daily = daily.set_index("period_start")["offered"]
        # closed days (0 calls: public holidays, bridges) are left out of the baseline's
        # means, and a closed day in the window expects no calls either
        before = daily[[d < c_start for d in daily.index]]
        before = before[before > 0]
        by_weekday = {w: before[[d.weekday() == w for d in before.index]] for w in range(7)}
        by_weekday = {w: float(v.mean()) if len(v) else 0.0 for w, v in by_weekday.items()}
        window = daily[[d >= c_start for d in daily.index]]
        observed = int(window.sum())
        baseline = float(sum(by_weekday[d.weekday()] for d, n in window.items() if n > 0))
        rows.append([c.campaign_id, c.name, c.channel, c_start, c_end,
                     ",".join(queues) if queues else None, observed, baseline, observed - baseline])
    return pd.DataFrame(rows, columns=["campaign_id", "name", "channel", "start_date", "end_date",
                                       "queues", "observed", "baseline", "extra_calls"])


_HOLIDAYS = {"Europe/Paris": "FR", "Asia/Jerusalem": "IL"}


def _daily_offered(con, contract: Contract, last: dt.date) -> pd.Series:
    """Daily calls offered from the first day with calls to ``last`` (DatetimeIndex)."""
    rng = data_range(con)
    if rng is None or rng[0] > last:
        return pd.Series(dtype=float)
    d = kpis(con, period="day", start=rng[0], end=last, contract=contract)
    return pd.Series(d.offered.to_numpy(float), index=pd.DatetimeIndex(pd.to_datetime(
        d.period_start.astype(str))), name="calls")


def _campaigns_frame(con) -> pd.DataFrame:
    return con.execute("select campaign_id, channel, start_date, audience from campaigns "
                       "order by start_date, campaign_id").df()


def model_uplift(con, contract: Contract, last: dt.date) -> pd.DataFrame:
    """Extra calls per campaign from the forecasting model fitted on the line's daily offered
    calls up to ``last`` (``forecasting.DailyVolumeModel.uplift``); empty without data."""
    from forecasting import DailyVolumeModel

    y = _daily_offered(con, contract, last)
    camps = _campaigns_frame(con)
    if y.empty or camps.empty:
        return pd.DataFrame(columns=["campaign_id", "extra_calls", "extra_calls_lo",
                                     "extra_calls_hi"])
    tz = contract.timezone or line_timezone(con)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = DailyVolumeModel(y, campaigns=camps, holidays=_HOLIDAYS.get(tz)).fit()
        return res.uplift()


def forecast_accuracy(con, contract: Contract, first: dt.date, last: dt.date) -> pd.DataFrame:
    """Daily forecast of ``first..last`` from the history before ``first`` vs the actual
    offered calls: ``date, actual, forecast, lo80, hi80`` (calls); empty when there is no
    history or no actual."""
    from forecasting import DailyVolumeModel

    y = _daily_offered(con, contract, last)
    hist = y[y.index < pd.Timestamp(first)]
    actual = y[y.index >= pd.Timestamp(first)]
    if len(hist) < 14 or actual.sum() == 0:
        return pd.DataFrame(columns=["date", "actual", "forecast", "lo80", "hi80"])
    tz = contract.timezone or line_timezone(con)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # the same calendar as 'copil forecast' (French school zones with French holidays)
        holidays = _HOLIDAYS.get(tz)
        res = DailyVolumeModel(hist, campaigns=_campaigns_frame(con), holidays=holidays,
                               school_zones=("A", "B", "C") if holidays == "FR" else None).fit()
        fc = res.forecast((last - hist.index[-1].date()).days)
    fc = fc.reindex(actual.index)
    return pd.DataFrame({"date": actual.index.date, "actual": actual.to_numpy(),
                         "forecast": fc["forecast"].to_numpy(), "lo80": fc["lo80"].to_numpy(),
                         "hi80": fc["hi80"].to_numpy()})


def _forecast_html(acc: pd.DataFrame, lang: str, figs: list) -> str:
    from forecasting import coverage, wape

    if acc.empty:
        return f"<p class='note'>{_e(i18n.t('forecast_none', lang))}</p>"
    # a day the model expects open but without a single call is missing data (an export
    # not loaded), not a forecast error: it is left out of every figure and counted
    no_data = (acc.actual == 0) & (acc.forecast > 0)
    acc = acc[~no_data]
    if acc.empty:
        return f"<p class='note'>{_e(i18n.t('forecast_none', lang))}</p>"
    acc = acc.assign(week=[iso_week(d) for d in acc.date])
    # coverage over open days, as 'copil backtest' measures it: a closed day (0 calls
    # forecast and received) is trivially inside [0, 0] and would inflate the share
    open_days = acc[(acc.forecast > 0) | (acc.actual > 0)]
    weekly = acc.groupby("week", as_index=False)[["actual", "forecast"]].sum()
    fig = charts.actual_vs_forecast(weekly.week.tolist(), weekly.actual.tolist(),
                                    weekly.forecast.tolist(), lang)
    figs.append(("forecast_accuracy", fig))
    rows = [[_e(i18n.t("daily_wape", lang)), _e(format_metric("wape", wape(acc.actual, acc.forecast), lang))],
            [_e(i18n.t("weekly_wape", lang)),
             _e(format_metric("wape", wape(weekly.actual, weekly.forecast), lang))],
            [_e(metrics.label("coverage_80", lang)),
             _e(format_metric("coverage_80",
                              coverage(open_days.actual, open_days.lo80, open_days.hi80), lang))],
            [_e(i18n.t("total_calls", lang)),
             f"{fmt_int(acc.actual.sum(), lang)} / {fmt_int(acc.forecast.sum(), lang)}"]]
    return (f"<div class='chart'>{charts.figure_html(fig, 'forecast-accuracy')}</div>"
            + _table([i18n.t("indicator", lang), i18n.t("value", lang)], rows)
            + f"<p class='note'>{_e(i18n.t('forecast_method', lang))}</p>"
            + (f"<p class='note'>{_e(i18n.t('forecast_no_data', lang).format(n=int(no_data.sum())))}"
               "</p>" if no_data.any() else ""))


def quarterly_report(con, quarter: str, *, lang: str = "fr", contract: Contract | None = None,
                     figures: list | None = None) -> str:
    """The quarterly steering report for ``YYYY-Qn`` as one HTML document.

    Sections: weekly KPI trends with target lines; compliance (weeks met per target);
    volume vs the previous year; campaigns with the calls each brought (observed estimate
    and the forecasting model's uplift); forecast accuracy (the quarter forecast from the
    history before it, vs actual); occupancy where staffing data exist; open actions.
    """
    i18n.check_lang(lang)
    contract = resolve_contract(con, contract)
    q_first, q_last = quarter_bounds(quarter)
    quarter = quarter.upper()
    tz = contract.timezone or line_timezone(con)
    figs = figures if figures is not None else []
    # ISO weeks whose Monday falls in the quarter
    w_first = q_first + dt.timedelta(days=(7 - q_first.weekday()) % 7)
    w_last = q_last - dt.timedelta(days=q_last.weekday()) + dt.timedelta(days=6)
    weekly = kpis(con, period="week", start=w_first, end=w_last, contract=contract)
    weeks = [iso_week(d) for d in weekly.period_start]
    targets = evaluate_targets(con, contract, period="week", start=w_first, end=w_last)
    body = []

    body.append(f"<section><h2>{_e(i18n.t('kpi_trends', lang))}</h2><div class='grid'>")
    shown = []
    for t in contract.targets:
        if t.period == "week" and (t.metric, t.queue) not in shown:
            shown.append((t.metric, t.queue))
    if not shown:
        shown = [(m, None) for m in ("pickup_rate", "service_level_20s", "asa_s", "abandon_rate")]
    for i, (metric, queue) in enumerate(shown):
        sel = targets[(targets.metric == metric)
                      & ((targets.queue == queue) if queue else targets.queue.isna())]
        tgt = next((t for t in contract.targets if t.metric == metric and t.queue == queue
                    and t.period == "week"), None)
        if len(sel):
            x, values = [iso_week(d) for d in sel.period_start], [_val(v) for v in sel.actual]
        else:
            x, values = weeks, [_val(v) for v in weekly[metric]] if metric in weekly else []
        title = metrics.label(metric, lang) + (f" [{queue}]" if queue else "")
        fig = charts.target_trend(x, values, metric, tgt.threshold if tgt else None,
                                  tgt.comparison if tgt else None, lang, title)
        figs.append((f"trend_{i}_{metric}", fig))
        body.append(f"<div class='chart'>{charts.figure_html(fig, f'q-trend-{i}')}</div>")
    body.append("</div></section>")

    body.append(f"<section><h2>{_e(i18n.t('compliance', lang))}</h2>")
    if contract.targets and len(targets):
        crow = []
        for t in contract.targets:
            if t.period != "week":
                continue
            sel = targets[(targets.metric == t.metric)
                          & ((targets.queue == t.queue) if t.queue else targets.queue.isna())]
            evaluated = int((sel.status != "no_data").sum())
            met = int((sel.status == "met").sum())
            qt = kpis(con, period="quarter", start=q_first, end=q_last, contract=contract,
                      queues=[t.queue] if t.queue else None)
            qval = qt[t.metric].iloc[0] if t.metric in qt.columns and len(qt) else None
            name = metrics.label(t.metric, lang) + (f" [{t.queue}]" if t.queue else "")
            crow.append([_e(name), _e(f"{t.comparison} {format_metric(t.metric, t.threshold, lang)}"),
                         f"{met} / {evaluated}", _e(fmt_rate(met / evaluated if evaluated else None,
                                                             lang, 0)),
                         _e(format_metric(t.metric, _val(qval), lang))])
        body.append(_table([i18n.t("indicator", lang), i18n.t("target", lang), i18n.t("weeks_met", lang),
                            "%", i18n.t("quarter_value", lang)], crow))
    else:
        body.append(f"<p>{_e(i18n.t('no_targets', lang))}</p>")
    body.append("</section>")

    # volume vs previous year (same ISO weeks)
    body.append(f"<section><h2>{_e(i18n.t('volume_yoy', lang))}</h2>")
    last_rows = []
    for d in weekly.period_start:
        year, wk, _ = d.isocalendar()
        try:
            last_rows.append(dt.date.fromisocalendar(year - 1, wk, 1))
        except ValueError:      # week 53 without a counterpart
            last_rows.append(None)
    valid = [d for d in last_rows if d is not None]
    ly = (kpis(con, period="week", start=min(valid), end=max(valid) + dt.timedelta(days=6),
               contract=contract).set_index("period_start")["offered"] if valid else pd.Series())
    last_year = [int(ly.get(d, 0)) if d is not None else None for d in last_rows]
    fig = charts.volume_yoy(weeks, weekly.offered.tolist(), last_year, lang)
    figs.append(("volume_yoy", fig))
    body.append(f"<div class='chart'>{charts.figure_html(fig, 'volume-yoy')}</div>")
    q_now = kpis(con, period="quarter", start=q_first, end=q_last, contract=contract)
    ly_first, ly_last = quarter_bounds(f"{q_first.year - 1}-Q{(q_first.month + 2) // 3}")
    q_then = kpis(con, period="quarter", start=ly_first, end=ly_last, contract=contract)
    now_v, then_v = int(q_now.offered.sum()), int(q_then.offered.sum())
    change = (now_v - then_v) / then_v if then_v else None
    body.append(_table([i18n.t("indicator", lang), i18n.t("this_year", lang), i18n.t("last_year", lang),
                        i18n.t("change", lang)],
                       [[_e(metrics.label("offered", lang)) + f" ({_e(quarter)})",
                         fmt_int(now_v, lang), fmt_int(then_v, lang),
                         _e(fmt_rate(change, lang))]]))
    body.append("</section>")

    # campaigns
    body.append(f"<section><h2>{_e(i18n.t('campaigns', lang))}</h2>")
    upl = campaign_uplift(con, q_first, q_last, contract=contract)
    if upl.empty:
        body.append(f"<p>{_e(i18n.t('no_campaigns', lang))}</p>")
    else:
        model = model_uplift(con, contract, q_last).set_index("campaign_id")

        def _model(cid: str) -> str:
            if cid not in model.index:
                return MISSING
            m = model.loc[cid]
            return _e(f"{fmt_number(m.extra_calls, lang, 0)} ({fmt_number(m.extra_calls_lo, lang, 0)}"
                      f" – {fmt_number(m.extra_calls_hi, lang, 0)})")

        rows = [[_e(r.name or r.campaign_id), _e(r.channel),
                 _e(f"{fmt_date(r.start_date, lang)} – {fmt_date(r.end_date, lang)}"),
                 _e(r.queues or "*"), fmt_int(r.observed, lang), _e(fmt_number(r.baseline, lang, 0)),
                 f"<b>{_e(fmt_number(r.extra_calls, lang, 0))}</b>", _model(r.campaign_id)]
                for r in upl.itertuples()]
        body.append(_table([i18n.t("campaign", lang), i18n.t("channel", lang), i18n.t("window", lang),
                            i18n.t("queue", lang), i18n.t("observed", lang), i18n.t("baseline", lang),
                            i18n.t("extra_calls", lang), i18n.t("model_extra", lang)], rows,
                           text_cols=(0, 1, 2, 3)))
        body.append(f"<p class='note'>{_e(i18n.t('campaign_note', lang))}</p>")
    body.append("</section>")

    body.append(f"<section><h2>{_e(i18n.t('forecast_accuracy', lang))}</h2>")
    body.append(_forecast_html(forecast_accuracy(con, contract, q_first, q_last), lang, figs))
    body.append("</section>")

    body.append(f"<section><h2>{_e(i18n.t('forecast_staffing', lang))}</h2>")
    body.append(_staffing_need_html(con, contract, q_first, q_last, lang))
    if "occupancy" in weekly.columns and weekly.occupancy.notna().any():
        fig = charts.target_trend(weeks, [_val(v) for v in weekly.occupancy], "occupancy", None,
                                  None, lang, i18n.t("staffing_vs_need", lang))
        figs.append(("occupancy", fig))
        body.append(f"<div class='chart'>{charts.figure_html(fig, 'occupancy')}</div>")
    body.append(f"<p class='note'>{_e(i18n.t('forecast_note', lang))}</p></section>")

    body.append(f"<section><h2>{_e(i18n.t('open_actions', lang))}</h2>")
    body.append(_actions_section(con, lang, week=None, only_open=True))
    body.append("</section>")

    name = _line_name(con, contract)
    title = f"{i18n.t('quarterly_title', lang)} — {quarter}"
    sep = i18n.t("colon", lang)
    subtitle = _e(f"{name + ' — ' if name else ''}{i18n.t('quarter', lang)} {quarter}{sep}"
                  f"{fmt_date(q_first, lang)} – {fmt_date(q_last, lang)} "
                  f"({i18n.t('time_zone', lang)} {tz})")
    return _render(title, subtitle, "\n".join(body), lang)
