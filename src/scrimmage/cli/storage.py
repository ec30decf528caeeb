"""``scrimmage storage``: where the arena keeps its files, and moving them to an object store."""

from __future__ import annotations

import click

from . import cli
from ._output import echo, error, progress


@cli.group()
def storage():
    """Where the arena keeps its files (the setting storage_url)."""


@storage.command()
@click.option("--to", "url", required=True, metavar="URL",
              help="The store to copy into: s3://BUCKET/PREFIX?endpoint=URL (or file:///PATH).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def migrate(url, quiet):
    """Copy this arena's files into another store, verified by SHA-256, then use it (nothing is removed)."""
    from rich.progress import BarColumn, DownloadColumn, TextColumn, TimeRemainingColumn

    from ..config import Settings, write_value
    from ..errors import ScrimmageError
    from ..arena import Arena
    from ..storage import open_storage
    from ..storage.migrate import journal_path, links
    from ..storage.migrate import migrate as copy_all
    from ..stored_files import check

    here = Arena(Settings.load(server=""))
    target = open_storage(url, here.settings.home)
    missing_before = {(p.competition, p.what) for p in check(here)}
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeRemainingColumn())
    with progress(*columns, quiet=quiet) as bar:
        task = bar.add_task("Copying", total=None)

        def advance(done, total, key):
            bar.update(task, completed=done, total=total, description=f"Copying {key.rsplit('/', 1)[-1][:40]}")

        done = copy_all(here.objects, target, journal_path(here.settings.home, target), advance)
    there = Arena(Settings.load(server="", storage_url=url))
    lost = [p for p in check(there) if (p.competition, p.what) not in missing_before]
    if lost:
        raise ScrimmageError(f"{len(lost)} recorded file(s) are not in {target.describe()} after the copy; "
                             "storage_url was not changed: run the command again",
                             [f"{p.competition}: {p.what} ({p.path})" for p in lost])
    config = write_value("storage_url", url, here.settings.home)
    echo(f"{done.files} file(s), {done.bytes:,} bytes, in {done.target}: {done.copied} copied now, "
         f"{done.verified_before} there already; each one read back and checked by SHA-256")
    echo(f"storage_url = {url} is set in {config}; nothing was removed from {here.objects.describe()}")
    echo("Every server of this arena needs the same storage_url (or SCRIMMAGE_STORAGE_URL) and the store's "
         "credentials in its environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).")
    skipped = links(here.objects)
    if skipped:
        error(f"warning: {len(skipped)} link(s) under the arena's folders were not copied (a link may point outside "
              f"the home): {', '.join(skipped)}")
    if missing_before:
        error(f"{len(missing_before)} recorded file(s) were already missing from the source; "
              "`scrimmage admin check-files` lists them")
    if Settings.load(server="").storage_url != url:
        error("the environment's SCRIMMAGE_STORAGE_URL wins over the file: set it to the same URL")
