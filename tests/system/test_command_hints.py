"""Every command a message or docstring tells the user to run exists in the real command tree."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import click
import pytest

import scrimmage
from scrimmage.cli import _register, cli

SOURCE = Path(scrimmage.__file__).parent
# `scrimmage WORDS…` in backticks (single or double), or "run scrimmage WORDS…" up to the punctuation.
HINT = re.compile(r"`scrimmage ([^`]*)`|\brun scrimmage ((?:[\w{}./:=-]+ ?)+)")


def _texts(tree: ast.AST):
    """(line, text) of every string literal; an f-string's fields read ``{}``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            yield node.lineno, "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value


def hints() -> list[tuple[str, str]]:
    """("FILE:LINE", the words after ``scrimmage``) of every command hint in the source."""
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        for line, text in _texts(ast.parse(path.read_text(encoding="utf-8"))):
            for m in HINT.finditer(text):
                found.append((f"{path.relative_to(SOURCE.parent)}:{line}", (m.group(1) or m.group(2)).strip()))
    return sorted(set(found))


def _placeholder(word: str) -> bool:
    return "{" in word or word in ("…", "...") or word.upper() == word


def problem(words: str) -> str | None:
    """What is wrong with ``scrimmage WORDS``, or None when its command path and options exist."""
    _register()
    command: click.Command = cli
    path = ["scrimmage"]
    tokens = words.split()
    i = 0
    while i < len(tokens):
        word = tokens[i]
        if word.startswith("-"):
            name = word.split("=", 1)[0]
            option = next((p for p in command.params if name in p.opts + p.secondary_opts), None)
            if option is None and name not in ("-h", "--help"):
                return f"`{' '.join(path)}` has no option {name}"
            if option is not None and not option.is_flag and "=" not in word:
                i += 1  # its value
        elif isinstance(command, click.Group):
            if _placeholder(word):
                return None  # `scrimmage COMMAND`
            sub = command.get_command(click.Context(command), word)
            if sub is None:
                return f"`{' '.join(path)}` has no command {word!r}"
            command, path = sub, path + [word]
        i += 1
    return None


def test_the_check_catches_a_wrong_command_and_a_wrong_option():
    assert problem("submissions titanic") == "`scrimmage` has no command 'submissions'"
    assert problem("competitions submissions titanic") is None
    assert problem("c download REF -f train.csv") is None
    assert problem("kernels pull USER/SLUG --nosuch") == "`scrimmage kernels pull` has no option --nosuch"
    assert problem("--server URL competitions list") is None


def test_the_source_has_command_hints():
    assert len(hints()) > 50  # the pattern still finds them


@pytest.mark.parametrize("where,words", hints())
def test_every_command_hint_exists(where, words):
    found = problem(words)
    assert found is None, f"{where}: `scrimmage {words}`: {found}"
