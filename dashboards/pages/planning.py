"""Planning (provider planners): forecast with prediction bands, campaign what-if, Erlang C /
Erlang A requirements per interval, shift coverage, CSV downloads."""

from __future__ import annotations

from dash import Input, Output, callback, dcc, html, register_page

from dashboards.components import current_lang, message, page_refusal
from dashboards.i18n import t
from dashboards.planning_model import missing_modules

register_page(__name__, path="/planning", name="Planning", order=3)

L = {
    "title": {"fr": "Planification", "en": "Planning"},
    "weeks": {"fr": "Horizon (semaines)", "en": "Horizon (weeks)"},
}


def lbl(key: str, lang: str) -> str:
    return L[key]["en" if lang == "en" else "fr"]


def layout(**_kwargs):
    lang = current_lang()
    refusal = page_refusal("planning", lang)
    if refusal is not None:
        return refusal
    return html.Div([
        html.H1(lbl("title", lang)),
        html.Div([html.Div([html.Label(lbl("weeks", lang), htmlFor="planning-weeks"),
                            dcc.Dropdown(id="planning-weeks", options=[2, 4, 6, 8], value=4,
                                         clearable=False)], className="control")],
                 className="controls"),
        html.Div(id="planning-content"),
    ])


@callback(Output("planning-content", "children"), Input("planning-weeks", "value"))
def update_planning(weeks):
    lang = current_lang()
    missing = missing_modules()
    if missing:
        return message(t("not_available", lang, what=", ".join(missing)), "warn",
                       id="planning-unavailable")
    return message(t("not_available", lang, what="planning"), "warn", id="planning-unavailable")
