"""Data page (admin): ingestion runs, row counts, freshness, quarantine, missing days."""

from __future__ import annotations

import pandas as pd
from dash import Input, Output, callback, html, register_page

from analytics import datahealth
from dashboards import auth, data
from dashboards.components import current_lang, message, page_refusal, table
from dashboards.i18n import t

register_page(__name__, path="/data", name="Data", order=4)

DATA_KINDS = ("calls", "operator", "callbacks", "campaigns", "staffing")


def layout(**_kwargs):
    lang = current_lang()
    refusal = page_refusal("data", lang)
    if refusal is not None:
        return refusal
    return html.Div([
        html.H1(t("data.title", lang), id="data-title"),
        html.Div(html.Button("↻", id="data-refresh", title="refresh"), className="controls"),
        html.Div(id="data-content"),
    ])


def _missing_summary(missing: pd.DataFrame) -> pd.DataFrame:
    """Missing days grouped into runs of consecutive days (first, last, count) per source."""
    if missing.empty:
        return pd.DataFrame(columns=["kind", "source", "first_missing", "last_missing", "days"])
    df = missing.sort_values(["kind", "source", "day"]).copy()
    day = pd.to_datetime(df["day"])
    new_run = (day.diff().dt.days != 1) | (df["kind"] != df["kind"].shift()) | (
        df["source"] != df["source"].shift())
    df["run"] = new_run.cumsum()
    out = df.groupby("run").agg(kind=("kind", "first"), source=("source", "first"),
                                first_missing=("day", "min"), last_missing=("day", "max"),
                                days=("day", "size"))
    return out.reset_index(drop=True)


def data_content(lang: str) -> list:
    """The page body for ``lang`` (read through the request's warehouse)."""
    wh = data.current()
    counts = wh.read(datahealth.row_counts)
    fresh = wh.read(datahealth.freshness)
    runs = wh.read(datahealth.ingest_runs)
    reasons = wh.read(datahealth.quarantine_reasons)
    rows = wh.read(datahealth.quarantine_rows)
    missing = _missing_summary(wh.read(datahealth.missing_days))

    present = set(fresh["kind"]) if not fresh.empty else set()
    absent = [t(f"kind.{k}", lang) for k in DATA_KINDS if k not in present]
    kind_label = {k: t(f"kind.{k}", lang) for k in DATA_KINDS}
    fresh, missing, runs, reasons, rows = (
        df.assign(kind=df["kind"].map(kind_label).fillna(df["kind"]))
        for df in (fresh, missing, runs, reasons, rows))

    body = []
    if absent:
        body.append(message(t("data.missing_kinds", lang, kinds=", ".join(absent)), "warn",
                            id="data-absent"))
    body += [
        html.Div([
            html.Div([html.H2(t("data.counts", lang)), table(counts, lang, id="data-counts")],
                     className="panel"),
            html.Div([html.H2(t("data.freshness", lang)),
                      table(fresh, lang, id="data-freshness") if not fresh.empty
                      else message(t("no_data", lang))], className="panel"),
        ], className="grid2"),
        html.Div([html.H2(t("data.missing", lang)),
                  html.Div(table(missing, lang, id="data-missing"), className="table-scroll")
                  if not missing.empty else message(t("data.no_missing", lang),
                                                    id="data-missing")],
                 className="panel"),
        html.Div([html.H2(t("data.runs", lang)),
                  html.Div(table(runs, lang, id="data-runs"), className="table-scroll")
                  if not runs.empty else message(t("data.no_runs", lang), id="data-runs")],
                 className="panel"),
        html.Div([html.H2(t("data.quarantine", lang)),
                  table(reasons, lang, id="data-reasons") if not reasons.empty
                  else message(t("data.no_quarantine", lang), id="data-reasons"),
                  html.Div(table(rows, lang, id="data-quarantine"), className="table-scroll")
                  if not rows.empty else None],
                 className="panel"),
    ]
    return body


@callback(Output("data-content", "children"), Input("data-refresh", "n_clicks"))
def update_data(_n_clicks):
    auth.require_role_for("data-content")  # also checked by the guard in front
    lang = current_lang()
    try:
        return data_content(lang)
    except data.WarehouseBusy:
        return message(t("busy", lang), "warn")
