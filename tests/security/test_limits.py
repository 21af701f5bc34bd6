"""Issue 11 point 12 (the parts handled here): password length, the users file written and
read safely, bounded request bodies and action texts, who changed an action's status and
when, and one cache entry per week however it is written."""

from __future__ import annotations

import getpass
import json
import os
import shutil
import stat

import duckdb
import pytest
from security_testkit import callback_body

from dashboards import auth


def test_passwords_shorter_than_12_characters_are_refused(tmp_path, monkeypatch, capsys):
    from copil.cli import main

    users = tmp_path / "u.json"
    with pytest.raises(ValueError, match="at least 12 characters"):
        auth.add_user(users, "alice", "client", "elevenchars")  # 11
    monkeypatch.setenv("COPIL_PASSWORD", "short-pw")
    assert main(["users", "add", "bob", "--role", "client", "--users", str(users)]) != 0
    assert "at least 12 characters" in capsys.readouterr().err
    auth.add_user(users, "alice", "client", "twelve-chars")  # 12: accepted
    assert auth.check_user(users, "alice", "twelve-chars") == "client"


def test_users_file_is_never_written_through_a_symbolic_link(tmp_path):
    users = tmp_path / "users.json"
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    # The temporary name the writer used before was predictable: a link planted there
    # made it write the users into any file the server may write.
    (tmp_path / f"users.json.{os.getpid()}.tmp").symlink_to(victim)
    auth.add_user(users, "alice", "client", "a-long-password")
    assert victim.read_text() == "precious\n"
    assert not users.is_symlink() and stat.S_IMODE(users.stat().st_mode) == 0o600
    # A link as the users file itself is refused on read, and replaced (not followed) on write.
    users.unlink()
    users.symlink_to(victim)
    with pytest.raises(ValueError, match="symbolic link"):
        auth.load_users(users)
    assert victim.read_text() == "precious\n"


def test_users_file_mode_is_checked_on_read(tmp_path, caplog):
    users = tmp_path / "users.json"
    auth.add_user(users, "alice", "client", "a-long-password")
    os.chmod(users, 0o644)
    assert auth.check_user(users, "alice", "a-long-password") == "client"
    assert "readable by other users" in caplog.text
    assert stat.S_IMODE(users.stat().st_mode) == 0o600
    os.chmod(users, 0o666)  # anyone could add an admin
    with pytest.raises(ValueError, match="written by other users"):
        auth.load_users(users)


def test_request_bodies_are_bounded(serve):
    served = serve()
    client = served.session("client")
    body = callback_body([("weekly-cards", "children")], [("weekly-week", "value", "2026-W46")])
    body["padding"] = "x" * (2 * 1024 * 1024)
    assert client.post(served.url + "/_dash-update-component", json=body).status_code == 413
    login = served.session().post(served.url + "/login",
                                  data={"username": "client", "password": "p" * 2_000_000})
    assert login.status_code == 413


@pytest.fixture()
def own_warehouse(warehouse_path, tmp_path):
    """A copy of the small warehouse the test may write to."""
    path = tmp_path / "w.duckdb"
    shutil.copy(warehouse_path, path)
    return path


def _actions(path):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("select action_id, text, status, status_by, status_at from actions "
                           "order by action_id").fetchall()
    finally:
        con.close()


ADD = dict(outputs=[("weekly-actions", "children"), ("weekly-action-message", "children"),
                    ("weekly-action-text", "value")],
           inputs=[("weekly-action-add", "n_clicks", 1), ("weekly-actions-version", "data", 0)],
           triggered=["weekly-action-add.n_clicks"])


def _add_body(text: str) -> dict:
    return callback_body(ADD["outputs"], ADD["inputs"],
                         [("weekly-action-text", "value", text),
                          ("weekly-action-owner", "value", "provider"),
                          ("weekly-action-due", "date", None),
                          ("weekly-week", "value", "2026-W46")], ADD["triggered"])


def test_action_text_is_bounded_with_a_clear_error(serve, own_warehouse, warehouse_path):
    import importlib

    from analytics.actions import MAX_TEXT_CHARS

    served = serve()
    served.app.server.config["COPIL_WAREHOUSE"] = type(served.app.server.config[
        "COPIL_WAREHOUSE"])(own_warehouse)
    client = served.session("client")
    url = served.url + "/_dash-update-component"
    too_long = client.post(url, json=_add_body("y" * (MAX_TEXT_CHARS + 1)))
    assert too_long.status_code == 200
    assert f"keep it to {MAX_TEXT_CHARS}" in too_long.text
    assert _actions(own_warehouse) == []
    assert client.post(url, json=_add_body("z" * MAX_TEXT_CHARS)).status_code == 200
    assert [len(row[1]) for row in _actions(own_warehouse)] == [MAX_TEXT_CHARS]
    actions = importlib.import_module("analytics.actions")
    con = duckdb.connect(":memory:")
    with pytest.raises(ValueError, match="author has 101 characters"):
        actions.add_action(con, "ok", "client", author="a" * 101)


