"""The Dash app shell: log-in, role guard, language, navigation and the page container.

``create_app(db_path)`` builds the app; ``serve(db_path)`` runs it with waitress on 127.0.0.1:8050.
Pages live in :mod:`dashboards.pages` (one module per page, callbacks beside layout).
Every request except the log-in page and static files needs a signed-in user, and
every callback request is checked against the user's role *in the server* (see
:func:`_refused_outputs`): a client posting a planning callback gets HTTP 403.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import math
import os
import secrets
import threading
from pathlib import Path
from urllib.parse import quote, urlsplit

import dash
import flask
from dash import dcc, html
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from markupsafe import escape
from werkzeug.middleware.proxy_fix import ProxyFix

from analytics.i18n import DEFAULT_LANG, LANGS, t
from dashboards import auth
from dashboards.components import current_lang
from dashboards.data import Warehouse
from dashboards.jobs import ShiftJobs

HERE = Path(__file__).resolve().parent
DEFAULT_USERS_PATH = Path(".copil") / "users.json"
DEFAULT_SECRET_KEY_PATH = Path(".copil") / "secret_key"
PAGE_ORDER = ("weekly", "quarterly", "planning", "intraday", "data")
MAX_BODY_BYTES = 1024 * 1024  # largest request body (callback requests are a few kB)


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


def _output_string_ids(output) -> list[str]:
    """Component ids in a callback request's ``output`` string (which picks the function run):
    ``"a.children"`` or ``"..a.children...b.figure.."``; pattern ids by their type."""
    if not isinstance(output, str):
        return ["<none>"]
    ids = []
    for part in output.strip(".").split("..."):
        cid = part.rsplit(".", 1)[0]
        if cid.startswith("{"):
            try:
                cid = str(json.loads(cid).get("type", ""))
            except (ValueError, AttributeError):
                cid = "<bad>"
        ids.append(cid)
    return ids


def _refused_outputs(body: dict, role: str | None) -> list[str]:
    """Output ids in a callback request that ``role`` may not update (both the ``outputs``
    list and the ``output`` string Dash picks the function by are checked)."""
    if not isinstance(body, dict):
        return ["<none>"]
    ids = _component_ids(body.get("outputs"))
    if not ids:  # malformed or empty request: refuse rather than guess
        return ["<none>"]
    ids += _output_string_ids(body.get("output"))
    return [cid for cid in ids if not auth.role_allowed_for_id(role, cid)]


def _page(lang: str, body: str) -> str:
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{escape(t("app.title", lang))}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/assets/style.css"></head>
<body class="login-body">{body}</body></html>"""


def _login_page(lang: str, error: str | None = None, next_url: str = "/") -> str:
    message = f'<p class="login-error">{escape(error)}</p>' if error else ""
    switch = " · ".join(
        f'<a href="/lang/{code}?next=/login">{code.upper()}</a>' for code in LANGS)
    return _page(lang, f"""<form class="login-box" method="post" action="/login">
<h1>copil</h1><h2>{escape(t("login.title", lang))}</h2>{message}
<label>{escape(t("login.user", lang))}<input name="username" id="login-username" autocomplete="username" required maxlength="200"></label>
<label>{escape(t("login.password", lang))}<input name="password" id="login-password" type="password" autocomplete="current-password" required maxlength="1000"></label>
<input type="hidden" name="next" value="{escape(next_url)}">
<button type="submit" id="login-submit">{escape(t("login.submit", lang))}</button>
<p class="login-lang">{switch}</p></form>""")


def _logout_page(lang: str, token: str) -> str:
    return _page(lang, f"""<form class="login-box" method="post" action="/logout">
<h1>copil</h1><p>{escape(t("logout.confirm", lang))}</p>
<input type="hidden" name="csrf_token" value="{escape(token)}">
<button type="submit" id="logout-submit">{escape(t("nav.logout", lang))}</button></form>""")


