"""Printing for the CLI: rich tables by default, CSV with --csv, errors on stderr."""

from __future__ import annotations

import csv
import datetime as dt
import sys
from typing import Any, Sequence

import click

from ..csv_cells import safe_cell
from ..limits import human_size


def fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float):
        return f"{value:.5f}"  # Kaggle shows scores to 5 decimals
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)



def spreadsheet_cell(value: Any) -> str:
    """``value`` as a CSV cell that a spreadsheet shows as text: a cell from people (a name, an
    e-mail) that would start a formula gets a leading apostrophe; numbers stay numbers."""
    text = fmt(value)
    return text if isinstance(value, (int, float)) else safe_cell(text)


def table(columns: Sequence[str], rows: Sequence[Sequence[Any]], as_csv: bool = False, title: str | None = None) -> None:
    if as_csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([spreadsheet_cell(v) for v in row])
        return
    from rich.console import Console
    from rich.table import Table

    t = Table(title=title, header_style="bold", title_justify="left")
    for i, c in enumerate(columns):
        numeric = c.lower().endswith(("score", "size", "count", "rank", "entries")) or c in ("id", "ref#")
        t.add_column(c, justify="right" if numeric else "left", overflow="fold", no_wrap=i == 0)
    for row in rows:
        t.add_row(*[fmt(v) for v in row])
    console = Console()
    # Never squeeze columns into ragged cells: a table wider than the terminal keeps its rows whole.
    natural = console.measure(t, options=console.options.update(max_width=1000)).maximum
    if natural > console.width:
        console = Console(width=natural)
    console.print(t)


def progress(*columns, quiet: bool = False):
    """A transient progress bar on stderr, shown only on a terminal: stdout keeps only the results (rich
    ends a bar on a pipe or file with an empty line)."""
    from rich.console import Console
    from rich.progress import Progress

    console = Console(stderr=True)
    return Progress(*columns, console=console, transient=True, disable=quiet or not console.is_terminal)


def echo(message: str = "") -> None:
    click.echo(message)


def error(message: str) -> None:
    click.echo(message, err=True)


def size(n: int) -> str:
    """A file size as the Kaggle CLI shows it (``1.5KB``)."""
    return human_size(n)
