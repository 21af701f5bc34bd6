"""Planning (provider planners): for one week of the line, the daily and half-hour forecast
with prediction bands and the actual calls, the advisors required per half hour by Erlang C
and Erlang A for the contract's targets, a campaign what-if and the requirements CSV. Every
figure comes from one :class:`analytics.week_plan.WeekPlan` (one fit), as for
``copil plan --db``."""

from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
import plotly.graph_objects as go
from dash import Input, Output, State, callback, dcc, html, register_page

from analytics.i18n import MISSING, catalog_text, fmt_number, fmt_rate, fmt_seconds, t
from analytics.metrics import format_metric, label
from dashboards import auth, data
from dashboards.charts import day_labels
from dashboards.components import current_lang, message, page_refusal, style_figure
from dashboards.planning_model import (
    HISTORY_DAYS,
    parse_what_if,
    plan_weeks_view,
    stored_plan_view,
    week_model,
    week_plan_view,
    what_if_view,
)

register_page(__name__, path="/planning", name="Planning", order=3)

CHANNELS = ("mailing", "email", "sms", "press", "web", "other")

L = {
    "week": {"fr": "Semaine", "en": "Week"},
    "whatif": {"fr": "Et si : campagne prévue", "en": "What if: planned campaign"},
    "channel": {"fr": "Canal", "en": "Channel"},
    "date": {"fr": "Date de début", "en": "Start date"},
    "audience": {"fr": "Audience (personnes)", "en": "Audience (people)"},
    "apply": {"fr": "Calculer", "en": "Compute"},
    "forecast": {"fr": "Appels présentés par jour : historique et prévision (bandes 80 % et 95 %)",
                 "en": "Calls offered per day: history and forecast (80 % and 95 % bands)"},
    "forecast_iv": {"fr": "Appels présentés par demi-heure : prévision (bandes 80 % et 95 %)",
                    "en": "Calls offered per half hour: forecast (80 % and 95 % bands)"},
    "req": {"fr": "Conseillers requis par demi-heure (Erlang C et Erlang A)",
            "en": "Advisors required per half hour (Erlang C and Erlang A)"},
    "history": {"fr": "historique", "en": "history"},
    "actual": {"fr": "réel", "en": "actual"},
    "fc": {"fr": "prévision", "en": "forecast"},
    "band80": {"fr": "bande 80 %", "en": "80 % band"},
    "band95": {"fr": "bande 95 %", "en": "95 % band"},
    "erlang_c": {"fr": "Erlang C", "en": "Erlang C"},
    "erlang_a": {"fr": "Erlang A (abandons)", "en": "Erlang A (abandons)"},
    "with_campaign": {"fr": "avec la campagne ({model})", "en": "with the campaign ({model})"},
    "basis": {"fr": "Dimensionné pour : {targets}. DMT et patience par jour de semaine et "
                    "demi-heure sur les 8 semaines avant la semaine (moyennes pondérées par "
                    "les appels prévus : DMT {aht}, patience {pat}).",
              "en": "Sized for: {targets}. AHT and patience per weekday and half hour over "
                    "the 8 weeks before the week (means weighted by the forecast calls: AHT "
                    "{aht}, patience {pat})."},
    "no_patience": {"fr": " Aucun abandon dans ces 8 semaines : pas de patience, donc pas "
                          "d'Erlang A.",
                    "en": " No abandoned call in those 8 weeks: no patience, so no Erlang A."},
    "ex_ante": {"fr": "Semaine déjà commencée dans les données : prévision faite la veille "
                      "de son lundi (ex ante).",
                "en": "Week already begun in the data: forecast made on the eve of its "
                      "Monday (ex ante)."},
    "whatif_result": {
        "fr": "Campagne {channel} du {date} : {calls} → {calls_campaign} appels présentés "
              "sur la semaine {week} (écart {extra}) ; {hours} heures-conseiller de plus, jusqu'à "
              "{peak} conseillers de plus sur une demi-heure ({model}). Sans renfort, le "
              "niveau de service serait de {sl_unchanged} (au lieu de {sl_staffed}).",
        "en": "{channel} campaign on {date}: {calls} → {calls_campaign} calls offered in "
              "week {week} (difference {extra}); {hours} more advisor-hours, up to {peak} more "
              "advisors in a half hour ({model}). Without extra staff the service level "
              "would be {sl_unchanged} (instead of {sl_staffed})."},
    "whatif_help": {"fr": "Choisissez un canal, une date de début et l'audience, puis Calculer : "
                          "les besoins avec la campagne s'ajoutent au graphique.",
                    "en": "Choose a channel, a start date and the audience, then Compute: the "
                          "requirements with the campaign are added to the chart."},
    "csv_req": {"fr": "Besoins par demi-heure (CSV)", "en": "Requirements per half hour (CSV)"},
    "no_calls": {"fr": "Pas d'appels dans l'entrepôt : rien à prévoir.",
                 "en": "No calls in the warehouse: nothing to forecast."},
    "cannot_plan": {"fr": "Planification impossible pour cette semaine : {why}",
                    "en": "This week cannot be planned: {why}"},
    "shifts": {"fr": "Couverture du plan de vacations", "en": "Shift plan coverage"},
    "shifts_start": {"fr": "Calculer et enregistrer le plan de vacations",
                     "en": "Compute and save the shift plan"},
    "shifts_started": {"fr": "Calcul du plan de vacations de {week} lancé : la page affiche "
                             "le résultat dès qu'il est prêt.",
                       "en": "Shift plan of {week} started: the page shows the result as soon "
                             "as it is ready."},
    "shifts_none": {"fr": "Aucun plan de vacations enregistré pour {week}.",
                    "en": "No shift plan saved for {week}."},
    "shifts_running": {"fr": "Calcul du plan de vacations de {week} : {step} ({pct}).",
                       "en": "Computing the shift plan of {week}: {step} ({pct})."},
    "shifts_failed": {"fr": "Le calcul du plan de vacations a échoué : {why}",
                      "en": "The shift plan could not be computed: {why}"},
    "shifts_busy": {"fr": "Un plan de vacations est déjà en cours de calcul : attendez qu'il "
                          "se termine.",
                    "en": "A shift plan is already being computed: wait for it to finish."},
    "shifts_done": {"fr": "Plan {plan_id} enregistré ({created}, {author}) : {status}, "
                          "{under} heures-conseiller sous le besoin, {paid} heures payées.",
                    "en": "Plan {plan_id} saved ({created}, {author}): {status}, {under} "
                          "advisor-hours under the requirement, {paid} paid hours."},
    "planned": {"fr": "conseillers planifiés", "en": "planned advisors"},
    "required": {"fr": "besoin (effectif à planifier)", "en": "requirement (headcount)"},
    "axis_calls_iv": {"fr": "Appels par demi-heure (nombre)",
                      "en": "Calls per half hour (count)"},
}


