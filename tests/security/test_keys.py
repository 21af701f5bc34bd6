"""Issue 11 point 8 (session key): at least 32 bytes of key material, loose key-file
permissions warned about and fixed."""

from __future__ import annotations

import logging
import os
import stat

import pytest

from dashboards import auth


@pytest.mark.parametrize("key", ["00", "ab" * 16, "", "not-hex-at-all"])
def test_short_or_malformed_session_key_is_refused_with_how_to_make_one(serve, monkeypatch, key):
    monkeypatch.setenv("COPIL_SECRET_KEY", key)
    with pytest.raises(ValueError, match=r"secrets\.token_hex\(32\)"):
        serve()


def test_a_32_byte_session_key_is_used_and_31_refused(serve, monkeypatch):
    monkeypatch.setenv("COPIL_SECRET_KEY", "5e" * 31)
    with pytest.raises(ValueError, match="31 bytes, at least 32"):
        serve()
    monkeypatch.setenv("COPIL_SECRET_KEY", "5e" * 32)
    served = serve()
    assert served.app.server.secret_key == bytes.fromhex("5e" * 32)
    assert served.session("client").get(served.url + "/_dash-layout").status_code == 200


def test_short_key_file_is_refused(serve, tmp_path):
    path = tmp_path / "short_key"
    path.write_text("ab" * 16 + "\n")  # 16 bytes: a forgeable key
    os.chmod(path, 0o600)
    with pytest.raises(ValueError, match="at least 32"):
        serve(secret_key_path=path)


def test_loose_key_file_permissions_are_warned_and_fixed(tmp_path, caplog):
    path = tmp_path / "key"
    key = auth.load_secret_key(path)
    os.chmod(path, 0o644)
    with caplog.at_level(logging.WARNING, logger="dashboards.auth"):
        assert auth.load_secret_key(path) == key
    assert "readable by other users" in caplog.text
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    os.chmod(path, 0o666)  # others could replace the key: refused
    with pytest.raises(ValueError, match="written by other users"):
        auth.load_secret_key(path)
