"""``scrimmage score``: score a file against a solution, for hosts testing a metric."""

from __future__ import annotations

import json
from pathlib import Path

import click

from . import cli


@cli.command()
@click.option("--solution", required=True, type=click.Path(), help="solution.csv (id, target(s), optional Usage).")
@click.option("--submission", required=True, type=click.Path(), help="The submission file to score.")
@click.option("--metric", "metric_name", help="Metric name (see `scrimmage metrics`).")
@click.option("--metric-file", type=click.Path(), help="A Kaggle-contract metric file instead of --metric.")
@click.option("--greater-is-better/--lower-is-better", default=True, help="Direction, with --metric-file.")
@click.option("--id-column", help="The id column (default: the solution's first column).")
@click.option("--public-fraction", default=0.25, show_default=True, help="Public share when the solution has no Usage.")
@click.option("--seed", default=0, show_default=True, help="Seed of that split.")
@click.option("--kwarg", "kwargs", multiple=True, metavar="KEY=VALUE", help="Extra metric argument (repeatable).")
def score(solution, submission, metric_name, metric_file, greater_is_better, id_column, public_fraction, seed, kwargs):
    """Print {"public": x, "private": y} for SUBMISSION scored against SOLUTION."""
    from ..errors import ScoringError, ScrimmageError
    from ..scoring import score_file
    from ..standalone import load_solution, resolve_metric

    if bool(metric_name) == bool(metric_file):
        raise ScrimmageError("give exactly one of --metric NAME or --metric-file FILE")
    for p in (solution, submission):
        if not Path(p).is_file():
            raise ScrimmageError(f"no file at {p}")
    metric = resolve_metric(metric_name, metric_file, greater_is_better)
    sol = load_solution(Path(solution), Path(submission), metric, id_column, public_fraction, seed)
    extra = {}
    for kv in kwargs:
        key, _, raw = kv.partition("=")
        extra[key] = json.loads(raw) if raw[:1] in "0123456789-[{tf\"" else raw
    try:
        if getattr(metric, "free_rows", False):  # any number of rows per id, checked and scored as the arena does
            from ..freerows import score_file as score_free_file

            scores = score_free_file(submission, sol, metric, extra, float("inf"), max_rows_per_id=float("inf"))
        else:
            scores, _ = score_file(submission, sol, metric, extra, limit_mb=float("inf"))
    except ScoringError as exc:
        if metric_file and exc.host_detail:  # whoever runs this is the metric's host: say what it raised
            raise ScoringError(f"{exc.message}. What the metric file raised (for its host):\n"
                               f"{exc.host_detail.rstrip()}") from None
        raise
    click.echo(json.dumps(scores.as_dict()))
