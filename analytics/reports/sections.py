"""HTML sections of the reports drawn from an :mod:`analytics.review` object.

Each table carries an ``id`` (``review-compliance``, ``review-volume``, ``review-campaigns``,
``review-forecast``, ``review-staffing``, ``review-attribution``,
``review-attribution-intervals``) so its cells can be read back and compared with the
review's values.
"""

from __future__ import annotations

import datetime as dt
import html

import pandas as pd

from analytics import i18n, metrics
from analytics.i18n import MISSING, fmt_date, fmt_int, fmt_number, fmt_rate
from analytics.metrics import format_metric
from analytics.reports import charts
from analytics.review import ForecastAccuracy, Review

__all__ = ["e", "table", "val", "compliance_html", "volume_html", "campaigns_html",
           "forecast_html", "staffing_html", "attribution_html", "ATTRIBUTION_PARTS",
           "ATTRIBUTION_TOP"]

#: the columns of a gap's split, in order (analytics.review.attribution)
ATTRIBUTION_PARTS = ("gap", "forecast_error", "aht_drift", "staffing_gap", "remainder")
#: missed half hours shown per metric in the report
ATTRIBUTION_TOP = 3


def e(text) -> str:
    return html.escape("" if text is None else str(text))


def val(v):
    return None if v is None or (isinstance(v, float) and pd.isna(v)) else v


def table(headers: list[str], rows: list[list[str]], text_cols: tuple[int, ...] = (0,),
          id: str | None = None) -> str:  # noqa: A002
    """An HTML table; cells are already-escaped HTML."""
    head = "".join(f'<th class="{"text" if i in text_cols else ""}">{h}</th>'
                   for i, h in enumerate(headers))
    body = "".join("<tr>" + "".join(f'<td class="{"text" if i in text_cols else ""}">{c}</td>'
                                    for i, c in enumerate(r)) + "</tr>" for r in rows)
    ident = f' id="{e(id)}"' if id else ""
    return f"<table{ident}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _target_name(metric: str, queue, lang: str) -> str:
    return metrics.label(metric, lang) + (f" [{queue}]" if queue else "")


def compliance_html(review: Review, lang: str) -> str:
    """Weeks met per weekly target over the complete weeks."""
    summary = review.compliance_summary()
    if summary.empty:
        return f"<p>{e(i18n.t('no_targets', lang))}</p>"
    rows = [[e(_target_name(r.metric, r.queue, lang)),
             e(f"{r.comparison} {format_metric(r.metric, r.threshold, lang)}"),
             f"{r.met} / {r.evaluated}", e(fmt_rate(val(r.share_met), lang, 0))]
            for r in summary.itertuples()]
    return table([i18n.t("indicator", lang), i18n.t("target", lang), i18n.t("weeks_met", lang),
                  "%"], rows, id="review-compliance")


def volume_html(review: Review, lang: str, figs: list) -> str:
    """Calls offered per week against the same weeks a year before, and the totals."""
    vol = review.volume
    fig = charts.volume_yoy(vol["week"].tolist(), vol["offered"].tolist(),
                            [val(v) for v in vol["offered_last_year"]], lang)
    figs.append(("volume_yoy", fig))
    total = review.volume_total()
    rows = [[e(metrics.label("offered", lang)) + f" ({e(review.period)})",
             fmt_int(total["offered"], lang),
             fmt_int(total["offered_last_year"], lang) if total["offered_last_year"] is not None
             else MISSING,
             e(fmt_rate(total["change"], lang)) if total["change"] is not None else MISSING]]
    return (f"<div class='chart'>{charts.figure_html(fig, 'volume-yoy')}</div>"
            + table([i18n.t("indicator", lang), i18n.t("this_year", lang),
                     i18n.t("last_year", lang), i18n.t("change", lang)], rows, id="review-volume"))


def _model(r, lang: str) -> str:
    if val(r.model_extra_calls) is None:
        return MISSING
    if val(r.model_extra_calls_lo) is None or val(r.model_extra_calls_hi) is None:
        return e(fmt_number(r.model_extra_calls, lang, 0))
    return e(f"{fmt_number(r.model_extra_calls, lang, 0)} "
             f"({fmt_number(r.model_extra_calls_lo, lang, 0)} – "
             f"{fmt_number(r.model_extra_calls_hi, lang, 0)})")


def campaigns_html(review: Review, lang: str) -> str:
    """Each campaign overlapping the period: observed and modelled extra calls."""
    camps = review.campaigns
    if camps.empty:
        key = "no_campaigns" if review.kind == "quarter" else "no_campaigns_week"
        return f"<p>{e(i18n.t(key, lang))}</p>"
    rows = [[e(r.name or r.campaign_id), e(r.channel),
             e(f"{fmt_date(r.start_date, lang)} – {fmt_date(r.end_date, lang)}"),
             e(r.queues or "*"), fmt_int(r.observed, lang), e(fmt_number(r.baseline, lang, 0)),
             f"<b>{e(fmt_number(r.extra_calls, lang, 0))}</b>",
             e(fmt_rate(val(r.uplift), lang)), _model(r, lang)]
            for r in camps.itertuples()]
    return (table([i18n.t("campaign", lang), i18n.t("channel", lang), i18n.t("window", lang),
                   i18n.t("queue", lang), i18n.t("observed", lang), i18n.t("baseline", lang),
                   i18n.t("extra_calls", lang), i18n.t("uplift", lang), i18n.t("model_extra", lang)],
                  rows, text_cols=(0, 1, 2, 3), id="review-campaigns")
            + f"<p class='note'>{e(i18n.t('campaign_note', lang))}</p>")


