"""copil.common output helpers."""

from __future__ import annotations

import io

import pandas as pd

from copil.common import print_frame


def test_empty_table_is_a_sentence_not_a_pandas_repr():
    out = io.StringIO()
    print_frame(pd.DataFrame({"a": [], "b": []}), "table", out)
    assert out.getvalue() == "no rows for these options (columns: a, b)\n"
    out = io.StringIO()
    print_frame(pd.DataFrame({"a": [], "b": []}), "csv", out)
    assert out.getvalue() == "a,b\n"
    out = io.StringIO()
    print_frame(pd.DataFrame({"a": [1]}), "table", out)
    assert out.getvalue() == " a\n 1\n"


def test_forecast_input_with_a_non_numeric_count_names_the_line(tmp_path, capsys):
    from copil.cli import main

    path = tmp_path / "daily.csv"
    path.write_text("date,calls\n2026-01-05,10\n2026-01-06,abc\n", encoding="utf-8")
    assert main(["forecast", "--input", str(path), "--horizon-days", "7"]) == 2
    err = capsys.readouterr().err
    assert "daily.csv: line 3: calls 'abc' is not a number of calls" in err
