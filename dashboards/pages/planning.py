"""Planning (provider planners): daily forecast with prediction bands, half-hour Erlang C /
Erlang A requirements for the contract's targets, a campaign what-if, CSV downloads."""

from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
import plotly.graph_objects as go
from dash import Input, Output, State, callback, dcc, html, register_page

from dashboards import data
from dashboards.charts import day_labels
from dashboards.components import current_lang, message, page_refusal, style_figure
from dashboards.i18n import fmt_number, fmt_pct, t
from dashboards.planning_model import (
    HORIZONS_WEEKS,
    REQUIRED,
    missing_modules,
    parse_what_if,
    plan,
)

register_page(__name__, path="/planning", name="Planning", order=3)

CHANNELS = ("mailing", "email", "sms", "press", "web", "other")

L = {
    "title": {"fr": "Planification", "en": "Planning"},
    "weeks": {"fr": "Horizon (semaines)", "en": "Horizon (weeks)"},
    "whatif": {"fr": "Et si : campagne prévue", "en": "What if: planned campaign"},
    "channel": {"fr": "Canal", "en": "Channel"},
    "date": {"fr": "Date de début", "en": "Start date"},
    "audience": {"fr": "Audience (personnes)", "en": "Audience (people)"},
    "apply": {"fr": "Calculer", "en": "Compute"},
    "forecast": {"fr": "Appels présentés par jour : historique et prévision (bandes 80 % et 95 %)",
                 "en": "Calls offered per day: history and forecast (80 % and 95 % bands)"},
    "req": {"fr": "Conseillers requis par demi-heure (Erlang C et Erlang A)",
            "en": "Advisors required per half hour (Erlang C and Erlang A)"},
    "history": {"fr": "historique", "en": "history"},
    "fc": {"fr": "prévision", "en": "forecast"},
    "band80": {"fr": "bande 80 %", "en": "80 % band"},
    "band95": {"fr": "bande 95 %", "en": "95 % band"},
    "erlang_c": {"fr": "Erlang C", "en": "Erlang C"},
    "erlang_a": {"fr": "Erlang A (abandons)", "en": "Erlang A (abandons)"},
    "without": {"fr": "sans la campagne (Erlang C)", "en": "without the campaign (Erlang C)"},
    "basis": {"fr": "Dimensionné pour : {sl} en {t} s{asa}{pickup} ; DMT {aht} ; patience {pat}.",
              "en": "Sized for: {sl} within {t} s{asa}{pickup}; AHT {aht}; patience {pat}."},
    "whatif_result": {
        "fr": "Campagne {channel} du {date} : {extra} appels de plus sur 28 jours "
              "(somme des bornes journalières à 80 % : {lo} à {hi}) ; {hours} heures-conseiller de plus, jusqu'à {peak} "
              "conseillers de plus sur une demi-heure (Erlang C).",
        "en": "{channel} campaign on {date}: {extra} more calls over 28 days "
              "(daily 80 % bounds summed: {lo} to {hi}); {hours} more advisor-hours, up to {peak} more advisors "
              "in a half hour (Erlang C)."},
    "whatif_help": {"fr": "Choisissez un canal, une date de début et l'audience, puis Calculer : "
                          "la prévision et les besoins incluent alors la campagne.",
                    "en": "Choose a channel, a start date and the audience, then Compute: the "
                          "forecast and the requirements then include the campaign."},
    "csv_req": {"fr": "Besoins par demi-heure (CSV)", "en": "Requirements per half hour (CSV)"},
    "no_calls": {"fr": "Pas d'appels dans l'entrepôt : rien à prévoir.",
                 "en": "No calls in the warehouse: nothing to forecast."},
    "shifts_cli": {"fr": "Pas encore dans le tableau de bord : le plan de vacations et sa "
                         "couverture se calculent avec 'copil plan --db ... --week 2026-W48 "
                         "--out plan.csv'.",
                   "en": "Not in the dashboard yet: the shift plan and its coverage come from "
                         "'copil plan --db ... --week 2026-W48 --out plan.csv'."},
    "shifts": {"fr": "Couverture du plan de vacations", "en": "Shift plan coverage"},
    "axis_req": {"fr": "Conseillers (nombre)", "en": "Advisors (count)"},
    "axis_time": {"fr": "Demi-heure (heure locale)", "en": "Half hour (local time)"},
}


