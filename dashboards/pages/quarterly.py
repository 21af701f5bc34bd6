"""Quarterly review (steering committee): trends with targets, compliance grid, volume
against the same quarter last year, campaigns and their measured uplift, forecast accuracy,
staffing against requirement, and the quarterly report download."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
from dash import Input, Output, callback, dcc, html, no_update, register_page

from analytics import series
from analytics.i18n import fmt_number, fmt_rate, t
from analytics.metrics import format_metric, label, metric, target_status
from analytics.targets import service_level_threshold
from dashboards import data
from dashboards.charts import empty_figure, trend_figure, trim_empty_weeks
from dashboards.components import current_lang, message, page_refusal, style_figure, table
from dashboards.planning_model import quarter_accuracy, quarter_staffing

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
              "ouverts sur les 4 semaines précédentes (comme le rapport trimestriel).",
        "en": "Extra calls = calls offered in the campaign's queues from its start to its end "
              "(14 days when open-ended), minus the mean of the same open weekdays over the "
              "4 previous weeks (as in the quarterly report)."},
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
    return L[key]["en" if lang == "en" else "fr"]


def quarter_label(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_bounds(quarter: str) -> tuple[dt.date, dt.date]:
    """First and last local day of ``YYYY-Qn``."""
    year, q = int(quarter[:4]), int(quarter[-1])
    first = dt.date(year, 3 * q - 2, 1)
    after = dt.date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1)
    return first, after - dt.timedelta(days=1)


# ------------------------------------------------------------------------------ readers

def read_quarters(con) -> dict:
    from analytics.kpis import data_range, last_complete_week, week_start

    rng = data_range(con)
    queues = series.queues(con)
    if rng is None:
        return {"quarters": [], "default": None, "queues": queues}
    first, last = rng
    quarters, day = [], dt.date(first.year, 3 * ((first.month - 1) // 3) + 1, 1)
    while day <= last:
        quarters.append(quarter_label(day))
        day = quarter_bounds(quarter_label(day))[1] + dt.timedelta(days=1)
    week = last_complete_week(con)
    default = quarter_label(week_start(week) + dt.timedelta(days=6)) if week else quarters[-1]
    return {"quarters": quarters[::-1], "default": default, "queues": queues}


def read_quarter(con, quarter: str, queues: tuple[str, ...] | None) -> dict:
    """Weekly KPIs of the quarter and of the same quarter a year earlier, the measured extra
    calls of the quarter's campaigns (as in the quarterly report) and the contract."""
    from analytics.kpis import kpis, last_complete_week, resolve_contract, week_start
    from analytics.reports import campaign_uplift as report_uplift

    contract = resolve_contract(con, None)
    first, last = quarter_bounds(quarter)
    q = list(queues) if queues else None
    weekly = kpis(con, period="week", start=first, end=last, queues=q, contract=contract)
    prev_first, prev_last = quarter_bounds(f"{int(quarter[:4]) - 1}{quarter[4:]}")
    last_year = kpis(con, period="week", start=prev_first, end=prev_last, queues=q,
                     contract=contract)
    camps = series.campaigns(con)
    uplift = report_uplift(con, first, last, contract=contract)
    uplift = uplift.merge(camps[["campaign_id", "audience"]].drop_duplicates("campaign_id"),
                          on="campaign_id", how="left")
    staffed = con.execute("select count(*) from staffing").fetchall()[0][0]
    complete = last_complete_week(con)
    return {"contract": contract, "weekly": weekly, "last_year": last_year,
            "last_complete_monday": week_start(complete) if complete else None,
            "uplift": uplift,
            "has_staffing": bool(staffed)}


