"""Actions agreed in the weekly meeting (the ``actions`` table)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from analytics.kpis import iso_week, to_date, week_start

__all__ = ["add_action", "list_actions", "set_action_status", "OWNERS", "STATUSES"]

OWNERS = ("client", "provider")
STATUSES = ("open", "done", "dropped")


def add_action(con, text: str, owner: str, *, due_date=None, week: str | None = None,
               author: str | None = None, now: dt.datetime | None = None) -> int:
    """Record an action; returns its ``action_id``.

    ``owner`` is ``client`` or ``provider``; ``week`` the ISO week it was agreed in
    (default: the current week); ``due_date`` a local date (``YYYY-MM-DD``) or None.
    """
    text = (text or "").strip()
    if not text:
        raise ValueError("action text is empty; describe what will be done")
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
    df = con.execute(
        "select action_id, week, text, owner, due_date, status, created_at, closed_at, author "
        "from actions where (? is null or status = ?) and (? is null or week <= ?) "
        "order by action_id", [status, status, week, week]).df()
    df["due_date"] = [None if pd.isna(d) else pd.Timestamp(d).date() for d in df["due_date"]]
    return df


def set_action_status(con, action_id: int, status: str, *, now: dt.datetime | None = None) -> None:
    """Mark an action ``open``, ``done`` or ``dropped`` (closed_at set when not open)."""
    if status not in STATUSES:
        raise ValueError(f"status {status!r} is unknown; use open, done or dropped")
    exists = con.execute("select count(*) from actions where action_id = ?",
                         [int(action_id)]).fetchall()[0][0]
    if not exists:
        raise ValueError(f"action {action_id} does not exist; 'copil actions list' shows the ids")
    closed = None if status == "open" else (now or dt.datetime.now(dt.UTC))
    con.execute("update actions set status = ?, closed_at = ? where action_id = ?",
                [status, closed, int(action_id)])
