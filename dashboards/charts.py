"""Plotly figures shared by the review pages (axis titles with units, exact hover values)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics.i18n import day_name, t
from analytics.metrics import Metric, axis_title, label
from analytics.targets import line_target
from dashboards.components import style_figure

COLORS = ["#1f5fa8", "#e67e22", "#c0392b", "#27ae60", "#8e44ad"]


def trend_figure(weekly: pd.DataFrame, contract, lang: str, metrics: list[Metric], *,
                 title: str, queues: list[str] | None = None) -> go.Figure:
    """Weekly lines of ``metrics`` (all rates or all seconds) with dotted target lines."""
    unit = metrics[0].unit
    x = pd.to_datetime(weekly["period_start"])
    fig = go.Figure()
    hover = "%{y:.1%}" if unit == "rate" else "%{y:.0f} s"    # rates or seconds
    for i, metric in enumerate(metrics):
        color = COLORS[i % len(COLORS)]
        fig.add_trace(go.Scatter(x=x, y=weekly[metric.name].astype(float), name=metric.label(lang),
                                 mode="lines+markers", line={"color": color},
                                 hovertemplate=hover))
        target = line_target(contract, metric.name, queues)
        if target is not None and len(x):
            fig.add_trace(go.Scatter(
                x=x, y=[target.threshold] * len(x), mode="lines",
                name=f"{t('chart.target', lang)} {target.comparison} {metric.format(target.threshold, lang)}",
                line={"color": color, "dash": "dot"}, hovertemplate=hover, showlegend=False))
    fig.update_layout(title=title)
    style_figure(fig, lang, x_title=t("axis.week", lang),
                 y_title=t("axis.rate" if unit == "rate" else "axis.seconds", lang))
    if unit == "rate":
        fig.update_yaxes(tickformat=".0%")
    fig.update_xaxes(tickformat="%d/%m" if lang != "en" else "%b %d")
    return fig


def day_labels(days, lang: str) -> list[str]:
    """:func:`analytics.i18n.day_name` of each local date (dates, timestamps or ISO text)."""
    return [day_name(day.date(), lang) for day in pd.to_datetime(pd.Series(list(days)))]


def trim_empty_weeks(weekly: pd.DataFrame) -> pd.DataFrame:
    """Drop weeks without offered calls before the first and after the last week with calls."""
    busy = weekly.index[weekly["offered"] > 0]
    if len(busy) == 0:
        return weekly.iloc[0:0]
    return weekly.loc[busy[0]:busy[-1]]


def intraday_heatmap(intraday: pd.DataFrame, lang: str, *, title: str) -> go.Figure:
    """Average speed of answer (s) per day (rows) and half hour (columns), hover with counts.

    Half hours with no offered call on any day of the week are left out.
    """
    df = intraday.copy()
    stamp = pd.to_datetime(df["period_start"])
    df["day"] = stamp.dt.date
    df["slot"] = stamp.dt.strftime("%H:%M")
    busy_slots = sorted(df.loc[df["offered"] > 0, "slot"].unique())
    df = df[df["slot"].isin(busy_slots)]
    days = sorted(df["day"].unique())
    wide = df.pivot_table(index="day", columns="slot",
                          values=["asa_s", "offered", "answered", "abandoned"],
                          aggfunc="first", dropna=False)
    grid = {col: wide[col].reindex(index=days, columns=busy_slots)
            for col in ("asa_s", "offered", "answered", "abandoned")}
    custom = np.dstack([grid[c].fillna(0).to_numpy(dtype=np.int64)
                        for c in ("offered", "answered", "abandoned")])
    hover = (f"%{{y}} %{{x}}<br>{label('offered', lang, short=True)}: %{{customdata[0]}}"
             f"<br>{label('answered', lang, short=True)}: %{{customdata[1]}}"
             f"<br>{label('abandoned', lang, short=True)}: %{{customdata[2]}}"
             f"<br>{axis_title('asa_s', lang)}: %{{z:.0f}}<extra></extra>")
    fig = go.Figure(go.Heatmap(
        z=grid["asa_s"].to_numpy(dtype=float), x=busy_slots, y=day_labels(days, lang),
        customdata=custom, hovertemplate=hover, colorscale="YlOrRd", zmin=0,
        colorbar={"title": {"text": "s"}}, xgap=1, ygap=1))
    fig.update_layout(title=title)
    style_figure(fig, lang, x_title=t("axis.halfhour", lang), y_title=t("axis.day", lang))
    fig.update_layout(hovermode="closest")
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(type="category")
    return fig


def volume_figure(df: pd.DataFrame, lang: str, *, x, x_title: str, title: str) -> go.Figure:
    """Offered, answered and abandoned calls as bars, average speed of answer on a 2nd axis."""
    fig = go.Figure()
    for name, color in (("offered", "#95a5a6"), ("answered", "#1f5fa8"), ("abandoned", "#c0392b")):
        fig.add_trace(go.Bar(x=x, y=df[name], name=label(name, lang, short=True), marker_color=color,
                             hovertemplate="%{y:,.0f}"))
    fig.add_trace(go.Scatter(x=x, y=df["asa_s"].astype(float), name=axis_title("asa_s", lang),
                             mode="lines+markers", line={"color": "#e67e22"}, yaxis="y2",
                             hovertemplate="%{y:.0f} s"))
    fig.update_layout(title=title, barmode="group",
                      yaxis2={"overlaying": "y", "side": "right", "rangemode": "tozero",
                              "title": {"text": axis_title("asa_s", lang)}, "tickformat": ",.0f",
                              "showgrid": False})
    style_figure(fig, lang, x_title=x_title, y_title=t("axis.calls", lang))
    fig.update_yaxes(tickformat=",.0f", selector={"overlaying": None})
    return fig


def empty_figure(text: str, lang: str) -> go.Figure:
    """A blank figure carrying ``text`` (no data, module not available...)."""
    fig = go.Figure()
    fig.add_annotation(text=text, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return style_figure(fig, lang, x_title="", y_title="", height=200)


def coverage_figure(coverage: pd.DataFrame, title: str) -> go.Figure:
    """Required vs planned advisors per interval, and the under-coverage (advisors), from
    :func:`staffing.shifts.plan_shifts`'s ``coverage``."""
    fig = go.Figure()
    fig.add_scatter(x=coverage["period_start"], y=coverage["required"], name="required advisors",
                    line={"shape": "hv", "color": "#d62728"})
    fig.add_scatter(x=coverage["period_start"], y=coverage["planned"], name="planned advisors",
                    line={"shape": "hv", "color": "#1f77b4"})
    fig.add_bar(x=coverage["period_start"], y=-coverage["under"], name="under-coverage",
                marker_color="#ff7f0e")
    fig.update_layout(title=title, yaxis_title="advisors",
                      xaxis_title="interval start (local time)", barmode="overlay")
    return fig
