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
