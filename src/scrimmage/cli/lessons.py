"""``scrimmage lessons``: generated competitions with a trap to learn from."""

from __future__ import annotations

import click

from ..errors import NotFoundError
from ..lessons import DEFAULT_ROWS
from . import cli
from ._output import echo, error, fmt, table
from .competitions import arena, csv_option


SEED_WARNING = ("Note: with --seed {seed} anyone who knows the seed can rebuild this lesson's answers "
                "(solution.csv); keep it to yourself, or leave --seed out for a secret random one.")


@cli.group(cls=type(cli))
def lessons():
    """Lesson competitions: meet each classic validation trap on purpose."""


@lessons.command("list")
@csv_option
def list_(as_csv):
    """The traps, in teaching order, with the lessons created from them."""
    from .. import lessons as lesson_traps

    created: dict[str, list[str]] = {}
    for comp in arena().list_competitions(tag="lesson"):
        if comp.built:
            for name in lesson_traps.names():
                if name in comp.tags:
                    created.setdefault(name, []).append(comp.ref)
    rows = []
    for trap in lesson_traps.traps():
        spec = lesson_traps.spec(trap.name)
        rows.append([trap.name, trap.title, spec.metric, " ".join(created.get(trap.name, [])), trap.summary])
    table(["trap", "title", "metric", "created", "summary"], rows, as_csv)
    if not as_csv:
        echo("Create one: scrimmage lessons create TRAP [--rows N] [--seed S] [--ref NAME]")


@lessons.command()
@click.argument("trap")
@click.option("--rows", "n_rows", type=int, default=DEFAULT_ROWS, show_default=True,
              help="Rows of train.csv and test.csv together (particle-picking: of candidates.csv), 1,000 and up.")
@click.option("--seed", type=int, default=None,
              help="Rebuild the same data (for reproducible material); anyone who knows the seed can rebuild the "
                   "answers too. Default: a secret random seed.")
@click.option("--ref", help="The competition's short name (default: lesson-TRAP).")
@click.option("--no-references", is_flag=True, help="Skip fitting the reference pipelines (quicker for huge lessons).")
def create(trap, n_rows, seed, ref, no_references):
    """Generate lesson TRAP and register it as a competition you host."""
    from .. import lessons as lesson_traps
    from ..references import from_settings

    def step(name: str) -> None:
        if name == "generate":
            error(f"Generating {n_rows:,} rows of the {trap} lesson "
                  + (f"(seed {seed})..." if seed is not None else "(secret random seed)..."))
        elif name.startswith("reference "):
            error(f"Fitting and scoring the reference pipeline: {name.split(' ', 1)[1]}")

    comp = lesson_traps.create(arena(), trap, n_rows, seed, ref, references=not no_references, on_step=step)
    if seed is not None:
        error(SEED_WARNING.format(seed=seed))
    direction = "higher is better" if comp.greater_is_better else "lower is better"
    echo(f"Created lesson {comp.ref}: {comp.title} (metric {comp.metric}, {direction})")
    refs = from_settings(comp.settings)
    if refs:
        echo("Reference scores to beat (public): " + ", ".join(f"{r.label} {fmt(r.public)}" for r in refs))
    echo(f"Read the story:       scrimmage lessons show {comp.ref}")
    echo(f"Download the data:    scrimmage competitions download {comp.ref} -p {comp.ref}")
    echo(f"You host it: `scrimmage competitions close {comp.ref}` ends it and reveals the private "
         "leaderboard and the post-mortem.")


@lessons.command()
@click.argument("ref", required=False)
def show(ref):
    """The story and data of lesson REF; after it closes, the post-mortem."""
    from ..references import from_settings

    comp = arena().competition(ref)
    if "lesson" not in comp.tags:
        raise NotFoundError(f"{comp.ref!r} is not a lesson; the lessons are listed by `scrimmage lessons list`")
    echo(click.style(comp.title, bold=True) + f"   ({comp.ref}, metric {comp.metric})")
    echo("")
    echo(comp.story.rstrip())
    data = (comp.settings.get("data") or "").rstrip()
    if data:
        echo("")
        echo("## Data")
        echo("")
        echo(data)
    refs = from_settings(comp.settings)
    if refs:
        echo("")
        echo("## Reference scores")
        echo("")
        for r in refs:
            echo(f"- {r.label}: public {fmt(r.public)}" + (f" (private {fmt(r.private)})" if comp.closed else "")
                 + (f"; {r.model}" if r.model else ""))
    if comp.post_mortem:  # the story's ending: after the data and the references
        echo("")
        echo(comp.post_mortem)
    if not comp.closed:
        echo("")
        echo(f"The post-mortem is revealed when the competition closes: scrimmage competitions close {comp.ref} "
             "(its host)")
