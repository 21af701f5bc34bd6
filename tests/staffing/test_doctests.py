"""The examples in the staffing docstrings run and give the values they show."""

import doctest
import importlib

import pytest


@pytest.mark.parametrize("name", ["staffing.erlang_b", "staffing.erlang_c", "staffing.erlang_a",
                                  "staffing.headcount"])
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
