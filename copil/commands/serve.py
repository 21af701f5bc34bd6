"""``copil serve``: the dashboard for the weekly meeting, on this machine by default."""

from __future__ import annotations

import argparse

from copil.common import add_db_option, db_path

EPILOG = """example:
  copil users add alice --role client      # once: create an account (asks for a password)
  copil serve --db data/demo.duckdb --port 8050
  then open http://127.0.0.1:8050 and log in.

The app binds to 127.0.0.1 (this machine only). To serve a team, keep it there and put a
reverse proxy with TLS in front (see the README's dashboard section); --host 0.0.0.0
exposes plain HTTP to the network."""


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
    parser.add_argument("--lang", choices=("fr", "en"),
                        help="default language (default: the contract's, else fr)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from dashboards.app import serve

    if not 0 < args.port < 65536:
        raise ValueError(f"--port must be between 1 and 65535 (got {args.port})")
    path = db_path(args)
    print(f"copil: serving {path} on http://{args.host}:{args.port} (Ctrl+C to stop)")
    serve(path, host=args.host, port=args.port, users_path=args.users,
          secret_key_path=args.secret_key_file, lang=args.lang)
    return 0
