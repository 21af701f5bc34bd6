"""Intraday (every role): the day so far against its forecast, the rest-of-day reforecast
with bands and the projected end-of-day indicators, for everyone; the net staffing per
interval (required, planned, logged-in advisors) for the provider's side only: its
callback output is refused to a client by the server (:mod:`dashboards.auth`,
``intraday-staffing`` ids), so the client's browser never receives it.

Every figure comes from :func:`analytics.intraday.intraday_day` (the same as ``copil
intraday``). "Today" is a day with data: the as-of picker offers the days with calls and
defaults to the latest call. The page polls the published snapshot's number every minute
and recomputes when a load has published new data."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from dash import Input, Output, State, callback, dcc, html, no_update, register_page

from analytics.i18n import MISSING, catalog_text, fmt_number, fmt_rate, t
from analytics.metrics import format_metric, label
from dashboards import auth, data
from dashboards.components import current_lang, message, page_refusal, style_figure, table

register_page(__name__, path="/intraday", name="Intraday", order=2)

#: how often the page asks whether a new snapshot was published (ms)
POLL_MS = 60_000
LATEST = "latest"

L = {
    "day": {"fr": "Jour", "en": "Day"},
    "time": {"fr": "Heure", "en": "Time"},
    "latest": {"fr": "dernières données ({time})", "en": "latest data ({time})"},
    "so_far": {"fr": "jusqu'ici", "en": "so far"},
    "projected": {"fr": "fin de journée projetée", "en": "projected end of day"},
    "band": {"fr": "bande", "en": "band"},
    "target": {"fr": "objectif", "en": "target"},
    "no_target": {"fr": "pas d'objectif au contrat", "en": "no target in the contract"},
    "morning_fc": {"fr": "prévision du matin : {n}", "en": "morning forecast: {n}"},
    "callbacks": {"fr": "Rappels dus ce jour", "en": "Callbacks due today"},
    "callbacks_value": {"fr": "{risk} à risque", "en": "{risk} at risk"},
    "callbacks_detail": {"fr": "{due} échus : {on_time} dans les délais, {late} en retard",
                         "en": "{due} past deadline: {on_time} on time, {late} late"},
    "chart_calls": {"fr": "Appels présentés par demi-heure : prévision du matin, réel jusqu'ici "
                          "et reprévision (bandes 80 % et 95 %)",
                    "en": "Calls offered per half hour: morning forecast, actual so far and "
                          "reforecast (80 % and 95 % bands)"},
    "forecast": {"fr": "prévision du matin", "en": "morning forecast"},
    "actual": {"fr": "réel", "en": "actual"},
    "reforecast": {"fr": "reprévision", "en": "reforecast"},
    "band80": {"fr": "bande 80 %", "en": "80 % band"},
    "band95": {"fr": "bande 95 %", "en": "95 % band"},
    "now": {"fr": "maintenant", "en": "now"},
    "axis_calls": {"fr": "Appels par demi-heure (nombre)", "en": "Calls per half hour (count)"},
    "method": {
        "fr": "Jusqu'ici : les indicateurs partagés des appels arrivés avant {cutoff}. Fin de "
              "journée : ces appels plus, pour chaque demi-heure restante, Erlang A au volume "
              "reprévu (facteur d'activité du jour {factor}) et aux conseillers prévus, "
              "corrigés du taux de présence constaté ce matin. Bande : le même calcul avec "
              "chaque demi-heure restante à la borne basse ou haute de sa bande 80 %.",
        "en": "So far: the shared indicators of the calls arrived before {cutoff}. End of day: "
              "those calls plus, for each remaining half hour, Erlang A at the reforecast "
              "volume (day's busyness factor {factor}) and the planned advisors, corrected by "
              "this morning's observed attendance. Band: the same with every remaining half "
              "hour at the low or high end of its 80 % band."},
    "staffing": {"fr": "Effectifs nets par demi-heure (conseillers)",
                 "en": "Net staffing per half hour (advisors)"},
    "required": {"fr": "requis (Erlang A, objectifs du contrat)",
                 "en": "required (Erlang A, contract targets)"},
    "planned": {"fr": "prévus", "en": "planned"},
    "logged_in": {"fr": "connectés", "en": "logged in"},
    "net": {"fr": "écart (disponibles − requis)", "en": "net (available − required)"},
    "planned_requirement": {
        "fr": "Aucun plan de vacations enregistré : « prévus » = le besoin Erlang A du plan de "
              "la semaine (prévision du matin).",
        "en": "No stored shift plan: 'planned' = the week plan's Erlang A requirement (the "
              "morning forecast)."},
    "planned_stored": {"fr": "« Prévus » = le plan de vacations enregistré.",
                       "en": "'Planned' = the stored shift plan."},
    "no_staffing": {"fr": "Pas de données d'effectifs connectés pour ce jour : seuls les "
                          "besoins et les prévus sont montrés.",
                    "en": "No logged-in staffing data for this day: only required and planned "
                          "advisors are shown."},
    "sums": {"fr": "Sur-planifié {over} h·conseiller, sous-planifié {under} h·conseiller "
                   "(prévus − requis, intervalle par intervalle, au sens NICE) ; déficit "
                   "{short} h·conseiller (disponibles − requis) ; absentéisme constaté "
                   "(1 − connectés ÷ prévus) : {shrink}.",
             "en": "Over-scheduled {over} advisor-hours, under-scheduled {under} advisor-hours "
                   "(planned − required, interval by interval, as NICE defines them); "
                   "shortfall {short} advisor-hours (available − required); realised "
                   "shrinkage (1 − logged in ÷ planned): {shrink}."},
    "col_time": {"fr": "Demi-heure", "en": "Half hour"},
    "col_calls": {"fr": "Appels (réels / reprévus)", "en": "Calls (actual / reforecast)"},
    "col_required": {"fr": "Requis", "en": "Required"},
    "col_planned": {"fr": "Prévus", "en": "Planned"},
    "col_logged": {"fr": "Connectés", "en": "Logged in"},
    "col_net": {"fr": "Écart", "en": "Net"},
    "col_shrink": {"fr": "Absentéisme", "en": "Shrinkage"},
    "cannot": {"fr": "Projection impossible pour ce moment : {why}",
               "en": "No projection for this time: {why}"},
    "no_calls": {"fr": "Pas d'appels dans l'entrepôt : rien à suivre.",
                 "en": "No calls in the warehouse: nothing to follow."},
}


def lbl(key: str, lang: str) -> str:
    return catalog_text(L, key, lang)


# ------------------------------------------------------------------------------ readers
def read_days(con) -> pd.DataFrame:
    """:func:`analytics.intraday.intraday_days`: the days with calls and their last call."""
    from analytics.intraday import intraday_days

    return intraday_days(con)


def read_intraday(con, as_of: str):
    """:func:`analytics.intraday.intraday_day` at ``as_of`` ('YYYY-MM-DD HH:MM')."""
    from analytics.intraday import intraday_day

    return intraday_day(con, as_of)


def _time_options(day: str | None, days: pd.DataFrame, lang: str) -> list[dict]:
    from analytics.intraday import pick_as_of

    try:
        last = pick_as_of(days, day)[11:]
    except ValueError:
        last = MISSING
    opts = [{"label": lbl("latest", lang).format(time=last), "value": LATEST}]
    opts += [{"label": f"{h:02d}:{m:02d}", "value": f"{h:02d}:{m:02d}"}
             for h in range(6, 23) for m in (0, 30)]
    return opts


# ------------------------------------------------------------------------------ layout
def layout(**_kwargs):
    lang = current_lang()
    refusal = page_refusal("intraday", lang)
    if refusal is not None:
        return refusal
    try:
        info = data.current().read(read_days)
    except data.WarehouseBusy:
        return html.Div([html.H1(t("nav.intraday", lang)), message(t("busy", lang), "warn")])
    if info.empty:
        return html.Div([html.H1(t("nav.intraday", lang)),
                         message(lbl("no_calls", lang), "warn", id="intraday-no-calls")])
    days = [d.isoformat() for d in info["day"]]
    first, last = days[0], days[-1]
    have = set(days)
    closed = [d.isoformat() for d in pd.date_range(first, last).date
              if d.isoformat() not in have]
    staffing_panel = []
    if auth.current_role() in auth.ID_PREFIX_ROLES["intraday-staffing"]:
        staffing_panel = [html.Div(dcc.Loading(html.Div(id="intraday-staffing-content")),
                                   className="panel")]
    return html.Div([
        html.H1(t("nav.intraday", lang)),
        html.Div([
            html.Div([html.Label(lbl("day", lang), htmlFor="intraday-day"),
                      dcc.DatePickerSingle(id="intraday-day", date=last,
                                           min_date_allowed=first, max_date_allowed=last,
                                           initial_visible_month=last, disabled_days=closed,
                                           display_format="YYYY-MM-DD",
                                           first_day_of_week=1)],
                     className="control", style={"minWidth": "160px"}),
            html.Div([html.Label(lbl("time", lang), htmlFor="intraday-time"),
                      dcc.Dropdown(id="intraday-time", options=_time_options(last, info, lang),
                                   value=LATEST, clearable=False)],
                     className="control", style={"minWidth": "220px"}),
        ], className="controls"),
        dcc.Interval(id="intraday-tick", interval=POLL_MS),
        dcc.Store(id="intraday-version", data=None),
        dcc.Loading(html.Div(id="intraday-content")),
        *staffing_panel,
    ])


# ------------------------------------------------------------------------------ figures
def _card(name: str, ind: pd.Series, lang: str) -> html.Div:
    status = ind["status"] or "no_data"
    so_far = format_metric(name, ind["so_far"], lang)
    band = (f"{lbl('band', lang)} {format_metric(name, ind['low'], lang)} – "
            f"{format_metric(name, ind['high'], lang)}")
    if name == "offered":
        target_text = lbl("morning_fc", lang).format(n=fmt_number(ind["threshold"], lang))
        status = "no_data"
    elif ind["comparison"] is None:
        target_text = lbl("no_target", lang)
    else:
        target_text = (f"{lbl('target', lang)} {ind['comparison']} "
                       f"{format_metric(name, ind['threshold'], lang)} "
                       f"({t('status.' + status, lang)})")
    return html.Div([
        html.Div(label(name, lang), className="card-title"),
        html.Div(format_metric(name, ind["projected"], lang), className="card-value"),
        html.Div(f"{lbl('projected', lang)} · {band}", className="card-target"),
        html.Div(f"{lbl('so_far', lang)} : {so_far}" if lang != "en"
                 else f"{lbl('so_far', lang)}: {so_far}", className="card-target"),
        html.Div(target_text, className="card-target"),
    ], className=f"card {status if status != 'no_data' else ''}".strip(),
        id=f"intraday-card-{'service_level' if name.startswith('service_level') else name}")


def _callback_card(projection, lang: str) -> html.Div:
    cb = projection.callbacks
    status = ""
    target_text = lbl("no_target", lang)
    if cb["comparison"] is not None:
        target_text = (f"{lbl('target', lang)} {label('callback_on_time_rate', lang, short=True)}"
                       f" {cb['comparison']} "
                       f"{format_metric('callback_on_time_rate', cb['threshold'], lang)}"
                       f" ({t('status.' + cb['status'], lang)})")
        status = cb["status"] if cb["status"] != "no_data" else ""
    return html.Div([
        html.Div(lbl("callbacks", lang), className="card-title"),
        html.Div(lbl("callbacks_value", lang).format(risk=fmt_number(cb["at_risk"], lang)),
                 className="card-value"),
        html.Div(lbl("callbacks_detail", lang).format(
            due=fmt_number(cb["due"], lang), on_time=fmt_number(cb["on_time"], lang),
            late=fmt_number(cb["late"], lang)), className="card-target"),
        html.Div(target_text, className="card-target"),
    ], className=f"card {status}".strip(), id="intraday-card-callbacks")


def calls_figure(view, lang: str) -> go.Figure:
    """Morning forecast of the whole day, actual calls so far, reforecast with bands."""
    rf = view.reforecast
    obs, rest = rf.observed, rf.table
    fig = go.Figure()
    for lo, hi, name, alpha in (("lo95", "hi95", "band95", 0.15), ("lo80", "hi80", "band80", 0.3)):
        fig.add_trace(go.Scatter(x=rest["period_start"], y=rest[hi], mode="lines",
                                 line={"width": 0}, showlegend=False, hovertemplate="%{y:,.0f}",
                                 name=f"{lbl(name, lang)} +"))
        fig.add_trace(go.Scatter(x=rest["period_start"], y=rest[lo], mode="lines",
                                 line={"width": 0}, fill="tonexty",
                                 fillcolor=f"rgba(230,126,34,{alpha})", name=lbl(name, lang),
                                 hovertemplate="%{y:,.0f}"))
    whole = pd.concat([obs[["period_start", "forecast"]], rest[["period_start", "forecast"]]])
    fig.add_trace(go.Scatter(x=whole["period_start"], y=whole["forecast"],
                             name=lbl("forecast", lang), mode="lines",
                             line={"color": "#1f5fa8", "dash": "dot"}, hovertemplate="%{y:,.1f}"))
    fig.add_trace(go.Bar(x=obs["period_start"], y=obs["actual"], name=lbl("actual", lang),
                         marker_color="#7f8c8d", hovertemplate="%{y:,.0f}"))
    fig.add_trace(go.Scatter(x=rest["period_start"], y=rest["reforecast"],
                             name=lbl("reforecast", lang), mode="lines+markers",
                             line={"color": "#e67e22"}, hovertemplate="%{y:,.1f}"))
    fig.add_vline(x=rf.cutoff, line={"color": "#c0392b", "dash": "dash", "width": 1})
    fig.update_layout(title=lbl("chart_calls", lang), bargap=0.15)
    style_figure(fig, lang, x_title=t("axis.halfhour", lang), y_title=lbl("axis_calls", lang),
                 height=360)
    fig.update_xaxes(tickformat="%H:%M", hoverformat="%H:%M")
    return fig


def staffing_figure(staffing, lang: str) -> go.Figure:
    """Net staffing bars (available − required: green over, red under) with the required,
    planned and logged-in advisors per interval."""
    tb = staffing.table
    fig = go.Figure()
    net = tb["net_staffing"].astype(float)
    fig.add_trace(go.Bar(x=tb["period_start"], y=net, name=lbl("net", lang),
                         marker_color=["#27ae60" if v >= 0 else "#c0392b" for v in net.fillna(0)],
                         hovertemplate="%{y:+,.1f}"))
    fig.add_trace(go.Scatter(x=tb["period_start"], y=tb["required"], name=lbl("required", lang),
                             mode="lines", line={"shape": "hv", "color": "#c0392b"},
                             hovertemplate="%{y:,.0f}"))
    fig.add_trace(go.Scatter(x=tb["period_start"], y=tb["planned"], name=lbl("planned", lang),
                             mode="lines", line={"shape": "hv", "color": "#1f5fa8",
                                                 "dash": "dash"}, hovertemplate="%{y:,.0f}"))
    if tb["logged_in"].notna().any():
        fig.add_trace(go.Scatter(x=tb["period_start"], y=tb["logged_in"],
                                 name=lbl("logged_in", lang), mode="markers",
                                 marker={"color": "#2c3e50", "size": 8},
                                 hovertemplate="%{y:,.1f}"))
    fig.update_layout(title=lbl("staffing", lang))
    style_figure(fig, lang, x_title=t("axis.halfhour", lang), y_title=t("axis.advisors", lang),
                 height=360)
    fig.update_xaxes(tickformat="%H:%M", hoverformat="%H:%M")
    return fig


def _hours(value: float, lang: str) -> str:
    return fmt_number(value, lang, 1)


def staffing_panel(staffing, lang: str) -> list:
    tb = staffing.table.copy()
    tb["period_start"] = tb["period_start"].dt.strftime("%H:%M")
    shrink = (fmt_rate(staffing.realised_shrinkage, lang)
              if pd.notna(staffing.realised_shrinkage) else MISSING)
    notes = [lbl("planned_stored" if staffing.planned_source == "stored"
                 else "planned_requirement", lang)]
    if not staffing.has_staffing:
        notes.append(lbl("no_staffing", lang))
    cols = {"period_start": "col_time", "calls": "col_calls", "required": "col_required",
            "planned": "col_planned", "logged_in": "col_logged", "net_staffing": "col_net",
            "shrinkage": "col_shrink"}

    def num(decimals):
        return lambda v, lg: MISSING if pd.isna(v) else fmt_number(v, lg, decimals)

    formats = {"calls": num(1), "required": num(0), "planned": num(0), "logged_in": num(1),
               "net_staffing": lambda v, lg: (MISSING if pd.isna(v)
                                              else fmt_number(v, lg, 1, signed=True)),
               "shrinkage": lambda v, lg: MISSING if pd.isna(v) else fmt_rate(v, lg)}
    return [
        dcc.Graph(id="intraday-staffing-graph", figure=staffing_figure(staffing, lang)),
        html.P(lbl("sums", lang).format(over=_hours(staffing.over_scheduled_h, lang),
                                        under=_hours(staffing.under_scheduled_h, lang),
                                        short=_hours(staffing.shortfall_h, lang), shrink=shrink),
               id="intraday-staffing-sums"),
        html.P(" ".join(notes), id="intraday-staffing-note"),
        html.Div(table(tb, lang, columns=list(cols), labels={c: lbl(k, lang)
                                                              for c, k in cols.items()},
                       formats=formats, id="intraday-staffing-table"), className="table-scroll"),
    ]


# ------------------------------------------------------------------------------ callbacks
@callback(
    Output("intraday-version", "data"),
    Input("intraday-tick", "n_intervals"),
    State("intraday-version", "data"),
)
def poll_snapshot(_n, seen):
    """The published snapshot's number; unchanged: nothing to redraw."""
    try:
        version = data.current().version()
    except data.WarehouseBusy:
        return no_update
    return no_update if version == seen else version


