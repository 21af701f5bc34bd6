"""Quarterly review (steering committee): trends with targets, compliance grid, volume
against the same quarter last year, campaigns and their measured uplift, forecast accuracy,
staffing against requirement, and the quarterly report download."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
from dash import Input, Output, callback, dcc, html, no_update, register_page

from analytics import series
from analytics.i18n import catalog_text, fmt_number, fmt_rate, t
from analytics.metrics import format_metric, label, metric
from analytics.targets import service_level_threshold
from dashboards import data
from dashboards.charts import empty_figure, trend_figure, trim_empty_weeks
from dashboards.components import current_lang, message, page_refusal, style_figure, table

register_page(__name__, path="/quarterly", name="Quarterly", order=2)


L = {
    "queues": {"fr": "Files (toutes si vide)", "en": "Queues (all when empty)"},
    "report": {"fr": "Télécharger le rapport trimestriel (HTML)",
               "en": "Download the quarterly report (HTML)"},
    "rates": {"fr": "Taux par semaine (pointillés : objectifs)",
              "en": "Rates per week (dotted: targets)"},
    "waits": {"fr": "Attentes par semaine (pointillés : objectifs)",
              "en": "Waits per week (dotted: targets)"},
    "compliance": {"fr": "Respect des objectifs (semaines × objectifs)",
                   "en": "Target compliance (weeks × targets)"},
    "volume": {"fr": "Appels présentés : ce trimestre et le même trimestre l'an dernier",
               "en": "Calls offered: this quarter and the same quarter last year"},
    "this_year": {"fr": "ce trimestre", "en": "this quarter"},
    "last_year": {"fr": "même trimestre N-1", "en": "same quarter last year"},
    "no_last_year": {"fr": "Pas de données pour le même trimestre l'an dernier.",
                     "en": "No data for the same quarter last year."},
    "week_of_quarter": {"fr": "Semaine du trimestre (n°)", "en": "Week of the quarter (no.)"},
    "campaigns": {"fr": "Campagnes et surcroît d'appels mesuré",
                  "en": "Campaigns and measured extra calls"},
    "uplift_note": {
        "fr": "Surcroît = appels présentés dans les files de la campagne, de son début à sa fin "
              "(14 jours si elle n'a pas de fin), moins la moyenne des mêmes jours de semaine "
              "ouverts sur les 4 semaines précédentes ; modèle : surcroît estimé par le modèle "
              "de prévision journalier. Une campagne figure dans chaque trimestre que sa "
              "fenêtre touche (comme le rapport trimestriel).",
        "en": "Extra calls = calls offered in the campaign's queues from its start to its end "
              "(14 days when open-ended), minus the mean of the same open weekdays over the "
              "4 previous weeks; model: extra calls estimated by the daily forecasting model. "
              "A campaign is listed in every quarter its window touches (as in the quarterly "
              "report)."},
    "no_campaigns": {"fr": "Aucune campagne ce trimestre.", "en": "No campaign this quarter."},
    "forecast": {"fr": "Précision des prévisions", "en": "Forecast accuracy"},
    "staffing": {"fr": "Effectifs et besoin", "en": "Staffing vs requirement"},
    "no_targets": {"fr": "Le contrat ne fixe aucun objectif hebdomadaire.",
                   "en": "The contract sets no weekly target."},
    "no_data": {"fr": "Pas de données d'appels dans l'entrepôt.",
                "en": "No call data in the warehouse."},
    "no_staffing_quarter": {"fr": "Pas de données d'effectifs pour ce trimestre.",
                            "en": "No staffing data for this quarter."},
    "staffed": {"fr": "heures connectées", "en": "hours logged in"},
    "required": {"fr": "heures requises (Erlang A sur les appels reçus)",
                 "en": "hours required (Erlang A on the calls received)"},
    "staffing_note": {
        "fr": "Besoin : Erlang A pour les objectifs du contrat, aux appels présentés, à la DMT "
              "et à la patience observées de chaque demi-heure. Demi-heures en sous-effectif : "
              "conseillers connectés < requis. Décroché attendu : Erlang A aux conseillers "
              "connectés.",
        "en": "Need: Erlang A for the contract's targets at each half hour's offered calls, "
              "observed AHT and patience. Understaffed half hours: advisors logged in < "
              "required. Expected pickup: Erlang A at the advisors logged in."},
    "iso_week": {"fr": "Semaine (ISO)", "en": "Week (ISO)"},
    "staffing_title": {"fr": "Heures-conseiller par semaine : présentes et requises",
                       "en": "Advisor-hours per week: logged in and required"},
    "hours_axis": {"fr": "Heures-conseiller (h)", "en": "Advisor-hours (h)"},
    "no_accuracy": {"fr": "Pas assez d'historique avant ce trimestre (8 semaines au moins) "
                          "ou pas encore d'appels dans le trimestre.",
                    "en": "Not enough history before this quarter (at least 8 weeks) or no "
                          "calls in the quarter yet."},
    "acc_note": {"fr": "Prévision faite la veille du trimestre, comparée aux appels présentés "
                       "des jours ouverts.",
                 "en": "Forecast made on the eve of the quarter, compared with the calls "
                       "offered on open days."},
    "acc_excluded": {"fr": "jours ouverts sans aucun appel (laissés de côté)",
                     "en": "open days without any call (left out)"},
    "col.model": {"fr": "modèle (bande 95 %)", "en": "model (95 % band)"},
    "acc_days": {"fr": "jours comparés", "en": "days compared"},
    "col.name": {"fr": "campagne", "en": "campaign"},
    "col.channel": {"fr": "canal", "en": "channel"},
    "col.start_date": {"fr": "début", "en": "start"},
    "col.end_date": {"fr": "fin", "en": "end"},
    "col.audience": {"fr": "audience (personnes)", "en": "audience (people)"},
    "col.offered": {"fr": "appels présentés", "en": "calls offered"},
    "col.baseline": {"fr": "référence", "en": "baseline"},
    "col.extra_calls": {"fr": "surcroît (appels)", "en": "extra calls"},
    "col.uplift": {"fr": "surcroît (%)", "en": "uplift (%)"},
    "col.calls_per_1000": {"fr": "appels pour 1 000 personnes", "en": "calls per 1,000 people"},
}


def lbl(key: str, lang: str) -> str:
    return catalog_text(L, key, lang)



# ------------------------------------------------------------------------------ readers

def read_quarters(con) -> dict:
    """Quarters with calls (newest first), the default one (that of the last complete
    week) and the queues."""
    from analytics.kpis import data_range, last_complete_week
    from analytics.line_calendar import line_calendar
    from analytics.periods import quarter_label, quarter_of_week, week_label

    rng = data_range(con)
    queues = series.queues(con)
    if rng is None:
        return {"quarters": [], "default": None, "queues": queues}
    ws = line_calendar(con).week_start
    first, last = rng
    quarters = sorted({quarter_of_week(week_label(first + dt.timedelta(days=k), ws), ws)
                       for k in range(0, (last - first).days + 1, 7)}
                      | {quarter_of_week(week_label(last, ws), ws)})
    week = last_complete_week(con)
    default = quarter_of_week(week, ws) if week else quarter_label(last)
    return {"quarters": quarters[::-1], "default": default, "queues": queues}


def read_quarter(con, quarter: str, queues: tuple[str, ...] | None):
    """The quarter's review (:func:`analytics.review.quarter_review`), cached per warehouse
    version: every figure of this page comes from it."""
    from analytics.review import quarter_review

    return quarter_review(con, quarter, queues=queues)


def review_view(quarter: str, queues: tuple[str, ...] | None = None):
    return data.current().read(read_quarter, quarter, queues)


def campaign_rows(camps: pd.DataFrame) -> pd.DataFrame:
    """The review's campaigns as the page shows them."""
    return camps[["name", "channel", "start_date", "end_date", "audience", "observed",
                  "baseline", "extra_calls", "uplift", "calls_per_1000", "model_extra_calls",
                  "model_extra_calls_lo", "model_extra_calls_hi"]].rename(
        columns={"observed": "offered"})


