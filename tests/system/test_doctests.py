"""The examples in the source's docstrings run, and say what they show.

Every module of the package with a ``>>>`` example is run through :mod:`doctest`
(examples marked ``# doctest: +SKIP`` need a live arena or data and are shown only).
"""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
WITH_EXAMPLES = sorted(
    ".".join(p.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__")
    for p in (SRC / "scrimmage").rglob("*.py")
    if ">>>" in p.read_text(encoding="utf-8") and "migrations" not in p.parts
)


def test_examples_are_found():
    assert len(WITH_EXAMPLES) >= 10, WITH_EXAMPLES


@pytest.mark.parametrize("name", WITH_EXAMPLES)
def test_docstring_examples_run(name, home):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples of {name} failed (output above)"
