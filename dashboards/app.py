"""The Dash app shell: log-in, role guard, language, navigation and the page container.

``create_app(db_path)`` builds the app; ``serve(db_path)`` runs it on 127.0.0.1:8050.
Pages live in :mod:`dashboards.pages` (one module per page, callbacks beside layout).
Every request except the log-in page and static files needs a signed-in user, and
every callback request is checked against the user's role *in the server* (see
:func:`_refused_outputs`): a client posting a planning callback gets HTTP 403.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from urllib.parse import quote

import dash
import flask
from dash import dcc, html
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from markupsafe import escape

from analytics.i18n import DEFAULT_LANG, LANGS, t
from dashboards import auth
from dashboards.components import current_lang
from dashboards.data import Warehouse

HERE = Path(__file__).resolve().parent
DEFAULT_USERS_PATH = Path(".copil") / "users.json"
DEFAULT_SECRET_KEY_PATH = Path(".copil") / "secret_key"
PAGE_ORDER = ("weekly", "quarterly", "planning", "data")


class User(UserMixin):
    def __init__(self, name: str, role: str) -> None:
        self.id = name
        self.name = name
        self.role = role


def _contract_language(warehouse: Warehouse) -> str | None:
    try:
        from analytics.contract import warehouse_contract
    except ImportError:
        return None
    try:
        contract = warehouse.read(warehouse_contract)
    except Exception:  # a broken contract must not stop the app from starting
        return None
    lang = getattr(contract, "language", None) if contract is not None else None
    return lang if lang in LANGS else None


def _component_ids(outputs) -> list[str]:
    """Component ids named by a callback request's ``outputs`` (pattern ids by their type)."""
    if isinstance(outputs, list):
        return [i for item in outputs for i in _component_ids(item)]
    if isinstance(outputs, dict):
        cid = outputs.get("id")
        if isinstance(cid, dict):
            return [str(cid.get("type", ""))]
        return [str(cid)] if cid is not None else []
    return []


def _refused_outputs(body: dict, role: str | None) -> list[str]:
    """Output ids in a ``/_dash-update-component`` request that ``role`` may not update."""
    ids = _component_ids(body.get("outputs"))
    if not ids:  # malformed or empty request: refuse rather than guess
        return ["<none>"]
    return [cid for cid in ids if not auth.role_allowed_for_id(role, cid)]


