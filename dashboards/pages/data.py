"""Data page (admin): the figures of ``copil health`` (analytics.health) and the load details."""

from __future__ import annotations

from dash import Input, Output, callback, html, register_page

from analytics.health import (
    KINDS,
    data_health,
    ingest_runs,
    missing_runs,
    quarantine_rows,
    row_counts,
    today_local,
)
from analytics.i18n import t
from analytics.warehouse import line_timezone
from dashboards import auth, data
from dashboards.components import current_lang, message, page_refusal, table

register_page(__name__, path="/data", name="Data", order=4)

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


def data_content(lang: str) -> list:
    """The page body for ``lang``: :func:`analytics.health.data_health` (the figures of
    ``copil health``) and the warehouse's details (read through the request's warehouse)."""
    wh = data.current()
    health = wh.read(data_health, as_of=today_local(wh.read(line_timezone)))
    counts = wh.read(row_counts)
    runs = wh.read(ingest_runs)
    rows = wh.read(quarantine_rows)

    fresh = health.sources
    present = set(fresh.loc[fresh["row_count"] > 0, "kind"])
    absent = [t(f"kind.{k}", lang) for k in KINDS if k not in present]
    kind_label = {k: t(f"kind.{k}", lang) for k in KINDS}
    fresh = fresh.assign(status=[t(f"data.status.{v}", lang) for v in fresh["status"]])
    missing, runs, reasons, rows = (
        df.assign(kind=df["kind"].map(kind_label).fillna(df["kind"]))
        for df in (missing_runs(health.missing_days), runs, health.quarantine, rows))
    fresh = fresh.assign(kind=fresh["kind"].map(kind_label).fillna(fresh["kind"]))

    body = [
        message(t("data.calendar", lang, text=health.calendar.describe()), id="data-calendar"),
        message(t("data.as_of", lang, day=health.as_of.isoformat()) + " "
                + (t("data.ok", lang) if health.ok
                   else t("data.problems", lang, n=int((health.sources["status"] != "ok")
                                                       .sum()))),
                "info" if health.ok else "warn", id="data-status"),
    ]
    if absent:
        body.append(message(t("data.missing_kinds", lang, kinds=", ".join(absent)), "warn",
                            id="data-absent"))
    body += [
        html.Div([html.H2(t("data.freshness", lang)),
                  table(fresh, lang, id="data-freshness",
                        row_class=lambda r: "flagged" if bool(r["stale"]) or r["missing_days"]
                        else "")
                  if not fresh.empty else message(t("no_data", lang))],
                 className="panel"),
        html.Div([html.H2(t("data.missing", lang)),
                  html.Div(table(missing, lang, id="data-missing"), className="table-scroll")
                  if not missing.empty else message(t("data.no_missing", lang),
                                                    id="data-missing")],
                 className="panel"),
        html.Div([html.H2(t("data.counts", lang)), table(counts, lang, id="data-counts")],
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