def compliance_frame(review) -> pd.DataFrame:
    """One row per complete week, one column per line-level weekly target (status)."""
    rows = review.compliance[review.compliance["complete"] & review.compliance["queue"].isna()]
    out = pd.DataFrame({"week": sorted(set(rows["week"]))})
    for tg in review.contract.targets:
        if tg.queue is None and tg.period == "week":
            col = f"{tg.metric} {tg.comparison} {tg.threshold:g}"
            sel = rows[(rows["metric"] == tg.metric) & (rows["comparison"] == tg.comparison)]
            out[col] = out["week"].map(dict(zip(sel["week"], sel["status"], strict=True)))
    return out


# ------------------------------------------------------------------------------- layout

def layout(**_kwargs):
    lang = current_lang()
    refusal = page_refusal("quarterly", lang)
    if refusal is not None:
        return refusal
    try:
        info = data.current().read(read_quarters)
    except data.WarehouseBusy:
        return message(t("busy", lang), "warn")
    if not info["quarters"]:
        return html.Div([html.H1(t("nav.quarterly", lang)), message(lbl("no_data", lang), "warn",
                                                              id="quarterly-empty")])
    return html.Div([
        html.H1(t("nav.quarterly", lang)),
        html.Div([
            html.Div([html.Label(t("quarter", lang), htmlFor="quarterly-quarter"),
                      dcc.Dropdown(id="quarterly-quarter", options=info["quarters"],
                                   value=info["default"], clearable=False, persistence=True,
                                   persistence_type="session")], className="control"),
            html.Div([html.Label(lbl("queues", lang), htmlFor="quarterly-queues"),
                      dcc.Dropdown(id="quarterly-queues", options=info["queues"], multi=True,
                                   value=[], persistence=True, persistence_type="session")],
                     className="control"),
            html.A(lbl("report", lang), id="quarterly-report-link", className="button",
                   href=f"/download/quarterly-report?quarter={info['default']}&lang={lang}"),
        ], className="controls"),
        html.Div([html.Div(dcc.Graph(id="quarterly-rates"), className="panel"),
                  html.Div(dcc.Graph(id="quarterly-waits"), className="panel")],
                 className="grid2"),
        html.Div([html.H2(lbl("compliance", lang)), html.Div(id="quarterly-compliance")],
                 className="panel"),
        html.Div(dcc.Graph(id="quarterly-volume"), className="panel"),
        html.Div([html.H2(lbl("campaigns", lang)), html.P(lbl("uplift_note", lang)),
                  html.Div(id="quarterly-campaigns")], className="panel"),
        html.Div([
            html.Div([html.H2(lbl("forecast", lang)), html.Div(id="quarterly-forecast")],
                     className="panel"),
            html.Div([html.H2(lbl("staffing", lang)), html.Div(id="quarterly-staffing")],
                     className="panel"),
        ], className="grid2"),
    ])


