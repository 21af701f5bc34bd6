"""`copil --help` and every sub-command's --help explain themselves."""

import subprocess
import sys

from copil.cli import build_parser, main


def _subcommands() -> list[str]:
    parser = build_parser()
    actions = [a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"]
    return sorted(actions[0].choices) if actions else []


def test_top_level_help_names_the_warehouse_default(capsys):
    try:
        main(["--help"])
    except SystemExit as exc:
        assert exc.code == 0
    out = capsys.readouterr().out
    assert "COPIL_DB" in out
    assert "data/demo.duckdb" in out


def test_every_subcommand_help_has_an_example(capsys):
    for name in _subcommands():
        try:
            main([name, "--help"])
        except SystemExit as exc:
            assert exc.code == 0
        out = capsys.readouterr().out
        assert "example" in out.lower(), f"copil {name} --help shows no example"


def test_module_entry_point_runs():
    done = subprocess.run([sys.executable, "-m", "copil", "--help"], capture_output=True, text=True)
    assert done.returncode == 0
    assert "usage: copil" in done.stdout
