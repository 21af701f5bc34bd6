"""Download routes (reports, planning CSVs), each guarded by role in the server."""

from __future__ import annotations

import re

import flask

from dashboards import auth, data
from dashboards.components import current_lang

QUARTER_RE = re.compile(r"^\d{4}-Q[1-4]$")
WEEK_RE = re.compile(r"^\d{4}-W\d{2}$")


def _unavailable(what: str):
    return flask.Response(f"Not available yet: {what}.\n", status=503, mimetype="text/plain")


def _lang_arg() -> str:
    lang = flask.request.args.get("lang") or current_lang()
    return lang if lang in ("fr", "en") else current_lang()


def _report(kind: str, period: str):
    try:
        from analytics import reports
    except ImportError:
        return _unavailable("reports (analytics.reports)")
    lang = _lang_arg()
    fn = reports.quarterly_report if kind == "quarterly" else reports.weekly_report
    html_text = data.current().read(fn, period, lang=lang)
    response = flask.Response(html_text, mimetype="text/html")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="copil-{kind}-{period}-{lang}.html"')
    return response


def register_downloads(server: flask.Flask) -> None:
    """Add the download routes to ``server``."""

    @server.route("/download/quarterly-report")
    @auth.require_download("quarterly-report")
    def quarterly_report_download():
        quarter = flask.request.args.get("quarter", "")
        if not QUARTER_RE.match(quarter):
            flask.abort(400, "quarter must look like 2026-Q3")
        return _report("quarterly", quarter)

    @server.route("/download/weekly-report")
    @auth.require_download("weekly-report")
    def weekly_report_download():
        week = flask.request.args.get("week", "")
        if not WEEK_RE.match(week):
            flask.abort(400, "week must look like 2026-W47")
        return _report("weekly", week)

    @server.route("/download/planning-<what>.csv")
    def planning_download(what: str):
        if what not in ("requirements", "shifts"):
            flask.abort(404)
        return _planning_csv(what)


@auth.require_download("planning-requirements")
def _planning_csv(what: str):
    from dashboards.planning_model import planning_csv

    try:
        text, filename = planning_csv(what, flask.request.args)
    except ImportError as exc:
        return _unavailable(str(exc))
    except ValueError as exc:
        flask.abort(400, str(exc))
    response = flask.Response(text, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