def lbl(key: str, lang: str) -> str:
    return catalog_text(L, key, lang)


def layout(**_kwargs):
    lang = current_lang()
    refusal = page_refusal("planning", lang)
    if refusal is not None:
        return refusal
    try:
        weeks = plan_weeks_view(data.current())["weeks"]
    except data.WarehouseBusy:
        return html.Div([html.H1(t("nav.planning", lang)), message(t("busy", lang), "warn")])
    if not weeks:
        return html.Div([html.H1(t("nav.planning", lang)),
                         message(lbl("no_calls", lang), "warn", id="planning-no-calls")])
    channels = [{"label": c, "value": c} for c in CHANNELS]
    return html.Div([
        html.H1(t("nav.planning", lang)),
        html.Div([
            html.Div([html.Label(lbl("week", lang), htmlFor="planning-week"),
                      dcc.Dropdown(id="planning-week", options=weeks, value=weeks[0],
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


def _bands(fig: go.Figure, x, frame: pd.DataFrame, lang: str) -> None:
    for lo, hi, name, alpha in (("lo95", "hi95", "band95", 0.15), ("lo80", "hi80", "band80", 0.3)):
        fig.add_trace(go.Scatter(x=x, y=frame[hi], mode="lines", line={"width": 0},
                                 showlegend=False, hovertemplate="%{y:,.1f}",
                                 name=f"{lbl(name, lang)} +"))
        fig.add_trace(go.Scatter(x=x, y=frame[lo], mode="lines", line={"width": 0},
                                 fill="tonexty", fillcolor=f"rgba(31,95,168,{alpha})",
                                 name=lbl(name, lang), hovertemplate="%{y:,.1f}"))


def forecast_figure(plan, lang: str) -> go.Figure:
    """Daily history (8 weeks before the week) and the week's daily forecast with bands
    (and the actual calls of a week already begun)."""
    hist, daily = plan.history(HISTORY_DAYS), plan.daily_forecast()
    x = pd.to_datetime(daily["date"])
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=pd.to_datetime(hist["date"]), y=hist["calls"],
                             name=lbl("history", lang), mode="lines+markers",
                             marker={"size": 4}, line={"color": "#7f8c8d"},
                             hovertemplate="%{y:,.0f}"))
    _bands(fig, x, daily, lang)
    fig.add_trace(go.Scatter(x=x, y=daily["forecast"], name=lbl("fc", lang),
                             mode="lines+markers", line={"color": "#1f5fa8"},
                             hovertemplate="%{y:,.1f}"))
    if daily["actual"].notna().any():
        fig.add_trace(go.Scatter(x=x, y=daily["actual"], name=lbl("actual", lang),
                                 mode="lines+markers", line={"color": "#7f8c8d"},
                                 hovertemplate="%{y:,.0f}"))
    fig.update_layout(title=lbl("forecast", lang))
    style_figure(fig, lang, x_title=t("axis.day", lang), y_title=t("axis.calls", lang))
    fig.update_xaxes(tickformat="%d/%m" if lang != "en" else "%b %d")
    return fig


def interval_figure(plan, lang: str) -> go.Figure:
    """The week's half-hour forecast with bands (and actual calls for a week begun)."""
    iv = plan.forecast()
    x = iv["period_start"].dt.tz_localize(None)
    fig = go.Figure()
    _bands(fig, x, iv, lang)
    fig.add_trace(go.Scatter(x=x, y=iv["calls"], name=lbl("fc", lang), mode="lines",
                             line={"color": "#1f5fa8"}, hovertemplate="%{y:,.1f}"))
    if "actual" in iv and iv["actual"].notna().any():
        fig.add_trace(go.Scatter(x=x, y=iv["actual"], name=lbl("actual", lang), mode="lines",
                                 line={"color": "#7f8c8d"}, hovertemplate="%{y:,.0f}"))
    fig.update_layout(title=lbl("forecast_iv", lang))
    style_figure(fig, lang, x_title=t("axis.halfhour", lang), y_title=lbl("axis_calls_iv", lang))
    fig.update_xaxes(hoverformat="%d/%m %H:%M", tickformat="%d/%m" if lang != "en" else "%b %d")
    return fig


def requirement_figure(plan, lang: str, scenario=None) -> go.Figure:
    """Advisors required per half hour by Erlang C and Erlang A (and with the campaign)."""
    iv = plan.agents()
    x = iv["period_start"].dt.tz_localize(None)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=x, y=iv["agents_c"], name=lbl("erlang_c", lang), mode="lines",
                             line={"shape": "hv", "color": "#1f5fa8"}, hovertemplate="%{y}"))
    if iv["agents_a"].notna().any():
        fig.add_trace(go.Scatter(x=x, y=iv["agents_a"], name=lbl("erlang_a", lang), mode="lines",
                                 line={"shape": "hv", "color": "#e67e22"}, hovertemplate="%{y}"))
    if scenario is not None:
        fig.add_trace(go.Scatter(
            x=x, y=scenario.table["agents_campaign"],
            name=lbl("with_campaign", lang).format(model=_model_name(scenario.model)),
            mode="lines", line={"shape": "hv", "color": "#c0392b", "dash": "dot"},
            hovertemplate="%{y}"))
    fig.update_layout(title=lbl("req", lang))
    style_figure(fig, lang, x_title=t("axis.halfhour", lang), y_title=t("axis.advisors", lang))
    fig.update_xaxes(hoverformat="%d/%m %H:%M", tickformat="%d/%m" if lang != "en" else "%b %d")
    return fig


def _model_name(model: str) -> str:
    return "Erlang A" if model == "erlang_a" else "Erlang C"


def targets_text(targets: dict, lang: str) -> str:
    """The staffing targets of :func:`analytics.planning.staffing_targets` in words."""
    parts = [f"{fmt_rate(sl, lang)} {'en' if lang != 'en' else 'within'} {fmt_seconds(s, lang)}"
             for s, sl in targets["service_levels"]]
    if targets["asa_s"] is not None:
        parts.append(f"{label('asa_s', lang, short=True)} ≤ "
                     f"{format_metric('asa_s', targets['asa_s'], lang)}")
    if targets["pickup_rate"] is not None:
        word = "décroché" if lang != "en" else "pickup"
        parts.append(f"{word} ≥ {format_metric('pickup_rate', targets['pickup_rate'], lang)}")
    if not parts:  # analytics.planning's default without any usable target
        parts.append(f"{fmt_rate(0.8, lang)} {'en' if lang != 'en' else 'within'} "
                     f"{fmt_seconds(20, lang)}")
    return ", ".join(parts)


def basis_text(plan, lang: str) -> str:
    iv = plan.forecast()
    w = iv["calls"].to_numpy(float)

    def mean(col: str) -> str:
        v = iv[col].to_numpy(float)
        if w.sum() <= 0 or not pd.notna(v).all():
            return MISSING
        return fmt_seconds(float((v * w).sum() / w.sum()), lang)

    text = lbl("basis", lang).format(targets=targets_text(plan.targets(week_model(plan)), lang),
                                     aht=mean("aht_s"), pat=mean("patience_s"))
    if not plan.has_patience:
        text += lbl("no_patience", lang)
    if plan.ex_ante:
        text += " " + lbl("ex_ante", lang)
    return text


def what_if_text(plan, what_if, scenario, lang: str) -> str:
    s = scenario.summary
    return lbl("whatif_result", lang).format(
        channel=what_if[0], date=day_labels([pd.Timestamp(what_if[1]).date()], lang)[0],
        week=plan.week, extra=fmt_number(s["campaign_extra_calls"], lang, signed=True),
        calls=fmt_number(s["calls"], lang), calls_campaign=fmt_number(s["calls_campaign"], lang),
        hours=fmt_number(s["extra_advisor_hours"], lang, 1),
        peak=fmt_number(float(s["peak_extra_agents"]), lang),
        model=_model_name(scenario.model),
        sl_unchanged=fmt_rate(s["service_level_unchanged"], lang),
        sl_staffed=fmt_rate(s["service_level_campaign_staffed"], lang))


@callback(
    Output("planning-content", "children"),
    Input("planning-week", "value"),
    Input("planning-apply", "n_clicks"),
    State("planning-channel", "value"),
    State("planning-date", "date"),
    State("planning-audience", "value"),
)
def update_planning(week, _apply, channel, date, audience):
    auth.require_role_for("planning-content")  # also checked by the guard in front
    lang = current_lang()
    wh = data.current()
    try:
        plan = week_plan_view(wh, week)
    except data.WarehouseBusy:
        return message(t("busy", lang), "warn")
    except ValueError as exc:  # too little history, no handling time, week too far...
        return message(lbl("cannot_plan", lang).format(why=str(exc)), "warn",
                       id="planning-error")
    if plan is None:
        return message(lbl("no_calls", lang), "warn", id="planning-no-calls")
    scenario, what_if, whatif_panel = None, None, None
    try:
        what_if = parse_what_if(channel, date, audience)
        if what_if is not None:
            scenario = what_if_view(plan, what_if)
    except ValueError as exc:  # e.g. no past campaign of that channel, bad audience
        whatif_panel = message(str(exc), "warn", id="planning-error")
    if whatif_panel is None:
        whatif_panel = (html.P(what_if_text(plan, what_if, scenario, lang),
                               id="planning-whatif-result") if scenario is not None
                        else html.P(lbl("whatif_help", lang), id="planning-whatif-help"))
    query = {"week": plan.week}
    if scenario is not None:
        query.update({"channel": what_if[0], "date": what_if[1]})
        if what_if[2]:
            query["audience"] = int(what_if[2])
    shifts = [html.Button(lbl("shifts_start", lang), id="planning-shifts-start"),
              html.Div(id="planning-shifts-started"),
              html.Div(id="planning-shifts-status"),
              dcc.Interval(id="planning-shifts-poll", interval=1000,
                           disabled=not _job_running(data.current())),
              html.Div(shifts_panel(data.current(), plan.week, lang),
                       id="planning-shifts-result")]
    return [
        html.Div(dcc.Graph(id="planning-forecast", figure=forecast_figure(plan, lang)),
                 className="panel"),
        html.Div(dcc.Graph(id="planning-forecast-intervals",
                           figure=interval_figure(plan, lang)), className="panel"),
        html.Div([dcc.Graph(id="planning-requirements",
                            figure=requirement_figure(plan, lang, scenario)),
                  html.P(basis_text(plan, lang), id="planning-basis"),
                  html.A(lbl("csv_req", lang),
                         href=f"/download/planning-requirements.csv?{urlencode(query)}",
                         className="button", id="planning-requirements-link")],
                 className="panel"),
        html.Div([html.H2(lbl("whatif", lang)), whatif_panel], className="panel"),
        html.Div([html.H2(lbl("shifts", lang)), *shifts], className="panel"),
    ]


# ------------------------------------------------------------------------------ shift plan
def coverage_figure(stored, lang: str) -> go.Figure:
    """A stored plan's advisors on shift against the headcount required, per half hour."""
    iv = stored.intervals
    x = iv["period_start"].dt.tz_localize(None)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=x, y=iv["required"], name=lbl("required", lang), mode="lines",
                             line={"shape": "hv", "color": "#c0392b"}, hovertemplate="%{y}"))
    fig.add_trace(go.Scatter(x=x, y=iv["planned"], name=lbl("planned", lang), mode="lines",
                             line={"shape": "hv", "color": "#1f5fa8"}, hovertemplate="%{y}"))
    fig.update_layout(title=lbl("shifts", lang))
    style_figure(fig, lang, x_title=t("axis.halfhour", lang), y_title=t("axis.advisors", lang))
    fig.update_xaxes(hoverformat="%d/%m %H:%M", tickformat="%d/%m" if lang != "en" else "%b %d")
    return fig


def shifts_panel(wh, week: str, lang: str):
    """The latest stored plan of ``week``: its summary and coverage, or a line saying none."""
    try:
        stored = stored_plan_view(wh, week)
    except data.WarehouseBusy:
        return message(t("busy", lang), "warn")
    if stored is None:
        return html.P(lbl("shifts_none", lang).format(week=week), id="planning-shifts-none")
    s = stored.summary
    text = lbl("shifts_done", lang).format(
        plan_id=stored.plan_id, created=f"{stored.created_at:%Y-%m-%d %H:%M} UTC",
        author=stored.author or MISSING, status=s.get("status"),
        under=fmt_number(s.get("under_advisor_hours") or 0.0, lang, 1),
        paid=fmt_number(s.get("paid_hours") or 0.0, lang, 1))
    return [html.P(text, id="planning-shifts-summary"),
            dcc.Graph(id="planning-shifts-coverage", figure=coverage_figure(stored, lang))]


def _job_running(wh) -> bool:
    job = _jobs().status(wh)
    return job is not None and job.state == "running"


def _jobs():
    from flask import current_app

    return current_app.config["COPIL_SHIFT_JOBS"]


@callback(
    Output("planning-shifts-started", "children"),
    Input("planning-shifts-start", "n_clicks"),
    State("planning-week", "value"),
    State("planning-channel", "value"),
    State("planning-date", "date"),
    State("planning-audience", "value"),
    prevent_initial_call=True,
)
def start_shift_plan(n_clicks, week, channel, date, audience):
    """Start the background shift job: the request never waits for it."""
    auth.require_role_for("planning-shifts-start")  # refused in the server, not just hidden
    if not n_clicks:
        return None
    return _start(data.current(), week, channel, date, audience, current_lang())


@callback(
    Output("planning-shifts-status", "children"),
    Output("planning-shifts-result", "children"),
    Input("planning-shifts-poll", "n_intervals"),
    State("planning-week", "value"),
    prevent_initial_call=True,
)
def poll_shift_plan(_n, week):
    """While a job runs: its progress; then the stored plan."""
    from dash import no_update

    auth.require_role_for("planning-shifts-result")
    lang = current_lang()
    wh = data.current()
    job = _jobs().status(wh)
    if job is not None and job.state == "running":
        return _job_message(job, lang), no_update
    status = _job_message(job, lang) if job is not None else None
    return status, shifts_panel(wh, week, lang)


@callback(
    Output("planning-shifts-poll", "disabled"),
    Input("planning-shifts-started", "children"),
    Input("planning-shifts-status", "children"),
    prevent_initial_call=True,
)
def switch_shift_poll(_started, _status):
    """The poll runs only while a job runs (a page at rest sends no request)."""
    auth.require_role_for("planning-shifts-poll")
    return not _job_running(data.current())


def _start(wh, week, channel, date, audience, lang: str):
    from flask_login import current_user

    from dashboards.jobs import JobBusy
    from dashboards.planning_model import shift_inputs

    try:
        plan = week_plan_view(wh, week)
        what_if = parse_what_if(channel, date, audience)
        job = _jobs().start(wh, plan.week, shift_inputs(plan, what_if),
                            author=f"app:{current_user.name}")
    except JobBusy:
        return message(lbl("shifts_busy", lang), "warn", id="planning-shifts-busy")
    except (ValueError, data.WarehouseBusy) as exc:
        return message(lbl("shifts_failed", lang).format(why=str(exc)), "warn",
                       id="planning-shifts-error")
    return message(lbl("shifts_started", lang).format(week=job.week), "info",
                   id="planning-shifts-started-ok")


def _job_message(job, lang: str):
    if job.state == "running":
        return message(lbl("shifts_running", lang).format(
            week=job.week, step=job.step, pct=fmt_rate(job.done, lang)), "info",
            id="planning-shifts-running")
    if job.state == "failed":
        return message(lbl("shifts_failed", lang).format(why=job.error), "warn",
                       id="planning-shifts-error")
    return None
