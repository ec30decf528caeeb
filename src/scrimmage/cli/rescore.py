"""``scrimmage competitions rescore`` and ``generate``: a host's tools beside the Kaggle verbs."""

from __future__ import annotations

import click

from ..lessons import DEFAULT_ROWS
from ._output import echo, error, progress
from .competitions import arena, competitions, ref_argument
from .lessons import SEED_WARNING


@competitions.command()
@ref_argument
@click.option("--reason", default="", help="Why (kept in the score history), e.g. 'fixed three labels'.")
@click.option("--solution", "solution", type=click.Path(exists=True, dir_okay=False),
              help="A fixed solution.csv to use from now on (checked with the bundle first).")
@click.option("--metric-file", "metric_file", type=click.Path(exists=True, dir_okay=False),
              help="A fixed version of the competition's metric file.")
@click.option("--batch-size", default=200, show_default=True, type=click.IntRange(1, 100_000),
              help="Submissions rescored (and held in memory) per transaction.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def rescore(ref, reason, solution, metric_file, batch_size, quiet):
    """Rescore every submission of REF after fixing its solution.csv or metric (host only).

    Give the fixed files with --solution / --metric-file (or replace them in the
    competition's folder under $SCRIMMAGE_HOME/competitions/REF). Leaderboards change at
    once when every submission is rescored; killed halfway, run it again to finish. Old
    scores stay in the history.
    """
    from pathlib import Path

    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn

    from ..rescoring import rescore as run

    a = arena()
    if not hasattr(a, "store"):
        raise click.UsageError("rescore runs where the arena's store is: on the server's machine, without --server")
    files = {}
    if solution:
        files["solution.csv"] = Path(solution)
    if metric_file:
        name = a.competition(ref, full=False).settings.get("metric_file")
        if not name:
            raise click.UsageError("this competition has no metric file; it uses a built-in metric")
        files[name] = Path(metric_file)
    columns = (TextColumn("Rescoring"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with progress(*columns, quiet=quiet) as bar:
        task = bar.add_task("rescore", total=None)
        report = run(a, ref, reason=reason, batch=batch_size, files=files or None,
                     on_progress=lambda done, total: bar.update(task, completed=done, total=total))
    if report.resumed:
        echo(f"Finished the rescore {report.started_by} started"
             + (f" ({report.reason})" if report.reason else "") + " and that was interrupted.")
    echo(report.summary())


@competitions.command()
@click.argument("kind", metavar="LESSON")
@click.argument("folder", type=click.Path())
@click.option("--rows", "n_rows", type=int, default=DEFAULT_ROWS, show_default=True,
              help="Rows of the lesson (1,000 and up; see `scrimmage lessons list`).")
@click.option("--seed", type=int, help="Draw everything from this seed (default: a fresh secret one).")
@click.option("--ref", help="The competition's ref (default: the folder's name).")
def generate(kind, folder, n_rows, seed, ref):
    """Write the bundle of lesson LESSON into FOLDER, to edit or create (scrimmage competitions create FOLDER).

    LESSON is a trap of `scrimmage lessons list`, e.g. particle-picking (a free-row
    competition). `scrimmage lessons create LESSON` does it all in one go and adds
    the reference scores.
    """
    from .. import lessons

    secret = seed is None
    if secret:  # nobody, the host included, can rebuild the answers from the public files
        from ..solution_store import draw_seed

        seed = draw_seed()
    path = lessons.generate(kind, folder, n_rows=n_rows, seed=seed, ref=ref)
    echo(f"Wrote the {kind} lesson's bundle to {path}; create it with: scrimmage competitions create {path}")
    if not secret:
        error(SEED_WARNING.format(seed=seed))
