"""HTML sections of the reports drawn from an :mod:`analytics.review` object.

Each table carries an ``id`` (``review-compliance``, ``review-volume``, ``review-campaigns``,
``review-forecast``, ``review-staffing``) so its cells can be read back and compared with
the review's values.
"""

from __future__ import annotations

import html

import pandas as pd

from analytics.formatting import fmt_date, fmt_int, fmt_metric, fmt_number, fmt_rate
from analytics.reports import charts
from analytics.reports.i18n import label, metric_label
from analytics.review import ForecastAccuracy, Review

__all__ = ["e", "table", "val", "compliance_html", "volume_html", "campaigns_html",
           "forecast_html", "staffing_html"]


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
    return metric_label(metric, lang) + (f" [{queue}]" if queue else "")


def compliance_html(review: Review, lang: str) -> str:
    """Weeks met per weekly target over the complete weeks."""
    summary = review.compliance_summary()
    if summary.empty:
        return f"<p>{e(label('no_targets', lang))}</p>"
    rows = [[e(_target_name(r.metric, r.queue, lang)),
             e(f"{r.comparison} {fmt_metric(r.metric, r.threshold, lang)}"),
             f"{r.met} / {r.evaluated}", e(fmt_rate(val(r.share_met), lang, 0))]
            for r in summary.itertuples()]
    return table([label("indicator", lang), label("target", lang), label("weeks_met", lang),
                  "%"], rows, id="review-compliance")


def volume_html(review: Review, lang: str, figs: list) -> str:
    """Calls offered per week against the same weeks a year before, and the totals."""
    vol = review.volume
    fig = charts.volume_yoy(vol["week"].tolist(), vol["offered"].tolist(),
                            [val(v) for v in vol["offered_last_year"]], lang)
    figs.append(("volume_yoy", fig))
    total = review.volume_total()
    rows = [[e(metric_label("offered", lang)) + f" ({e(review.period)})",
             fmt_int(total["offered"], lang),
             fmt_int(total["offered_last_year"], lang) if total["offered_last_year"] is not None
             else "–",
             e(fmt_rate(total["change"], lang)) if total["change"] is not None else "–"]]
    return (f"<div class='chart'>{charts.figure_html(fig, 'volume-yoy')}</div>"
            + table([label("indicator", lang), label("this_year", lang),
                     label("last_year", lang), label("change", lang)], rows, id="review-volume"))


def _model(r, lang: str) -> str:
    if val(r.model_extra_calls) is None:
        return "–"
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
        return f"<p>{e(label(key, lang))}</p>"
    rows = [[e(r.name or r.campaign_id), e(r.channel),
             e(f"{fmt_date(r.start_date, lang)} – {fmt_date(r.end_date, lang)}"),
             e(r.queues or "*"), fmt_int(r.observed, lang), e(fmt_number(r.baseline, lang, 0)),
             f"<b>{e(fmt_number(r.extra_calls, lang, 0))}</b>",
             e(fmt_rate(val(r.uplift), lang)), _model(r, lang)]
            for r in camps.itertuples()]
    return (table([label("campaign", lang), label("channel", lang), label("window", lang),
                   label("queue", lang), label("observed", lang), label("baseline", lang),
                   label("extra_calls", lang), label("uplift", lang), label("model_extra", lang)],
                  rows, text_cols=(0, 1, 2, 3), id="review-campaigns")
            + f"<p class='note'>{e(label('campaign_note', lang))}</p>")


def forecast_html(acc: ForecastAccuracy, kind: str, lang: str, figs: list) -> str:
    """Every measure of the forecast made on the eve of the period, and a weekly chart."""
    if not acc.available:
        return f"<p class='note'>{e(label('forecast_none' + ('' if kind == 'quarter' else '_week'), lang))}</p>"
    weekly = acc.weekly()
    fig = charts.actual_vs_forecast(weekly.week.tolist(), weekly.actual.tolist(),
                                    weekly.forecast.tolist(), lang)
    figs.append(("forecast_accuracy", fig))
    rows = [[e(label("daily_wape", lang)), e(fmt_rate(acc.daily_wape, lang))],
            [e(label("weekly_wape", lang)), e(fmt_rate(acc.weekly_wape, lang))],
            [e(label("mase", lang)), e(fmt_number(acc.mase, lang, 2))],
            [e(label("bias", lang)), e(fmt_rate(acc.bias, lang))],
            [e(label("coverage_80", lang)), e(fmt_rate(acc.coverage_80, lang))],
            [e(label("coverage_95", lang)), e(fmt_rate(acc.coverage_95, lang))],
            [e(label("days_compared", lang)), fmt_int(acc.n_days, lang)],
            [e(label("total_calls", lang)),
             f"{fmt_int(acc.actual, lang)} / {fmt_int(acc.forecast, lang)}"]]
    method = "forecast_method" if kind == "quarter" else "forecast_method_week"
    return (f"<div class='chart'>{charts.figure_html(fig, 'forecast-accuracy')}</div>"
            + table([label("indicator", lang), label("value", lang)], rows, id="review-forecast")
            + f"<p class='note'>{e(label(method, lang))}</p>"
            + (f"<p class='note'>{e(label('forecast_no_data', lang).format(n=acc.n_excluded))}"
               "</p>" if acc.n_excluded else ""))


def staffing_html(review: Review, lang: str) -> str:
    """Per week: advisor-hours on shift vs what Erlang A needed for the targets at the
    actual volume, half-hours short, and observed vs expected pickup rate."""
    weekly = review.staffing
    if weekly.empty:
        return f"<p class='note'>{e(label('no_staffing', lang))}</p>"
    rows = [[e(str(r.week)), fmt_number(r.advisor_hours, lang, 0),
             fmt_number(r.required_advisor_hours, lang, 0),
             f"{fmt_int(r.understaffed_intervals, lang)} / {fmt_int(r.intervals, lang)}",
             fmt_rate(val(r.observed_pickup_rate), lang),
             fmt_rate(val(r.erlang_a_pickup_rate), lang)]
            for r in weekly.itertuples()]
    return (table([label("week", lang), label("advisor_hours", lang),
                   label("required_advisor_hours", lang), label("understaffed", lang),
                   label("observed_pickup", lang), label("erlang_a_pickup", lang)], rows,
                  id="review-staffing")
            + f"<p class='note'>{e(label('staffing_need_note', lang))}</p>")
