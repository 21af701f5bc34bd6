"""Download routes (reports, planning CSVs), each guarded by role in the server.

A period that is not a period answers 400, one outside the warehouse's data 404
(:class:`analytics.bounds.PeriodOutsideData`), each with a sentence saying why; a warehouse
that cannot be read yet 503 with ``Retry-After``.
"""

from __future__ import annotations

from collections.abc import Callable

import flask

from analytics.bounds import PeriodOutsideData
from analytics.periods import parse_quarter, parse_week
from dashboards import auth, data
from dashboards.components import current_lang

RETRY_AFTER_S = 10


def _text(status: int, text: str, **headers: str) -> flask.Response:
    response = flask.Response(text.rstrip(".") + ".\n", status=status, mimetype="text/plain")
    response.headers.update(headers)
    return response


def refusal(exc: Exception) -> flask.Response | None:
    """The plain-text 4xx/503 answer for an exception a download may meet, None for others."""
    if isinstance(exc, PeriodOutsideData):
        return _text(404, str(exc))
    if isinstance(exc, data.WarehouseBusy):
        return _text(503, str(exc), **{"Retry-After": str(RETRY_AFTER_S)})
    if isinstance(exc, ValueError):
        return _text(400, str(exc))
    return None


def _answer(make: Callable[[], flask.Response]) -> flask.Response:
    try:
        return make()
    except (ValueError, data.WarehouseBusy) as exc:
        return refusal(exc)


def _lang_arg() -> str:
    lang = flask.request.args.get("lang") or current_lang()
    return lang if lang in ("fr", "en") else current_lang()


def _report(kind: str, period: str) -> flask.Response:
    from analytics import reports

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
        return _answer(lambda: _report(
            "quarterly", parse_quarter(flask.request.args.get("quarter", ""))))

    @server.route("/download/weekly-report")
    @auth.require_download("weekly-report")
    def weekly_report_download():
        return _answer(lambda: _report("weekly", parse_week(flask.request.args.get("week", ""))))

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
        return _text(503, f"Not available yet: {exc}")
    except (ValueError, data.WarehouseBusy) as exc:
        return refusal(exc)
    response = flask.Response(text, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