def lbl(key: str, lang: str) -> str:
    return L[key]["en" if lang == "en" else "fr"]


def layout(**_kwargs):
    lang = current_lang()
    refusal = page_refusal("planning", lang)
    if refusal is not None:
        return refusal
    missing = missing_modules(REQUIRED)
    if missing:
        return html.Div([html.H1(lbl("title", lang)),
                         message(t("not_available", lang, what=", ".join(missing)), "warn",
                                 id="planning-unavailable"),
                         html.Div(id="planning-content")])
    channels = [{"label": c, "value": c} for c in CHANNELS]
    return html.Div([
        html.H1(lbl("title", lang)),
        html.Div([
            html.Div([html.Label(lbl("weeks", lang), htmlFor="planning-weeks"),
                      dcc.Dropdown(id="planning-weeks", options=list(HORIZONS_WEEKS), value=4,
                                   clearable=False)], className="control",
                     style={"minWidth": "140px"}),
            html.Div([html.Label(lbl("channel", lang)),
                      dcc.Dropdown(id="planning-channel", options=channels, value=None)],
                     className="control", style={"minWidth": "150px"}),
            html.Div([html.Label(lbl("date", lang)),
                      dcc.DatePickerSingle(id="planning-date", display_format="YYYY-MM-DD",
                                           placeholder="AAAA-MM-JJ" if lang != "en" else "YYYY-MM-DD")],
                     className="control", style={"minWidth": "160px"}),
            html.Div([html.Label(lbl("audience", lang)),
                      dcc.Input(id="planning-audience", type="number", min=1, step=1)],
                     className="control", style={"minWidth": "150px"}),
            html.Button(lbl("apply", lang), id="planning-apply"),
        ], className="controls"),
        dcc.Loading(html.Div(id="planning-content")),
    ])


def forecast_figure(result: dict, lang: str) -> go.Figure:
    hist = result["history"]
    daily = result["daily"]
    x = pd.to_datetime(daily.index)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=pd.to_datetime(hist["period_start"]), y=hist["offered"],
                             name=lbl("history", lang), mode="lines",
                             line={"color": "#7f8c8d"}, hovertemplate="%{y:,.0f}"))
    for lo, hi, name, alpha in (("lo95", "hi95", "band95", 0.15), ("lo80", "hi80", "band80", 0.3)):
        fig.add_trace(go.Scatter(x=x, y=daily[hi], mode="lines", line={"width": 0},
                                 showlegend=False, hovertemplate="%{y:,.0f}",
                                 name=f"{lbl(name, lang)} +"))
        fig.add_trace(go.Scatter(x=x, y=daily[lo], mode="lines", line={"width": 0},
                                 fill="tonexty", fillcolor=f"rgba(31,95,168,{alpha})",
                                 name=lbl(name, lang), hovertemplate="%{y:,.0f}"))
    fig.add_trace(go.Scatter(x=x, y=daily["forecast"], name=lbl("fc", lang), mode="lines",
                             line={"color": "#1f5fa8"}, hovertemplate="%{y:,.0f}"))
    fig.update_layout(title=lbl("forecast", lang))
    style_figure(fig, lang, x_title=t("axis.day", lang), y_title=t("axis.calls", lang))
    fig.update_xaxes(tickformat="%d/%m" if lang != "en" else "%b %d")
    return fig


def requirement_figure(result: dict, lang: str) -> go.Figure:
    iv = result["intervals"]
    x = iv["period_start"].dt.tz_localize(None)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=x, y=iv["agents_c"], name=lbl("erlang_c", lang), mode="lines",
                             line={"shape": "hv", "color": "#1f5fa8"}, hovertemplate="%{y}"))
    if iv["agents_a"].notna().any():
        fig.add_trace(go.Scatter(x=x, y=iv["agents_a"], name=lbl("erlang_a", lang), mode="lines",
                                 line={"shape": "hv", "color": "#e67e22"}, hovertemplate="%{y}"))
    if "base_intervals" in result:
        fig.add_trace(go.Scatter(x=x, y=result["base_intervals"]["agents_c"],
                                 name=lbl("without", lang), mode="lines",
                                 line={"shape": "hv", "color": "#95a5a6", "dash": "dot"},
                                 hovertemplate="%{y}"))
    fig.update_layout(title=lbl("req", lang))
    style_figure(fig, lang, x_title=lbl("axis_time", lang), y_title=lbl("axis_req", lang))
    fig.update_xaxes(hoverformat="%d/%m %H:%M", tickformat="%d/%m" if lang != "en" else "%b %d")
    return fig


