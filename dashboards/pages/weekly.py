"""Weekly review (client and provider): KPI cards, trends, where the week went wrong,
gaps, operator reconciliation, agent detail (provider side only) and the actions log."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update, register_page
from dash.exceptions import PreventUpdate
from flask_login import current_user

from analytics import series
from analytics.bounds import check_week
from analytics.i18n import MISSING, catalog_text, t
from analytics.metrics import Metric, format_metric, label, metric, target_status
from analytics.targets import line_target, service_level_threshold
from dashboards import auth, data
from dashboards.charts import (
    day_labels,
    empty_figure,
    intraday_heatmap,
    trend_figure,
    trim_empty_weeks,
    volume_figure,
)
from dashboards.components import current_lang, message, page_refusal, table

register_page(__name__, path="/weekly", name="Weekly", order=1)


L = {
    "queues": {"fr": "Files (toutes si vide)", "en": "Queues (all when empty)"},
    "target": {"fr": "objectif", "en": "target"},
    "no_target": {"fr": "pas d'objectif au contrat", "en": "no contract target"},
    "vs_prev": {"fr": "vs semaine précédente", "en": "vs previous week"},
    "trend_rates": {"fr": "Taux sur 13 semaines (pointillés : objectifs)",
                    "en": "Rates over 13 weeks (dotted: targets)"},
    "trend_waits": {"fr": "Attentes et traitement sur 13 semaines (pointillés : objectifs)",
                    "en": "Waits and handling over 13 weeks (dotted: targets)"},
    "daily": {"fr": "Jour par jour", "en": "Day by day"},
    "intraday": {"fr": "Attente moyenne par demi-heure (survol : appels)",
                 "en": "Average wait per half hour (hover: calls)"},
    "gaps": {"fr": "Écarts aux objectifs", "en": "Gaps to targets"},
    "recon": {"fr": "Rapprochement avec l'opérateur", "en": "Operator reconciliation"},
    "agents": {"fr": "Détail par conseiller (prestataire)", "en": "Per advisor (provider)"},
    "action_text": {"fr": "Nouvelle action", "en": "New action"},
    "add": {"fr": "Ajouter", "en": "Add"},
    "report": {"fr": "Rapport de la semaine (HTML)", "en": "Week report (HTML)"},
    "calls": {"fr": "appels", "en": "calls"},
    "no_week": {"fr": "Pas encore de semaine complète dans l'entrepôt.",
                "en": "No complete week in the warehouse yet."},
    "no_gap": {"fr": "Aucun écart : tous les objectifs mesurés sont atteints.",
               "en": "No gap: every measured target is met."},
    "no_callbacks": {"fr": "aucun rappel dû", "en": "no callback due"},
    "text_required": {"fr": "Écrivez le texte de l'action.", "en": "Write the action's text."},
    "gap.metric": {"fr": "indicateur", "en": "indicator"},
    "gap.target": {"fr": "objectif", "en": "target"},
    "gap.actual": {"fr": "réalisé", "en": "actual"},
    "gap.shortfall": {"fr": "écart", "en": "shortfall"},
    "gap.days": {"fr": "jours en défaut", "en": "days that missed"},
    "gap.worst_abandoned": {"fr": "pires demi-heures (abandons/présentés)",
                            "en": "worst half hours (abandoned/offered)"},
    "gap.worst_wait": {"fr": "pires demi-heures (attente)", "en": "worst half hours (wait)"},
    "col.text": {"fr": "action", "en": "action"},
}


def lbl(key: str, lang: str) -> str:
    return catalog_text(L, key, lang)


# ---------------------------------------------------------------- readers (cached per week)

def read_weeks(con) -> dict:
    """Weeks with calls (newest first), the default week and the queues."""
    from analytics.kpis import data_range, last_complete_week
    from analytics.line_calendar import line_calendar
    from analytics.periods import week_label

    rng = data_range(con)
    queues = series.queues(con)
    if rng is None:
        return {"weeks": [], "default": None, "queues": queues}
    first, last = rng
    cal = line_calendar(con)
    start = cal.week_first_day(first)
    weeks = []
    while start <= last:
        weeks.append(week_label(start, cal.week_start))
        start += dt.timedelta(days=7)
    default = last_complete_week(con) or weeks[-1]
    return {"weeks": weeks[::-1], "default": default, "queues": queues}


def read_week_trend(con, week: str, queues: tuple[str, ...] | None):
    """The week's review (:func:`analytics.review.week_review`: the week's KPIs, its
    13-week trend and its days, targets, campaigns, forecast accuracy, staffing)."""
    from analytics.review import week_review

    return week_review(con, week, queues=queues)


def read_week_detail(con, week: str, queues: tuple[str, ...] | None) -> dict:
    """Half-hourly KPIs of ``week``."""
    from analytics.kpis import kpis, resolve_contract
    from analytics.line_calendar import line_week

    week = check_week(con, week)
    contract = resolve_contract(con, None)
    w = line_week(con, week)
    monday, sunday = w.first, w.last
    q = list(queues) if queues else None
    return {"intraday": kpis(con, period="interval", interval_minutes=30, start=monday,
                             end=sunday, queues=q, contract=contract)}


def read_gaps(con, week: str, queues: tuple[str, ...] | None) -> pd.DataFrame:
    from analytics.kpis import resolve_contract
    from analytics.targets import week_gaps

    week = check_week(con, week)
    return week_gaps(con, resolve_contract(con, None), week, queues=list(queues) if queues else None)


def read_reconciliation(con, week: str) -> pd.DataFrame:
    from analytics.line_calendar import line_week
    from analytics.reconcile import reconcile

    week = check_week(con, week)
    w = line_week(con, week)
    return reconcile(con, period="day", start=w.first, end=w.last)


def read_agents(con, week: str, queues: tuple[str, ...] | None) -> pd.DataFrame:
    from analytics.kpis import kpis
    from analytics.line_calendar import line_week

    week = check_week(con, week)
    w = line_week(con, week)
    df = kpis(con, period="week", start=w.first, end=w.last, by="agent",
              queues=list(queues) if queues else None)
    return df[df["answered"] > 0].sort_values("answered", ascending=False)


def read_actions(con) -> pd.DataFrame:
    from analytics.actions import list_actions

    return list_actions(con)


# ---------------------------------------------------------------------------- layout

def layout(week: str | None = None, **_kwargs):
    lang = current_lang()
    refusal = page_refusal("weekly", lang)
    if refusal is not None:
        return refusal
    try:
        info = data.current().read(read_weeks)
    except data.WarehouseBusy:
        return message(t("busy", lang), "warn")
    if not info["weeks"]:
        return html.Div([html.H1(t("nav.weekly", lang)), message(lbl("no_week", lang), "warn",
                                                              id="weekly-empty")])
    value = week if week in info["weeks"] else info["default"]
    role = auth.current_role()
    agent_panel = []
    if role in auth.ID_PREFIX_ROLES["weekly-agent"]:
        agent_panel = [html.Div([html.H2(lbl("agents", lang)),
                                 html.Div(id="weekly-agent-table", className="table-scroll")],
                                className="panel")]
    owners = [{"label": t(f"owner.{o}", lang), "value": o} for o in ("client", "provider")]
    return html.Div([
        html.H1(t("nav.weekly", lang)),
        html.Div([
            html.Div([html.Label(t("week", lang), htmlFor="weekly-week"),
                      dcc.Dropdown(id="weekly-week", options=info["weeks"], value=value,
                                   clearable=False, persistence=True,
                                   persistence_type="session")], className="control"),
            html.Div([html.Label(lbl("queues", lang), htmlFor="weekly-queues"),
                      dcc.Dropdown(id="weekly-queues", options=info["queues"], multi=True,
                                   value=[], persistence=True, persistence_type="session")],
                     className="control"),
            html.A(lbl("report", lang), id="weekly-report-link", className="button",
                   href=f"/download/weekly-report?week={value}&lang={lang}"),
        ], className="controls"),
        dcc.Loading(html.Div(id="weekly-cards", className="cards")),
        html.Div([
            html.Div(dcc.Graph(id="weekly-trend-rates"), className="panel"),
            html.Div(dcc.Graph(id="weekly-trend-waits"), className="panel"),
        ], className="grid2"),
        html.Div([
            html.Div(dcc.Graph(id="weekly-daily"), className="panel"),
            html.Div(dcc.Graph(id="weekly-intraday"), className="panel"),
        ], className="grid2"),
        html.Div([html.H2(lbl("gaps", lang)), html.Div(id="weekly-gaps", className="table-wide")],
                 className="panel"),
        html.Div([html.H2(lbl("recon", lang)),
                  html.Div(id="weekly-recon", className="table-scroll table-wide")],
                 className="panel"),
        *agent_panel,
        html.Div([
            html.H2(t("actions", lang)),
            html.Div([
                dcc.Input(id="weekly-action-text", type="text", placeholder=lbl("action_text", lang),
                          style={"flex": "1", "minWidth": "300px"}),
                html.Div(dcc.Dropdown(id="weekly-action-owner", options=owners, value="provider",
                                      clearable=False), style={"width": "160px"}),
                html.Div(dcc.DatePickerSingle(id="weekly-action-due", placeholder=t("due", lang),
                                              display_format="YYYY-MM-DD"),
                         className="due-picker"),
                html.Button(lbl("add", lang), id="weekly-action-add"),
            ], className="controls"),
            html.Div(id="weekly-action-message"),
            dcc.Store(id="weekly-actions-version", data=0),
            html.Div(id="weekly-actions"),
        ], className="panel"),
    ])


# ------------------------------------------------------------------------- callbacks

def _queues(value) -> tuple[str, ...] | None:
    return tuple(sorted(value)) if value else None


def _value(row, name):
    if row is None or name not in row.index:
        return None
    value = row[name]
    return None if pd.isna(value) else float(value)


def card_metrics(service_level_threshold_s: int) -> list[Metric]:
    """The weekly KPI cards after the offered-calls card, in display order."""
    return [metric(name) for name in (
        "pickup_rate", f"service_level_{service_level_threshold_s}s", "asa_s", "wait_p90_s",
        "abandon_rate", "aht_s", "callback_on_time_rate")]


def kpi_cards(review, lang: str) -> list:
    """The week's cards from its review: value, target and status, change vs the week
    before."""
    contract = review.contract
    this = review.row()
    prev = review.row(review.previous_week)
    cards = []
    for card in card_metrics(service_level_threshold(contract)):
        actual = _value(this, card.name)
        before = _value(prev, card.name)
        target = line_target(contract, card.name, list(review.queues or []))
        status = ("none" if target is None
                  else target_status(actual, target.comparison, target.threshold))
        delta = actual - before if actual is not None and before is not None else None
        target_text = (f"{lbl('target', lang)} {target.comparison} "
                       f"{card.format(target.threshold, lang)}"
                       if target is not None else lbl("no_target", lang))
        value_text = card.format(actual, lang)
        if (card.name == "callback_on_time_rate" and this is not None
                and int(this["callbacks_due"]) == 0):
            value_text = MISSING
            target_text += f" ({lbl('no_callbacks', lang)})"
        cards.append(html.Div([
            html.Div(card.label(lang), className="card-title"),
            html.Div(value_text, className="card-value"),
            html.Div(target_text, className="card-target"),
            html.Div(f"{card.format_delta(delta, lang)} {lbl('vs_prev', lang)}",
                     className="card-delta " + _direction(card, delta)),
        ], className=f"card {status}", id=f"weekly-card-{card.name}"))
    offered = int(this["offered"]) if this is not None else 0
    cards.insert(0, html.Div([
        html.Div(label("offered", lang), className="card-title"),
        html.Div(format_metric("offered", offered, lang), className="card-value"),
        html.Div(lbl("calls", lang), className="card-target"),
        html.Div(f"{_delta_count(this, prev, lang)} {lbl('vs_prev', lang)}", className="card-delta"),
    ], className="card", id="weekly-card-offered"))
    return cards


def _direction(card: Metric, delta) -> str:
    if delta is None or delta == 0 or card.direction == "neither":
        return ""
    return "better" if (delta > 0) == (card.direction == "higher") else "worse"


def _delta_count(this, prev, lang):
    if this is None or prev is None:
        return MISSING
    return metric("offered").format_delta(int(this["offered"]) - int(prev["offered"]), lang)


@callback(
    Output("weekly-cards", "children"),
    Output("weekly-trend-rates", "figure"),
    Output("weekly-trend-waits", "figure"),
    Output("weekly-report-link", "href"),
    Input("weekly-week", "value"),
    Input("weekly-queues", "value"),
)
def update_kpis(week, queues):
    """KPI cards (target, status, change vs previous week) and the 13-week trends."""
    lang = current_lang()
    problem = _problem(week, lang)
    if problem:
        empty = empty_figure(problem, lang)
        return message(problem, "warn"), empty, empty, no_update
    try:
        review = data.current().read(read_week_trend, week, _queues(queues))
    except data.WarehouseBusy:
        empty = empty_figure(t("busy", lang), lang)
        return message(t("busy", lang), "warn"), empty, empty, no_update
    except ValueError as exc:  # not a week, or outside the data (analytics.bounds)
        empty = empty_figure(str(exc), lang)
        return message(str(exc), "warn"), empty, empty, no_update
    _prefetch_neighbours(week, _queues(queues))
    contract, q = review.contract, list(queues or [])
    weekly = trim_empty_weeks(review.trend)
    sl = f"service_level_{service_level_threshold(contract)}s"
    cards = kpi_cards(review, lang)
    rates = trend_figure(weekly, contract, lang, [metric(m) for m in (
        "pickup_rate", sl, "abandon_rate", "callback_on_time_rate")],
        title=lbl("trend_rates", lang), queues=q)
    waits = trend_figure(weekly, contract, lang, [metric(m) for m in (
        "asa_s", "wait_p90_s", "aht_s")], title=lbl("trend_waits", lang), queues=q)
    return cards, rates, waits, f"/download/weekly-report?week={week}&lang={lang}"


@callback(
    Output("weekly-daily", "figure"),
    Output("weekly-intraday", "figure"),
    Input("weekly-week", "value"),
    Input("weekly-queues", "value"),
)
def update_detail(week, queues):
    """Where the week went wrong: day by day, and the wait per half hour."""
    lang = current_lang()
    problem = _problem(week, lang)
    if problem:
        empty = empty_figure(problem, lang)
        return empty, empty
    try:
        daily = data.current().read(read_week_trend, week, _queues(queues)).daily
        intra = data.current().read(read_week_detail, week, _queues(queues))["intraday"]
    except data.WarehouseBusy:
        empty = empty_figure(t("busy", lang), lang)
        return empty, empty
    except ValueError as exc:  # not a week, or outside the data (analytics.bounds)
        empty = empty_figure(str(exc), lang)
        return empty, empty
    day_fig = volume_figure(daily, lang, x=day_labels(daily["period_start"], lang),
                            x_title=t("axis.day", lang), title=lbl("daily", lang))
    if int(intra["offered"].sum()) == 0:
        intra_fig = empty_figure(t("no_data", lang), lang)
    else:
        intra_fig = intraday_heatmap(intra, lang, title=lbl("intraday", lang))
    return day_fig, intra_fig


def _prefetch_neighbours(week: str, queues: tuple[str, ...] | None) -> None:
    """Warm the cache for the weeks before and after ``week`` (the meeting steps through)."""
    from analytics.periods import parse_week, week_days, week_label

    wh = data.current()
    monday = week_days(parse_week(week))[0]     # labels step the same way whatever the start
    for step in (-7, 7):
        other = week_label(monday + dt.timedelta(days=step))
        for reader in (read_week_trend, read_week_detail, read_gaps, read_agents):
            wh.prefetch(reader, other, queues)
        wh.prefetch(read_reconciliation, other)


def _problem(week, lang: str) -> str | None:
    """Why the week's KPIs cannot be shown (no week), else None. A week that is not a week
    or lies outside the data is refused by the readers (ValueError or
    :class:`analytics.bounds.PeriodOutsideData`: :func:`analytics.bounds.check_week`), and
    each callback shows the reason."""
    if not week:
        return lbl("no_week", lang)
    return None


def _slot(stamp: str, lang: str) -> str:
    """``'2026-11-09T10:30'`` -> ``'lun. 09/11 10:30'``."""
    moment = pd.Timestamp(stamp)
    return f"{day_labels([moment.date()], lang)[0]} {moment:%H:%M}"


ATTRIBUTION_PARTS = ("forecast_error", "aht_drift", "staffing_gap", "remainder")


def format_gaps(gaps: pd.DataFrame, lang: str, attribution=None) -> pd.DataFrame:
    """One row per missed target: metric, target, actual, shortfall (in the metric's unit),
    its split into forecast error, handle-time drift, staffing gap and remainder (from the
    week review's ``attribution``, :mod:`analytics.review.attribution`; line-wide targets),
    the days that missed it and the worst half hours (abandons, waiting time)."""
    split = {}
    if attribution is not None and attribution.reason is None:
        split = {r.metric: r for r in attribution.week_rows().itertuples()}
    rows = []
    for gap in gaps.itertuples():
        gap_metric = metric(str(gap.metric))
        parts = split.get(gap.metric) if not isinstance(gap.queue, str) else None

        def fmt(value, delta=False, _m=gap_metric):
            return _m.format_delta(value, lang) if delta else _m.format(value, lang)

        days = ", ".join(f"{day_labels([d['day']], lang)[0]} ({fmt(d['actual'])})"
                         for d in (gap.days or [])[:4])
        aband = ", ".join(f"{_slot(i['interval'], lang)} ({i['abandoned']}/{i['offered']})"
                          for i in (gap.worst_intervals_abandoned or []))
        wait = ", ".join(f"{_slot(i['interval'], lang)} "
                         f"({format_metric('wait_all_mean_s', i['wait_all_mean_s'], lang)})"
                         for i in (gap.worst_intervals_wait or []))
        rows.append({
            "metric": gap_metric.label(lang),
            "target": f"{gap.comparison} {fmt(gap.threshold)}",
            "actual": fmt(gap.actual),
            "shortfall": fmt(gap.shortfall, delta=True).lstrip("+"),
            **{p: fmt(getattr(parts, p), delta=True) if parts is not None else MISSING
               for p in ATTRIBUTION_PARTS},
            "days": days or MISSING,
            "worst_abandoned": aband or MISSING,
            "worst_wait": wait or MISSING,
        })
    return pd.DataFrame(rows)


@callback(Output("weekly-gaps", "children"), Input("weekly-week", "value"),
          Input("weekly-queues", "value"))
def update_gaps(week, queues):
    lang = current_lang()
    if not week:
        return message(lbl("no_week", lang))
    try:
        gaps = data.current().read(read_gaps, week, _queues(queues))
    except data.WarehouseBusy:
        return message(t("busy", lang), "warn")
    except ValueError as exc:  # not a week, or outside the data (analytics.bounds)
        return message(str(exc), "warn")
    if gaps is None or gaps.empty:
        contract_has_targets = bool(data.current().read(_contract_targets))
        return message(lbl("no_gap", lang) if contract_has_targets else t("no_targets", lang),
                       id="weekly-gaps-none")
    try:
        attribution = data.current().read(read_week_trend, week, _queues(queues)).attribution
    except (data.WarehouseBusy, ValueError):
        attribution = None
    labels = {k: lbl(f"gap.{k}", lang) for k in ("metric", "target", "actual", "shortfall",
                                                   "days", "worst_abandoned", "worst_wait")}
    labels.update({p: t(f"attr.{p}", lang) for p in ATTRIBUTION_PARTS})
    note = (t("attr_note", lang) if attribution is not None and attribution.reason is None
            else t("attr_none", lang))
    return html.Div([table(format_gaps(gaps, lang, attribution), lang, labels=labels,
                           id="weekly-gaps-table"),
                     html.P(note, className="note", id="weekly-gaps-attribution-note")])


def _contract_targets(con) -> int:
    from analytics.kpis import resolve_contract

    return len(resolve_contract(con, None).targets)


@callback(Output("weekly-recon", "children"), Input("weekly-week", "value"))
def update_reconciliation(week):
    lang = current_lang()
    if not week:
        return message(lbl("no_week", lang))
    try:
        recon = data.current().read(read_reconciliation, week)
    except data.WarehouseBusy:
        return message(t("busy", lang), "warn")
    except ValueError as exc:  # not a week, or outside the data (analytics.bounds)
        return message(str(exc), "warn")
    if recon.empty or "operator_offered" not in recon or recon["operator_offered"].isna().all():
        return message(t("no_operator_week", lang), id="weekly-recon-none")
    pct = {c: (lambda v, lg, _c=c: format_metric(_c, v, lg))
           for c in ("offered_gap_rate", "handled_gap_rate")}
    cols = [c for c in ("period_start", "queue", "operator_offered", "offered", "offered_gap",
                        "offered_gap_rate", "operator_handled", "answered", "handled_gap",
                        "handled_gap_rate", "flagged") if c in recon.columns]
    texts = {"period_start": "day", "queue": "queue", "offered": "prov_offered",
             "answered": "prov_answered", "flagged": "flagged"}
    labels = {c: t(texts[c], lang) if c in texts else label(c, lang) for c in cols}
    recon = recon.assign(period_start=day_labels(recon["period_start"], lang))
    return table(recon, lang, columns=cols, formats=pct, labels=labels, id="weekly-recon-table",
                 row_class=lambda r: "flagged" if bool(r.get("flagged")) else "")


@callback(Output("weekly-agent-table", "children"), Input("weekly-week", "value"),
          Input("weekly-queues", "value"))
def update_agents(week, queues):
    auth.require_role_for("weekly-agent-table")  # also checked by the guard in front
    lang = current_lang()
    if not week:
        return message(lbl("no_week", lang))
    try:
        agents = data.current().read(read_agents, week, _queues(queues))
    except data.WarehouseBusy:
        return message(t("busy", lang), "warn")
    except ValueError as exc:  # not a week, or outside the data (analytics.bounds)
        return message(str(exc), "warn")
    if agents.empty:
        return message(t("no_data", lang))
    cols = ["agent", "answered", "aht_s", "talk_mean_s", "transfer_rate", "asa_s"]
    labels = {"agent": "agent", **{c: label(c, lang, short=True) for c in cols[1:]}}
    formats = {c: (lambda v, lg, _c=c: format_metric(_c, v, lg)) for c in cols[1:]}
    return table(agents, lang, columns=[c for c in cols if c in agents.columns], labels=labels,
                 formats=formats, id="weekly-agent-rows")


def actions_table(actions: pd.DataFrame, lang: str):
    if actions.empty:
        return message(t("no_actions", lang), id="weekly-actions-none")
    statuses = [{"label": t(f"action.{s}", lang), "value": s} for s in ("open", "done", "dropped")]
    head = html.Thead(html.Tr([html.Th(x) for x in (
        "n°", t("week", lang), lbl("col.text", lang), t("owner", lang), t("due", lang),
        t("col.status", lang))]))
    rows = []
    for _, a in actions.iterrows():
        due = a.get("due_date")
        rows.append(html.Tr([
            html.Td(str(a["action_id"])),
            html.Td(a.get("week") or MISSING),
            html.Td(a["text"]),
            html.Td(t(f"owner.{a['owner']}", lang) if a["owner"] in ("client", "provider")
                    else a["owner"]),
            html.Td(MISSING if due is None or pd.isna(due) else str(pd.Timestamp(due).date())),
            html.Td(dcc.Dropdown(id={"type": "weekly-action-status", "index": int(a["action_id"])},
                                 options=statuses, value=a["status"], clearable=False,
                                 style={"minWidth": "130px"})),
        ]))
    return html.Table([head, html.Tbody(rows)], className="table", id="weekly-actions-table")


@callback(
    Output("weekly-actions", "children"),
    Output("weekly-action-message", "children"),
    Output("weekly-action-text", "value"),
    Input("weekly-action-add", "n_clicks"),
    Input("weekly-actions-version", "data"),
    State("weekly-action-text", "value"),
    State("weekly-action-owner", "value"),
    State("weekly-action-due", "date"),
    State("weekly-week", "value"),
)
def update_actions(_add, _version, text, owner, due, week):
    """Add an action (button) and show the shared list, read back from the warehouse."""
    lang = current_lang()
    wh = data.current()
    note, text_out = None, no_update
    try:
        if ctx.triggered_id == "weekly-action-add":
            if not text or not text.strip():
                note = message(lbl("text_required", lang), "warn")
            else:
                from analytics.actions import add_action

                wh.write(add_action, text.strip(), owner or "provider",
                         due_date=due[:10] if due else None, week=week,
                         author=getattr(current_user, "name", None))
                text_out = ""
        actions = wh.read(read_actions)
    except data.WarehouseBusy:
        return message(t("busy", lang), "warn"), None, no_update
    except ValueError as exc:  # refused by analytics.actions: say why
        return no_update, message(str(exc), "warn"), no_update
    return actions_table(actions, lang), note, text_out


@callback(
    Output("weekly-actions-version", "data"),
    Input({"type": "weekly-action-status", "index": ALL}, "value"),
    State("weekly-actions-version", "data"),
    prevent_initial_call=True,
)
def update_action_status(_statuses, version):
    """Store a status chosen in the list; bumps the version so the list is read again.

    Re-rendering the list re-creates the dropdowns, which fires this callback with the
    stored values: nothing differs then, so nothing is written and the loop stops here.
    """
    wh = data.current()
    current = wh.read(read_actions).set_index("action_id")["status"]
    changed = [(item["id"]["index"], item["value"]) for item in ctx.inputs_list[0]
               if item.get("value") and item["id"]["index"] in current.index
               and current[item["id"]["index"]] != item["value"]]
    if not changed:
        raise PreventUpdate
    from analytics.actions import set_action_status

    for action_id, status in changed:
        wh.write(set_action_status, int(action_id), status, by=getattr(current_user, "name", None))
    return (version or 0) + 1
