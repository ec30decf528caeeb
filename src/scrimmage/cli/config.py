"""``scrimmage config``: settings kept in $SCRIMMAGE_HOME/config.toml."""

from __future__ import annotations

import click

from . import cli
from ._output import echo, table


@cli.group()
def config():
    """Show and change settings (user, default competition, database, server)."""


@config.command("set")
@click.argument("key", metavar="KEY")
@click.argument("value")
def set_(key, value):
    """Set KEY (user, competition, database_url, server, token) to VALUE."""
    from ..config import write_value

    path = write_value(key, value)
    echo(f"{key} = {value!r} (saved in {path})")


@config.command()
@click.argument("key")
def unset(key):
    """Remove KEY from the config file."""
    from ..config import write_value

    write_value(key, None)
    echo(f"{key} unset")


@config.command("view")
def view():
    """Show every setting and where it comes from."""
    import os

    from ..config import ENV, KEYS, Settings, home, read_file

    settings = Settings.load()
    stored = read_file()
    rows = []
    for key, meaning in KEYS.items():
        value = getattr(settings, key, None)
        if key == "token" and value:
            value = value[:4] + "..."
        source = f"${ENV[key]}" if os.environ.get(ENV[key]) else "config file" if key in stored else "default"
        rows.append([key, value or "", source, meaning])
    table(["setting", "value", "from", "meaning"], rows, title=f"SCRIMMAGE_HOME = {home()}")
