"""``copil users add/list/remove``: dashboard accounts (salted password hashes, file mode 0600)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

EPILOG_ADD = """example:
  copil users add alice --role client
  COPIL_PASSWORD=s3cret copil users add bob --role planner   # non-interactive

roles: client (weekly and quarterly reviews, actions), provider (the same plus agent
detail and planning), planner (planning), admin (everything, including the data page)."""


def _users_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--users", metavar="PATH",
                        help="users file (default: $COPIL_USERS, else .copil/users.json)")


def _users_path(args: argparse.Namespace) -> Path:
    from dashboards.app import DEFAULT_USERS_PATH

    return Path(args.users or os.environ.get("COPIL_USERS") or DEFAULT_USERS_PATH)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "users", help="dashboard accounts: add, list, remove",
        description="Manage dashboard accounts. Passwords are stored as salted scrypt hashes "
        "(werkzeug.security) in a file readable by its owner only.",
        epilog="example:\n  copil users add alice --role client\n  copil users list",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="users_command", metavar="<action>", required=True)

    add = sub.add_parser("add", help="create or reset an account",
                         epilog=EPILOG_ADD, formatter_class=argparse.RawDescriptionHelpFormatter)
    add.add_argument("name", help="user name (letters, digits, '-', '_', '.')")
    add.add_argument("--role", required=True, choices=("client", "provider", "planner", "admin"))
    _users_option(add)
    add.set_defaults(func=run_add)

    lst = sub.add_parser("list", help="list accounts and roles",
                         epilog="example:\n  copil users list --users .copil/users.json",
                         formatter_class=argparse.RawDescriptionHelpFormatter)
    _users_option(lst)
    lst.set_defaults(func=run_list)

    rm = sub.add_parser("remove", help="delete an account",
                        epilog="example:\n  copil users remove alice",
                        formatter_class=argparse.RawDescriptionHelpFormatter)
    rm.add_argument("name")
    _users_option(rm)
    rm.set_defaults(func=run_remove)


def _password() -> str:
    env = os.environ.get("COPIL_PASSWORD")
    if env:
        return env
    if not sys.stdin.isatty():
        line = sys.stdin.readline().rstrip("\n")
        if line:
            return line
        raise ValueError("no password given: type it at the prompt, pipe it on stdin, "
                         "or set COPIL_PASSWORD")
    first = getpass.getpass("password: ")
    if first != getpass.getpass("password again: "):
        raise ValueError("the two passwords differ; run the command again")
    return first


def run_add(args: argparse.Namespace) -> int:
    from dashboards.auth import add_user

    path = _users_path(args)
    add_user(path, args.name, args.role, _password())
    print(f"copil: user {args.name} ({args.role}) saved in {path}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from dashboards.auth import list_users

    users = list_users(_users_path(args))
    if not users:
        print("no users yet; add one with: copil users add NAME --role client")
    for name, role in users:
        print(f"{name}\t{role}")
    return 0


def run_remove(args: argparse.Namespace) -> int:
    from dashboards.auth import remove_user

    if not remove_user(_users_path(args), args.name):
        raise ValueError(f"no user named {args.name!r}; 'copil users list' shows them")
    print(f"copil: user {args.name} removed")
    return 0