def basis_text(result: dict, lang: str) -> str:
    tg = result["targets"]
    asa = f", ASA ≤ {fmt_number(tg.asa_s, lang)} s" if tg.asa_s else ""
    pickup = (f", {'décroché' if lang != 'en' else 'pickup'} ≥ {fmt_pct(tg.pickup_rate, lang)}"
              if tg.pickup_rate else "")
    return lbl("basis", lang).format(
        sl=fmt_pct(tg.service_level, lang), t=tg.answer_s, asa=asa, pickup=pickup,
        aht=f"{fmt_number(result['aht_s'], lang)} s" if result["aht_s"] else "–",
        pat=f"{fmt_number(result['patience_s'], lang)} s" if result["patience_s"] else "–")


def what_if_text(result: dict, what_if, lang: str) -> str:
    up = result["uplift"]
    diff = result["intervals"]["agents_c"] - result["base_intervals"]["agents_c"]
    hours = float(diff.clip(lower=0).sum()) * 30 / 60
    return lbl("whatif_result", lang).format(
        channel=what_if[0], date=day_labels([pd.Timestamp(what_if[1]).date()], lang)[0],
        extra=fmt_number(up["extra_calls"].sum(), lang),
        lo=fmt_number(up["extra_calls_lo"].sum(), lang),
        hi=fmt_number(up["extra_calls_hi"].sum(), lang),
        hours=fmt_number(hours, lang, 1), peak=fmt_number(float(diff.max()), lang))


@callback(
    Output("planning-content", "children"),
    Input("planning-weeks", "value"),
    Input("planning-apply", "n_clicks"),
    State("planning-channel", "value"),
    State("planning-date", "date"),
    State("planning-audience", "value"),
)
def update_planning(weeks, _apply, channel, date, audience):
    lang = current_lang()
    missing = missing_modules(REQUIRED)
    if missing:
        return message(t("not_available", lang, what=", ".join(missing)), "warn",
                       id="planning-unavailable")
    try:
        what_if = parse_what_if(channel, date, audience)
        result = plan(data.current(), int(weeks or 4), what_if=what_if)
    except data.WarehouseBusy:
        return message(t("busy", lang), "warn")
    except ValueError as exc:  # e.g. no past campaign of that channel, bad audience
        return message(str(exc), "warn", id="planning-error")
    if result is None:
        return message(lbl("no_calls", lang), "warn", id="planning-no-calls")
    query = {"weeks": weeks or 4}
    if what_if:
        query.update({"channel": what_if[0], "date": what_if[1]})
        if what_if[2]:
            query["audience"] = int(what_if[2])
    shifts = message(lbl("shifts_cli", lang), "warn", id="planning-shifts-unavailable")
    return [
        html.Div(dcc.Graph(id="planning-forecast", figure=forecast_figure(result, lang)),
                 className="panel"),
        html.Div([dcc.Graph(id="planning-requirements", figure=requirement_figure(result, lang)),
                  html.P(basis_text(result, lang), id="planning-basis"),
                  html.A(lbl("csv_req", lang),
                         href=f"/download/planning-requirements.csv?{urlencode(query)}",
                         className="button", id="planning-requirements-link")],
                 className="panel"),
        html.Div([html.H2(lbl("whatif", lang)),
                  html.P(what_if_text(result, what_if, lang), id="planning-whatif-result")
                  if what_if else html.P(lbl("whatif_help", lang), id="planning-whatif-help")],
                 className="panel"),
        html.Div([html.H2(lbl("shifts", lang)), shifts], className="panel"),
    ]