def test_status_changes_record_who_and_when(serve, own_warehouse, monkeypatch, capsys):
    from copil.cli import main

    served = serve()
    served.app.server.config["COPIL_WAREHOUSE"] = type(served.app.server.config[
        "COPIL_WAREHOUSE"])(own_warehouse)
    client = served.session("client")
    url = served.url + "/_dash-update-component"
    assert client.post(url, json=_add_body("Two more advisors on Mondays")).status_code == 200
    assert client.post(url, json=_add_body("Send the mailing plan")).status_code == 200
    (first, *_), (second, *_) = _actions(own_warehouse)
    # Dash sends a pattern input (ALL) as a list of {id, property, value}.
    pattern_id = {"index": first, "type": "weekly-action-status"}
    status = {"output": "weekly-actions-version.data",
              "outputs": {"id": "weekly-actions-version", "property": "data"},
              "inputs": [[{"id": pattern_id, "property": "value", "value": "done"}]],
              "state": [{"id": "weekly-actions-version", "property": "data", "value": 0}],
              "changedPropIds": [json.dumps(pattern_id, separators=(",", ":")) + ".value"]}
    response = client.post(url, json=status)
    assert response.status_code == 200, response.text[:300]
    rows = {r[0]: r for r in _actions(own_warehouse)}
    assert rows[first][2:4] == ("done", "client")  # who: the signed-in user
    assert rows[first][4] is not None               # when
    assert rows[second][2:5] == ("open", None, None)
    # The CLI records --by, else the OS user name.
    assert main(["actions", "close", str(second), "--db", str(own_warehouse),
                 "--status", "dropped", "--by", "alice"]) == 0
    assert main(["actions", "close", str(first), "--db", str(own_warehouse),
                 "--status", "open"]) == 0
    rows = {r[0]: r for r in _actions(own_warehouse)}
    assert rows[second][2:4] == ("dropped", "alice")
    assert rows[first][2:4] == ("open", getpass.getuser())
    capsys.readouterr()


def test_old_warehouse_gains_the_status_columns(tmp_path):
    from analytics.warehouse import connect, sql_text

    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    old_schema = sql_text("schema").split("-- Who changed")[0]  # the schema before the ALTERs
    con.execute(old_schema)
    con.execute("insert into actions values (1, now(), '2026-W08', 't', 'client', null, 'open',"
                " null, null)")
    con.close()
    from analytics.actions import list_actions

    ro = connect(path, read_only=True)  # read-only: NULLs for the missing columns
    assert list(list_actions(ro).columns[-2:]) == ["status_by", "status_at"]
    ro.close()
    con = connect(path)  # a write connection runs the ALTERs (twice is harmless)
    con.close()
    con = connect(path)
    cols = [r[0] for r in con.execute("select column_name from duckdb_columns() "
                                      "where table_name = 'actions'").fetchall()]
    con.close()
    assert cols[-2:] == ["status_by", "status_at"]


def test_one_week_is_one_cache_entry_however_written(serve):
    served = serve()
    wh = served.app.server.config["COPIL_WAREHOUSE"]
    client = served.session("client")
    url = served.url + "/_dash-update-component"

    def kpis(week: str):
        body = callback_body([("weekly-cards", "children"), ("weekly-trend-rates", "figure"),
                              ("weekly-trend-waits", "figure"), ("weekly-report-link", "href")],
                             [("weekly-week", "value", week), ("weekly-queues", "value", [])])
        assert client.post(url, json=body).status_code == 200

    aliases = ("2026-w46", "02026-W46", " 2026-W46 ")
    for week in ("2026-W46", *aliases):
        kpis(week)
    # Every cached read names the week canonically (the background prefetch of the
    # neighbouring weeks adds entries too, so the keys are checked, not counted).
    keys = [repr(key) for key in list(wh._cache)]
    assert any("'2026-W46'" in key for key in keys)
    assert not [key for key in keys if any(repr(alias) in key for alias in aliases)]