def compliance_grid(review, lang: str):
    """Statuses per complete week and line-level target, and the weeks met per target
    (:meth:`analytics.review.Review.compliance_summary`, as in the quarterly report)."""
    grid = compliance_frame(review)
    cols = [c for c in grid.columns if c != "week"]
    if not cols:
        return message(lbl("no_targets", lang), id="quarterly-compliance-none")
    head = [html.Th(t("axis.week", lang))]
    for col in cols:
        name, comparison, threshold = col.split(" ")
        head.append(html.Th(f"{label(name, lang)} {comparison} "
                            f"{format_metric(name, float(threshold), lang)}"))
    body = [html.Tr([html.Td(row["week"])] + [
        html.Td(t(f"status.{row[c]}", lang), className=f"cell-{row[c]}") for c in cols])
        for _, row in grid.iterrows()]
    summary = review.compliance_summary()
    summary = summary[summary["queue"].isna()]
    body.append(html.Tr([html.Td(t("weeks_met", lang))]
                        + [html.Td(f"{r.met} / {r.evaluated}") for r in summary.itertuples()],
                        className="summary"))
    return html.Table([html.Thead(html.Tr(head)), html.Tbody(body)], className="table grid",
                      id="quarterly-compliance-table")


def year_over_year_figure(review, lang: str) -> go.Figure:
    """Calls offered per week of the quarter and in the same weeks a year before."""
    vol = review.volume
    fig = go.Figure()
    if vol["offered_last_year"].isna().all():
        fig.add_annotation(text=lbl("no_last_year", lang), showarrow=False, x=0.5, y=1.08,
                           xref="paper", yref="paper")
    for col, weeks, name, color in (
            ("offered", vol["week"], lbl("this_year", lang), "#1f5fa8"),
            ("offered_last_year", vol["last_year_week"], lbl("last_year", lang), "#95a5a6")):
        fig.add_trace(go.Bar(x=list(range(1, len(vol) + 1)),
                             y=[None if pd.isna(v) else float(v) for v in vol[col]], name=name,
                             marker_color=color, customdata=[str(w) for w in weeks],
                             hovertemplate="%{customdata}: %{y:,.0f}"))
    fig.update_layout(title=lbl("volume", lang), barmode="group")
    return style_figure(fig, lang, x_title=lbl("week_of_quarter", lang),
                        y_title=t("axis.calls", lang))


