"""Actions agreed in the weekly meeting (the ``actions`` table)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from analytics.kpis import iso_week, to_date, week_start

__all__ = ["add_action", "list_actions", "set_action_status", "OWNERS", "STATUSES",
           "MAX_TEXT_CHARS"]

OWNERS = ("client", "provider")
STATUSES = ("open", "done", "dropped")
MAX_TEXT_CHARS = 500   # an action is one sentence or two
MAX_NAME_CHARS = 100   # author, status_by


def _name(value: str | None, what: str) -> str | None:
    """``value`` stripped (None when empty), refused when longer than MAX_NAME_CHARS."""
    value = (value or "").strip() or None
    if value is not None and len(value) > MAX_NAME_CHARS:
        raise ValueError(f"{what} has {len(value)} characters; at most {MAX_NAME_CHARS}")
    return value


def add_action(con, text: str, owner: str, *, due_date=None, week: str | None = None,
               author: str | None = None, now: dt.datetime | None = None) -> int:
    """Record an action; returns its ``action_id``.

    ``owner`` is ``client`` or ``provider``; ``week`` the ISO week it was agreed in
    (default: the current week); ``due_date`` a local date (``YYYY-MM-DD``) or None.
    """
    text = (text or "").strip()
    if not text:
        raise ValueError("action text is empty; describe what will be done")
    if len(text) > MAX_TEXT_CHARS:
        raise ValueError(f"action text has {len(text)} characters; keep it to "
                         f"{MAX_TEXT_CHARS} (one or two sentences)")
    author = _name(author, "author")
    if owner not in OWNERS:
        raise ValueError(f"owner {owner!r} is not allowed; use client or provider")
    now = now or dt.datetime.now(dt.UTC)
    if week is None:
        week = iso_week(now.date())
    else:
        week = iso_week(week_start(week))        # validates and normalises
    due = to_date(due_date)
    return con.execute(
        "insert into actions (action_id, created_at, week, text, owner, due_date, status, author) "
        "values (nextval('action_seq'), ?, ?, ?, ?, ?, 'open', ?) returning action_id",
        [now, week, text, owner, due, author]).fetchall()[0][0]


def list_actions(con, *, status: str | None = None, week: str | None = None) -> pd.DataFrame:
    """Actions, oldest first; ``status`` filters (open, done, dropped), ``week`` keeps those
    agreed up to that ISO week."""
    if status is not None and status not in STATUSES:
        raise ValueError(f"status {status!r} is unknown; use open, done or dropped")
    if week is not None:
        week = iso_week(week_start(week))
    # A warehouse made before status_by/status_at and only read since (read-only
    # connections do not run the schema's ALTERs) answers NULL for them.
    has_by = con.execute("select count(*) from duckdb_columns() where table_name = 'actions' "
                         "and column_name = 'status_by'").fetchall()[0][0]
    by_cols = "status_by, status_at" if has_by else (
        "null::varchar as status_by, null::timestamptz as status_at")
    df = con.execute(
        "select action_id, week, text, owner, due_date, status, created_at, closed_at, author, "
        f"{by_cols} "
        "from actions where (? is null or status = ?) and (? is null or week <= ?) "
        "order by action_id", [status, status, week, week]).df()
    df["due_date"] = [None if pd.isna(d) else pd.Timestamp(d).date() for d in df["due_date"]]
    return df


def set_action_status(con, action_id: int, status: str, *, by: str | None = None,
                      now: dt.datetime | None = None) -> None:
    """Mark an action ``open``, ``done`` or ``dropped``, recording who (``by``: a user or
    OS account name) and when (``now``, default the current time, UTC); ``closed_at`` is
    set when not open."""
    if status not in STATUSES:
        raise ValueError(f"status {status!r} is unknown; use open, done or dropped")
    by = _name(by, "the name of who changes the status")
    exists = con.execute("select count(*) from actions where action_id = ?",
                         [int(action_id)]).fetchall()[0][0]
    if not exists:
        raise ValueError(f"action {action_id} does not exist; 'copil actions list' shows the ids")
    now = now or dt.datetime.now(dt.UTC)
    closed = None if status == "open" else now
    con.execute("update actions set status = ?, closed_at = ?, status_by = ?, status_at = ? "
                "where action_id = ?", [status, closed, by, now, int(action_id)])