def _login_page(lang: str, error: bool = False, next_url: str = "/") -> str:
    message = f'<p class="login-error">{escape(t("login.failed", lang))}</p>' if error else ""
    switch = " · ".join(
        f'<a href="/lang/{code}?next=/login">{code.upper()}</a>' for code in LANGS)
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{escape(t("app.title", lang))}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/assets/style.css"></head>
<body class="login-body"><form class="login-box" method="post" action="/login">
<h1>copil</h1><h2>{escape(t("login.title", lang))}</h2>{message}
<label>{escape(t("login.user", lang))}<input name="username" id="login-username" autocomplete="username" required></label>
<label>{escape(t("login.password", lang))}<input name="password" id="login-password" type="password" autocomplete="current-password" required></label>
<input type="hidden" name="next" value="{escape(next_url)}">
<button type="submit" id="login-submit">{escape(t("login.submit", lang))}</button>
<p class="login-lang">{switch}</p></form></body></html>"""


def _safe_next(value: str | None) -> str:
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


def _shell():
    """The page shell (called per page load, so it shows the signed-in user's links)."""
    lang = current_lang()
    role = auth.current_role()
    name = current_user.name if role else ""
    links = [dcc.Link(t(f"nav.{page}", lang), href=f"/{page}", id=f"app-nav-{page}",
                      className="nav-link")
             for page in PAGE_ORDER if page in auth.allowed_pages(role)]
    switch = [html.A(code.upper(), href=f"/lang/{code}", id=f"app-lang-{code}",
                     className="lang-link" + (" active" if code == lang else ""))
              for code in LANGS]
    return html.Div([
        html.Header([
            html.Span("copil", className="brand"),
            html.Nav(links, className="nav"),
            html.Div([
                html.Span(t("nav.signed_in_as", lang, name=name,
                            role=t(f"role.{role}", lang)) if role else "", id="app-user"),
                html.Span(switch, className="lang-switch"),
                html.A(t("nav.logout", lang), href="/logout", id="app-logout",
                       className="logout"),
            ], className="header-right"),
        ], className="header"),
        dcc.Store(id="app-session", data={"lang": lang, "role": role}),
        html.Main(dash.page_container, className="main"),
    ], lang=lang)


def create_app(db_path: str | Path, *, users_path: str | Path | None = None,
               secret_key_path: str | Path | None = None, lang: str | None = None,
               cache_size: int = 512) -> dash.Dash:
    """Build the dashboard on the warehouse ``db_path``.

    Parameters
    ----------
    db_path : DuckDB warehouse (opened read-only per request; actions are written briefly).
    users_path : users file (default ``$COPIL_USERS``, else ``.copil/users.json``).
    secret_key_path : session-signing key file, created with mode 0600 when absent
        (default ``$COPIL_SECRET_KEY_FILE``, else ``.copil/secret_key``). ``$COPIL_SECRET_KEY``
        (hex) overrides the file.
    lang : default language ``fr`` or ``en`` (default: the contract's, else ``fr``).
    cache_size : query results kept in memory.
    """
    warehouse = Warehouse(db_path, cache_size=cache_size)
    users_path = Path(users_path or os.environ.get("COPIL_USERS") or DEFAULT_USERS_PATH)
    secret_key_path = Path(secret_key_path or os.environ.get("COPIL_SECRET_KEY_FILE")
                           or DEFAULT_SECRET_KEY_PATH)
    env_key = os.environ.get("COPIL_SECRET_KEY")
    secret_key = bytes.fromhex(env_key) if env_key else auth.load_secret_key(secret_key_path)
    if lang is not None and lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)} (got {lang!r})")

    server = flask.Flask("dashboards")
    server.config.update(
        SECRET_KEY=secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="copil_session",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        COPIL_WAREHOUSE=warehouse,
        COPIL_USERS=users_path,
        COPIL_DEFAULT_LANG=lang or _contract_language(warehouse) or DEFAULT_LANG,
    )
    login_manager = LoginManager()
    login_manager.init_app(server)

    @login_manager.user_loader
    def _load_user(name: str) -> User | None:
        user = auth.load_users(users_path).get(name)
        return User(name, user["role"]) if user else None

    @server.route("/login", methods=["GET", "POST"])
    def login():
        lang_now = current_lang()
        if flask.request.method == "POST":
            name = flask.request.form.get("username", "")
            role = auth.check_user(users_path, name, flask.request.form.get("password", ""))
            next_url = _safe_next(flask.request.form.get("next"))
            if role is None:
                return _login_page(lang_now, error=True, next_url=next_url), 401
            flask.session.clear()
            flask.session["lang"] = lang_now
            login_user(User(name, role))
            return flask.redirect(next_url)
        return _login_page(lang_now, next_url=_safe_next(flask.request.args.get("next")))

    @server.route("/logout")
    def logout():
        logout_user()
        return flask.redirect("/login")

    @server.route("/lang/<code>")
    def set_lang(code: str):
        if code not in LANGS:
            flask.abort(404)
        flask.session["lang"] = code
        referrer = flask.request.args.get("next") or flask.request.referrer or "/"
        if referrer.startswith(flask.request.host_url):
            referrer = "/" + referrer[len(flask.request.host_url):]
        return flask.redirect(_safe_next(referrer))

    @server.before_request
    def _guard():
        path = flask.request.path
        if path == "/login" or path.startswith(("/lang/", "/assets/", "/_dash-component-suites/",
                                                "/_favicon.ico", "/favicon.ico")):
            return None
        role = auth.current_role()
        if role is None:
            if path.startswith(("/_dash-", "/download/", "/_reload-hash")):
                flask.abort(401)
            return flask.redirect("/login?next=" + quote(path))
        if path == "/_dash-update-component":
            body = flask.request.get_json(silent=True) or {}
            if _refused_outputs(body, role):
                flask.abort(403)
        if path == "/":
            pages = [p for p in PAGE_ORDER if p in auth.allowed_pages(role)]
            return flask.redirect(f"/{pages[0]}")
        return None

    from dashboards.downloads import register_downloads

    register_downloads(server)

    app = dash.Dash(
        "dashboards",
        server=server,
        use_pages=True,
        pages_folder=str(HERE / "pages"),
        assets_folder=str(HERE / "assets"),
        title="copil",
        suppress_callback_exceptions=True,
        update_title=None,
    )
    app.layout = _shell
    return app


def serve(db_path: str | Path, host: str = "127.0.0.1", port: int = 8050, *,
          users_path: str | Path | None = None, secret_key_path: str | Path | None = None,
          lang: str | None = None, debug: bool = False) -> None:
    """Serve the dashboard (blocking) on ``host:port``; 127.0.0.1 keeps it on this machine."""
    app = create_app(db_path, users_path=users_path, secret_key_path=secret_key_path, lang=lang)
    threading.Thread(target=prefetch, args=(app,), daemon=True).start()
    app.run(host=host, port=port, debug=debug)


def prefetch(app: dash.Dash, weeks: int = 13) -> int:
    """Fill the query cache for the meeting's views, newest first: the last ``weeks`` weeks
    (whole line), the current quarter, then the planning model. Runs in a background thread
    from :func:`serve`; results stay valid until the warehouse file changes. Returns the
    number of cached results."""
    import sys

    wh = app.server.config["COPIL_WAREHOUSE"]
    done = 0
    try:
        weekly = sys.modules.get("dashboards.pages.weekly")
        quarterly = sys.modules.get("dashboards.pages.quarterly")
        if weekly is not None:
            info = wh.read(weekly.read_weeks)
            for week in info["weeks"][info["weeks"].index(info["default"]):][:weeks]:
                for reader in (weekly.read_week_trend, weekly.read_week_detail,
                               weekly.read_gaps, weekly.read_agents):
                    wh.read(reader, week, None)
                    done += 1
                wh.read(weekly.read_reconciliation, week)
                done += 1
        if quarterly is not None:
            info = wh.read(quarterly.read_quarters)
            if info["default"]:
                wh.read(quarterly.read_quarter, info["default"], None)
                done += 1
        from dashboards.planning_model import week_plan_view

        plan = week_plan_view(wh)  # the first week to plan: one fit, then its requirements
        if plan is not None:
            plan.agents()
            done += 1
    except Exception as exc:  # a page will show the same problem when opened
        app.server.logger.warning("prefetch stopped: %s", exc)
    return done

