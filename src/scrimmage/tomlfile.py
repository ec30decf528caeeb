"""The TOML that scrimmage writes (competition.toml of built bundles, config.toml), with tomli-w.

Text is checked by reading it back: a value that would not survive the round trip
(a NaN, a type TOML has no word for) is refused before anything is written.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Mapping

from .atomic import write_text


def _plain(value: Any) -> Any:
    """``value`` with tuples as lists and numpy scalars as Python numbers (what TOML reads back)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and type(value).__module__ == "numpy":
        return value.item()
    return value


def dumps(settings: Mapping[str, Any]) -> str:
    """TOML for ``settings``; multi-line strings stay multi-line.

    >>> print(dumps({"title": "Titanic", "tags": ("tabular",), "rows": 891}), end="")
    title = "Titanic"
    tags = [
        "tabular",
    ]
    rows = 891
    """
    import tomli_w

    plain = _plain(settings)
    try:
        text = tomli_w.dumps(plain, multiline_strings=True)
    except TypeError as exc:
        raise ValueError(f"cannot write these settings as TOML: {exc}") from None
    if tomllib.loads(text) != plain:  # a NaN, say: a writer must never ship a file that reads back otherwise
        raise ValueError("the TOML written does not read back as the settings given")
    return text


def read(path: Path) -> dict[str, Any]:
    """The settings of a TOML file ({} when there is none)."""
    path = Path(path)
    return tomllib.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def update(path: Path, changes: Mapping[str, Any], *, first: bool = False) -> None:
    """Set the keys of ``changes`` in the TOML file ``path`` (rewritten whole, so a key never lands in a table).

    ``first`` puts the changed keys before the others.
    """
    settings = read(path)
    if first:
        settings = {**changes, **{k: v for k, v in settings.items() if k not in changes}}
    else:
        settings.update(changes)
    write_text(path, dumps(settings))