def campaign_rows(uplift: pd.DataFrame) -> pd.DataFrame:
    """The quarterly report's measured extra calls (:func:`analytics.reports.campaign_uplift`,
    one method for report and page) with the relative uplift and calls per 1,000 people."""
    rows = []
    for c in uplift.itertuples():
        extra, base = c.extra_calls, c.baseline
        audience = None if pd.isna(c.audience) else int(c.audience)
        rows.append({
            "name": c.name or c.campaign_id, "channel": c.channel,
            "start_date": c.start_date, "end_date": c.end_date, "audience": audience,
            "offered": int(c.observed), "baseline": base, "extra_calls": extra,
            "uplift": extra / base if base else None,
            "calls_per_1000": extra / audience * 1000 if audience else None,
        })
    return pd.DataFrame(rows, columns=["name", "channel", "start_date", "end_date", "audience",
                                       "offered", "baseline", "extra_calls", "uplift",
                                       "calls_per_1000"])


def complete_weeks(weekly: pd.DataFrame, last_monday: dt.date | None) -> pd.DataFrame:
    """The weekly rows up to the last complete week (its Monday ``last_monday``, from
    :func:`analytics.kpis.last_complete_week`): the week in progress is not judged."""
    if last_monday is None:
        return weekly.iloc[0:0]
    keep = pd.to_datetime(weekly["period_start"]) <= pd.Timestamp(last_monday)
    return weekly[keep.to_numpy()]


def compliance(weekly: pd.DataFrame, contract) -> pd.DataFrame:
    """One row per week, one column per line-level weekly target: met / missed / no_data."""
    targets = [tg for tg in getattr(contract, "targets", ()) if tg.queue is None
               and getattr(tg, "period", "week") == "week"]
    out = pd.DataFrame({"period_start": weekly["period_start"]})
    for tg in targets:
        col = f"{tg.metric} {tg.comparison} {tg.threshold:g}"
        values = weekly[tg.metric] if tg.metric in weekly else pd.Series([None] * len(weekly))
        out[col] = [target_status(v, tg.comparison, tg.threshold) for v in values]
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


def compliance_grid(grid: pd.DataFrame, lang: str):
    cols = [c for c in grid.columns if c != "period_start"]
    if not cols:
        return message(lbl("no_targets", lang), id="quarterly-compliance-none")
    head = [html.Th(t("axis.week", lang))]
    for col in cols:
        name, comparison, threshold = col.split(" ")
        head.append(html.Th(f"{label(name, lang)} {comparison} "
                            f"{format_metric(name, float(threshold), lang)}"))
    body = []
    for _, row in grid.iterrows():
        body.append(html.Tr([html.Td(str(row["period_start"]))] + [
            html.Td(t(f"status.{row[c]}", lang), className=f"cell-{row[c]}") for c in cols]))
    summary = [html.Td(t("weeks_met", lang))]
    for c in cols:
        measured = int((grid[c] != "no_data").sum())
        met = int((grid[c] == "met").sum())
        summary.append(html.Td(f"{met} / {measured}"))
    body.append(html.Tr(summary, className="summary"))
    return html.Table([html.Thead(html.Tr(head)), html.Tbody(body)], className="table grid",
                      id="quarterly-compliance-table")


