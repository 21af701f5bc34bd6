"""Plotly figures shared by the review pages (axis titles with units, exact hover values)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboards.components import style_figure
from dashboards.i18n import t
from dashboards.metrics import Metric, line_target

COLORS = ["#1f5fa8", "#e67e22", "#c0392b", "#27ae60", "#8e44ad"]


def trend_figure(weekly: pd.DataFrame, contract, lang: str, metrics: list[Metric], *,
                 title: str, queues: list[str] | None = None) -> go.Figure:
    """Weekly lines of ``metrics`` (all rates or all seconds) with dotted target lines."""
    unit = metrics[0].unit
    x = pd.to_datetime(weekly["period_start"])
    fig = go.Figure()
    hover = "%{y:.1%}" if unit == "rate" else "%{y:.0f} s"
    for i, metric in enumerate(metrics):
        color = COLORS[i % len(COLORS)]
        fig.add_trace(go.Scatter(x=x, y=weekly[metric.name].astype(float), name=metric.label(lang),
                                 mode="lines+markers", line={"color": color},
                                 hovertemplate=hover))
        target = line_target(contract, metric.name, queues)
        if target is not None and len(x):
            fig.add_trace(go.Scatter(
                x=x, y=[target.threshold] * len(x), mode="lines",
                name=f"{t('chart.target', lang)} {target.comparison} {metric.fmt(target.threshold, lang)}",
                line={"color": color, "dash": "dot"}, hovertemplate=hover, showlegend=False))
    fig.update_layout(title=title)
    style_figure(fig, lang, x_title=t("axis.week", lang),
                 y_title=t("axis.rate" if unit == "rate" else "axis.seconds", lang))
    if unit == "rate":
        fig.update_yaxes(tickformat=".0%")
    fig.update_xaxes(tickformat="%d/%m" if lang != "en" else "%b %d")
    return fig


def volume_figure(df: pd.DataFrame, lang: str, *, x, x_title: str, title: str) -> go.Figure:
    """Offered, answered and abandoned calls as bars, average speed of answer on a 2nd axis."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    for name, color in (("offered", "#95a5a6"), ("answered", "#1f5fa8"), ("abandoned", "#c0392b")):
        fig.add_trace(go.Bar(x=x, y=df[name], name=t(f"chart.{name}", lang), marker_color=color,
                             hovertemplate="%{y:,.0f}"), secondary_y=False)
    fig.add_trace(go.Scatter(x=x, y=df["asa_s"].astype(float), name=t("axis.wait", lang),
                             mode="lines+markers", line={"color": "#e67e22"},
                             hovertemplate="%{y:.0f} s"), secondary_y=True)
    fig.update_layout(title=title, barmode="group")
    style_figure(fig, lang, x_title=x_title, y_title=t("axis.calls", lang))
    fig.update_yaxes(title_text=t("axis.wait", lang), secondary_y=True, rangemode="tozero")
    return fig


def empty_figure(text: str, lang: str) -> go.Figure:
    """A blank figure carrying ``text`` (no data, module not available...)."""
    fig = go.Figure()
    fig.add_annotation(text=text, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return style_figure(fig, lang, x_title="", y_title="", height=200)