def safe_next(value: str | None) -> str:
    """``value`` when it is a path on this site, else ``/`` (no open redirect).

    Refused: absolute and scheme-relative URLs, backslashes, and any space or control
    character (browsers drop a tab or newline, turning ``/\t/evil.example`` into
    ``//evil.example``).
    """
    if not value or not value.startswith("/") or "\\" in value:
        return "/"
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return "/"
    parts = urlsplit(value)
    if value.startswith("//") or parts.scheme or parts.netloc:
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


def _secret_key(secret_key_path: Path) -> bytes:
    env_key = os.environ.get("COPIL_SECRET_KEY")
    if env_key is not None:
        return auth.parse_secret_key(env_key, "COPIL_SECRET_KEY")
    return auth.load_secret_key(secret_key_path)


def _content_security_policy(app: dash.Dash) -> str:
    """The CSP of every response: this site only; inline scripts only Dash's own (by hash)."""
    scripts = " ".join(["'self'", *app.csp_hashes()])
    return ("default-src 'self'; "
            f"script-src {scripts}; "
            "style-src 'self' 'unsafe-inline'; "  # Dash and Plotly set style attributes
            "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def create_app(db_path: str | Path, *, users_path: str | Path | None = None,
               secret_key_path: str | Path | None = None, lang: str | None = None,
               cache_size: int = 512, idle_timeout_s: float | None = None,
               behind_proxy: bool = False, max_body_bytes: int = MAX_BODY_BYTES,
               throttle: auth.LoginThrottle | None = None) -> dash.Dash:
    """Build the dashboard on the warehouse ``db_path``.

    Parameters
    ----------
    db_path : DuckDB warehouse (read from its published snapshot, :mod:`dashboards.data`;
        actions are written queued with the loads).
    users_path : users file (default ``$COPIL_USERS``, else ``.copil/users.json``).
    secret_key_path : session-signing key file, created with mode 0600 when absent
        (default ``$COPIL_SECRET_KEY_FILE``, else ``.copil/secret_key``). ``$COPIL_SECRET_KEY``
        (hex, at least 32 bytes) overrides the file.
    lang : default language ``fr`` or ``en`` (default: the contract's, else ``fr``).
    cache_size : most query results kept in memory (their bytes are bounded too:
        ``$COPIL_CACHE_MB``, default 256 MiB, :mod:`dashboards.cache`).
    idle_timeout_s : a session unused this long (seconds) is over (default
        ``$COPIL_IDLE_TIMEOUT_MIN`` minutes, else 30 minutes).
    behind_proxy : served behind a TLS reverse proxy: cookies marked ``Secure``, the
        proxy's ``X-Forwarded-For/Proto/Host/Prefix`` headers honoured (one proxy).
    max_body_bytes : largest request body accepted (HTTP 413 beyond).
    throttle : log-in throttling (default: 5 failures per user name, 20 per address, 15 min).
    """
    warehouse = Warehouse(db_path, cache_size=cache_size)
    users_path = Path(users_path or os.environ.get("COPIL_USERS") or DEFAULT_USERS_PATH)
    secret_key_path = Path(secret_key_path or os.environ.get("COPIL_SECRET_KEY_FILE")
                           or DEFAULT_SECRET_KEY_PATH)
    secret_key = _secret_key(secret_key_path)
    if idle_timeout_s is None:
        idle_timeout_s = 60 * float(os.environ.get("COPIL_IDLE_TIMEOUT_MIN") or 30)
    if idle_timeout_s <= 0:
        raise ValueError(f"the idle timeout must be positive (got {idle_timeout_s} s)")
    if lang is not None and lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)} (got {lang!r})")
    throttle = throttle or auth.LoginThrottle()

    server = flask.Flask("dashboards", static_folder=None)
    server.config.update(
        SECRET_KEY=secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="copil_session",
        SESSION_COOKIE_SECURE=behind_proxy,
        SESSION_REFRESH_EACH_REQUEST=True,
        # Flask refuses a session cookie signed longer ago than this: the idle timeout.
        PERMANENT_SESSION_LIFETIME=dt.timedelta(seconds=idle_timeout_s),
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=behind_proxy,
        MAX_CONTENT_LENGTH=max_body_bytes,
        MAX_FORM_MEMORY_SIZE=min(max_body_bytes, 64 * 1024),
        COPIL_WAREHOUSE=warehouse,
        COPIL_SHIFT_JOBS=ShiftJobs(),
        COPIL_USERS=users_path,
        COPIL_BEHIND_PROXY=behind_proxy,
        COPIL_DEFAULT_LANG=lang or _contract_language(warehouse) or DEFAULT_LANG,
    )
    if behind_proxy:
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=1, x_proto=1, x_host=1, x_prefix=1)
    login_manager = LoginManager()
    login_manager.init_app(server)
    login_manager.session_protection = None  # the session epoch below does this job

    @login_manager.user_loader
    def _load_user(name: str) -> User | None:
        user = auth.load_users(users_path).get(name)
        if user is None or flask.session.get("_epoch") != auth.session_epoch(user):
            return None  # removed, logged out or password changed since this session began
        return User(name, user["role"])

    @server.route("/login", methods=["GET", "POST"])
    def login():
        lang_now = current_lang()
        if flask.request.method == "POST":
            name = flask.request.form.get("username", "")[:200]
            password = flask.request.form.get("password", "")[:1000]
            next_url = safe_next(flask.request.form.get("next"))
            address = flask.request.remote_addr or "-"
            wait, which = throttle.retry_after(name, address)
            if wait > 0:
                minutes = max(1, math.ceil(wait / 60))
                page = _login_page(lang_now, t(f"login.throttled_{which}", lang_now,
                                               minutes=minutes), next_url)
                return page, 429, {"Retry-After": str(math.ceil(wait))}
            try:
                role = auth.check_user(users_path, name, password)
            except auth.LoginBusy:
                return _login_page(lang_now, t("login.busy", lang_now), next_url), 503, {
                    "Retry-After": "5"}
            if role is None:
                throttle.failed(name, address)
                return _login_page(lang_now, t("login.failed", lang_now), next_url), 401
            throttle.succeeded(name)
            epoch = auth.session_epoch(auth.load_users(users_path).get(name, {}))
            flask.session.clear()
            flask.session.permanent = True
            flask.session["lang"] = lang_now
            flask.session["_epoch"] = epoch
            flask.session["_csrf"] = secrets.token_urlsafe(24)
            login_user(User(name, role))
            return flask.redirect(next_url)
        return _login_page(lang_now, next_url=safe_next(flask.request.args.get("next")))

    @server.route("/logout", methods=["GET", "POST"])
    def logout():
        if auth.current_role() is None:
            return flask.redirect("/login")
        token = flask.session.get("_csrf") or ""
        if flask.request.method == "GET":  # a link: ask, the form posts with the token
            return _logout_page(current_lang(), token)
        sent = flask.request.form.get("csrf_token", "")
        if not token or not hmac.compare_digest(sent.encode(), token.encode()):
            flask.abort(403)
        auth.end_sessions(users_path, current_user.name)
        logout_user()
        flask.session.clear()
        return flask.redirect("/login")

    @server.route("/lang/<code>")
    def set_lang(code: str):
        if code not in LANGS:
            flask.abort(404)
        flask.session["lang"] = code
        referrer = flask.request.args.get("next") or flask.request.referrer or "/"
        if referrer.startswith(flask.request.host_url):
            referrer = "/" + referrer[len(flask.request.host_url):]
        return flask.redirect(safe_next(referrer))

    routes: dict[str, object] = {}

    @server.before_request  # first: every request that starts is counted, then ends
    def _request_started():
        warehouse.request_started()  # background warming waits for live requests

    @server.teardown_request
    def _request_finished(_exc):
        warehouse.request_finished()

    @server.before_request
    def _guard():
        endpoint = flask.request.endpoint
        if endpoint is None:  # no route: Flask answers 404 / 405
            return None
        if endpoint not in routes["known"]:  # added after start-up (plugins, setup_apis)
            flask.abort(404)
        if endpoint in routes["public"]:
            return None
        role = auth.current_role()
        if role is None:
            if endpoint in routes["pages"]:
                return flask.redirect("/login?next=" + quote(flask.request.path))
            flask.abort(401)
        if endpoint == routes["callback"]:
            body = flask.request.get_json(silent=True) or {}
            if _refused_outputs(body, role):
                flask.abort(403)
        if endpoint == routes["index"]:
            pages = [p for p in PAGE_ORDER if p in auth.allowed_pages(role)]
            return flask.redirect(flask.request.script_root + routes["prefix"] + pages[0])
        return None

    @server.after_request
    def _headers(response: flask.Response) -> flask.Response:
        if "csp" not in routes:
            routes["csp"] = _content_security_policy(app)
        response.headers["Content-Security-Policy"] = routes["csp"]
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if behind_proxy:
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        response.headers.pop("Server", None)
        return response

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
        enable_mcp=False,  # Dash's MCP endpoint runs callbacks past the guard: never on
    )
    app.layout = _shell
    prefix = app.config.routes_pathname_prefix
    rules = {rule.endpoint: rule.rule for rule in server.url_map.iter_rules()}
    public_rules = {prefix + "assets/<path:filename>", prefix + "_favicon.ico",
                    prefix + "_dash-component-suites/<string:package_name>/"
                    "<path:fingerprinted_path>"}
    routes.update(
        known=frozenset(rules),
        public=frozenset({"login", "set_lang", "logout"}
                         | {e for e, r in rules.items() if r in public_rules}),
        pages=frozenset(e for e, r in rules.items() if r in (prefix, prefix + "<path:path>")),
        index=next(e for e, r in rules.items() if r == prefix),
        callback=next(e for e, r in rules.items() if r == prefix + "_dash-update-component"),
        prefix=prefix,
    )
    return app