@callback(
    Output("intraday-time", "options"),
    Input("intraday-day", "date"),
    Input("intraday-version", "data"),
)
def update_times(day, _version):
    lang = current_lang()
    try:
        info = data.current().read(read_days)
    except data.WarehouseBusy:
        return no_update
    return _time_options(day[:10] if day else None, info, lang)


def _view(day, time):
    """The intraday view of the picked moment (None without calls); ValueError when the
    moment cannot be projected."""
    from analytics.intraday import pick_as_of

    wh = data.current()
    days = wh.read(read_days)
    if days.empty:
        return None
    return wh.read(read_intraday, pick_as_of(days, day, time))


@callback(
    Output("intraday-content", "children"),
    Input("intraday-version", "data"),
    Input("intraday-day", "date"),
    Input("intraday-time", "value"),
)
def update_content(_version, day, time):
    """The shared indicators and the projection (every role)."""
    auth.require_role_for("intraday-content")  # also checked by the guard in front
    lang = current_lang()
    try:
        view = _view(day, time)
    except data.WarehouseBusy:
        return message(t("busy", lang), "warn")
    except ValueError as exc:  # a day without calls, too little history...
        return message(lbl("cannot", lang).format(why=str(exc)), "warn", id="intraday-error")
    if view is None:
        return message(lbl("no_calls", lang), "warn", id="intraday-no-calls")
    p = view.projection
    ind = p.indicators.set_index("metric")
    cards = [_card(name, ind.loc[name], lang) for name in ind.index
             if name != "abandoned"]
    cards.append(_callback_card(p, lang))
    method = lbl("method", lang).format(cutoff=f"{p.cutoff:%H:%M}",
                                        factor=fmt_number(view.reforecast.factor, lang, 2))
    return [
        html.P(f"{p.day:%Y-%m-%d} · {p.as_of:%H:%M}", id="intraday-as-of",
               className="muted"),
        html.Div(cards, className="cards", id="intraday-cards",
                 style={"marginBottom": "12px"}),
        html.Div([dcc.Graph(id="intraday-calls-graph", figure=calls_figure(view, lang)),
                  html.P(method, id="intraday-method")], className="panel"),
    ]


@callback(
    Output("intraday-staffing-content", "children"),
    Input("intraday-version", "data"),
    Input("intraday-day", "date"),
    Input("intraday-time", "value"),
)
def update_staffing(_version, day, time):
    """Net staffing per interval (provider, planner, admin only)."""
    auth.require_role_for("intraday-staffing-content")
    lang = current_lang()
    try:
        view = _view(day, time)
    except data.WarehouseBusy:
        return message(t("busy", lang), "warn")
    except ValueError as exc:
        return message(lbl("cannot", lang).format(why=str(exc)), "warn",
                       id="intraday-staffing-error")
    if view is None:
        return message(lbl("no_calls", lang), "warn")
    return staffing_panel(view.staffing, lang)
