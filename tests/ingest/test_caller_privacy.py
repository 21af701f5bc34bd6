"""Caller numbers never stored, keys that hold up, no raw copy of a file on disk (issue 11).

Each test replays an attack that succeeded before: numbers written the way French exports
write them loaded verbatim, short keys, a different key, a world-readable key file, a
CP1252 file copied to a temporary UTF-8 file.
"""

from __future__ import annotations

import os
import stat
import tempfile

import pytest

import analytics.ingest as ingest_mod
from analytics.ingest import ingest_file
from analytics.privacy import (
    CallerKeyError,
    KeyFilePermissionWarning,
    caller_secret,
    key_fingerprint,
)
from analytics.privacy import caller_key as hmac_of
from analytics.warehouse import connect, spill_dir
from copil.cli import main

NBSP, NNBSP = "\u00a0", "\u202f"
# one distinct French mobile per form, so each form is checked on its own digits
FORMS = {
    "nbsp": ("06{s}11{s}22{s}33{s}41".replace("{s}", NBSP), "+33611223341"),
    "nnbsp": ("06{s}11{s}22{s}33{s}42".replace("{s}", NNBSP), "+33611223342"),
    "slashes": ("06/11/22/33/43", "+33611223343"),
    "tel_uri": ("tel:+33611223344", "+33611223344"),
    "trunk_zero": ("+33 (0) 6 11 22 33 45", "+33611223345"),
    "e164_no_plus": ("33611223346", "+33611223346"),
    "dots": ("06.11.22.33.47", "+33611223347"),
    "international": ("0033 6 11 22 33 48", "+33611223348"),
}
WITHHELD = ["anonymous", "Privé", "unknown", "PRIVATE", "", "0"]
# not a number, not withheld, not a key: the row is quarantined, its value not kept
UNUSABLE = "Tel 06 11 22 33 49"
BAD_DATE_NUMBER = "+33 7 98 76 54 32"
HEAD = "call_id,queue,arrived_at,outcome,wait_s,{col}\n"


def _digit_forms(number: str) -> set[str]:
    """Every way the digits of ``number`` could show in a file's bytes."""
    digits = "".join(ch for ch in number if ch.isdigit())
    national = digits[-9:]
    spaced = " ".join(["0" + national[0]] + [national[i:i + 2] for i in range(1, 9, 2)])
    return {number, digits, national, "0" + national, "33" + national, "+33" + national,
            spaced, spaced.replace(" ", NBSP), spaced.replace(" ", "/"), spaced.replace(" ", ".")}


def _file(tmp_path, col: str):
    lines = [HEAD.format(col=col)]
    for i, (value, _) in enumerate(FORMS.values()):
        lines.append(f"f{i},q,2026-02-16 09:{i:02d}:00,abandoned,5,\"{value}\"\n")
    for i, value in enumerate(WITHHELD):
        lines.append(f"w{i},q,2026-02-16 10:{i:02d}:00,abandoned,5,{value}\n")
    lines.append(f"u0,q,2026-02-16 11:00:00,abandoned,5,{UNUSABLE}\n")
    # a row bad for another reason: its (good) number must not follow it into quarantine
    lines.append(f"d0,q,not-a-date,abandoned,5,{BAD_DATE_NUMBER}\n")
    path = tmp_path / f"{col}.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.mark.parametrize("col", ["caller_key", "caller_number"])
def test_every_number_form_is_hashed_and_appears_nowhere(col, tmp_path, db_path, caller_key, capsys):
    f = _file(tmp_path, col)
    assert main(["ingest", "calls", str(f), "--db", str(db_path)]) == 0
    capsys.readouterr()
    con = connect(db_path)
    got = dict(con.execute("select call_id, caller_key from calls").fetchall())
    # each form gives the key of the same number in E.164 (HMAC reference in privacy.py)
    for i, (_, e164) in enumerate(FORMS.values()):
        assert got[f"f{i}"] == hmac_of(e164, caller_key), e164
    # withheld numbers: no key (no shared key for every hidden caller), flagged
    assert con.execute("select count(*), count(caller_key), bool_and(caller_withheld) from calls "
                       "where call_id like 'w%'").fetchall() == [(len(WITHHELD), 0, True)]
    assert con.execute("select count(*) from calls where not caller_withheld").fetchall() == [(len(FORMS),)]
    # the unusable value: row quarantined, naming the column, without the value
    assert con.execute("select \"column\", value from quarantine where line = 16").fetchall() == [(col, None)]
    assert con.execute("select \"column\", value from quarantine where line = 17").fetchall() == [
        ("arrived_at", "not-a-date")]
    assert "u0" not in got and "d0" not in got
    quarantine = " ".join(str(v) for r in con.execute("select * from quarantine").fetchall() for v in r)
    con.execute("checkpoint")
    con.close()
    blob = db_path.read_bytes()
    for value, e164 in [*FORMS.values(), (UNUSABLE, "+33611223349"), (BAD_DATE_NUMBER, "+33798765432")]:
        for form in _digit_forms(value) | _digit_forms(e164):
            assert form.encode() not in blob, (value, form)
            assert form not in quarantine, (value, form)


