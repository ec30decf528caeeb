"""Text cells of exported CSV files that a spreadsheet will not run as formulas.

A cell starting with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) is read by
spreadsheet programs as a formula, so a team named ``=HYPERLINK(...)`` would run in the
host's spreadsheet. Such text gets a leading ``'``, which spreadsheets show as plain
text. Numbers are left alone (a score of ``-0.5`` stays a number).
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def safe_cell(value: Any) -> Any:
    """``value`` as it may go into an exported CSV: formula-looking text is made inert."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _is_number(value):
        return "'" + value
    return value


__all__ = ["safe_cell", "FORMULA_STARTS"]
