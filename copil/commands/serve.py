"""``copil serve``: the dashboard for the weekly meeting, on this machine by default."""

from __future__ import annotations

import argparse

from copil.common import add_db_option, db_path

EPILOG = """example:
  copil users add alice --role client      # once: create an account (asks for a password)
  copil serve --db data/demo.duckdb --port 8050
  then open http://127.0.0.1:8050 and log in.

The app is served by waitress (a production WSGI server) and binds to 127.0.0.1 (this
machine only). To serve a team, keep it there, put a reverse proxy with TLS in front and
pass --behind-proxy (Secure cookies, the proxy's X-Forwarded-* headers honoured); see the
README's Security section. --host 0.0.0.0 exposes plain HTTP to the network."""


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "serve", help="serve the dashboard (weekly, quarterly, planning, data pages)",
        description="Serve the Dash dashboard on the warehouse. Log-in required: create "
        "accounts with 'copil users add'.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_db_option(parser)
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to bind (default: 127.0.0.1, this machine only)")
    parser.add_argument("--port", type=int, default=8050,
                        help="TCP port number (default: 8050)")
    parser.add_argument("--users", metavar="PATH",
                        help="users file (default: $COPIL_USERS, else .copil/users.json)")
    parser.add_argument("--secret-key-file", metavar="PATH",
                        help="session key file, created with mode 0600 if absent "
                        "(default: $COPIL_SECRET_KEY_FILE, else .copil/secret_key)")
    parser.add_argument("--behind-proxy", action="store_true",
                        help="served behind a TLS reverse proxy: Secure cookies, X-Forwarded-For"
                        "/-Proto/-Host/-Prefix from that one proxy honoured")
    parser.add_argument("--threads", type=int, default=8,
                        help="worker threads; more requests wait in the queue (default: 8)")
    parser.add_argument("--idle-timeout", type=float, metavar="MINUTES",
                        help="a session unused this long ends (default: $COPIL_IDLE_TIMEOUT_MIN, "
                        "else 30)")
    parser.add_argument("--lang", choices=("fr", "en"),
                        help="default language (default: the contract's, else fr)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from dashboards.app import serve

    if not 0 < args.port < 65536:
        raise ValueError(f"--port must be between 1 and 65535 (got {args.port})")
    if not 1 <= args.threads <= 64:
        raise ValueError(f"--threads must be between 1 and 64 (got {args.threads})")
    if args.idle_timeout is not None and args.idle_timeout <= 0:
        raise ValueError(f"--idle-timeout must be a positive number of minutes "
                         f"(got {args.idle_timeout})")
    path = db_path(args)
    print(f"copil: serving {path} on http://{args.host}:{args.port} (Ctrl+C to stop)")
    serve(path, host=args.host, port=args.port, users_path=args.users,
          secret_key_path=args.secret_key_file, lang=args.lang,
          behind_proxy=args.behind_proxy, threads=args.threads,
          idle_timeout_s=None if args.idle_timeout is None else 60 * args.idle_timeout)
    return 0