def test_declared_keys_are_kept_other_hex_keys_are_keyed_again(tmp_path, db_path, caller_key):
    ours = hmac_of("+33611223350", caller_key)
    foreign = "ab" * 32  # e.g. an unkeyed SHA-256 of a number: brute-forceable, never kept
    f = tmp_path / "k.csv"
    f.write_text(HEAD.format(col="caller_key") + f"a,q,2026-02-16 09:00:00,abandoned,5,{ours.upper()}\n"
                 f"b,q,2026-02-16 09:01:00,abandoned,5,{foreign}\n", encoding="utf-8")
    declared = tmp_path / "declared.yaml"
    declared.write_text(f"name: declared\nkind: calls\ncaller_key_id: '{key_fingerprint(caller_key)}'\n")
    con = connect(db_path)
    ingest_file(con, "calls", f, profile=declared, source="declared")
    ingest_file(con, "calls", f, source="plain")
    got = dict(((r[0], r[1]), r[2]) for r in con.execute(
        "select source, call_id, caller_key from calls").fetchall())
    assert got[("declared", "a")] == ours          # the source said: made with this key
    assert got[("plain", "a")] != ours             # not declared: keyed again
    assert got[("plain", "b")] != foreign          # an outside hash is never stored as it is
    assert got[("declared", "b")] == foreign       # ... unless the profile vouches for it
    assert all(len(k) == 64 for k in got.values())
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("name: wrong\nkind: calls\ncaller_key_id: '000000000000'\n")
    with pytest.raises(ingest_mod.FileRefused, match="000000000000"):
        ingest_file(con, "calls", f, profile=wrong, source="wrong")
    con.close()


@pytest.mark.parametrize("short", ["", "k", "x" * 31])
def test_short_key_is_refused(short, tmp_path, db_path, monkeypatch, capsys):
    monkeypatch.setenv("COPIL_CALLER_KEY", short)
    f = _file(tmp_path, "caller_number")
    with pytest.raises(CallerKeyError, match="at least 32"):
        ingest_file(connect(db_path), "calls", f)
    assert main(["ingest", "calls", str(f), "--db", str(db_path)]) == 2
    assert "secrets.token_hex(32)" in capsys.readouterr().err  # says how to make one
    con = connect(db_path)
    assert con.execute("select count(*) from calls").fetchall() == [(0,)]
    con.close()


def test_short_key_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.delenv("COPIL_CALLER_KEY")
    path = tmp_path / "caller.key"
    path.write_text("0123456789abcdef\n")
    path.chmod(0o600)
    monkeypatch.setenv("COPIL_CALLER_KEY_FILE", str(path))
    with pytest.raises(CallerKeyError, match="16 bytes"):
        caller_secret()


def test_key_of_another_warehouse_is_refused(tmp_path, db_path, monkeypatch, rows):
    f = _file(tmp_path, "caller_number")
    con = connect(db_path)
    ingest_file(con, "calls", f)
    before = rows(con, "select count(*) from calls")
    monkeypatch.setenv("COPIL_CALLER_KEY", "another-key-of-more-than-32-bytes!")
    g = tmp_path / "more.csv"
    g.write_text(HEAD.format(col="caller_number") + "n1,q,2026-02-17 09:00:00,abandoned,5,0611223351\n")
    with pytest.raises(CallerKeyError, match="fingerprint") as err:
        ingest_file(con, "calls", g)
    # names both fingerprints and how to proceed
    assert key_fingerprint(b"another-key-of-more-than-32-bytes!") in str(err.value)
    assert "new warehouse" in str(err.value)
    assert rows(con, "select count(*) from calls") == before
    con.close()


def test_loose_key_file_is_warned(tmp_path, monkeypatch):
    monkeypatch.delenv("COPIL_CALLER_KEY")
    path = tmp_path / "caller.key"
    path.write_text("f" * 64 + "\n")
    path.chmod(0o644)
    monkeypatch.setenv("COPIL_CALLER_KEY_FILE", str(path))
    with pytest.warns(KeyFilePermissionWarning, match="chmod 600"):
        assert caller_secret() == b"f" * 64
    path.chmod(0o600)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        caller_secret()  # private: no warning


def test_cp1252_file_leaves_no_copy_on_disk_and_spills_privately(tmp_path, db_path, monkeypatch):
    """The load is watched from inside: while the rows are staged, no file under the test's
    folders or the temp folder (other than the source itself) holds a number."""
    watched = tmp_path / "tmp"
    watched.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(watched))
    numbers = [f"06 11 22 {i:02d} 52" for i in range(50)]
    text = HEAD.format(col="caller_number").replace("wait_s", "wait_s,topic") + "".join(
        f"c{i},q,2026-02-16 09:{i:02d}:00,abandoned,5,Réclamation – €,{n}\n"
        for i, n in enumerate(numbers))
    source = tmp_path / "src" / "cp1252.csv"
    source.parent.mkdir()
    source.write_bytes(text.encode("cp1252"))
    seen: list[str] = []
    load = ingest_mod._load

    def watching(con, *args, **kwargs):
        load(con, *args, **kwargs)
        for folder in (tmp_path, watched):
            for dirpath, _, files in os.walk(folder):
                for name in files:
                    path = os.path.join(dirpath, name)
                    if path == str(source) or path.startswith(str(db_path)):
                        continue
                    data = open(path, "rb").read()
                    if any(n.replace(" ", "").encode() in data or n.encode() in data for n in numbers):
                        seen.append(path)

    monkeypatch.setattr(ingest_mod, "_load", watching)
    con = connect(db_path)
    s = ingest_file(con, "calls", source)
    assert seen == []
    assert s.rows_loaded == 50
    assert con.execute("select distinct topic from calls").fetchall() == [("Réclamation – €",)]
    # DuckDB spills beside the warehouse, in a folder only its owner enters
    spill = spill_dir(db_path)
    assert con.execute("select current_setting('temp_directory')").fetchall() == [(str(spill),)]
    assert stat.S_IMODE(spill.stat().st_mode) == 0o700
    con.close()
    ro = connect(db_path, read_only=True)
    assert ro.execute("select current_setting('temp_directory')").fetchall() == [(str(spill),)]
    ro.close()