def campaigns_table(review, lang: str):
    rows = campaign_rows(review.campaigns)
    if rows.empty:
        return message(lbl("no_campaigns", lang), id="quarterly-campaigns-none")
    rows = rows.assign(model=[
        "–" if pd.isna(m) else fmt_number(m, lang) + (
            "" if pd.isna(lo) or pd.isna(hi) else f" ({fmt_number(lo, lang)} – {fmt_number(hi, lang)})")
        for m, lo, hi in zip(rows["model_extra_calls"], rows["model_extra_calls_lo"],
                             rows["model_extra_calls_hi"], strict=True)])
    cols = ["name", "channel", "start_date", "end_date", "audience", "offered", "baseline",
            "extra_calls", "uplift", "calls_per_1000", "model"]
    labels = {c: lbl(f"col.{c}", lang) for c in cols}
    formats = {"baseline": lambda v, lg: fmt_number(v, lg),
               "extra_calls": lambda v, lg: fmt_number(v, lg),
               "uplift": lambda v, lg: fmt_rate(v, lg),
               "calls_per_1000": lambda v, lg: fmt_number(v, lg, 1),
               "audience": lambda v, lg: fmt_number(v, lg),
               "offered": lambda v, lg: fmt_number(v, lg)}
    return table(rows, lang, columns=cols, labels=labels, formats=formats,
                 id="quarterly-campaigns-table")


@callback(
    Output("quarterly-rates", "figure"),
    Output("quarterly-waits", "figure"),
    Output("quarterly-compliance", "children"),
    Output("quarterly-volume", "figure"),
    Output("quarterly-campaigns", "children"),
    Output("quarterly-staffing", "children"),
    Output("quarterly-report-link", "href"),
    Input("quarterly-quarter", "value"),
    Input("quarterly-queues", "value"),
)
def update_quarter(quarter, queues):
    lang = current_lang()
    if not quarter:
        text = lbl("no_data", lang)
        empty = empty_figure(text, lang)
        return empty, empty, message(text), empty, message(text), message(text), no_update
    try:
        review = review_view(quarter, tuple(sorted(queues)) if queues else None)
    except data.WarehouseBusy:
        empty = empty_figure(t("busy", lang), lang)
        busy = message(t("busy", lang), "warn")
        return empty, empty, busy, empty, busy, busy, no_update
    except ValueError as exc:  # not a quarter, or outside the data (analytics.bounds)
        empty = empty_figure(str(exc), lang)
        why = message(str(exc), "warn")
        return empty, empty, why, empty, why, why, no_update
    contract = review.contract
    weekly = trim_empty_weeks(review.weeks)
    q = list(queues or [])
    sl = f"service_level_{service_level_threshold(contract)}s"
    rates = trend_figure(weekly, contract, lang, [metric(m) for m in (
        "pickup_rate", sl, "abandon_rate", "callback_on_time_rate")],
        title=lbl("rates", lang), queues=q)
    waits = trend_figure(weekly, contract, lang, [metric(m) for m in ("asa_s", "wait_p90_s")],
                         title=lbl("waits", lang), queues=q)
    href = f"/download/quarterly-report?quarter={quarter}&lang={lang}"
    return (rates, waits, compliance_grid(review, lang), year_over_year_figure(review, lang),
            campaigns_table(review, lang), staffing_panel(review, lang), href)