def forecast_html(acc: ForecastAccuracy, kind: str, lang: str, figs: list) -> str:
    """Every measure of the forecast made on the eve of the period, and a weekly chart."""
    if not acc.available:
        return f"<p class='note'>{e(i18n.t('forecast_none' + ('' if kind == 'quarter' else '_week'), lang))}</p>"
    weekly = acc.weekly()
    fig = charts.actual_vs_forecast(weekly.week.tolist(), weekly.actual.tolist(),
                                    weekly.forecast.tolist(), lang)
    figs.append(("forecast_accuracy", fig))
    rows = [[e(i18n.t("daily_wape", lang)), e(fmt_rate(acc.daily_wape, lang))],
            [e(i18n.t("weekly_wape", lang)), e(fmt_rate(acc.weekly_wape, lang))],
            *[[e(metrics.label(m, lang)), e(format_metric(m, getattr(acc, m), lang))]
              for m in ("mase", "bias", "coverage_80", "coverage_95")],
            [e(i18n.t("days_compared", lang)), fmt_int(acc.n_days, lang)],
            [e(i18n.t("total_calls", lang)),
             f"{fmt_int(acc.actual, lang)} / {fmt_int(acc.forecast, lang)}"]]
    method = "forecast_method" if kind == "quarter" else "forecast_method_week"
    return (f"<div class='chart'>{charts.figure_html(fig, 'forecast-accuracy')}</div>"
            + table([i18n.t("indicator", lang), i18n.t("value", lang)], rows, id="review-forecast")
            + f"<p class='note'>{e(i18n.t(method, lang))}</p>"
            + (f"<p class='note'>{e(i18n.t('forecast_no_data', lang).format(n=acc.n_excluded))}"
               "</p>" if acc.n_excluded else ""))


def staffing_html(review: Review, lang: str) -> str:
    """Per week: advisor-hours on shift vs what Erlang A needed for the targets at the
    actual volume, half-hours short, and observed vs expected pickup rate."""
    weekly = review.staffing
    if weekly.empty:
        return f"<p class='note'>{e(i18n.t('no_staffing', lang))}</p>"
    rows = [[e(str(r.week)), format_metric("advisor_hours", r.advisor_hours, lang),
             format_metric("required_advisor_hours", r.required_advisor_hours, lang),
             f"{fmt_int(r.understaffed_intervals, lang)} / {fmt_int(r.intervals, lang)}",
             format_metric("observed_pickup_rate", r.observed_pickup_rate, lang),
             format_metric("erlang_a_pickup_rate", r.erlang_a_pickup_rate, lang)]
            for r in weekly.itertuples()]
    return (table([i18n.t("week", lang)] + [e(metrics.label(m, lang)) for m in (
        "advisor_hours", "required_advisor_hours", "understaffed_intervals",
        "observed_pickup_rate", "erlang_a_pickup_rate")], rows, id="review-staffing")
            + f"<p class='note'>{e(i18n.t('staffing_need_note', lang))}</p>")


def attribution_html(review, lang: str) -> str:
    """Why the week's targets were missed: each missed target's gap split into forecast
    error, handle-time drift, staffing gap and remainder, then the heaviest missed half
    hours of each (:attr:`analytics.review.WeekReview.attribution`)."""
    attr = review.attribution
    if attr is None:
        return ""
    if attr.reason is not None:
        return f"<p class='note'>{e(i18n.t('attr_none', lang))}</p>"
    weeks = attr.week_rows()
    if weeks.empty:
        return ""
    heads = [e(i18n.t(f"attr.{p}", lang)) for p in ATTRIBUTION_PARTS]

    def parts(r) -> list[str]:
        m = metrics.metric(r.metric)
        return [e(m.format_delta(getattr(r, p), lang)) for p in ATTRIBUTION_PARTS]

    rows = [[e(metrics.label(r.metric, lang)),
             e(f"{r.comparison} {format_metric(r.metric, r.target, lang)}"),
             e(format_metric(r.metric, r.actual, lang)), *parts(r)] for r in weeks.itertuples()]
    out = [f"<h3>{e(i18n.t('attribution', lang))}</h3>",
           table([i18n.t("indicator", lang), i18n.t("target", lang), i18n.t("actual", lang),
                  *heads], rows, id="review-attribution")]
    irows = []
    for name in weeks["metric"]:
        for r in attr.interval_rows(name).head(ATTRIBUTION_TOP).itertuples():
            day = dt.date.fromisoformat(r.period[:10])
            irows.append([e(f"{i18n.day_name(day, lang)} {r.period[11:]}"),
                          e(metrics.label(r.metric, lang)),
                          e(format_metric(r.metric, r.actual, lang)), *parts(r),
                          fmt_int(r.calls, lang)])
    if irows:
        out += [f"<h3>{e(i18n.t('attr_intervals', lang))}</h3>",
                table([i18n.t("attr.interval", lang), i18n.t("indicator", lang),
                       i18n.t("actual", lang), *heads, i18n.t("attr.calls", lang)], irows,
                      text_cols=(0, 1), id="review-attribution-intervals")]
    out.append(f"<p class='note'>{e(i18n.t('attr_note', lang))}</p>")
    return "".join(out)
