"""The examples in the package's docstrings run and print what they show."""

import doctest
import importlib
import pkgutil

import pytest

import micrograd_bp

MODULES = sorted(m.name for m in pkgutil.walk_packages(micrograd_bp.__path__, "micrograd_bp.")
                 if m.name != "micrograd_bp.__main__")


@pytest.mark.parametrize("name", ["micrograd_bp", *MODULES])
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0
