"""``scrimmage tracks``: ordered paths through the catalogue and the lessons."""

from __future__ import annotations

import click

from . import cli
from ._output import echo, table
from .competitions import arena, csv_option


@cli.group(cls=type(cli), invoke_without_command=True)
@click.pass_context
def tracks(ctx):
    """Learning tracks: reproduce a reference score, then apply the technique elsewhere."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(list_)


@tracks.command("list")
@csv_option
def list_(as_csv=False):
    """Every track, its steps and how far you are."""
    from .. import tracks as learning

    a = arena()
    rows = []
    for track in learning.tracks():
        done = sum(p.done for p in learning.progress(a, track))
        rows.append([track.name, track.title, " -> ".join(s.label for s in track.steps),
                     f"{done}/{len(track.steps)}"])
    table(["name", "title", "steps", "done"], rows, as_csv)
    if not as_csv:
        echo("Follow one: scrimmage tracks show NAME")


@tracks.command()
@click.argument("name")
@csv_option
def show(name, as_csv):
    """The steps of track NAME with your progress: the reference scores you have beaten."""
    from .. import tracks as learning

    track = learning.get(name)
    steps = learning.progress(arena(), track)
    rows = [[p.number, p.ref or f"(not created: lesson {p.step.trap})", p.step.technique,
             p.step.goal_label, p.goal_score, p.best, p.submissions,
             ", ".join(p.beaten) if p.created else "", "yes" if p.done else "no"] for p in steps]
    cols = ["step", "competition", "technique", "goal", "goalScore", "bestScore", "submissions", "beaten", "done"]
    if as_csv:
        table(cols, rows, as_csv=True)
        return
    echo(click.style(track.title, bold=True) + f"   ({track.name})")
    echo(track.summary)
    echo("A step is done when your best public score beats its goal: the simple model (and the constant "
         "baseline), or every reference.")
    table(cols, rows)
    todo = next((p for p in steps if not p.done), None)
    if todo is None:
        echo("Track complete: every goal beaten. Another one: scrimmage tracks list")
    else:
        echo(f"Next (step {todo.number}, {todo.step.label}): {todo.next_command()}")