def waitress_options(app: dash.Dash, threads: int = 8) -> dict:
    """Options of waitress for ``app``: ``threads`` workers, no ``Server`` banner, request
    bodies bounded, idle connections closed after 60 s; ``X-Forwarded-*`` headers passed
    to the app only when it runs behind a proxy (where ProxyFix trusts one hop)."""
    config = app.server.config
    return {"threads": threads, "ident": "", "connection_limit": max(100, 4 * threads),
            "channel_timeout": 60, "max_request_body_size": config["MAX_CONTENT_LENGTH"],
            "clear_untrusted_proxy_headers": not config["COPIL_BEHIND_PROXY"]}


def serve(db_path: str | Path, host: str = "127.0.0.1", port: int = 8050, *,
          users_path: str | Path | None = None, secret_key_path: str | Path | None = None,
          lang: str | None = None, behind_proxy: bool = False, threads: int = 8,
          idle_timeout_s: float | None = None) -> None:
    """Serve the dashboard (blocking) on ``host:port`` with waitress, a production WSGI
    server (:func:`waitress_options`: ``threads`` workers, requests beyond wait in its
    queue). 127.0.0.1 keeps it on this machine; behind a TLS reverse proxy pass
    ``behind_proxy=True``."""
    from waitress import serve as waitress_serve

    app = create_app(db_path, users_path=users_path, secret_key_path=secret_key_path,
                     lang=lang, behind_proxy=behind_proxy, idle_timeout_s=idle_timeout_s)
    threading.Thread(target=prefetch, args=(app,), daemon=True).start()
    waitress_serve(app.server, host=host, port=port, **waitress_options(app, threads))


def prefetch(app: dash.Dash, weeks: int = 13) -> int:
    """Fill the query cache for the meeting's views, newest first: the last ``weeks`` weeks
    (whole line), the current quarter, the intraday view of the latest call, then the
    planning model. Runs in a background thread
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
        intraday = sys.modules.get("dashboards.pages.intraday")
        if intraday is not None:  # the latest call's intraday view (a reforecast: seconds)
            from analytics.intraday import pick_as_of

            days = wh.read(intraday.read_days)
            if not days.empty:
                wh.read(intraday.read_intraday, pick_as_of(days))
                done += 1
        from dashboards.planning_model import week_plan_view

        plan = week_plan_view(wh)  # the first week to plan: one fit, then its requirements
        if plan is not None:
            plan.agents()
            done += 1
    except Exception as exc:  # a page will show the same problem when opened
        app.server.logger.warning("prefetch stopped: %s", exc)
    return done