def volume_figure(bundle: dict, lang: str) -> go.Figure:
    fig = go.Figure()
    if int(bundle["last_year"]["offered"].sum()) == 0:
        fig.add_annotation(text=lbl("no_last_year", lang), showarrow=False, x=0.5, y=1.08,
                           xref="paper", yref="paper")
    for key, name, color in (("weekly", lbl("this_year", lang), "#1f5fa8"),
                             ("last_year", lbl("last_year", lang), "#95a5a6")):
        df = bundle[key]
        fig.add_trace(go.Bar(x=list(range(1, len(df) + 1)), y=df["offered"], name=name,
                             marker_color=color,
                             customdata=[str(d) for d in df["period_start"]],
                             hovertemplate="%{customdata}: %{y:,.0f}"))
    fig.update_layout(title=lbl("volume", lang), barmode="group")
    return style_figure(fig, lang, x_title=lbl("week_of_quarter", lang),
                        y_title=t("axis.calls", lang))


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
        bundle = data.current().read(read_quarter, quarter,
                                     tuple(sorted(queues)) if queues else None)
    except data.WarehouseBusy:
        empty = empty_figure(t("busy", lang), lang)
        busy = message(t("busy", lang), "warn")
        return empty, empty, busy, empty, busy, busy, no_update
    contract = bundle["contract"]
    weekly = trim_empty_weeks(bundle["weekly"])
    q = list(queues or [])
    sl = f"service_level_{service_level_threshold(contract)}s"
    rates = trend_figure(weekly, contract, lang, [metric(m) for m in (
        "pickup_rate", sl, "abandon_rate", "callback_on_time_rate")],
        title=lbl("rates", lang), queues=q)
    waits = trend_figure(weekly, contract, lang, [metric(m) for m in ("asa_s", "wait_p90_s")],
                         title=lbl("waits", lang), queues=q)
    grid = compliance_grid(compliance(complete_weeks(weekly, bundle["last_complete_monday"]),
                                      contract), lang)
    uplift = campaign_rows(bundle["uplift"])
    if uplift.empty:
        camps = message(lbl("no_campaigns", lang), id="quarterly-campaigns-none")
    else:
        labels = {c: lbl(f"col.{c}", lang) for c in uplift.columns}
        formats = {"baseline": lambda v, lg: fmt_number(v, lg),
                   "extra_calls": lambda v, lg: fmt_number(v, lg),
                   "uplift": lambda v, lg: fmt_rate(v, lg),
                   "calls_per_1000": lambda v, lg: fmt_number(v, lg, 1),
                   "audience": lambda v, lg: fmt_number(v, lg),
                   "offered": lambda v, lg: fmt_number(v, lg)}
        camps = table(uplift, lang, labels=labels, formats=formats, id="quarterly-campaigns-table")
    staffing = staffing_panel(quarter, lang, bundle["has_staffing"])
    href = f"/download/quarterly-report?quarter={quarter}&lang={lang}"
    return rates, waits, grid, volume_figure(bundle, lang), camps, staffing, href


def staffing_panel(quarter: str, lang: str, has_staffing: bool):
    """Per week: advisor-hours logged in vs needed by Erlang A for the contract's targets at
    the actual volume, AHT and patience; understaffed half-hours; observed vs expected
    pickup rate (:func:`analytics.planning.staffing_vs_requirement`, as in the quarterly
    report)."""
    if not has_staffing:
        return message(t("no_staffing", lang), id="quarterly-staffing-none")
    first, last = quarter_bounds(quarter)
    try:
        weeks = quarter_staffing(data.current(), first, last)
    except data.WarehouseBusy:
        return message(t("busy", lang), "warn")
    except ValueError as exc:  # e.g. no answered or abandoned call to size from
        return message(str(exc), "warn", id="quarterly-staffing-error")
    if weeks is None or weeks.empty:
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


@callback(Output("quarterly-forecast", "children"), Input("quarterly-quarter", "value"))
def update_forecast_accuracy(quarter):
    """Accuracy of the forecast made on the eve of the quarter (WAPE, MASE, band coverage)."""
    lang = current_lang()
    if not quarter:
        return message(lbl("no_data", lang))
    first, last = quarter_bounds(quarter)
    try:
        acc = quarter_accuracy(data.current(), first, last)
    except data.WarehouseBusy:
        return message(t("busy", lang), "warn")
    if acc is None:
        return message(lbl("no_accuracy", lang), id="quarterly-forecast-none")
    rows = [
        (lbl("acc_days", lang), fmt_number(acc["days"], lang)),
        (t("total_calls", lang), f"{format_metric('offered', acc['actual'], lang)} / "
                                 f"{format_metric('offered', acc['forecast'], lang)}"),
        *[(label(m, lang), format_metric(m, acc[m], lang))
          for m in ("wape", "mase", "coverage_80", "coverage_95")],
    ]
    return html.Div([html.P(lbl("acc_note", lang)),
                     html.Table(html.Tbody([html.Tr([html.Th(k), html.Td(v)]) for k, v in rows]),
                                className="table", id="quarterly-forecast-table")])
