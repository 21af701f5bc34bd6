"""``copil actions``: the actions agreed in the weekly meeting."""

from __future__ import annotations

import argparse

from copil.commands.kpis import frame_for_output
from copil.common import add_db_option, add_format_option, db_path, print_frame

EPILOG = """example:
  copil actions add "Two more advisors on Monday mornings" --owner provider --due 2026-03-02
  copil actions list --status open
  copil actions close 3"""


def register(subparsers) -> None:
    p = subparsers.add_parser("actions", help="add, list and close the actions agreed weekly",
                              epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="action", metavar="<action>", required=True)
    add = sub.add_parser("add", help="record an action",
                         epilog='example:\n  copil actions add "Send the mailing plan" '
                         "--owner client --due 2026-03-06",
                         formatter_class=argparse.RawDescriptionHelpFormatter)
    add.add_argument("text", help="what will be done")
    add.add_argument("--owner", choices=["client", "provider"], required=True,
                     help="who does it")
    add.add_argument("--due", metavar="DATE", help="due date YYYY-MM-DD")
    add.add_argument("--week", metavar="YYYY-Www", help="ISO week agreed in (default: this week)")
    add.add_argument("--author", help="who recorded it")
    add_db_option(add)
    add.set_defaults(func=run_add)
    ls = sub.add_parser("list", help="list actions",
                        epilog="example:\n  copil actions list --status open --format json",
                        formatter_class=argparse.RawDescriptionHelpFormatter)
    ls.add_argument("--status", choices=["open", "done", "dropped"], help="keep one status")
    add_db_option(ls)
    add_format_option(ls)
    ls.set_defaults(func=run_list)
    close = sub.add_parser("close", help="mark an action done (or dropped, or open again)",
                           epilog="example:\n  copil actions close 3 --status dropped",
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    close.add_argument("action_id", type=int, help="id shown by 'copil actions list'")
    close.add_argument("--status", choices=["done", "dropped", "open"], default="done",
                       help="new status (default: done)")
    close.add_argument("--by", metavar="NAME",
                       help="who changes it, recorded with the time (default: your OS user name)")
    add_db_option(close)
    close.set_defaults(func=run_close)


def run_add(args) -> int:
    from analytics.actions import add_action
    from analytics.warehouse import connection

    with connection(db_path(args)) as con:
        action_id = add_action(con, args.text, args.owner, due_date=args.due, week=args.week,
                               author=args.author)
    print(f"action {action_id} recorded")
    return 0


def run_list(args) -> int:
    from analytics.actions import list_actions
    from analytics.warehouse import connection

    with connection(db_path(args), read_only=True) as con:
        df = list_actions(con, status=args.status)
    if df.empty and args.format == "table":
        which = f"{args.status} " if args.status else ""
        print(f"no {which}actions recorded; add one with 'copil actions add TEXT --owner "
              "client|provider'")
        return 0
    print_frame(frame_for_output(df, args.format), args.format)
    return 0


def run_close(args) -> int:
    import getpass

    from analytics.actions import set_action_status
    from analytics.warehouse import connection

    by = args.by or getpass.getuser()
    with connection(db_path(args)) as con:
        set_action_status(con, args.action_id, args.status, by=by)
    print(f"action {args.action_id}: {args.status} (by {by})")
    return 0
