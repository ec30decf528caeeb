"""``scrimmage admin``: upkeep of the arena on the machine that holds it."""

from __future__ import annotations

import click

from . import cli
from ._output import echo, table


@cli.group()
def admin():
    """Upkeep of the local arena (its store and its files)."""


@admin.command("check-files")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV instead of a table.")
def check_files(as_csv):
    """List recorded files that are missing from the disk or have changed size."""
    from ..config import Settings
    from ..errors import ScrimmageError
    from ..arena import Arena
    from ..stored_files import check

    a = Arena(Settings.load(server=""))
    problems = check(a)
    if not problems:
        echo("every recorded file is in place")
        return
    table(["competition", "file", "problem", "path"], [[p.competition, p.what, p.problem, p.path] for p in problems],
          as_csv)
    raise ScrimmageError(f"{len(problems)} recorded file(s) missing or changed; restore them from a backup "
                         "(nothing is removed from the store)")


@admin.command("migrate")
@click.option("--db", "db_url", metavar="URL", help="Database URL (default: the configured store).")
@click.option("--check", is_flag=True, help="Only say whether the schema needs migrating (exit 1 when it does).")
def migrate(db_url, check):
    """Bring the database's schema to this version's (once, with the replicas stopped)."""
    from ..config import Settings
    from ..errors import ScrimmageError
    from ..store import Store, make_engine, revision

    url = Settings.load(database_url=db_url, server="").database_url
    engine = make_engine(url)
    try:
        before = revision.recorded(engine)
    finally:
        engine.dispose()
    was = ", ".join(sorted(before)) or "nothing (a new database)"
    if before == {revision.HEAD}:
        echo(f"the schema is at {revision.HEAD}, this version's: nothing to do")
        return
    if check:
        raise ScrimmageError(f"the schema is at {was}; this version needs {revision.HEAD}: stop the servers that use "
                             "this database, run scrimmage admin migrate, then start them")
    Store(url).engine.dispose()
    echo(f"the schema was at {was}; now at {revision.HEAD}")