def staffing_panel(review, lang: str):
    """Per week: advisor-hours logged in vs needed by Erlang A for the contract's targets at
    the actual volume, AHT and patience; understaffed half-hours; observed vs expected
    pickup rate (the review's :func:`analytics.planning.staffing_vs_requirement_weekly`)."""
    weeks = review.staffing
    if weeks.empty:
        return message(lbl("no_staffing_quarter", lang), id="quarterly-staffing-none")
    fig = go.Figure()
    x = weeks["week"]
    fig.add_trace(go.Bar(x=x, y=weeks["advisor_hours"], name=lbl("staffed", lang),
                         marker_color="#1f5fa8", hovertemplate="%{y:,.1f} h"))
    fig.add_trace(go.Scatter(x=x, y=weeks["required_advisor_hours"], name=lbl("required", lang),
                             mode="lines+markers", line={"color": "#c0392b"},
                             hovertemplate="%{y:,.1f} h"))
    fig.update_layout(title=lbl("staffing_title", lang))
    style_figure(fig, lang, x_title=lbl("iso_week", lang), y_title=lbl("hours_axis", lang),
                 height=300)
    fig.update_xaxes(type="category")
    rows = pd.DataFrame({
        "week": weeks["week"],
        "advisor_hours": weeks["advisor_hours"],
        "required_advisor_hours": weeks["required_advisor_hours"],
        "understaffed": [f"{fmt_number(u, lang)} / {fmt_number(n, lang)}" for u, n
                         in zip(weeks["understaffed_intervals"], weeks["intervals"], strict=True)],
        "observed_pickup_rate": weeks["observed_pickup_rate"],
        "erlang_a_pickup_rate": weeks["erlang_a_pickup_rate"],
    })
    measures = {"advisor_hours": "advisor_hours", "required_advisor_hours": "required_advisor_hours",
                "understaffed": "understaffed_intervals",
                "observed_pickup_rate": "observed_pickup_rate",
                "erlang_a_pickup_rate": "erlang_a_pickup_rate"}
    labels = {"week": t("week", lang), **{c: label(m, lang) for c, m in measures.items()}}
    formats = {c: (lambda v, lg, _m=m: format_metric(_m, v, lg)) for c, m in measures.items()
               if c != "understaffed"}
    return html.Div([dcc.Graph(figure=fig, id="quarterly-staffing-graph"),
                     table(rows, lang, labels=labels, formats=formats,
                           id="quarterly-staffing-table"),
                     html.P(lbl("staffing_note", lang))])


def accuracy_rows(acc, lang: str) -> list[tuple[str, str]]:
    """(label, formatted value) of every measure of the forecast made on the eve."""
    return [
        (lbl("acc_days", lang), fmt_number(acc.n_days, lang)),
        (t("total_calls", lang), f"{format_metric('offered', acc.actual, lang)} / "
                                 f"{format_metric('offered', acc.forecast, lang)}"),
        (t("daily_wape", lang), format_metric("wape", acc.daily_wape, lang)),
        (t("weekly_wape", lang), format_metric("wape", acc.weekly_wape, lang)),
        *[(label(m, lang), format_metric(m, getattr(acc, m), lang))
          for m in ("mase", "bias", "coverage_80", "coverage_95")],
        (lbl("acc_excluded", lang), fmt_number(acc.n_excluded, lang)),
    ]


@callback(Output("quarterly-forecast", "children"), Input("quarterly-quarter", "value"))
def update_forecast_accuracy(quarter):
    """Accuracy of the forecast made on the eve of the quarter (the review's measures)."""
    lang = current_lang()
    if not quarter:
        return message(lbl("no_data", lang))
    try:
        acc = review_view(quarter).forecast_accuracy
    except data.WarehouseBusy:
        return message(t("busy", lang), "warn")
    except ValueError as exc:  # not a quarter, or outside the data (analytics.bounds)
        return message(str(exc), "warn")
    if not acc.available:
        return message(lbl("no_accuracy", lang), id="quarterly-forecast-none")
    rows = accuracy_rows(acc, lang)
    return html.Div([html.P(lbl("acc_note", lang)),
                     html.Table(html.Tbody([html.Tr([html.Th(k), html.Td(v)]) for k, v in rows]),
                                className="table", id="quarterly-forecast-table")])
