"""Plotly figures for the reports (interactive in HTML; PNG through kaleido)."""

from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analytics.i18n import plotly_separators, t
from analytics.metrics import axis_title, label, metric

__all__ = ["target_trend", "daily_profile", "intraday_profile", "volume_yoy",
           "actual_vs_forecast", "figure_html"]

COLORS = {"offered": "#1f5f99", "answered": "#2e8b57", "abandoned": "#c0392b",
          "wait": "#e67e22", "target": "#7a7a7a", "last_year": "#9db7d3"}
def _layout(fig: go.Figure, lang: str, height: int, title: str | None = None) -> go.Figure:
    fig.update_layout(
        height=height, margin=dict(l=45, r=15, t=30 if title else 10, b=30),
        title=dict(text=title, font=dict(size=12), x=0.01) if title else None,
        font=dict(family="DejaVu Sans, Arial", size=10), template="plotly_white",
        legend=dict(orientation="h", y=-0.18, x=0), separators=plotly_separators(lang),
    )
    return fig


def target_trend(weeks: list, values: list, name: str, threshold: float | None,
                 comparison: str | None, lang: str, title: str | None = None) -> go.Figure:
    """A metric's weekly values with its target as a dashed line."""
    fig = go.Figure()
    unit = metric(name).unit
    rate = unit == "rate"
    y = [None if v is None else (100 * v if rate else v) for v in values]
    fig.add_trace(go.Scatter(x=weeks, y=y, mode="lines+markers", name=label(name, lang),
                             line=dict(color=COLORS["offered"], width=2),
                             hovertemplate="%{x}: %{y:.1f}" + (" %" if rate else "") + "<extra></extra>"))
    if threshold is not None:
        target = 100 * threshold if rate else threshold
        fig.add_trace(go.Scatter(x=weeks, y=[target] * len(weeks), mode="lines",
                                 name=f"{t('target', lang)} {comparison} {target:g}",
                                 line=dict(color=COLORS["target"], dash="dash", width=1.5)))
    fig.update_yaxes(ticksuffix=" %" if rate else (" s" if unit == "seconds" else ""))
    fig.update_layout(showlegend=False)
    return _layout(fig, lang, 190, title or label(name, lang))


def daily_profile(days: list[str], offered, answered, abandoned, wait, lang: str) -> go.Figure:
    """Bars of offered/answered/abandoned per day and the mean wait on a second axis."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    for key, ys in (("offered", offered), ("answered", answered), ("abandoned", abandoned)):
        fig.add_trace(go.Bar(x=days, y=ys, name=label(key, lang, short=True),
                             marker_color=COLORS[key]), secondary_y=False)
    fig.add_trace(go.Scatter(x=days, y=wait, name=axis_title("wait_all_mean_s", lang), mode="lines+markers",
                             line=dict(color=COLORS["wait"], width=2)), secondary_y=True)
    fig.update_yaxes(title_text=t("axis.calls", lang), secondary_y=False)
    fig.update_yaxes(title_text=axis_title("wait_all_mean_s", lang), secondary_y=True, showgrid=False,
                     rangemode="tozero", tickmode="auto", nticks=5)
    fig.update_layout(barmode="group")
    return _layout(fig, lang, 300)


def intraday_profile(slots: list[str], offered, answered, abandoned, wait, lang: str) -> go.Figure:
    """Lines per time of day (summed over the week) with the mean wait."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    for key, ys in (("offered", offered), ("answered", answered), ("abandoned", abandoned)):
        fig.add_trace(go.Scatter(x=slots, y=ys, name=label(key, lang, short=True), mode="lines",
                                 line=dict(color=COLORS[key], width=2)), secondary_y=False)
    fig.add_trace(go.Scatter(x=slots, y=wait, name=axis_title("wait_all_mean_s", lang), mode="lines",
                             line=dict(color=COLORS["wait"], width=1.5, dash="dot")),
                  secondary_y=True)
    fig.update_yaxes(title_text=t("axis.calls", lang), secondary_y=False)
    fig.update_yaxes(title_text=axis_title("wait_all_mean_s", lang), secondary_y=True, showgrid=False,
                     rangemode="tozero", tickmode="auto", nticks=5)
    fig.update_xaxes(type="category", nticks=12)
    return _layout(fig, lang, 280)


def volume_yoy(weeks: list[str], this_year, last_year, lang: str) -> go.Figure:
    """Weekly offered calls this year and the same ISO weeks a year before."""
    fig = go.Figure()
    fig.add_trace(go.Bar(x=weeks, y=last_year, name=t("last_year", lang),
                         marker_color=COLORS["last_year"]))
    fig.add_trace(go.Bar(x=weeks, y=this_year, name=t("this_year", lang),
                         marker_color=COLORS["offered"]))
    fig.update_layout(barmode="group")
    fig.update_yaxes(title_text=label("offered", lang))
    return _layout(fig, lang, 260)


def actual_vs_forecast(weeks: list[str], actual, forecast, lang: str) -> go.Figure:
    """Weekly calls offered against the forecast made before the quarter."""
    fig = go.Figure()
    fig.add_trace(go.Bar(x=weeks, y=actual, name=label("offered", lang),
                         marker_color=COLORS["offered"]))
    fig.add_trace(go.Scatter(x=weeks, y=forecast, name=t("forecast", lang),
                             mode="lines+markers", line=dict(color=COLORS["wait"], width=2)))
    fig.update_yaxes(title_text=t("axis.calls", lang))
    return _layout(fig, lang, 260)


def figure_html(fig: go.Figure, div_id: str) -> str:
    """The figure as a div + script, without plotly.js (embedded once per report)."""
    return fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id,
                       config={"displaylogo": False, "displayModeBar": False,
                               "responsive": True})
