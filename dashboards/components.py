"""Small building blocks shared by the pages: role check, tables, messages, chart layout."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import flask
import pandas as pd
import plotly.graph_objects as go
from dash import html

from analytics.i18n import DEFAULT_LANG, LANGS, MISSING, fmt_number, plotly_separators, t
from dashboards import auth

# Columns that must never reach a page, whatever a reader returns.
FORBIDDEN_COLUMNS = frozenset({"caller_key", "caller", "caller_number", "phone", "ani"})


def current_lang() -> str:
    """The session's language, else the app's default (from the contract, else French)."""
    lang = flask.session.get("lang")
    if lang in LANGS:
        return lang
    return flask.current_app.config.get("COPIL_DEFAULT_LANG", DEFAULT_LANG)


def page_refusal(page: str, lang: str) -> html.Div | None:
    """A refusal message when the signed-in role may not open ``page``, else None."""
    role = auth.current_role()
    if role in auth.PAGE_ROLES[page]:
        return None
    return html.Div(t("forbidden", lang, role=role or "-"), className="refused",
                    id=f"{page}-refused")


def message(text: str, kind: str = "info", id: str | None = None) -> html.Div:
    kwargs = {"id": id} if id else {}
    return html.Div(text, className=f"message message-{kind}", **kwargs)


def _cell(value, lang: str, fmt: Callable | None):
    if fmt is not None:
        return fmt(value, lang)
    if value is None or value is pd.NA or value is pd.NaT or (
            isinstance(value, float) and pd.isna(value)):
        return MISSING
    if isinstance(value, pd.Timestamp | dt.datetime):
        if getattr(value, "tzinfo", None) is not None:
            value = value.tz_convert("UTC") if isinstance(value, pd.Timestamp) else value
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "✔" if value else ""
    if isinstance(value, int) or (isinstance(value, float) and float(value).is_integer()
                                  and abs(value) > 999):
        return fmt_number(value, lang)
    if isinstance(value, float):
        return fmt_number(value, lang, 2)
    return str(value)


def table(df: pd.DataFrame, lang: str, *, columns: Sequence[str] | None = None,
          labels: dict[str, str] | None = None, formats: dict[str, Callable] | None = None,
          id: str | None = None, row_class: Callable[[pd.Series], str] | None = None,
          max_rows: int = 500) -> html.Table:
    """An HTML table of ``df`` (labels translated via ``col.<name>`` unless given)."""
    columns = [c for c in (columns or list(df.columns)) if c not in FORBIDDEN_COLUMNS]
    labels = labels or {}
    formats = formats or {}

    def label(col: str) -> str:
        if col in labels:
            return labels[col]
        try:
            return t(f"col.{col}", lang)
        except KeyError:
            return col

    head = html.Thead(html.Tr([html.Th(label(c)) for c in columns]))
    rows = []
    for _, row in df.head(max_rows).iterrows():
        cls = row_class(row) if row_class else ""
        rows.append(html.Tr([html.Td(_cell(row[c], lang, formats.get(c))) for c in columns],
                            className=cls))
    kwargs = {"id": id} if id else {}
    return html.Table([head, html.Tbody(rows)], className="table", **kwargs)


def style_figure(fig: go.Figure, lang: str, *, x_title: str, y_title: str,
                 height: int = 320) -> go.Figure:
    """Axis titles (with units), language-aware number separators, compact margins."""
    fig.update_layout(
        separators=plotly_separators(lang),
        height=height,
        margin={"l": 60, "r": 20, "t": 40, "b": 60},
        xaxis_title=x_title,
        yaxis_title=y_title,
        hovermode="x unified",
        legend={"orientation": "h", "y": -0.32, "yanchor": "top"},
        template="plotly_white",
    )
    return fig
