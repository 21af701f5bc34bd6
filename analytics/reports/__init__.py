"""Weekly meeting pack and quarterly steering report: self-contained HTML files.

Each report is one HTML file that opens offline (plotly.js embedded once), prints to
A4, and shows the same numbers as ``copil kpis`` / ``copil targets`` / ``copil reconcile``
(it calls the same functions). French or English labels and number formats.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from string import Template

import pandas as pd
from plotly.offline import get_plotlyjs

from analytics import i18n, metrics
from analytics.actions import list_actions
from analytics.contract import Contract
from analytics.i18n import MISSING, day_name, fmt_date, fmt_int, fmt_rate
from analytics.kpis import iso_week, kpis
from analytics.metrics import format_metric
from analytics.periods import week_label
from analytics.reconcile import reconcile
from analytics.reports import charts, sections
from analytics.reports.sections import e as _e
from analytics.reports.sections import table as _table
from analytics.reports.sections import val as _val
from analytics.review import QuarterReview, Review, WeekReview, quarter_review, week_review
from analytics.targets import week_gaps
from analytics.warehouse import get_setting, line_timezone

__all__ = ["weekly_report", "quarterly_report"]

HEADLINE = ["offered", "answered", "abandoned", "pickup_rate", "abandon_rate",
            "service_level_20s", "service_level_30s", "service_level_60s", "asa_s",
            "wait_p90_s", "abandon_wait_s", "aht_s", "transfer_rate", "occupancy",
            "callbacks_due", "callback_on_time_rate"]




def _status(status: str, lang: str) -> str:
    return f'<span class="status-{_e(status)}">{_e(i18n.t(f"status.{status}", lang))}</span>'


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
                  figures: list | None = None, review: WeekReview | None = None) -> str:
    """The weekly meeting pack for ``week`` (``YYYY-Www``) as one HTML document.

    Sections: headline KPIs vs targets with the previous 12 weeks' trend; daily and
    intraday profile of offered/answered/abandoned and wait; the gaps; reconciliation;
    callbacks due and late; campaigns, forecast accuracy and staffing of the week; actions
    agreed. The figures come from :func:`analytics.review.week_review` (``review``, when
    given, is used as is). ``figures``, when a list, receives ``(name, plotly figure)``
    pairs (for PNG export).
    """
    i18n.check_lang(lang)
    review = review or week_review(con, week, contract=contract)
    contract = review.contract
    week = review.period
    monday, sunday = review.first, review.last
    tz = contract.timezone or line_timezone(con)
    figs = figures if figures is not None else []

    weekly = review.trend
    this = review.row()
    prev = review.row(review.previous_week)
    week_labels = weekly["week"].tolist()
    targets = review.trend_targets
    body = []

    # headline: targets first, then the other indicators
    body.append(f"<section><h2>{_e(i18n.t('headline', lang))}</h2>")
    rows = []
    target_metrics = []
    for t in contract.targets:
        if t.period != "week":
            continue
        sel = targets[(targets.metric == t.metric) & (targets.week == week)
                      & ((targets.queue == t.queue) if t.queue else targets.queue.isna())]
        if sel.empty:
            continue
        r = sel.iloc[0]
        prev_sel = targets[(targets.metric == t.metric)
                           & (targets.week == review.previous_week)
                           & ((targets.queue == t.queue) if t.queue else targets.queue.isna())]
        prev_val = prev_sel.iloc[0].actual if len(prev_sel) else None
        name = metrics.label(t.metric, lang) + (f" [{t.queue}]" if t.queue else "")
        rows.append([_e(name), _e(f"{t.comparison} {format_metric(t.metric, t.threshold, lang)}"),
                     _e(format_metric(t.metric, _val(r.actual), lang)),
                     _e(format_metric(t.metric, _val(prev_val), lang)), _status(r.status, lang)])
        target_metrics.append(t)
    if rows:
        body.append(_table([i18n.t("indicator", lang), i18n.t("target", lang), i18n.t("actual", lang),
                            i18n.t("previous_week", lang), i18n.t("status", lang)], rows,
                           id="review-week-targets"))
    else:
        body.append(f"<p>{_e(i18n.t('no_targets', lang))}</p>")
    others = [m for m in HEADLINE if m in weekly.columns
              and m not in {t.metric for t in target_metrics if not t.queue}]
    body.append(_table([i18n.t("indicator", lang), i18n.t("actual", lang), i18n.t("previous_week", lang)],
                       [[_e(metrics.label(m, lang)), _e(format_metric(m, _val(this[m]), lang)),
                         _e(format_metric(m, _val(prev[m]), lang))] for m in others],
                       id="review-week-kpis"))
    body.append(f"<h3>{_e(i18n.t('trend', lang))}</h3><div class='grid'>")
    for i, t in enumerate(target_metrics):
        sel = targets[(targets.metric == t.metric)
                      & ((targets.queue == t.queue) if t.queue else targets.queue.isna())]
        values = [_val(v) for v in sel.actual]
        title = metrics.label(t.metric, lang) + (f" [{t.queue}]" if t.queue else "")
        fig = charts.target_trend([week_label(d, review.week_start) for d in sel.period_start],
                                  values, t.metric,
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
    daily = review.daily
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
    body.append(sections.attribution_html(review, lang))
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

    body.append(_review_sections(review, lang, figs))

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


def _review_sections(review: Review, lang: str, figs: list) -> str:
    """Campaigns, forecast accuracy and staffing vs need, from the review."""
    campaigns = "campaigns" if review.kind == "quarter" else "campaigns_week"
    return "\n".join([
        f"<section><h2>{_e(i18n.t(campaigns, lang))}</h2>", sections.campaigns_html(review, lang),
        "</section>",
        f"<section><h2>{_e(i18n.t('forecast_accuracy', lang))}</h2>",
        sections.forecast_html(review.forecast_accuracy, review.kind, lang, figs), "</section>",
        f"<section><h2>{_e(i18n.t('forecast_staffing', lang))}</h2>",
        sections.staffing_html(review, lang)])


def quarterly_report(con, quarter: str, *, lang: str = "fr", contract: Contract | None = None,
                     figures: list | None = None, review: QuarterReview | None = None) -> str:
    """The quarterly steering report for ``YYYY-Qn`` as one HTML document.

    Sections: weekly KPI trends with target lines; compliance (weeks met per target);
    volume vs the same weeks a year before; campaigns with the calls each brought (observed
    estimate and the forecasting model's uplift); forecast accuracy (the forecast made on
    the eve of the quarter, vs actual); staffing vs need; open actions. The figures come
    from :func:`analytics.review.quarter_review` over the quarter's weeks (those whose
    Thursday falls in it); ``review``, when given, is used as is.
    """
    i18n.check_lang(lang)
    review = review or quarter_review(con, quarter, contract=contract)
    contract = review.contract
    quarter = review.period
    tz = contract.timezone or line_timezone(con)
    figs = figures if figures is not None else []
    weekly = review.weeks
    weeks = weekly["week"].tolist()
    targets = review.compliance
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
            x, values = sel.week.tolist(), [_val(v) for v in sel.actual]
        else:
            x, values = weeks, [_val(v) for v in weekly[metric]] if metric in weekly else []
        title = metrics.label(metric, lang) + (f" [{queue}]" if queue else "")
        fig = charts.target_trend(x, values, metric, tgt.threshold if tgt else None,
                                  tgt.comparison if tgt else None, lang, title)
        figs.append((f"trend_{i}_{metric}", fig))
        body.append(f"<div class='chart'>{charts.figure_html(fig, f'q-trend-{i}')}</div>")
    body.append("</div></section>")

    body.append(f"<section><h2>{_e(i18n.t('compliance', lang))}</h2>")
    body.append(sections.compliance_html(review, lang))
    body.append("</section>")

    body.append(f"<section><h2>{_e(i18n.t('volume_yoy', lang))}</h2>")
    body.append(sections.volume_html(review, lang, figs))
    body.append("</section>")

    body.append(_review_sections(review, lang, figs))
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
    sep = " : " if lang == "fr" else ": "
    subtitle = _e(f"{name + ' — ' if name else ''}{i18n.t('quarter', lang)} {quarter}{sep}"
                  f"{fmt_date(review.first, lang)} – {fmt_date(review.last, lang)} "
                  f"({i18n.t('time_zone', lang)} {tz})")
    return _render(title, subtitle, "\n".join(body), lang)
