"""``scrimmage users`` and ``scrimmage tokens``: the admin's accounts work, on the arena's own store.

These commands act on the store directly (``--db URL``, else the configured one), as the machine's
operator: run them where the arena runs.
"""

from __future__ import annotations

import csv
from pathlib import Path

import click

from . import cli
from ._output import echo, spreadsheet_cell, table

db_option = click.option("--db", "db_url", metavar="URL", help="Database URL (default: the configured store).")
url_option = click.option("--url", "base_url", metavar="URL",
                          help="The arena's address, for sign-in links (default: config server, else http://127.0.0.1:8000).")


def _admin(db_url: str | None):
    from ..config import Settings
    from ..store import Store
    from ..user_admin import UserAdmin

    return UserAdmin(Store(Settings.load(database_url=db_url).database_url))


def _base(base_url: str | None) -> str:
    from ..config import Settings

    return base_url or Settings.load().server or "http://127.0.0.1:8000"


@cli.group(cls=type(cli))
def users():
    """Enrol users, set roles, suspend accounts (on this machine's arena)."""


@users.command()
@click.argument("name")
@click.option("--email", default="", help="The user's e-mail address.")
@click.option("--role", default="participant", show_default=True, help="participant, host or admin.")
@db_option
@url_option
def add(name, email, role, db_url, base_url):
    """Add the user NAME and print a one-time link that lets them set a password."""
    invite = _admin(db_url).add(name, role, email or None, base_url=_base(base_url))
    echo(f"Added {invite.name} ({invite.role}). Send them this one-time sign-in link (valid 7 days):")
    echo(f"  {invite.link}")


@users.command("import")
@click.argument("roster", type=click.Path(dir_okay=False))
@click.option("-o", "--out", type=click.Path(dir_okay=False), help="Write name,email,role,link to this CSV instead of printing.")
@db_option
@url_option
def import_(roster, out, db_url, base_url):
    """Add every user of ROSTER (a CSV: name, email, role) with a one-time sign-in link each."""
    invites = _admin(db_url).import_roster(roster, base_url=_base(base_url))
    rows = [[i.name, i.email, i.role, i.link] for i in invites]
    if out:
        with open(out, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(["name", "email", "role", "link"])
            writer.writerows([[spreadsheet_cell(v) for v in row] for row in rows])
        echo(f"Added {len(invites)} users; their one-time sign-in links (valid 7 days) are in {Path(out)}")
        return
    table(["name", "email", "role", "link"], rows)
    echo(f"Added {len(invites)} users. Each link works once, for 7 days.")


@users.command()
@click.argument("name")
@db_option
@url_option
def link(name, db_url, base_url):
    """Print a new one-time sign-in link for NAME (a lost link, a forgotten password)."""
    url = _admin(db_url).link(name, base_url=_base(base_url))
    echo(f"A one-time sign-in link for {name} (valid 7 days; it sets a new password):")
    echo(f"  {url}")


@users.command("list")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV instead of a table.")
@db_option
def list_(as_csv, db_url):
    """Every account: name, e-mail, role, status."""
    rows = _admin(db_url).users()
    table(["name", "displayName", "email", "role", "status", "created"],
          [[u.name, u.display_name, u.email, u.role, u.status, u.created_at] for u in rows], as_csv)


@users.command()
@click.argument("name")
@click.argument("role", type=click.Choice(["participant", "host", "admin"]))
@db_option
def role(name, role, db_url):
    """Make NAME a participant, host or admin."""
    who = _admin(db_url).set_role(name, role)
    echo(f"{who} is now {role}")


@users.command()
@click.argument("name")
@db_option
def suspend(name, db_url):
    """Suspend NAME: no more logins; their sessions, tokens and links end. Their submissions stay."""
    who = _admin(db_url).suspend(name, True)
    echo(f"{who} is suspended (undo with: scrimmage users unsuspend {who})")


@users.command()
@click.argument("name")
@db_option
def unsuspend(name, db_url):
    """Let a suspended NAME log in again."""
    who = _admin(db_url).suspend(name, False)
    echo(f"{who} can log in again")


@cli.group(cls=type(cli))
def tokens():
    """API tokens for scripts (on this machine's arena)."""


@tokens.command()
@click.option("--user", "name", required=True, help="The user the token acts as.")
@click.option("--label", default="", help="A label to tell tokens apart.")
@db_option
def create(name, label, db_url):
    """Create an API token for USER and print it (shown once)."""
    token = _admin(db_url).create_token(name, label)
    echo(token)
