"""``copil users`` and ``copil serve`` wiring."""

from __future__ import annotations

import os
import stat

from copil.cli import main
from dashboards import auth


def test_users_add_list_remove(tmp_path, monkeypatch, capsys):
    users = tmp_path / "u.json"
    monkeypatch.setenv("COPIL_PASSWORD", "a-good-password")
    assert main(["users", "add", "alice", "--role", "client", "--users", str(users)]) == 0
    assert stat.S_IMODE(os.stat(users).st_mode) == 0o600
    assert auth.check_user(users, "alice", "a-good-password") == "client"
    assert main(["users", "list", "--users", str(users)]) == 0
    assert "alice\tclient" in capsys.readouterr().out
    assert main(["users", "remove", "alice", "--users", str(users)]) == 0
    assert main(["users", "remove", "alice", "--users", str(users)]) == 2
    assert "no user named 'alice'" in capsys.readouterr().err


def test_users_add_refuses_unknown_role(tmp_path, capsys):
    try:
        main(["users", "add", "bob", "--role", "boss", "--users", str(tmp_path / "u.json")])
    except SystemExit as exc:
        assert exc.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_serve_refuses_a_missing_warehouse_plainly(tmp_path, capsys):
    code = main(["serve", "--db", str(tmp_path / "nope.duckdb"), "--port", "8999",
                 "--users", str(tmp_path / "u.json"), "--secret-key-file", str(tmp_path / "k")])
    assert code == 2
    assert "no warehouse here" in capsys.readouterr().err


def test_serve_help_defaults_to_localhost(capsys):
    try:
        main(["serve", "--help"])
    except SystemExit:
        pass
    out = capsys.readouterr().out
    assert "127.0.0.1" in out and "example" in out and "reverse proxy" in out
