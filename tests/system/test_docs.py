"""Docs are checked: every CLI command has a section in docs/cli.md."""

from pathlib import Path

import click

from scrimmage.cli import _register, cli

DOCS = Path(__file__).resolve().parents[2] / "docs"


def command_paths(group: click.Group, prefix: str = "scrimmage"):
    for name, cmd in group.commands.items():
        path = f"{prefix} {name}"
        if isinstance(cmd, click.Group):
            yield from command_paths(cmd, path)
        else:
            yield path


def test_every_command_is_documented():
    _register()
    text = (DOCS / "cli.md").read_text()
    headings = {line[3:].strip() for line in text.splitlines() if line.startswith("## ")}
    paths = set(command_paths(cli))
    assert paths - headings == set(), "commands missing from docs/cli.md"
    assert headings - paths == set(), "docs/cli.md documents commands that do not exist"


def test_the_table_of_bundle_keys_is_the_settings_model():
    from scrimmage.competition_settings import markdown_table

    text = (DOCS / "competition-format.md").read_text()
    assert markdown_table() in text, (
        "docs/competition-format.md's table of keys differs from scrimmage.competition_settings.Settings: "
        "regenerate it with python -c 'from scrimmage.competition_settings import markdown_table; "
        "print(markdown_table())' and paste it in place of the table")


def test_every_bundle_key_is_documented():
    from scrimmage.competition_settings import KEYS

    text = (DOCS / "competition-format.md").read_text()
    assert [k for k in KEYS if f"| `{k}` |" not in text] == []
