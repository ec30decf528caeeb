"""The ``scrimmage`` command: thin; it parses, calls the Arena and prints."""

from __future__ import annotations

import sys
import traceback

import click

from ..errors import ScrimmageError, StorageError
from ._output import error

ALIASES = {"c": "competitions"}


class AliasGroup(click.Group):
    """A group whose commands also answer to short aliases (``c`` = ``competitions``)."""

    aliases: dict[str, str] = ALIASES

    def get_command(self, ctx, cmd_name):
        return super().get_command(ctx, self.aliases.get(cmd_name, cmd_name))

    def resolve_command(self, ctx, args):
        name, cmd, rest = super().resolve_command(ctx, args)
        return (cmd.name if cmd else name), cmd, rest


@click.group(cls=AliasGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")
@click.option("--server", metavar="URL", help="Talk to the arena server at URL (default: config server, else local).")
@click.version_option(package_name="scrimmage")
@click.pass_context
def cli(ctx, debug, server):
    """scrimmage: Kaggle-style practice competitions, self-hosted."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    ctx.obj["server"] = server


def _register() -> None:
    from . import (catalogue, coach, competitions, config, discussion, kernels, lessons, metrics, profile,  # noqa: F401
                   quickstart, rescore, score, serve, tracks, users)
    from . import admin, storage  # noqa: F401


def main(argv: list[str] | None = None) -> None:
    _register()
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        cli.main(args=args, prog_name="scrimmage", standalone_mode=False)
    except click.exceptions.Abort:
        error("aborted")
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except ScrimmageError as exc:
        if debug:
            traceback.print_exc()
        shown = exc.detail if isinstance(exc, StorageError) else str(exc)  # whoever runs it may see where files are
        for line in shown.splitlines():
            error(f"error: {line.strip()}" if not line.startswith("  - ") else line)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        error("interrupted")
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - never a traceback unless --debug
        if debug:
            traceback.print_exc()
        else:
            error(f"error: unexpected {type(exc).__name__}: {exc} (rerun with --debug for the traceback)")
        sys.exit(2)
    sys.exit(0)
